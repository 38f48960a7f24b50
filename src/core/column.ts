// A long, mostly growing sequence kept as frozen leaves of 64 elements and a short tail, so that saved states share its leaves and a restore moves whole leaves, not elements.
//
// The checkers and the brokers keep tables that grow by one element per entry, publish or acknowledgement
// (60,000 elements each in a 10-minute run at 100 publishes/s). As plain arrays, each cost its
// elements twice: once in the live array (with up to half again of spare room) and once in the
// frozen leaves the saved states copy it into (src/sim/snapshot.ts). Here the live storage *is*
// those leaves: a saved state keeps the array of leaves (64 times shorter) and shares every full
// leaf, and a restore writes back leaf references, so seeking across a long run costs 1/64 of the
// elements it moves. Columns that hold the same elements can share their leaves (see LeafPool).
import { appendOnly, epochOf, lowestChangeSince, shrunk } from './appendOnly';

/** Elements per leaf (the saved states' own leaf size, so a leaf saved elsewhere can be this one). */
const LEAF = 64;
const SHIFT = 6;
const MASK = LEAF - 1;

/**
 * The full leaves most recently made by the columns that use this pool: a column that completes a
 * leaf equal to one of them takes that one instead (the five nodes' copies of one log, which grow
 * nearly in step, then cost one set of leaves). Only the latest few are remembered, so what the
 * pool keeps alive stays bounded however long the run and however often it is rewound and replayed
 * (a replay makes new entry objects: its leaves equal none made before). A cache, not state: which
 * of two equal frozen leaves a column holds makes no difference to what it reads.
 */
export class LeafPool {
  /** An equal leaf made recently, or `leaf` itself (remembered). */
  readonly intern: <T>(leaf: readonly T[]) => readonly T[];

  constructor(recent: number) {
    // Held in a closure and the object frozen: saved states share the pool as it is and never walk it.
    const ring: Array<readonly unknown[]> = [];
    let next = 0;
    this.intern = <T>(leaf: readonly T[]): readonly T[] => {
      for (let i = 0; i < ring.length; i++) if (sameLeaf(ring[i], leaf)) return ring[i] as readonly T[];
      ring[next] = leaf;
      next = (next + 1) % recent;
      return leaf;
    };
    Object.freeze(this);
  }
}

/**
 * The pool of the columns that hold the run's log entries and publish commands: the checker's copies
 * of the nodes' logs, the nodes' topic stores and the messaging checker's record of what was stored
 * at each offset grow by the same objects at nearly the same time.
 */
export const recentLeaves = new LeafPool(32);

function sameLeaf(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length || a[0] !== b[0] || a[a.length - 1] !== b[b.length - 1]) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export class Column<T> {
  /** Full leaves, frozen: leaf j holds elements 64j … 64j + 63. Grows at its end; other changes are announced (appendOnly). */
  private readonly full: Array<readonly T[]> = appendOnly([]);
  /** The elements after the last full leaf (fewer than 64). */
  private readonly tail: T[] = [];

  /** `pool`: share full leaves with other columns that use it (their elements must be immutable). */
  constructor(private readonly pool?: LeafPool) {}

  get length(): number {
    return (this.full.length << SHIFT) + this.tail.length;
  }

  /** Element i (undefined when i is outside 0 … length - 1). */
  at(i: number): T | undefined {
    const j = i >> SHIFT;
    const full = this.full;
    if (j < full.length) return i < 0 ? undefined : full[j][i & MASK];
    return this.tail[i - (full.length << SHIFT)];
  }

  /** Elements from … to - 1 (clamped to the column), as a new array: what `Array.prototype.slice` gives for non-negative bounds. */
  slice(from: number, to: number = this.length): T[] {
    const n = this.length;
    const end = Math.min(to, n);
    const out: T[] = [];
    const full = this.full;
    const inFull = full.length << SHIFT;
    let i = Math.max(0, from);
    for (; i < end && i < inFull; i++) out.push(full[i >> SHIFT][i & MASK]);
    const tail = this.tail;
    for (; i < end; i++) out.push(tail[i - inFull]);
    return out;
  }

  /** Position of the first element === v at `from` or after, or -1. */
  indexOf(v: T, from = 0): number {
    const full = this.full;
    const inFull = full.length << SHIFT;
    let i = Math.max(0, from);
    for (; i < inFull; i = (i | MASK) + 1) {
      const k = full[i >> SHIFT].indexOf(v, i & MASK);
      if (k >= 0) return (i & ~MASK) + k;
    }
    const k = this.tail.indexOf(v, i - inFull);
    return k < 0 ? -1 : inFull + k;
  }

  /** Full leaves: elements 0 … 64 × leafCount - 1 sit in frozen leaves, the rest in the tail. */
  get leafCount(): number {
    return this.full.length;
  }

  /** Full leaf j (frozen; the same object for as long as those 64 elements stay), or undefined. */
  leaf(j: number): readonly T[] | undefined {
    return this.full[j];
  }

  /**
   * A count of the changes to the full leaves other than growth (a cut, a set, or a restore that
   * rewrote some): a cache over the leaves compares it, and asks changedSince from where. The tail is
   * not covered: a restore writes it back without a sign (a fork with the same full leaves can
   * differ in its tail alone), so a cache must check what it reads there.
   */
  get changes(): number {
    return epochOf(this.full)!;
  }

  /** Lowest position of a full leaf changed other than by growth since `changes` was `since` (Infinity: none). */
  changedSince(since: number): number {
    return lowestChangeSince(this.full, since) * LEAF;
  }

  /** The last element (undefined when empty). */
  last(): T | undefined {
    return this.at(this.length - 1);
  }

  push(v: T): void {
    const tail = this.tail;
    tail.push(v);
    if (tail.length === LEAF) {
      const leaf = Object.freeze(tail.slice());
      this.full.push(this.pool === undefined ? leaf : this.pool.intern(leaf));
      tail.length = 0;
    }
  }

  /** Puts `v` at i: past the end, the positions between are filled with undefined. */
  set(i: number, v: T): void {
    if (!Number.isSafeInteger(i) || i < 0) throw new RangeError(`Column.set: bad index ${i}`);
    const n = this.length;
    if (i >= n) {
      for (let k = n; k < i; k++) this.push(undefined as T);
      this.push(v);
      return;
    }
    const j = i >> SHIFT;
    if (j < this.full.length) {
      // A frozen leaf is copied with the one element changed.
      const copy = this.full[j].slice();
      copy[i & MASK] = v;
      this.full[j] = Object.freeze(copy);
      shrunk(this.full, j);
    } else this.tail[i - (this.full.length << SHIFT)] = v;
  }

  /** Keeps the first n elements (none when n <= 0). */
  truncate(n: number): void {
    if (n >= this.length) return;
    n = Math.max(0, Math.floor(n));
    const j = n >> SHIFT;
    const full = this.full;
    if (j < full.length) {
      const keep = full[j].slice(0, n & MASK);
      full.length = j;
      shrunk(full, j);
      this.tail.length = 0;
      for (const v of keep) this.tail.push(v);
    } else this.tail.length = n - (full.length << SHIFT);
  }

  /** Drops the first n elements (a compacted log's prefix): the rest is rebuilt, so this costs its length. */
  dropFront(n: number): void {
    if (n <= 0) return;
    const rest = this.toArray().slice(n);
    this.full.length = 0;
    shrunk(this.full, 0);
    this.tail.length = 0;
    for (const v of rest) this.push(v);
  }

  /** A column of the same elements that shares this one's full leaves (they are immutable). */
  copy(): Column<T> {
    const c = new Column<T>(this.pool);
    for (const leaf of this.full) c.full.push(leaf);
    for (const v of this.tail) c.tail.push(v);
    return c;
  }

  /** A copy of the elements (tests, rare rebuilds). */
  toArray(): T[] {
    const out: T[] = [];
    for (const leaf of this.full) for (const v of leaf) out.push(v);
    for (const v of this.tail) out.push(v);
    return out;
  }
}
