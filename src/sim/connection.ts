// One end of a client connection, modelled on TCP: numbered segments handed on in order and at most once, cumulative acks (delayed, or at once after a gap or a repeat), retransmission on an adaptive timeout, and a give-up after repeated timeouts.

/** What every segment on a client connection carries (the payload types add their data). */
export interface Segment {
  readonly type: string;
  /** The connection: chosen by the client, unique per client. */
  readonly conn: number;
  /** The node's connection epoch when the client opened it: a segment from before a crash or disconnect is stale. */
  readonly epoch: number;
  /** 1, 2, … for data; 0 for a pure acknowledgement. */
  readonly seq: number;
  /** Every data segment from the other end up to this one arrived (cumulative, as TCP's ACK). */
  readonly ack: number;
  /** The sender's clock when it sent this copy (TCP's timestamp option). */
  readonly ts: number;
  /** The `ts` of the segment that last moved this end's ack on: the other end measures its round trip with it. */
  readonly echo: number;
}

/** What the owner fills in for a segment; the end adds seq, ack, ts and echo. */
export interface Stamp {
  readonly seq: number;
  readonly ack: number;
  readonly ts: number;
  readonly echo: number;
}

/** A delayed ack waits this long for data going the other way to carry it (TCP's delayed ACK; RFC 1122 allows up to 500 ms). */
export const ACK_DELAY_MS = 100;
/** Longest retransmission timeout (the back-off doubles up to here). */
export const MAX_RTO_MS = 5000;
/** Resends in a row without progress; the next timeout gives the connection up (about 25 s at the shortest timeout). */
export const MAX_RETRIES = 8;
/** Segments resent per timeout: the oldest first, a bounded window as TCP's. */
const RESEND_WINDOW = 16;
/** Repeated acks for the same data that make the sender resend the first missing segment at once (TCP's fast retransmit). */
const DUP_ACKS = 3;

/** What a received segment did: data to hand on (in order), whether an ack must go out now, and segments to resend now. */
export interface Received<In extends Segment, Out extends Segment> {
  readonly deliver: In[];
  readonly ackNow: boolean;
  readonly resend: Out[];
}

/** Timeout events: segments to resend, an ack that is due, or the end of the connection. */
export interface Due<S extends Segment> {
  resend: S[];
  ack: boolean;
  dead: boolean;
}

/** One end: it sends `Out` segments and receives `In` segments. */
export class ConnectionEnd<Out extends Segment, In extends Segment> {
  /** Seq of the next data segment this end sends. */
  private sendNext = 1;
  private readonly unacked = new Map<number, Out>();
  /** Seq of the next data segment expected from the other end. */
  private recvNext = 1;
  private readonly early = new Map<number, In>();
  private ackDueAt = Infinity;
  private rtoAt = Infinity;
  private rto: number;
  private srtt = NaN;
  private rttvar = 0;
  private retries = 0;
  /** `ts` of the segment that last moved our ack on, echoed back in everything we send. */
  private tsRecent = 0;
  private lastAck = 0;
  private dupAcks = 0;

  constructor(
    readonly conn: number,
    readonly epoch: number,
    private readonly minRtoMs: number,
  ) {
    this.rto = minRtoMs;
  }

  /** Highest data seq received in order: what an outgoing segment acknowledges. */
  get acked(): number {
    return this.recvNext - 1;
  }

  get unackedCount(): number {
    return this.unacked.size;
  }

  /** When the owner's timer must fire next (Infinity: nothing to wait for). */
  get deadline(): number {
    return Math.min(this.ackDueAt, this.rtoAt);
  }

  /** The stamp of a pure ack going out now (no seq; it carries ack, ts and echo). */
  ackStamp(now: number): Stamp {
    this.ackDueAt = Infinity;
    return { seq: 0, ack: this.acked, ts: now, echo: this.tsRecent };
  }

  /** Number and remember an outgoing data segment; `make` builds it from its stamp. Any ack owed rides along. */
  send<S extends Out>(now: number, make: (stamp: Stamp) => S): S {
    const seg = make({ seq: this.sendNext++, ack: this.acked, ts: now, echo: this.tsRecent });
    this.unacked.set(seg.seq, seg);
    this.ackDueAt = Infinity;
    if (this.rtoAt === Infinity) this.rtoAt = now + this.rto;
    return seg;
  }

  /** A copy of an unacknowledged segment to send again, with the current ack and stamps. */
  private again(now: number, seg: Out): Out {
    const copy = { ...seg, ack: this.acked, ts: now, echo: this.tsRecent } as Out;
    this.unacked.set(seg.seq, copy);
    return copy;
  }

  /**
   * The ack field of a segment from the other end: drop what it covers and learn the round trip
   * from the echoed stamp; the third repeat of an ack resends the first missing segment at once.
   */
  private onAck(now: number, seg: In, resend: Out[]): void {
    const ack = seg.ack;
    let progress = false;
    for (const seq of this.unacked.keys()) {
      if (seq > ack) break;
      this.unacked.delete(seq);
      progress = true;
    }
    if (progress) {
      if (seg.echo > 0) this.sample(now - seg.echo);
      this.retries = 0;
      this.lastAck = ack;
      this.dupAcks = 0;
      this.rtoAt = this.unacked.size === 0 ? Infinity : now + this.rto;
      return;
    }
    if (ack === this.lastAck && this.unacked.size > 0 && seg.seq === 0 && ++this.dupAcks === DUP_ACKS) {
      const first = this.unacked.values().next().value;
      if (first !== undefined) resend.push(this.again(now, first));
    }
  }

  /** Jacobson/Karels, as RFC 6298: srtt and rttvar from samples, RTO = srtt + 4·rttvar within [min, max]. */
  private sample(rtt: number): void {
    if (Number.isNaN(this.srtt)) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
    this.rto = Math.min(MAX_RTO_MS, Math.max(this.minRtoMs, this.srtt + 4 * this.rttvar));
  }

  /** A segment from the other end (its connection and epoch already checked by the owner). */
  receive(now: number, seg: In): Received<In, Out> {
    const resend: Out[] = [];
    this.onAck(now, seg, resend);
    if (seg.seq === 0) return { deliver: [], ackNow: false, resend };
    if (seg.seq < this.recvNext || this.early.has(seg.seq)) {
      // A repeat (a network duplicate or a resend): our ack was lost or is late, so send it now.
      return { deliver: [], ackNow: true, resend };
    }
    this.early.set(seg.seq, seg);
    const deliver: In[] = [];
    if (seg.seq === this.recvNext) this.tsRecent = seg.ts;
    for (let s = this.early.get(this.recvNext); s !== undefined; s = this.early.get(this.recvNext)) {
      this.early.delete(this.recvNext);
      this.recvNext++;
      deliver.push(s);
    }
    // A gap: tell the sender at once what is missing (a duplicate ack); otherwise wait a little.
    if (this.early.size > 0) return { deliver, ackNow: true, resend };
    if (this.ackDueAt === Infinity) this.ackDueAt = now + ACK_DELAY_MS;
    return { deliver, ackNow: false, resend };
  }

  /** The owner's timer fired: what to do now. */
  due(now: number): Due<Out> {
    const out: Due<Out> = { resend: [], ack: false, dead: false };
    if (this.ackDueAt <= now) {
      this.ackDueAt = Infinity;
      out.ack = true;
    }
    if (this.rtoAt <= now) {
      if (++this.retries > MAX_RETRIES) {
        out.dead = true;
        return out;
      }
      this.rto = Math.min(MAX_RTO_MS, this.rto * 2);
      this.rtoAt = now + this.rto;
      // Resent copies carry the current ack; the originals stay as the journal saw them.
      for (const seg of [...this.unacked.values()].slice(0, RESEND_WINDOW)) out.resend.push(this.again(now, seg));
      if (out.resend.length > 0) {
        out.ack = false;
        this.ackDueAt = Infinity;
      }
    }
    return out;
  }
}
