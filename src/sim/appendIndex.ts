// A lookup table that only ever gains keys, kept as two Columns (state) and a Map over them (a cache), so that saved states restore it in O(change / 64), not O(size).
//
// A large Map or Set in a cluster's state costs every restore a walk of all its entries (a Map
// cannot be cut at a position). Checkers' tables that only add keys (first offset of an id, the
// first prefix hash of an (index, term), every published message) live here instead: the keys and
// values are Columns (src/core/column.ts), frozen leaves of 64 and a short tail, so a restore writes
// back leaf references, not elements (a far seek at 100 publishes/s restored 60,000 keys and as
// many values, about 1.4 ms each as plain arrays). The Map from key to position is left out of saved
// states and trusted only where the columns still agree with it: a position it gives is checked
// against the key held there, the full leaves it covers are counted again from the lowest one a
// restore announced changed, and a key it misses is looked for in the tail, which a restore rewrites
// without a sign. A leaf already mapped at the same place (the same run, restored backward and
// forward again) is not read again, so seeking back and forth across a long run does not re-index it.
import { Column } from '../core/column';
import { notSnapshotted } from './snapshot';

interface Cache<K> {
  /** key → its position in `keys` (possibly stale: checked against the columns on every read). */
  readonly at: Map<K, number>;
  /** Full leaves of `keys` whose every key `at` maps to its position. */
  leaves: number;
  /** `keys.changes` when `leaves` was last checked. */
  changes: number;
  /**
   * By leaf number: the leaf whose keys `at` maps to exactly those positions (cleared when one of
   * them is mapped elsewhere since), so that a leaf restored at the same place is not read again.
   */
  readonly leafAt: Array<readonly unknown[] | undefined>;
  /** What `find` last read from `at` (a position, possibly stale), for `add`. */
  seen: number | undefined;
}

/** Elements per leaf of a Column. */
const LEAF = 64;

export class AppendIndex<K, V = never> {
  private readonly keys = new Column<K>();
  /** Values by position (null for a set of keys alone). */
  private readonly vals: Column<V> | null;
  private readonly cache: Cache<K> = notSnapshotted({ at: new Map<K, number>(), leaves: 0, changes: 0, leafAt: [], seen: undefined });

  /** `values`: false for a set of keys alone. */
  constructor(values = true) {
    this.vals = values ? new Column<V>() : null;
  }

  get size(): number {
    return this.keys.length;
  }

  /** Position of `k`, or -1. */
  private find(k: K): number {
    const keys = this.keys;
    const c = this.cache;
    const changes = keys.changes;
    if (changes !== c.changes) {
      // Restored (or cut) since: the leaves from the lowest one changed are mapped again.
      const low = Math.floor(keys.changedSince(c.changes) / LEAF);
      if (low < c.leaves) c.leaves = low;
      c.changes = changes;
    }
    if (c.leaves !== keys.leafCount) this.index(c);
    const p = c.at.get(k);
    c.seen = p;
    if (p !== undefined && p < keys.length && keys.at(p) === k) return p;
    // Every key of a full leaf is mapped to its place: a key missed is in the tail or nowhere. The
    // tail (under 64 keys) is searched, not trusted: a restore may have rewritten it alone.
    const t = keys.indexOf(k, keys.leafCount * LEAF);
    if (t >= 0) {
      // A key mapped elsewhere before: the leaf that held it there is no longer mapped whole.
      if (p !== undefined) c.leafAt[Math.floor(p / LEAF)] = undefined;
      c.at.set(k, t);
      c.seen = t;
    }
    return t;
  }

  /** Maps the keys of the full leaves from `c.leaves` on, skipping leaves already mapped at the same place. */
  private index(c: Cache<K>): void {
    const keys = this.keys;
    const n = keys.leafCount;
    const at = c.at;
    for (let j = c.leaves; j < n; j++) {
      const leaf = keys.leaf(j)!;
      if (c.leafAt[j] === leaf) continue;
      const base = j * LEAF;
      for (let i = 0; i < LEAF; i++) {
        const k = leaf[i];
        const p = at.get(k);
        if (p !== base + i) {
          if (p !== undefined) c.leafAt[Math.floor(p / LEAF)] = undefined;
          at.set(k, base + i);
        }
      }
      c.leafAt[j] = leaf;
    }
    c.leaves = n;
  }

  has(k: K): boolean {
    return this.find(k) >= 0;
  }

  get(k: K): V | undefined {
    const p = this.find(k);
    return p < 0 || this.vals === null ? undefined : this.vals.at(p);
  }

  /** Adds `k` (with `v`) unless it is there already; returns whether it was added. */
  add(k: K, v?: V): boolean {
    if (this.find(k) >= 0) return false;
    const c = this.cache;
    const was = c.seen;
    if (was !== undefined) c.leafAt[Math.floor(was / LEAF)] = undefined;
    c.at.set(k, this.keys.length);
    // A leaf this completes is mapped by the next lookup (its keys are read once more, at no change).
    this.keys.push(k);
    this.vals?.push(v as V);
    return true;
  }
}
