// The journal: a bounded ring of the most recent events, so memory stays flat however long a run is.
import type { SimEvent } from './types';

export class Journal {
  private buf: SimEvent[] = [];
  private head = 0; // index of the oldest event once the ring is full
  /** Events recorded since the start (including those that fell out of the window). */
  total = 0;

  constructor(readonly limit: number) {}

  push(event: SimEvent): void {
    this.total++;
    if (this.limit <= 0) return;
    if (this.buf.length < this.limit) {
      this.buf.push(event);
      return;
    }
    this.buf[this.head] = event;
    this.head = this.head + 1 === this.limit ? 0 : this.head + 1;
  }

  /** The kept events, oldest first. */
  toArray(): SimEvent[] {
    if (this.buf.length < this.limit || this.head === 0) return this.buf.slice();
    return this.buf.slice(this.head).concat(this.buf.slice(0, this.head));
  }

  /** The event numbered `n` (0-based since the start), if still kept. */
  get(n: number): SimEvent | undefined {
    const oldest = this.total - this.buf.length;
    if (n < oldest || n >= this.total) return undefined;
    const k = n - oldest;
    if (this.buf.length < this.limit) return this.buf[k];
    return this.buf[(this.head + k) % this.limit];
  }
}
