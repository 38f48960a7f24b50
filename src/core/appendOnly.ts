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
}

const marked = new WeakMap<object, Changes>();

/** Marks `c` as growing at its end only (see the file comment); returns it. */
export function appendOnly<T extends object>(c: T): T {
  if (!marked.has(c)) marked.set(c, { epoch: 0, lows: [] });
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
