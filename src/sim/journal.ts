// The journal: a bounded ring of the most recent events, stored column-wise in typed arrays so that
// recording is cheap and memory stays flat however long a run is; SimEvent objects are made on demand.
import { SNAPSHOT, type SnapshotHook } from './snapshot';
import type { Role, SimEvent } from './types';

const NONE = 0;

/** Interns strings to small numbers (0 means absent). */
class Names {
  private readonly codes = new Map<string, number>();
  readonly names: Array<string | undefined> = [undefined];
  code(name: string | undefined): number {
    if (name === undefined) return NONE;
    let c = this.codes.get(name);
    if (c === undefined) {
      c = this.names.length;
      this.names.push(name);
      this.codes.set(name, c);
    }
    return c;
  }
}

export class Journal {
  /** Events recorded since the start (including those that fell out of the window). */
  total = 0;
  /** Events before this number are gone: a restored snapshot starts the window afresh there. */
  private floor = 0;
  /**
   * The journal is a record of what happened, not state: a snapshot keeps only the event count, and
   * restoring it empties the window (events from before are not known again until replayed).
   */
  readonly [SNAPSHOT]: SnapshotHook = {
    save: () => this.total,
    restore: (saved) => {
      this.total = saved as number;
      this.floor = this.total;
    },
  };
  private readonly names = new Names();
  private readonly at: Float64Array;
  private readonly kind: Uint16Array;
  private readonly node: Uint16Array;
  private readonly from: Uint16Array;
  private readonly to: Uint16Array;
  private readonly type: Uint16Array;
  private readonly role: Uint16Array;
  private readonly lamport: Float64Array;
  private readonly msgId: Float64Array;
  private readonly term: Float64Array;
  private readonly index: Float64Array;
  /** 'commit' events: the committed entry's term (NaN elsewhere). */
  private readonly entryTerm: Float64Array;
  private readonly detail: Array<string | undefined>;
  private readonly payload: unknown[];

  constructor(readonly limit: number) {
    const n = Math.max(0, limit);
    this.at = new Float64Array(n);
    this.kind = new Uint16Array(n);
    this.node = new Uint16Array(n);
    this.from = new Uint16Array(n);
    this.to = new Uint16Array(n);
    this.type = new Uint16Array(n);
    this.role = new Uint16Array(n);
    this.lamport = new Float64Array(n).fill(NaN);
    this.msgId = new Float64Array(n).fill(NaN);
    this.term = new Float64Array(n).fill(NaN);
    this.index = new Float64Array(n).fill(NaN);
    this.entryTerm = new Float64Array(n).fill(NaN);
    this.detail = new Array(n).fill(undefined);
    this.payload = new Array(n).fill(undefined);
  }

  /** The small number that stands for `name` in this journal (0 for undefined). */
  code(name: string | undefined): number {
    return this.names.code(name);
  }

  /** Records an event from codes (see `code`); absent numbers are NaN, absent strings undefined. */
  addCoded(
    at: number, kind: number, node: number, from: number, to: number, type: number, lamport: number,
    msgId: number, term: number, index: number, role: number, detail: string | undefined, payload: unknown,
  ): void {
    const limit = this.limit;
    const n = this.total++;
    if (limit <= 0) return;
    const k = n % limit;
    this.at[k] = at;
    this.kind[k] = kind;
    this.node[k] = node;
    this.from[k] = from;
    this.to[k] = to;
    this.type[k] = type;
    this.role[k] = role;
    this.lamport[k] = lamport;
    this.msgId[k] = msgId;
    this.term[k] = term;
    this.index[k] = index;
    this.entryTerm[k] = NaN;
    this.detail[k] = detail;
    this.payload[k] = payload;
  }

  push(e: SimEvent): void {
    const names = this.names;
    this.addCoded(
      e.at, names.code(e.kind), names.code(e.node), names.code(e.from), names.code(e.to), names.code(e.type),
      e.lamport ?? NaN, e.msgId ?? NaN, e.term ?? NaN, e.index ?? NaN, names.code(e.role), e.detail, e.payload,
    );
    if (e.entryTerm !== undefined && this.limit > 0) this.entryTerm[(this.total - 1) % this.limit] = e.entryTerm;
  }

  /** Number of the oldest event still kept. */
  get first(): number {
    return Math.max(this.floor, this.total - Math.max(0, this.limit));
  }

  /** The event numbered `n` (0-based since the start), if still kept. */
  get(n: number): SimEvent | undefined {
    if (n < this.first || n >= this.total) return undefined;
    const k = n % this.limit;
    const names = this.names.names;
    const e: SimEvent = { at: this.at[k], kind: names[this.kind[k]]! };
    const node = names[this.node[k]];
    if (node !== undefined) e.node = node;
    const from = names[this.from[k]];
    if (from !== undefined) e.from = from;
    const to = names[this.to[k]];
    if (to !== undefined) e.to = to;
    const type = names[this.type[k]];
    if (type !== undefined) e.type = type;
    if (!Number.isNaN(this.lamport[k])) e.lamport = this.lamport[k];
    if (!Number.isNaN(this.msgId[k])) e.msgId = this.msgId[k];
    if (!Number.isNaN(this.term[k])) e.term = this.term[k];
    if (!Number.isNaN(this.index[k])) e.index = this.index[k];
    if (!Number.isNaN(this.entryTerm[k])) e.entryTerm = this.entryTerm[k];
    const role = names[this.role[k]];
    if (role !== undefined) e.role = role as Role;
    if (this.detail[k] !== undefined) e.detail = this.detail[k];
    if (this.payload[k] !== undefined) e.payload = this.payload[k];
    return e;
  }

  /** The kept events numbered from `from` (clamped to the window), oldest first. */
  since(from: number): SimEvent[] {
    const out: SimEvent[] = [];
    for (let n = Math.max(from, this.first); n < this.total; n++) out.push(this.get(n)!);
    return out;
  }

  /** The kept events, oldest first. */
  toArray(): SimEvent[] {
    return this.since(0);
  }
}
