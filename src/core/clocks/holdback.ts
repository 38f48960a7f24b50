// Bounded-reordering hold-back buffer: holds messages until they are maxDelayMs old, then releases them in (correctedTs, lamport, id) order.
//
// Times are on ONE clock, the holding node's corrected clock: `correctedTs` is the stamp the message
// carries and `nowMs` is the holder's corrected reading. A host that drives release by timers
// converts `nextReleaseAt()` to virtual time with PhysicalClock.trueTimeAt(at − correctionMs); when
// the clock or the correction changes, a timer may fire early (release returns nothing; schedule
// again) or late (items wait longer), never wrongly ordered.

export interface HoldbackItem<P = unknown> {
  readonly correctedTs: number;
  readonly lamport: number;
  readonly id: string;
  readonly payload: P;
}

/** Total order of release: corrected timestamp, then Lamport stamp, then id (code-unit order). */
export function compareItems(a: HoldbackItem, b: HoldbackItem): number {
  if (a.correctedTs !== b.correctedTs) return a.correctedTs < b.correctedTs ? -1 : 1;
  if (a.lamport !== b.lamport) return a.lamport < b.lamport ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class HoldbackBuffer<P = unknown> {
  readonly maxDelayMs: number;
  /** Binary min-heap in release order. Invariant: heap[i] ≤ heap[2i+1], heap[2i+2]. */
  private readonly heap: HoldbackItem<P>[] = [];
  /** The last item released (the greatest so far); an arrival ordered before it is late. */
  private last: HoldbackItem<P> | undefined = undefined;
  /** Items reported late by `add` since creation. */
  lateCount = 0;
  /** Items handed out by `release` since creation (late ones not included). */
  releasedCount = 0;

  constructor(maxDelayMs = 100) {
    this.maxDelayMs = maxDelayMs;
  }

  get size(): number {
    return this.heap.length;
  }

  /**
   * Takes an arriving item. Returns true when it is late: an item after it in release order was
   * already released, so it cannot be put in order. A late item is NOT held: the caller delivers it
   * at once, flagged late; it is counted in `lateCount`. Otherwise it is held and false is returned.
   * An item equal in order to the last released one (a duplicate) is held, not late.
   */
  add(item: HoldbackItem<P>): boolean {
    if (this.last !== undefined && compareItems(item, this.last) < 0) {
      this.lateCount++;
      return true;
    }
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareItems(item, heap[parent]) >= 0) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = item;
    return false;
  }

  /**
   * Removes and returns, in release order, every held item at least maxDelayMs old:
   * `nowMs − correctedTs >= maxDelayMs`. Appends to `out` when given (to reuse one array).
   */
  release(nowMs: number, out: HoldbackItem<P>[] = []): HoldbackItem<P>[] {
    const heap = this.heap;
    const delay = this.maxDelayMs;
    // The minimum has the smallest correctedTs, so when it is not due nothing is. Written as
    // ts + delay <= now, the very sum nextReleaseAt() returns, so a timer set there always releases.
    while (heap.length > 0 && heap[0].correctedTs + delay <= nowMs) {
      const top = heap[0];
      const tail = heap.pop()!;
      if (heap.length > 0) this.siftDown(tail);
      out.push(top);
      this.last = top;
      this.releasedCount++;
    }
    return out;
  }

  /** When the next held item becomes due (on the holder's corrected clock); undefined when empty. */
  nextReleaseAt(): number | undefined {
    return this.heap.length > 0 ? this.heap[0].correctedTs + this.maxDelayMs : undefined;
  }

  /** The next item in release order, without removing it. */
  peek(): HoldbackItem<P> | undefined {
    return this.heap[0];
  }

  /** Drops everything held and forgets what was released (the buffer is volatile across a crash). */
  clear(): void {
    this.heap.length = 0;
    this.last = undefined;
  }

  private siftDown(item: HoldbackItem<P>): void {
    const heap = this.heap;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && compareItems(heap[right], heap[left]) < 0 ? right : left;
      if (compareItems(heap[child], item) >= 0) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = item;
  }
}
