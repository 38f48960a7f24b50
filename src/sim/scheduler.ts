// The event queue: a binary min-heap ordered by (virtual time, insertion order).
import { SNAPSHOT, type SnapshotHook } from './snapshot';

export interface Scheduled {
  at: number;
  seq: number;
}

/** Order of coming out: time, then insertion order. */
const before = (a: Scheduled, b: Scheduled): number => a.at - b.at || a.seq - b.seq;

export class Scheduler<T extends Scheduled> {
  private heap: T[] = [];
  private seq = 0;

  /**
   * `saved` gives what a snapshot keeps of a queued item, handing the walker what it refers to that may
   * change: the item itself, or nothing for an item that can never do anything when it comes due.
   */
  constructor(private readonly saved: (item: T, visit: (o: unknown) => void) => T | undefined = (item) => item) {}

  /**
   * Queued items do not change once queued (the engine keeps its cancelled messages in a set of its
   * own): a snapshot keeps the heap's items by reference, not copies. What an item refers to that
   * does change (a timer it wakes) is handed to the walker by `saved`. The saved heap is the kept
   * items in the order they come out (a sorted array is a heap): the same whatever the live heap's
   * layout, so that a state saved again after a restore is the same state.
   */
  readonly [SNAPSHOT]: SnapshotHook = {
    save: (visit) => {
      const out: T[] = [];
      // Sorted first: what the walker is handed comes in that order too.
      for (const item of this.heap.slice().sort(before)) {
        const kept = this.saved(item, visit);
        if (kept !== undefined) out.push(kept);
      }
      return { heap: out, seq: this.seq };
    },
    // Messages in flight are kept alive by the snapshot (item, payload, timer): about this much each.
    bytes: (saved) => 48 + 400 * (saved as { heap: T[] }).heap.length,
    restore: (saved) => {
      const s = saved as { heap: T[]; seq: number };
      // Into the same array: a field that has held one array since the start is one V8 assumes
      // constant, and replacing it would throw away the optimized code of everything that queues.
      const heap = this.heap;
      const n = s.heap.length;
      if (heap.length > n) heap.length = n;
      for (let i = 0; i < heap.length; i++) heap[i] = s.heap[i];
      for (let i = heap.length; i < n; i++) heap.push(s.heap[i]);
      this.seq = s.seq;
    },
  };

  get size(): number {
    return this.heap.length;
  }

  /** Stamps `item.seq` and queues it; items due at one time come out in insertion order. */
  push(item: T): T {
    item.seq = this.seq++;
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p.at < item.at || (p.at === item.at && p.seq < item.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
    return item;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        let child = heap[l];
        if (r < n) {
          const rc = heap[r];
          if (rc.at < child.at || (rc.at === child.at && rc.seq < child.seq)) {
            c = r;
            child = rc;
          }
        }
        if (last.at < child.at || (last.at === child.at && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  /** Every queued item, in no particular order (for inspection, not for the hot path). */
  items(): readonly T[] {
    return this.heap;
  }
}
