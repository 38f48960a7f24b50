// The workload: publishers × rate issuing PUBs at fixed virtual-time instants (never wall time), and live stats of their outcomes.
import type { Publish } from '../sim';

export interface WorkloadConfig {
  /** Publisher clients (wl1..wlN), 0–20. */
  publishers: number;
  /** Messages per simulated second, each publisher. */
  rate: number;
  /** Topics t1..tK the messages go to, round robin. */
  topics: number;
}

/** A running workload as a saved run holds it: its settings and where its schedule stands. */
export interface RunningWorkload {
  config: WorkloadConfig;
  /** Virtual time of its message 0. */
  startAt: number;
  /** Index of its next message. */
  n: number;
}

export const WORKLOAD_LIMITS = {
  publishers: { min: 0, max: 20 },
  rate: { min: 0.1, max: 100 },
  topics: { min: 1, max: 10 },
} as const;

export const DEFAULT_WORKLOAD: WorkloadConfig = { publishers: 3, rate: 5, topics: 2 };

/** Client ids of workload publishers: `wl1`…`wl20`. */
const CLIENT = /^wl\d{1,2}$/;

export function isWorkloadClient(id: string | undefined): boolean {
  return id !== undefined && CLIENT.test(id);
}

/** Throws a RangeError naming the first field out of range. */
export function validateWorkload(c: WorkloadConfig): WorkloadConfig {
  for (const key of ['publishers', 'rate', 'topics'] as const) {
    const { min, max } = WORKLOAD_LIMITS[key];
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new RangeError(`workload ${key} must be a number in ${min}..${max} (got ${String(v)})`);
  }
  if (!Number.isInteger(c.publishers) || !Number.isInteger(c.topics)) throw new RangeError('workload publishers and topics must be whole numbers');
  return { publishers: c.publishers, rate: c.rate, topics: c.topics };
}

/**
 * The publish schedule of one started workload: message n (0, 1, 2, …) is due at exactly
 * `startAt + n · 1000 / (rate · publishers)` virtual ms, from publisher n mod P, to topic n mod K.
 * Times are computed from n, never accumulated, so every replay sees the same instants.
 */
/** Virtual ms between two of a workload's messages (all its publishers together). */
export function spacingOf(config: Pick<WorkloadConfig, 'rate' | 'publishers'>): number {
  return 1000 / (config.rate * config.publishers);
}

export class WorkloadSchedule {
  /** Index of the next message to issue. */
  n = 0;
  private readonly spacing: number;
  /** Client ids, topic names and publish options made once: a long run's recorded actions share them. */
  private readonly clients: string[];
  private readonly topics: string[];
  private readonly options: Array<Readonly<{ client: string }>>;
  constructor(
    readonly config: WorkloadConfig,
    public startAt: number,
  ) {
    this.spacing = spacingOf(config);
    this.clients = Array.from({ length: config.publishers }, (_, i) => `wl${i + 1}`);
    this.topics = Array.from({ length: config.topics }, (_, i) => `t${i + 1}`);
    this.options = this.clients.map((client) => Object.freeze({ client }));
  }

  /** Virtual time of message `n`. */
  at(n: number): number {
    return this.startAt + n * this.spacing;
  }

  /** When the next message is due (Infinity with no publishers). */
  nextAt(): number {
    return this.config.publishers > 0 ? this.at(this.n) : Infinity;
  }

  /** The next message's publish arguments; moves on. */
  take(): [string, string, Readonly<{ client: string }>] {
    const n = this.n++;
    const p = this.config.publishers;
    const client = this.clients[n % p];
    return [this.topics[n % this.config.topics], `${client}#${Math.floor(n / p) + 1}`, this.options[n % p]];
  }

  /** Where the schedule stands (for undoing a resumeAfter). */
  position(): Pick<RunningWorkload, 'startAt' | 'n'> {
    return { startAt: this.startAt, n: this.n };
  }

  setPosition(p: Pick<RunningWorkload, 'startAt' | 'n'>): void {
    this.startAt = p.startAt;
    this.n = p.n;
  }

  /** After the run forked at `now`: carry on with the first message due after it (the rest of the old future is gone). */
  resumeAfter(now: number): void {
    if (this.startAt > now) {
      this.startAt = now;
      this.n = 0;
      return;
    }
    let n = Math.max(0, Math.floor((now - this.startAt) / this.spacing));
    while (this.at(n) <= now) n++;
    while (n > 0 && this.at(n - 1) > now) n--;
    this.n = n;
  }
}

/** Live outcome of a workload's publishes, as of the cluster's now. */
export interface WorkloadStats {
  issued: number;
  acked: number;
  pending: number;
  failed: number;
  /** Virtual ms from publish() to its ack; undefined before the first ack. */
  p50?: number;
  p99?: number;
}

// Latency histogram: log buckets 1 % wide from 0.01 ms up (about 1,400 buckets reach past a minute).
const BASE = 0.01;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1400;

function bucketOf(ms: number): number {
  if (!(ms > BASE)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / BASE) / LOG_GROWTH));
}

/** The value a bucket stands for: its upper bound, so a quantile is never under-reported by more than 1 %. */
function bucketValue(b: number): number {
  return BASE * GROWTH ** b;
}

/** A tally as a checkpoint keeps it. */
export interface TallyState {
  readonly issued: number;
  readonly acked: number;
  readonly failed: number;
  readonly pending: readonly Publish[];
  readonly hist: Uint32Array;
  /** Rough memory it holds. */
  readonly bytes: number;
}

/** Outcomes of the workload's publishes on one cluster: handles are polled when read, so the figures are exact as of now. */
export class WorkloadTally {
  private issued = 0;
  private acked = 0;
  private failed = 0;
  private pending: Publish[] = [];
  private readonly hist = new Uint32Array(BUCKETS);

  add(handle: Publish): void {
    this.issued++;
    this.pending.push(handle);
  }

  private settle(): void {
    const list = this.pending;
    let keep = 0;
    for (let i = 0; i < list.length; i++) {
      const h = list[i];
      if (h.status === 'pending') list[keep++] = h;
      else if (h.status === 'ok') {
        this.acked++;
        this.hist[bucketOf((h.doneAt ?? h.startedAt) - h.startedAt)]++;
      } else this.failed++;
    }
    list.length = keep;
  }

  private quantile(q: number): number | undefined {
    if (this.acked === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.acked));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.hist[b];
      if (seen >= rank) return bucketValue(b);
    }
    return bucketValue(BUCKETS - 1);
  }

  /** What a checkpoint keeps (the pending handles stay live: the cluster's restore puts their operations back). */
  save(): TallyState {
    this.settle();
    return { issued: this.issued, acked: this.acked, failed: this.failed, pending: this.pending.slice(), hist: this.hist.slice(), bytes: 64 + 8 * this.pending.length + this.hist.byteLength };
  }

  restore(s: TallyState): void {
    this.issued = s.issued;
    this.acked = s.acked;
    this.failed = s.failed;
    this.pending = s.pending.slice();
    this.hist.set(s.hist);
  }

  stats(): WorkloadStats {
    this.settle();
    const s: WorkloadStats = { issued: this.issued, acked: this.acked, pending: this.pending.length, failed: this.failed };
    const p50 = this.quantile(0.5);
    const p99 = this.quantile(0.99);
    if (p50 !== undefined) s.p50 = p50;
    if (p99 !== undefined) s.p99 = p99;
    return s;
  }
}
