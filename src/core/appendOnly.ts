// Marks for long, mostly growing collections (logs, stores, checker tables), so that snapshots need not rescan them.
//
// A collection marked with `appendOnly` promises: elements only ever get added at its end (push;
// Map/Set insertions of new keys), and every other change (truncation, an element or value
// replaced, a delete, a splice) is announced with `shrunk(collection, index)`, where `index` is the
// lowest position that changed (0 when unsure). Its elements must be immutable (frozen objects or
// primitives). A snapshot then compares only what came after the part it already saved.

interface Changes {
  /** Changes announced so far; a snapshot remembers this count. */
  epoch: number;
  /** Lowest position each change touched, by epoch. */
  lows: number[];
  /** Whether a cache over it wants to know the leaves restores write (see restoredFrom). */
  wantsLeaves?: boolean;
  /** The frozen leaves (of 64 elements, the last possibly fewer) a saved state last wrote it from, in order, and the epoch they hold for. */
  leaves?: ReadonlyArray<readonly unknown[]>;
  leavesEpoch?: number;
}

const marked = new WeakMap<object, Changes>();

/** Marks `c` as growing at its end only (see the file comment); returns it. */
export function appendOnly<T extends object>(c: T): T {
  // Every field from the start: one object shape for all (its readers stay monomorphic when a restore records leaves).
  if (!marked.has(c)) marked.set(c, { epoch: 0, lows: [], wantsLeaves: false, leaves: undefined, leavesEpoch: -1 });
  return c;
}

/** Announces that a marked collection changed other than by growing, from position `index` on. */
export function shrunk(c: object, index: number): void {
  const m = marked.get(c);
  if (m === undefined) return;
  m.lows.push(Math.max(0, index));
  m.epoch++;
}

/** The change count of a marked collection (undefined when it is not marked). */
export function epochOf(c: object): number | undefined {
  return marked.get(c)?.epoch;
}

/** The lowest position changed since `epoch` (Infinity when nothing changed but growth). */
export function lowestChangeSince(c: object, epoch: number): number {
  const m = marked.get(c);
  if (m === undefined) return 0;
  let low = Infinity;
  for (let e = epoch; e < m.lows.length; e++) if (m.lows[e] < low) low = m.lows[e];
  return low;
}

/**
 * Records that a marked collection now holds exactly the elements of `leaves` (a saved state's
 * chunks of 64, in order) at their start. Valid until its next announced change: caches over it
 * (AppendIndex) skip re-reading leaves they have already read at the same place.
 */
export function restoredFrom(c: object, leaves: ReadonlyArray<readonly unknown[]>): void {
  const m = marked.get(c);
  // Kept only where asked for: they hold a saved state's leaves alive after it is dropped.
  if (m === undefined || m.wantsLeaves !== true) return;
  m.leaves = leaves;
  m.leavesEpoch = m.epoch;
}

/** Marks `c` (and marks it appendOnly) as one whose restores record their leaves (see restoredFrom); returns it. */
export function withLeaves<T extends object>(c: T): T {
  appendOnly(c);
  marked.get(c)!.wantsLeaves = true;
  return c;
}

/** Whether restores of `c` record their leaves (it was marked withLeaves). */
export function keepsLeaves(c: object): boolean {
  return marked.get(c)?.wantsLeaves === true;
}

/** The leaves a marked collection was last restored from, if it changed only by growing since (see restoredFrom). */
export function leavesOf(c: object): ReadonlyArray<readonly unknown[]> | undefined {
  const m = marked.get(c);
  return m !== undefined && m.leavesEpoch === m.epoch ? m.leaves : undefined;
}
