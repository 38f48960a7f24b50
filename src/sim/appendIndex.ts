// A lookup table that only ever gains keys, kept as two growing arrays (state) and a Map over them (a cache), so that saved states restore it in O(change), not O(size).
//
// A large Map or Set in a cluster's state costs every restore a walk of all its entries (a Map
// cannot be cut at a position). Checkers' tables that only add keys (first offset of an id, the
// first prefix hash of an (index, term), every published message) live here instead: the keys and
// values are appendOnly arrays, which a restore truncates or extends at their end; the Map from key
// to position is left out of saved states and trusted only where the arrays still agree with it.
// A restore hands the keys back as the saved state's frozen leaves: a leaf already read at the same
// place (the same run, restored backward and forward again) is not read again, so seeking back and
// forth across a long run does not re-index it each time.
import { appendOnly, epochOf, leavesOf, lowestChangeSince, withLeaves } from '../core/appendOnly';
import { notSnapshotted } from './snapshot';

interface Cache<K> {
  /** key → its position in `keys` (possibly stale: checked against the arrays on every read). */
  readonly at: Map<K, number>;
  /** Positions below this are in `at`. */
  indexed: number;
  /** The keys array's change count when `indexed` was last checked. */
  epoch: number;
  /**
   * By chunk of 64 positions: the restored leaf whose keys `at` maps to exactly those positions
   * (cleared when one of them is mapped elsewhere since).
   */
  readonly leafAt: Array<readonly unknown[] | undefined>;
  /** What `find` last read from `at` (a position, possibly stale), for `add`. */
  seen: number | undefined;
}

/** Elements per leaf of a saved state (src/sim/snapshot.ts CHUNK). */
const LEAF = 64;

export class AppendIndex<K, V = never> {
  private readonly keys: K[] = withLeaves([]);
  /** Values by position (null for a set of keys alone). */
  private readonly vals: V[] | null;
  private readonly cache: Cache<K> = notSnapshotted({ at: new Map<K, number>(), indexed: 0, epoch: 0, leafAt: [], seen: undefined });

  /** `values`: false for a set of keys alone. */
  constructor(values = true) {
    this.vals = values ? appendOnly([]) : null;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Position of `k`, or -1. */
  private find(k: K): number {
    const keys = this.keys;
    const c = this.cache;
    const epoch = epochOf(keys)!;
    if (epoch !== c.epoch) {
      // Restored (or cut) since: what changed from `low` on is indexed again.
      const low = lowestChangeSince(keys, c.epoch);
      if (low < c.indexed) c.indexed = low;
      c.epoch = epoch;
    }
    if (c.indexed < keys.length) this.index(c);
    const p = c.at.get(k);
    c.seen = p;
    return p !== undefined && p < keys.length && keys[p] === k ? p : -1;
  }

  /** Maps the keys from `c.indexed` on, skipping leaves already mapped at the same place. */
  private index(c: Cache<K>): void {
    const keys = this.keys;
    const n = keys.length;
    const at = c.at;
    const leaves = leavesOf(keys);
    let i = c.indexed;
    while (i < n) {
      const chunk = i / LEAF;
      const leaf = leaves?.[Math.floor(chunk)];
      const whole = leaf !== undefined && leaf.length === LEAF && (Math.floor(chunk) + 1) * LEAF <= n;
      if (whole && chunk === Math.floor(chunk) && c.leafAt[chunk] === leaf) {
        i += LEAF;
        continue;
      }
      const end = Math.min(n, (Math.floor(chunk) + 1) * LEAF);
      for (; i < end; i++) {
        const k = keys[i];
        const p = at.get(k);
        if (p !== i) {
          // A key mapped elsewhere before: the leaf that held it there is no longer mapped whole.
          if (p !== undefined) c.leafAt[Math.floor(p / LEAF)] = undefined;
          at.set(k, i);
        }
      }
      if (whole) c.leafAt[Math.floor(chunk)] = leaf;
    }
    c.indexed = n;
  }

  has(k: K): boolean {
    return this.find(k) >= 0;
  }

  get(k: K): V | undefined {
    const p = this.find(k);
    return p < 0 || this.vals === null ? undefined : this.vals[p];
  }

  /** Adds `k` (with `v`) unless it is there already; returns whether it was added. */
  add(k: K, v?: V): boolean {
    if (this.find(k) >= 0) return false;
    const c = this.cache;
    const was = c.seen;
    if (was !== undefined) c.leafAt[Math.floor(was / LEAF)] = undefined;
    c.at.set(k, this.keys.length);
    this.keys.push(k);
    this.vals?.push(v as V);
    c.indexed = this.keys.length;
    return true;
  }
}
