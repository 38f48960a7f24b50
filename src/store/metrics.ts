// Run metrics gathered from the event stream: messages by type over time, elections, commit latency and throughput.
import type { SimEvent } from '../sim';

/** Width of one time bucket of the series at first, in virtual ms. */
export const BUCKET_MS = 100;
/**
 * Most buckets a series holds (410 s at 100 ms). Past it, each pair of buckets merges into one and the
 * width doubles: a run left playing for days at Max speed keeps charts of the same size (the series grew
 * 10 numbers a simulated second, 56 MB by 8 days, and were copied for every frame).
 */
export const MAX_BUCKETS = 4096;

export const MESSAGE_TYPES = ['RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply', 'other'] as const;
export type MessageKind = (typeof MESSAGE_TYPES)[number];

export interface MetricsSnapshot {
  /** Messages sent per type, total. */
  sentByType: Record<MessageKind, number>;
  /** Messages sent per bucket (all types). */
  sentSeries: number[];
  /** Width of the series' buckets, virtual ms: BUCKET_MS, doubled each time the series passed MAX_BUCKETS. */
  bucketMs: number;
  /** Entries committed (by leaders) per bucket. */
  commitSeries: number[];
  /** Elections started (a node became candidate). */
  electionsStarted: number;
  /** Leaders elected. */
  leadersElected: number;
  electionTimes: number[];
  leaderTimes: number[];
  /**
   * Latency of each entry committed by a leader, in commit order (the first MAX_SAMPLES): from the
   * leader's first send of the entry to its commit. Numbers only: an object per sample (time, index,
   * latency) cost 80 bytes against 8 in Node (1.6 MB a 10-minute run at 100 publishes/s), and only the latency is shown.
   */
  commitLatencies: number[];
  dropped: number;
  delivered: number;
}

export const MAX_SAMPLES = 20_000;

function kindOf(type: string | undefined): MessageKind {
  switch (type) {
    case 'AppendEntries':
    case 'AppendEntriesReply':
    case 'RequestVote':
    case 'RequestVoteReply':
      return type;
    default:
      return 'other';
  }
}

/** Each pair of buckets summed into one, as a new array (marks share the old one; see MetricsMark). */
function merged(series: readonly number[]): number[] {
  const out = new Array<number>(Math.ceil(series.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = series[2 * i] + (series[2 * i + 1] ?? 0);
  return out;
}

/**
 * A Metrics' state at one moment, cheap to take: its series only ever grow (and only their last
 * bucket still fills), so a mark shares the arrays and keeps their lengths and last values.
 */
export interface MetricsMark {
  readonly sentByType: Readonly<Record<MessageKind, number>>;
  readonly bucketMs: number;
  readonly series: ReadonlyArray<{ arr: readonly number[]; len: number; last: number }>;
  readonly lists: ReadonlyArray<{ arr: readonly unknown[]; len: number }>;
  readonly dropped: number;
  readonly delivered: number;
  readonly roles: ReadonlyMap<string, string>;
  readonly commitOf: ReadonlyMap<string, number>;
  readonly highestCommit: number;
  readonly firstSent: ReadonlyMap<number, number>;
  readonly leader: string | undefined;
}

const seriesMark = (arr: number[]) => ({ arr, len: arr.length, last: arr.length > 0 ? arr[arr.length - 1] : 0 });

function seriesAt(m: { arr: readonly number[]; len: number; last: number }): number[] {
  const out = m.arr.slice(0, m.len);
  if (m.len > 0) out[m.len - 1] = m.last;
  return out;
}

export class Metrics {
  // Every field takes its value here, from `m` when one is given (see `at`): assigning fields of a
  // made object again would make V8 throw away the optimized code that reads them (the first seek of
  // a run then replays in slower code).
  private sentByType: Record<MessageKind, number>;
  private sentSeries: number[];
  private commitSeries: number[];
  private bucketMs: number;
  private electionTimes: number[];
  private leaderTimes: number[];
  private commitLatencies: number[];
  private dropped: number;
  private delivered: number;
  /** Role of each node as the events tell it (down nodes are followers). */
  private roles: Map<string, string>;
  private commitOf: Map<string, number>;
  /** The highest index any leader has committed: a new leader's commit counts only the entries past it. */
  private highestCommit: number;
  /** Current leader's first send of each index (cleared when a leader is elected). */
  private firstSent: Map<number, number>;
  /**
   * The leader elected last: only its sends and commits are timed. (A deposed leader cut off in a minority
   * goes on sending its own entries; their times must not be taken for the new leader's entries at those indexes.)
   */
  private leader: string | undefined;
  private version = 0;
  private cached: MetricsSnapshot | undefined;
  private cachedVersion = -1;

  /** Empty metrics, or those in the state of `m` (see `at`). */
  constructor(m?: MetricsMark) {
    const c = m?.sentByType;
    this.sentByType = { RequestVote: c?.RequestVote ?? 0, RequestVoteReply: c?.RequestVoteReply ?? 0, AppendEntries: c?.AppendEntries ?? 0, AppendEntriesReply: c?.AppendEntriesReply ?? 0, other: c?.other ?? 0 };
    this.sentSeries = m === undefined ? [] : seriesAt(m.series[0]);
    this.commitSeries = m === undefined ? [] : seriesAt(m.series[1]);
    this.bucketMs = m?.bucketMs ?? BUCKET_MS;
    this.electionTimes = m === undefined ? [] : (m.lists[0].arr.slice(0, m.lists[0].len) as number[]);
    this.leaderTimes = m === undefined ? [] : (m.lists[1].arr.slice(0, m.lists[1].len) as number[]);
    this.commitLatencies = m === undefined ? [] : (m.lists[2].arr.slice(0, m.lists[2].len) as number[]);
    this.dropped = m?.dropped ?? 0;
    this.delivered = m?.delivered ?? 0;
    this.roles = new Map(m?.roles);
    this.commitOf = new Map(m?.commitOf);
    this.highestCommit = m?.highestCommit ?? 0;
    this.firstSent = new Map(m?.firstSent);
    this.leader = m?.leader;
  }

  /** A message or timer event given as its parts (what `add` reads of one; see Engine.setLean). */
  message(kind: string, at: number, from: string | undefined, type: string | undefined, payload: unknown): void {
    if (kind === 'send') {
      this.sentByType[kindOf(type)]++;
      this.bump(0, at, 1);
      if (type === 'AppendEntries' && from !== undefined && from === this.leader && this.roles.get(from) === 'leader') {
        const p = payload as { prevLogIndex?: number; entries?: readonly unknown[] } | undefined;
        const n = p?.entries?.length ?? 0;
        const prev = p?.prevLogIndex ?? 0;
        // Entries the leader already committed are resent to laggards only: they have their latency.
        // (Counting them again would keep them here for good, and in every checkpoint's copy.)
        const first = Math.max(prev, this.commitOf.get(from) ?? 0);
        for (let i = first + 1; i <= prev + n; i++) if (!this.firstSent.has(i)) this.firstSent.set(i, at);
      }
    } else if (kind === 'deliver') this.delivered++;
    else if (kind === 'drop') this.dropped++;
    else return;
    this.version++;
  }

  add(e: SimEvent): void {
    switch (e.kind) {
      case 'send':
      case 'deliver':
      case 'drop':
        this.message(e.kind, e.at, e.from, e.type, e.payload);
        return;
      case 'role':
        if (e.node !== undefined && e.role !== undefined) this.roles.set(e.node, e.role);
        if (e.role === 'candidate') this.electionTimes.push(e.at);
        if (e.role === 'leader') {
          this.leaderTimes.push(e.at);
          this.firstSent = new Map();
          this.leader = e.node;
        }
        break;
      case 'crash':
      case 'restart':
        if (e.node !== undefined) {
          this.roles.set(e.node, 'follower');
          this.commitOf.set(e.node, 0);
        }
        break;
      case 'commit': {
        if (e.node === undefined || e.index === undefined) break;
        const before = this.commitOf.get(e.node) ?? 0;
        this.commitOf.set(e.node, e.index);
        if (this.roles.get(e.node) !== 'leader' || e.index <= before) break;
        // A new leader may learn only now that its predecessor committed some of these (§5.4.2): count each entry once.
        const from = Math.max(before, this.highestCommit);
        if (e.index <= from) break;
        this.highestCommit = e.index;
        this.bump(1, e.at, e.index - from);
        for (let i = from + 1; i <= e.index && e.node === this.leader; i++) {
          const sent = this.firstSent.get(i);
          if (sent === undefined) continue;
          this.firstSent.delete(i);
          if (this.commitLatencies.length < MAX_SAMPLES) this.commitLatencies.push(e.at - sent);
        }
        break;
      }
      default:
        return;
    }
    this.version++;
  }

  /** Counts `by` into the bucket of time `at` of the sent (0) or commit (1) series (they only grow, and only their last bucket fills). */
  private bump(which: 0 | 1, at: number, by: number): void {
    let series = which === 0 ? this.sentSeries : this.commitSeries;
    let b = Math.floor(at / this.bucketMs);
    if (b === series.length - 1) {
      series[b] += by;
      return;
    }
    while (b >= MAX_BUCKETS) {
      this.coarsen();
      series = which === 0 ? this.sentSeries : this.commitSeries;
      b = Math.floor(at / this.bucketMs);
    }
    while (series.length <= b) series.push(0);
    series[b] += by;
  }

  /** Both series at twice the bucket width (they stay aligned: the charts draw them on one time axis). */
  private coarsen(): void {
    this.bucketMs *= 2;
    this.sentSeries = merged(this.sentSeries);
    this.commitSeries = merged(this.commitSeries);
  }

  /** This state, to come back to with `Metrics.at` (a replay that skips observing events up to here). */
  mark(): MetricsMark {
    return {
      sentByType: { ...this.sentByType },
      bucketMs: this.bucketMs,
      series: [seriesMark(this.sentSeries), seriesMark(this.commitSeries)],
      lists: [
        { arr: this.electionTimes, len: this.electionTimes.length },
        { arr: this.leaderTimes, len: this.leaderTimes.length },
        { arr: this.commitLatencies, len: this.commitLatencies.length },
      ],
      dropped: this.dropped,
      delivered: this.delivered,
      roles: new Map(this.roles),
      commitOf: new Map(this.commitOf),
      highestCommit: this.highestCommit,
      firstSent: new Map(this.firstSent),
      leader: this.leader,
    };
  }

  /** Metrics in the state of `m` (its own copies: the marked arrays are never written). */
  static at(m: MetricsMark): Metrics {
    return new Metrics(m);
  }

  /** A copy for React; the same object while nothing changed. */
  snapshot(): MetricsSnapshot {
    if (this.cached !== undefined && this.cachedVersion === this.version) return this.cached;
    this.cachedVersion = this.version;
    this.cached = {
      sentByType: { ...this.sentByType },
      sentSeries: this.sentSeries.slice(),
      bucketMs: this.bucketMs,
      commitSeries: this.commitSeries.slice(),
      electionsStarted: this.electionTimes.length,
      leadersElected: this.leaderTimes.length,
      electionTimes: this.electionTimes.slice(),
      leaderTimes: this.leaderTimes.slice(),
      commitLatencies: this.commitLatencies.slice(),
      dropped: this.dropped,
      delivered: this.delivered,
    };
    return this.cached;
  }
}

export function emptyMetrics(): MetricsSnapshot {
  return new Metrics().snapshot();
}
