// The playback driver: owns one simulated cluster plus the run's recorded future, and moves it forward, back (by replay) and onto forks.
// From the modules, not the '../sim' barrel: the barrel also brings the zod option schema, which the page loads on demand.
import { SimCluster } from '../sim/cluster';
import type { LeanListener } from '../sim/engine';
import { isReplayable } from '../sim/replay';
import type { ActionRecord, InFlight, NodeView, Publish, SimEvent } from '../sim';
import type { SavedState } from '../sim/snapshot';
import { Metrics, type MetricsMark } from './metrics';
import { FEED_JOURNAL, clusterOptions, type RunOptions } from './runOptions';
import { WORKLOAD_LIMITS, WorkloadSchedule, WorkloadTally, isWorkloadClient, validateWorkload, type RunningWorkload, type TallyState, type WorkloadConfig, type WorkloadStats } from './workload';

/** One journal event with its number in the run (1-based, identical in every replay of the run). */
export interface FeedItem {
  seq: number;
  e: SimEvent;
}

export type MarkKind = 'leader' | 'election' | 'crash' | 'action' | 'violation';

/** Something worth a tick on the timeline. */
export interface Mark {
  seq: number;
  at: number;
  kind: MarkKind;
  label: string;
}

/** Why an advance returned: it reached its target time, a stop condition held, or its wall-time budget ran out. */
export type AdvanceResult = 'target' | 'stop' | 'budget';

const FEED_CAP = 8000;
if (FEED_JOURNAL < FEED_CAP) throw new Error('the journal must hold at least a feed of events');
const LAST_STEP_CAP = 64;
const USER_OPS = new Set(['crash', 'restart', 'disconnect', 'reconnect', 'partition', 'heal', 'cutLink', 'restoreLink', 'setNetwork', 'setClock', 'timeout', 'propose', 'command', 'publish', 'addNode', 'removeNode', 'transferLeadership', 'snapshot']);

/** A fixed-size ring of the most recent items. */
export class Ring<T> {
  private items: T[] = [];
  private start = 0;
  constructor(readonly cap: number) {}
  get length(): number {
    return this.items.length;
  }
  push(x: T): void {
    if (this.items.length < this.cap) this.items.push(x);
    else {
      this.items[this.start] = x;
      this.start = (this.start + 1) % this.cap;
    }
  }
  clear(): void {
    // Emptied in place, and `start` written only when it changes: a field of a made object that is
    // assigned a new value for the first time makes V8 throw away the optimized code that reads it
    // (the engine's listeners, at the first seek of a run).
    this.items.length = 0;
    if (this.start !== 0) this.start = 0;
  }
  /** The i-th oldest item. */
  at(i: number): T {
    return this.items[(this.start + i) % this.items.length];
  }
  /** The newest `n` items, oldest first. */
  tail(n: number): T[] {
    const len = this.items.length;
    const out: T[] = [];
    for (let i = Math.max(0, len - n); i < len; i++) out.push(this.at(i));
    return out;
  }
  toArray(): T[] {
    return this.tail(this.items.length);
  }
}

function markOf(seq: number, e: SimEvent): Mark | undefined {
  switch (e.kind) {
    // The common kinds first: most events are messages and timers, which never mark.
    case 'send':
    case 'deliver':
    case 'drop':
    case 'timer':
      return undefined;
    case 'role':
      if (e.role === 'leader') return { seq, at: e.at, kind: 'leader', label: `${e.node} elected leader of term ${e.term}` };
      if (e.role === 'candidate') return { seq, at: e.at, kind: 'election', label: `${e.node} started an election for term ${e.term}` };
      return undefined;
    case 'violation':
      return { seq, at: e.at, kind: 'violation', label: e.detail ?? `${e.type} broken` };
    case 'crash':
      return { seq, at: e.at, kind: 'crash', label: `${e.node} crashed` };
    case 'publish':
      // A workload publishes many times a second: its messages would bury the timeline.
      if (isWorkloadClient(e.from)) return undefined;
      return { seq, at: e.at, kind: 'action', label: `publish${e.detail ? ` ${e.detail}` : ''}` };
    case 'addNode':
      return { seq, at: e.at, kind: 'action', label: `add node ${e.node}` };
    case 'removeNode':
      return { seq, at: e.at, kind: 'action', label: `remove node ${e.node}` };
    case 'transferLeadership':
      return { seq, at: e.at, kind: 'action', label: `transfer leadership to ${e.node}` };
    default:
      if (USER_OPS.has(e.kind)) return { seq, at: e.at, kind: 'action', label: `${e.kind}${e.node ? ` ${e.node}` : ''}${e.detail ? ` ${e.detail}` : ''}` };
      return undefined;
  }
}

/** One moment of every node's clock: how far its physical clock is off, and what is left after sync. */
export interface ClockSample {
  at: number;
  /** The nodes sampled, in order (the same array from one sample to the next while the nodes stay the same). */
  ids: readonly string[];
  /** Per node (ids order): local clock − true time. */
  offsets: number[];
  /** Per node: corrected clock − true time. */
  errors: number[];
}

const CLOCK_SAMPLE_MS = 100;
const CLOCK_SAMPLES = 3000;

/**
 * One point of the known run to come back to at once: a snapshot of the whole cluster, and what the
 * driver had derived from the events by then. A seek restores the nearest one before its target and
 * replays only the rest of the way.
 */
interface Checkpoint {
  /** Events seen (FeedItem.seq) by then. */
  seq: number;
  /** Engine events processed, virtual time, and actions done. */
  events: number;
  at: number;
  actions: number;
  metrics: MetricsMark;
  load: TallyState;
  snap: SavedState;
  /** Rough bytes this checkpoint added (what it shares with earlier ones is counted there). */
  bytes: number;
  /** Of `bytes`, what later checkpoints share (see SavedState.lasting): dropping this one leaves it to the next. */
  lasting: number;
  /** A visit's newest feed items (see Driver.rest): restored with it, so no replay is needed to show the moment. */
  feed?: FeedItem[];
}

/**
 * Log lines each workload publisher keeps (the page shows the console's log; the guides the last
 * few lines of each client). Its two lines per message would otherwise be kept, 2,000 a client, by
 * every checkpoint of a long run: about 11 MB of a 10-minute run at 100 publishes/s.
 */
const WORKLOAD_LOG_LINES = 8;
const WORKLOAD_CLIENTS = Array.from({ length: WORKLOAD_LIMITS.publishers.max }, (_, i) => `wl${i + 1}`);

/** Events between checkpoints at first; doubled whenever their memory passes CHECKPOINT_BUDGET. */
const CHECKPOINT_EVERY = 5_000;
/**
 * Most memory all checkpoints of a run may hold, as the snapshots estimate it. The estimate counts
 * what each checkpoint adds, at V8's sizes, and the objects born since the checkpoint before it
 * (which only checkpoints keep once the run lets them go); bench/seek.ts prints it beside the heap
 * the checkpoints hold (Node, 8-byte pointers; the page's heap holds less): 1.7 MB estimated / 1.9 MB
 * measured for 10 idle minutes (48 checkpoints), 22.2 / 24.5 MB at 100 publishes/s (129 checkpoints,
 * 20,000 events apart; the long tables, the nodes' logs and the action log are Columns,
 * src/core/column.ts, whose leaves the run and its checkpoints share). Past it, every other checkpoint is dropped and the spacing doubles, so a seek
 * then replays at most twice as far: the checkpoints of any run stay under this budget (≈ the same in
 * heap). Chosen so that a 10-minute run at 100 publishes/s keeps 20,000-event spacing (a seek replays
 * ≤ 22,000 events, ≈ 8,800 engine events) and its page stays under 64 MB; with 10,000 it would hold
 * 43.5 / 45.9 MB (Node's heap 79.5 MB, against 55 MB); at 20 MB it would thin to 40,000 (twice the seek time).
 */
export const CHECKPOINT_BUDGET = 40e6;
/**
 * A seek leaves at least this many events to replay observed before its target (when the run has
 * them), so that the event feed and the diagrams have something to show.
 */
export const FEED_MIN = 2000;

/**
 * Moments a learner stopped at that a seek can come back to with no replay (see Driver.rest); where
 * the known run ended is kept besides. Each holds a checkpoint's worth of memory plus its FEED_MIN
 * feed items (≈ 0.6 MB at 100 publishes/s).
 */
const VISITS = 3;

/** One simulated cluster and everything derived from its events so far. */
class Track {
  /** Events seen so far on this cluster. */
  seq = 0;
  readonly feed = new Ring<FeedItem>(FEED_CAP);
  /**
   * Events up to this number are in `feed`. During a quick seek the feed is not kept per event:
   * it is rebuilt from the cluster's journal at the end (see Driver.syncFeed).
   */
  feedSeq = 0;
  /** Feed items the driver made itself (the journal lacks them) since `feedSeq`, oldest first. */
  own: FeedItem[] = [];
  metrics = new Metrics();
  /** Outcomes of the workload's publishes on this cluster (rebuilt by replay like everything else). */
  readonly load = new WorkloadTally();
  readonly clockSamples = new Ring<ClockSample>(CLOCK_SAMPLES);
  nextClockAt = 0;
  /** Actions of the known run still ahead of this cluster's `now`; performed as they come due. */
  future: ActionRecord[] = [];
  futureIdx = 0;
  viewCache: NodeView[] | null = null;
  viewSeq = -1;
  viewAt = -1;
  unsubscribe: () => void = () => {};
  /** The driver's listener on the cluster (see Driver.listen). */
  listener: (e: SimEvent) => void = () => {};
  constructor(readonly cluster: SimCluster) {}
  dispose(): void {
    this.unsubscribe();
  }
}

export class Driver {
  /** Timeline marks over the whole known run (also past `now` after a rewind). */
  marks: Mark[] = [];
  /** Furthest point of the known run: time and event number. */
  horizon = 0;
  horizonSeq = 0;
  /** The latest events of the current batch (the last step or jump), for the narration. */
  private readonly batchRing = new Ring<FeedItem>(LAST_STEP_CAP);
  /** The event that made the last advance stop, if any. */
  stopped: FeedItem | null = null;
  /** Bumped whenever marks change. */
  marksVersion = 0;

  private track: Track;
  private sampleClocks = 0;
  private stopWhen: ((item: FeedItem) => boolean) | null = null;
  /** Violations stop the run while playing, not while seeking past them. */
  private seeking = false;
  /**
   * Inside a seek with no stop condition: events are only counted, measured and marked; the feed
   * and the batch are rebuilt from the journal when the call ends, so a seek costs little more
   * than a replay.
   */
  private quick = false;
  /** In a seek that stops at an event number: no checkpoint can be used within a feed of it. */
  private seekSeq = Infinity;
  private checkpoints: Checkpoint[] = [];
  private checkpointEvery = CHECKPOINT_EVERY;
  private nextCheckpoint = CHECKPOINT_EVERY;
  private checkpointBytes = 0;
  /** Estimated bytes of the tips captured since the last checkpoint (see checkpoint). */
  private sideBytes = 0;
  /** Checkpoints with their feed at moments the learner stopped at, oldest first (at most VISITS). */
  private visits: Checkpoint[] = [];
  /** The same where the known run ended when the learner last went back from its end (End comes back to it). */
  private tip: Checkpoint | null = null;
  /** Most estimated bytes all checkpoints may hold (CHECKPOINT_BUDGET; the bench varies it). */
  checkpointBudget = CHECKPOINT_BUDGET;
  /** Rewound, but no checkpoint restored yet (see settleRewind). */
  private rewound = false;
  private markSeq = 0;
  /** The running workload, if any: it issues its publishes when the run is at its frontier. */
  private workload: WorkloadSchedule | null = null;
  /**
   * When the workload started, changed or stopped in this run, by virtual time (oldest first): acting in the
   * past gives the new branch the workload as it stood at that moment (later starts and stops were in the
   * dropped future, like every other action there).
   */
  private workloadLog: Array<{ at: number; config: WorkloadConfig | null }> = [];

  /** Throws (ConfigError, RangeError) when the options are invalid; nothing is created then. */
  constructor(readonly run: RunOptions) {
    // Both values once now: V8 compiles a field that has held one value since the object was made as
    // that constant, and the first rewind would then throw away the optimized code that reads it
    // (most of the driver: the first seek of a run replayed in slower code while it was compiled again).
    this.rewound = true;
    this.rewound = false;
    this.track = this.fresh();
    this.checkpoint();
  }

  /** A new track at time 0 (the cluster's listener feeds whichever track is current). */
  private fresh(): Track {
    const t = new Track(new SimCluster(clusterOptions(this.run)));
    t.cluster.keepClientLines(WORKLOAD_CLIENTS, WORKLOAD_LOG_LINES);
    this.listen(t);
    return t;
  }

  private listen(t: Track): void {
    t.listener = (e) => this.handle(e);
    t.unsubscribe = t.cluster.onEvent(t.listener);
  }

  get cluster(): SimCluster {
    this.settleRewind();
    return this.track.cluster;
  }

  /** Events seen so far in this run. */
  get seq(): number {
    this.settleRewind();
    return this.track.seq;
  }

  get feed(): Ring<FeedItem> {
    this.settleRewind();
    this.syncFeed();
    return this.track.feed;
  }

  /** The latest events of the current batch (the last step or jump), for the narration. */
  get batch(): Ring<FeedItem> {
    this.settleRewind();
    this.syncFeed();
    return this.batchRing;
  }

  get metrics(): Metrics {
    this.settleRewind();
    return this.track.metrics;
  }

  /** Clock samples on a 100 ms grid, taken only while someone looks (reading clocks costs a node view each). */
  get clockSamples(): Ring<ClockSample> {
    return this.track.clockSamples;
  }

  /** Every journal event of the current cluster, as it happens (and the driver's own, via `own`). */
  private handle(e: SimEvent): void {
    const t = this.track;
    if (this.sampleClocks > 0 && e.at >= t.nextClockAt) this.sampleClock(e.at);
    const seq = ++t.seq;
    t.metrics.add(e);
    if (seq > this.markSeq) this.mark(seq, e);
    if (this.quick) return;
    // Entry points sync a quick seek's feed before more events come; never leave a gap if one did not.
    if (t.feedSeq !== seq - 1) t.feed.clear();
    const item: FeedItem = { seq, e };
    t.feed.push(item);
    t.feedSeq = seq;
    this.batchRing.push(item);
    if (this.stopped === null) {
      if (e.kind === 'violation' && !this.seeking) this.stopped = item;
      else if (this.stopWhen !== null && this.stopWhen(item)) this.stopped = item;
    }
  }

  /**
   * A message or timer event during a quick seek, as its parts (see Engine.setLean): what `handle`
   * does with one then, without the event object (messages and timers never mark).
   */
  private readonly handleMessage: LeanListener = (kind, at, from, type, payload) => {
    const t = this.track;
    if (this.sampleClocks > 0 && at >= t.nextClockAt) this.sampleClock(at);
    const seq = ++t.seq;
    t.metrics.message(kind, at, from, type, payload);
    if (seq > this.markSeq) this.markSeq = seq;
  };

  /** An event the driver shows itself (the engine journals no event for these actions). */
  private own(e: SimEvent): void {
    this.handle(e);
    const t = this.track;
    if (this.quick) t.own.push({ seq: t.seq, e });
  }

  private mark(seq: number, e: SimEvent): void {
    this.markSeq = seq;
    const m = markOf(seq, e);
    if (m !== undefined) {
      this.marks.push(m);
      this.marksVersion++;
    }
  }

  /**
   * Brings the current track's feed (and the batch) up to date after a quick seek: the newest
   * events come back from the cluster's journal, merged with the driver's own items. Called only
   * between engine steps (the journal then ends with the last event the listener saw).
   */
  private syncFeed(): void {
    const t = this.track;
    const missing = t.seq - t.feedSeq;
    if (missing <= 0) return;
    const need = Math.min(missing, FEED_CAP);
    // Only the journal's newest events that can be needed (not its whole window of FEED_JOURNAL).
    const journal = t.cluster.journal(need);
    const own = t.own;
    let j = journal.length - 1;
    let o = own.length - 1;
    const out: FeedItem[] = [];
    for (let seq = t.seq; seq > t.seq - need; seq--) {
      if (o >= 0 && own[o].seq === seq) out.push(own[o--]);
      else if (j >= 0) out.push({ seq, e: journal[j--] });
      else break;
    }
    // Only if the journal were shorter than a feed: never leave a gap in the feed. (A full feed's
    // worth replaces every item anyway. Clearing then too was the common case of a seek, reached
    // by no call before syncFeed was optimized: the optimized code, kept, left it at that point on
    // every seek, and pushed the up to 8,000 items in the interpreter.)
    if (out.length < missing && out.length < FEED_CAP) t.feed.clear();
    for (let i = out.length - 1; i >= 0; i--) {
      t.feed.push(out[i]);
      if (i < LAST_STEP_CAP) this.batchRing.push(out[i]);
    }
    t.feedSeq = t.seq;
    t.own = [];
  }

  /** Starts sampling clocks; returns the function that ends this request. */
  watchClocks(): () => void {
    this.sampleClocks++;
    if (this.sampleClocks === 1) this.track.nextClockAt = this.cluster.now;
    let on = true;
    return () => {
      if (on) this.sampleClocks--;
      on = false;
    };
  }

  private sampleClock(at: number): void {
    const t = this.track;
    t.nextClockAt = (Math.floor(at / CLOCK_SAMPLE_MS) + 1) * CLOCK_SAMPLE_MS;
    const c = t.cluster;
    const offsets: number[] = [];
    const errors: number[] = [];
    const last = t.clockSamples.length > 0 ? t.clockSamples.at(t.clockSamples.length - 1).ids : [];
    const ids = last.length === c.nodeIds.length && last.every((id, i) => id === c.nodeIds[i]) ? last : [...c.nodeIds];
    for (const id of ids) {
      const clock = c.node(id).clock as { offsetMs: number; errorMs?: number; correctedMs: number };
      offsets.push(clock.offsetMs);
      errors.push(clock.errorMs ?? clock.correctedMs - c.now);
    }
    t.clockSamples.push({ at, ids, offsets, errors });
  }

  get now(): number {
    // Rewound: the time the cluster will be at (a seek's own restore settles the rewind, not this read).
    return this.rewound ? this.checkpoints[0].at : this.cluster.now;
  }

  /** True when `now` is behind the end of the known run (acting now forks it). */
  get inPast(): boolean {
    this.settleRewind();
    const t = this.track;
    return t.seq < this.horizonSeq || t.futureIdx < t.future.length;
  }

  /** Every action of the known run: done so far plus still ahead. */
  allActions(): ActionRecord[] {
    const t = this.track;
    const all = t.cluster.actions();
    for (let i = t.futureIdx; i < t.future.length; i++) all.push(t.future[i]);
    return all;
  }

  /** How many actions the known run holds and its last one (records are immutable: a fork makes a new last one), without copying them. */
  knownActions(): { count: number; last: ActionRecord | undefined } {
    const t = this.track;
    const done = t.cluster.actionCount();
    const ahead = t.future.length - t.futureIdx;
    return { count: done + ahead, last: ahead > 0 ? t.future[t.future.length - 1] : t.cluster.actionAt(done - 1) };
  }

  /** The newest `n` feed items. */
  feedTail(n: number): FeedItem[] {
    return this.feed.tail(n);
  }

  beginBatch(): void {
    this.syncFeed();
    this.batchRing.clear();
  }

  /** The events of the current batch's last moment (a step's events share its time). */
  get lastStep(): FeedItem[] {
    const all = this.batch.toArray();
    const last = all[all.length - 1];
    return last === undefined ? [] : all.filter((i) => i.e.at === last.e.at);
  }

  private bumpHorizon(): void {
    if (this.cluster.now > this.horizon) this.horizon = this.cluster.now;
    if (this.seq > this.horizonSeq) this.horizonSeq = this.seq;
  }

  /** Carries out one action on the cluster (a user's now, or a recorded one coming due). */
  private perform(op: string, args: readonly unknown[]): unknown {
    const c = this.cluster;
    // Reconfiguring from a cluster.yaml is recorded as the addNode and removeNode actions it makes.
    if (op === 'reconfigure') return c.reconfigure(String(args[0]));
    if (!isReplayable(op)) throw new Error(`unknown action '${op}'`);
    const fn = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[op];
    if (typeof fn !== 'function') throw new Error(`the engine cannot '${op}' yet`);
    // The engine records no event for these; the feed shows one so the step can be explained.
    let client: string | undefined;
    if (op === 'propose') {
      const [node, command] = args as [string, string];
      this.own({ at: c.now, kind: 'propose', node, detail: String(command), payload: command });
    } else if (op === 'command') {
      const [node, line] = args as [string, string];
      this.own({ at: c.now, kind: 'command', node, detail: String(line) });
    } else if (op === 'publish') {
      const [topic, message, options] = args as [string, string, { client?: string } | undefined];
      client = options?.client;
      const e: SimEvent = { at: c.now, kind: 'publish', detail: `PUB ${String(topic)} ${String(message)}` };
      if (client !== undefined) e.from = client;
      this.own(e);
    }
    const result = fn.apply(c, args as unknown[]);
    if (op === 'publish' && isWorkloadClient(client)) this.track.load.add(result as Publish);
    return result;
  }

  /**
   * A user action now. When `now` is in the past of the known run, the run forks here: the
   * recorded future is dropped and replaced by what happens from now on.
   */
  act(op: string, args: readonly unknown[]): unknown {
    this.settleRewind();
    this.syncFeed();
    const undo = this.inPast ? this.fork() : undefined;
    let result: unknown;
    try {
      result = this.perform(op, args);
    } catch (err) {
      // The engine checks an action's arguments before it changes anything: a refused one leaves the
      // run as it was, future included (it must not fork it).
      undo?.();
      throw err;
    }
    this.bumpHorizon();
    return result;
  }

  /** Drops the known run's future past now (acting in the past); returns what undoes it. */
  private fork(): () => void {
    const t = this.track;
    const saved = {
      future: t.future, futureIdx: t.futureIdx, marks: this.marks, checkpoints: this.checkpoints, visits: this.visits, tip: this.tip,
      checkpointBytes: this.checkpointBytes, nextCheckpoint: this.nextCheckpoint, markSeq: this.markSeq, horizon: this.horizon, horizonSeq: this.horizonSeq,
      workload: this.workload, position: this.workload?.position(), workloadLog: this.workloadLog,
    };
    const undo = (): void => {
      t.future = saved.future;
      t.futureIdx = saved.futureIdx;
      this.marks = saved.marks;
      this.checkpoints = saved.checkpoints;
      this.visits = saved.visits;
      this.tip = saved.tip;
      this.checkpointBytes = saved.checkpointBytes;
      this.nextCheckpoint = saved.nextCheckpoint;
      this.markSeq = saved.markSeq;
      this.horizon = saved.horizon;
      this.horizonSeq = saved.horizonSeq;
      this.workload = saved.workload;
      if (saved.position !== undefined) this.workload?.setPosition(saved.position);
      this.workloadLog = saved.workloadLog;
      this.marksVersion++;
    };
    t.future = [];
    t.futureIdx = 0;
    this.workloadAt(t.cluster.now);
    this.marks = this.marks.filter((m) => m.seq <= t.seq);
    this.checkpoints = this.checkpoints.filter((cp) => cp.seq <= t.seq);
    this.visits = this.visits.filter((v) => v.seq <= t.seq);
    if (this.tip !== null && this.tip.seq > t.seq) this.tip = null;
    this.checkpointBytes = this.checkpoints.reduce((sum, cp) => sum + cp.bytes, 0);
    this.nextCheckpoint = (this.checkpoints.at(-1)?.seq ?? 0) + this.checkpointEvery;
    this.marksVersion++;
    this.markSeq = t.seq;
    this.horizon = t.cluster.now;
    this.horizonSeq = t.seq;
    return undo;
  }

  // ---- the workload ----

  /**
   * After a fork at `now`: the workload as it stood then (the log's later entries were in the dropped future),
   * carrying on with its first message due after now.
   */
  private workloadAt(now: number): void {
    const log = this.workloadLog.filter((x) => x.at <= now);
    this.workloadLog = log;
    const last = log.at(-1);
    if (last?.config == null) {
      this.workload = null;
      return;
    }
    const w = this.workload;
    if (w === null || w.config !== last.config) this.workload = new WorkloadSchedule(last.config, last.at);
    this.workload!.resumeAfter(now);
  }

  /** The running workload's settings, or null. */
  get workloadConfig(): WorkloadConfig | null {
    return this.workload?.config ?? null;
  }

  /** The running workload and where its schedule stands (a share link carries it: the opened run goes on publishing the same), or null. */
  workloadState(): RunningWorkload | null {
    return this.workload === null ? null : { config: this.workload.config, ...this.workload.position() };
  }

  /** Carries on a workload from where a saved run left it (its schedule exactly: the next message at the same instant). */
  resumeWorkload(state: RunningWorkload): void {
    this.settleRewind();
    const w = new WorkloadSchedule(validateWorkload(state.config), state.startAt);
    w.setPosition(state);
    this.workload = w;
    // (What ran before it is not known: the saved run holds only the schedule running at its end.)
    this.workloadLog = [{ at: state.startAt, config: w.config }];
  }

  /**
   * Starts publishers × rate from now (replacing a running workload). Its first message goes out
   * at once; in the past of the known run this forks the run, like any action.
   */
  startWorkload(config: WorkloadConfig): void {
    this.settleRewind();
    const clean = validateWorkload(config);
    this.syncFeed();
    if (this.inPast) this.fork();
    this.workload = new WorkloadSchedule(clean, this.cluster.now);
    this.workloadLog.push({ at: this.cluster.now, config: this.workload.config });
    this.issueDue();
  }

  /** Stops the workload: at once at the frontier; in the past of the known run, where the known run ends (it runs only there). */
  stopWorkload(): void {
    if (this.workload === null) return;
    this.workload = null;
    this.workloadLog.push({ at: Math.max(this.cluster.now, this.horizon), config: null });
  }

  /** The workload's publishes on the current cluster so far: acked, pending, failed, latency. */
  workloadStats(): WorkloadStats {
    this.settleRewind();
    return this.track.load.stats();
  }

  /** The workload runs only at the frontier: in the past of the known run its messages are recorded actions. */
  private liveWorkload(): WorkloadSchedule | null {
    const t = this.track;
    return t.futureIdx < t.future.length ? null : this.workload;
  }

  /** Issues the workload's messages due by now, as publish actions of the run. */
  private issueDue(): void {
    const w = this.liveWorkload();
    if (w === null) return;
    const c = this.cluster;
    while (w.nextAt() <= c.now) {
      this.perform('publish', w.take());
      this.bumpHorizon();
    }
  }

  /**
   * Runs to virtual time `targetMs`, replaying recorded actions as they come due, until a stop
   * condition holds or the wall clock passes `deadline` (performance.now()); resumable.
   */
  advance(targetMs: number, deadline = Infinity): AdvanceResult {
    this.quick = this.seeking && this.stopWhen === null;
    if (!this.quick) this.syncFeed();
    if (this.seeking) this.jump(targetMs);
    this.settleRewind();
    const t = this.track;
    const from = t.cluster.eventCount;
    // A quick seek only counts message and timer events: they come without event objects.
    if (this.quick) t.cluster.leanEvents(t.listener, this.handleMessage);
    try {
      return this.runTo(targetMs, deadline);
    } finally {
      // Rebuild the feed once per call, before anyone can move the cluster on (which would leave
      // the journal no longer ending where the listener stopped).
      if (this.quick) {
        t.cluster.leanEvents(t.listener, undefined);
        this.quick = false;
        this.syncFeed();
      }
      this.lastAdvanceEvents = this.track.cluster.eventCount - from;
    }
  }

  /** Engine events the last advance() processed (after the checkpoint it restored, if any): what a seek replays. */
  lastAdvanceEvents = 0;

  /** Snapshots the cluster and notes what the driver knows at this point of the run (every checkpointEvery events). */
  private checkpoint(): void {
    const cp = this.capture();
    // What a tip captured since the last checkpoint saved is this one's too: it moved the snapshots'
    // baseline, so this one's own estimate leaves out what it shares with the tip.
    cp.bytes += this.sideBytes;
    this.sideBytes = 0;
    this.checkpoints.push(cp);
    this.checkpointBytes += cp.bytes;
    if (this.checkpointBytes > this.checkpointBudget) this.thinCheckpoints();
    this.nextCheckpoint = this.track.seq + this.checkpointEvery;
  }

  /**
   * A capture at the end of the run that is not a checkpoint of it (the tip): its bytes go to the next
   * checkpoint (see checkpoint). (A visit is in the past: a later checkpoint's estimate, made from a
   * baseline further back, only counts more.)
   */
  private sideCapture(): Checkpoint {
    const cp = this.capture();
    this.sideBytes += cp.bytes;
    return cp;
  }

  /** The cluster's state now and what the driver derived from its events by now. */
  private capture(): Checkpoint {
    const t = this.track;
    const c = t.cluster;
    const snap = c.saveState();
    const load = t.load.save();
    return { seq: t.seq, events: c.eventCount, at: c.now, actions: c.actionCount(), metrics: t.metrics.mark(), load, snap, bytes: snap.bytes + load.bytes, lasting: snap.lasting };
  }

  /**
   * The learner stopped here (the page calls this when it is idle after a seek or a pause): keeps
   * this moment with its feed, so that coming back to it, or seeking a little past it, needs no
   * replay before it (the oldest of VISITS goes). At the end of the known run, keeps the tip (see
   * keepTip), which a seek back would otherwise make first. Returns whether it kept one.
   */
  rest(): boolean {
    if (this.rewound) return false;
    const t = this.track;
    if (!this.inPast) {
      const had = this.tip;
      this.keepTip(false);
      return this.tip !== had;
    }
    if (t.cluster.actionCount() !== t.futureIdx) return false;
    if (this.keptHere() !== undefined) return false;
    this.syncFeed();
    this.visitHere();
    return true;
  }

  /**
   * Readies a seek the learner is about to make (the pointer rests on the timeline at `targetMs`):
   * seeks there, keeps that moment as a visit, and comes back, leaving the cluster and everything the
   * page shows as it was. A seek there then restores the visit and replays nothing. Only while
   * paused on the known run, with no clocks sampled (their chart is not kept), and when the seek
   * would replay a feed's worth of events or more. Returns whether it did.
   */
  prepare(targetMs: number): boolean {
    if (this.rewound || this.sampleClocks > 0) return false;
    const t = this.track;
    const c = t.cluster;
    const target = Math.max(0, Math.min(targetMs, this.horizon));
    if (c.actionCount() !== t.futureIdx && this.inPast) return false;
    // Quick already: forward within a feed's worth of events, or a visit or checkpoint near before it.
    const from = this.startFor(target, true);
    const start = from === undefined || (target >= c.now && from.seq <= t.seq) ? t.seq : from.seq;
    if (this.seqAt(target) - start < FEED_MIN) return false;
    this.syncFeed();
    const shown = { feed: t.feed.tail(FEED_CAP), batch: this.batchRing.toArray(), stopped: this.stopped, replayed: this.lastAdvanceEvents };
    // Where to come back to: a moment kept here (or one kept now); at the end of the run, the tip rewind keeps.
    const here = this.inPast ? (this.keptHere() ?? this.visitHere()) : null;
    this.rewind();
    const home = here ?? this.tip!;
    try {
      this.setSeeking(true);
      this.advance(target);
      if (this.keptHere() === undefined) this.visitHere();
    } finally {
      this.setSeeking(false);
      this.rewound = false;
      this.restore(home);
      t.feed.clear();
      for (const item of shown.feed) t.feed.push(item);
      this.batchRing.clear();
      for (const item of shown.batch) this.batchRing.push(item);
      this.stopped = shown.stopped;
      this.lastAdvanceEvents = shown.replayed;
    }
    return true;
  }

  /**
   * At the end of the known run: kept with its feed as the tip (a visit), End or any seek to where
   * the run ended restores it with no replay. Leaving the end (rewind) needs it; the page makes it in
   * idle time once paused (rest). `checkpoint`: also a checkpoint of the run there (leaving the end
   * does, so coming near it stays quick once the tip is replaced; a pause does not, or every pause
   * would add one to the budget and a learner pausing often would thin the checkpoints sooner).
   */
  private keepTip(checkpoint: boolean): void {
    const t = this.track;
    if (this.isHere(this.tip)) return;
    this.syncFeed();
    if (checkpoint && t.seq - this.checkpoints[this.checkpoints.length - 1].seq >= FEED_MIN) this.checkpoint();
    const end = this.checkpoints[this.checkpoints.length - 1];
    // (A checkpoint of the run that is the tip too gets a copy with the feed: thinning may drop the checkpoint.)
    this.tip = { ...(this.isHere(end) ? end : this.sideCapture()), feed: t.feed.tail(FEED_MIN) };
  }

  /** Whether `cp` holds exactly the cluster's state now. */
  private isHere(cp: Checkpoint | null | undefined): cp is Checkpoint {
    const t = this.track;
    return cp != null && cp.seq === t.seq && cp.events === t.cluster.eventCount && cp.at === t.cluster.now;
  }

  /** A visit, the tip or a checkpoint that holds exactly the cluster's state now, if any. */
  private keptHere(): Checkpoint | undefined {
    const here = (cp: Checkpoint): boolean => this.isHere(cp);
    return this.visits.find(here) ?? (this.isHere(this.tip) ? this.tip : this.checkpoints.find(here));
  }

  /** Keeps the cluster's state now as a visit, with the newest FEED_MIN feed items (the oldest of VISITS goes). */
  private visitHere(): Checkpoint {
    const cp = this.capture();
    cp.feed = this.track.feed.tail(FEED_MIN);
    this.visits.push(cp);
    if (this.visits.length > VISITS) this.visits.shift();
    return cp;
  }

  /**
   * Over budget: keeps the first checkpoint and every other one after it, and doubles the spacing
   * from now on. (Dropping fewer at a time does not help a seek: checkpoints can only be dropped,
   * so any spacing other than a multiple of the old one leaves some stretches twice as long.)
   */
  private thinCheckpoints(): void {
    const cps = this.checkpoints;
    const kept: Checkpoint[] = [];
    let carried = 0;
    for (let i = 0; i < cps.length; i++) {
      const cp = cps[i];
      if (i === 0 || i % 2 === 0 || i === cps.length - 1) {
        // What the dropped one before it shares with it stays alive: this one now holds it.
        cp.bytes += carried;
        cp.lasting += carried;
        carried = 0;
        kept.push(cp);
      } else carried += cp.lasting;
    }
    this.checkpoints = kept;
    this.checkpointEvery *= 2;
    this.checkpointBytes = kept.reduce((sum, cp) => sum + cp.bytes, 0);
  }

  /** Checkpoints of the known run now held, their estimated memory, and the events between them (for the bench). */
  checkpointStats(): { count: number; bytes: number; every: number } {
    return { count: this.checkpoints.length, bytes: this.checkpointBytes, every: this.checkpointEvery };
  }

  /**
   * Seeking within the known run: restores the latest checkpoint that still leaves a few events
   * (FEED_MIN; when clocks are watched, a chart's worth of time) to observe before the target,
   * if that is ahead of where the cluster is (or the cluster has been rewound).
   */
  private jump(targetMs: number): void {
    const t = this.track;
    const c = t.cluster;
    // Checkpoints belong to the known run: the cluster must be on it (every action it did is recorded).
    if (!this.rewound && c.actionCount() !== t.futureIdx) return;
    const cp = this.startFor(targetMs, false);
    if (cp === undefined) return;
    // After a rewind any checkpoint; otherwise only forward (the cluster is at or past earlier ones).
    if (this.rewound || cp.seq > t.seq) {
      this.rewound = false;
      this.restore(cp);
    }
  }

  /** The event number at `targetMs`, as far as the checkpoints tell (the run's events are not uniform in time). */
  private seqAt(targetMs: number): number {
    const cps = this.checkpoints;
    let i = cps.length - 1;
    while (i > 0 && cps[i].at > targetMs) i--;
    const next = cps[i + 1];
    return next === undefined ? this.horizonSeq : cps[i].seq + ((next.seq - cps[i].seq) * (targetMs - cps[i].at)) / Math.max(1e-9, next.at - cps[i].at);
  }

  /**
   * The checkpoint or visit a seek to `targetMs` starts from: the latest checkpoint that still leaves
   * a feed of events to replay, or a later visit (it brings its feed). `plain`: as a plain seek
   * (no stop at an event number, whatever is set now).
   */
  private startFor(targetMs: number, plain: boolean): Checkpoint | undefined {
    const cps = this.checkpoints;
    const seekSeq = plain ? Infinity : this.seekSeq;
    let i = cps.length - 1;
    while (i > 0 && cps[i].at > targetMs) i--;
    const targetSeq = Math.min(seekSeq, this.seqAt(targetMs));
    const atBound = this.sampleClocks > 0 ? targetMs - CLOCK_SAMPLES * CLOCK_SAMPLE_MS : Infinity;
    while (i > 0 && (cps[i].seq > targetSeq - FEED_MIN || cps[i].at > atBound)) i--;
    let cp: Checkpoint | undefined = cps[i];
    if (cp !== undefined && cp.at > targetMs) cp = undefined;
    // A visit brings its feed: it may lie right at the target (not past a stop at an event number).
    for (const v of this.tip === null ? this.visits : [...this.visits, this.tip]) {
      if (v.at <= targetMs && v.seq < seekSeq && v.at <= atBound && (cp === undefined || v.seq > cp.seq)) cp = v;
    }
    return cp;
  }

  /** Puts the cluster and what the driver derived from its events back to a checkpoint. */
  private restore(cp: Checkpoint): void {
    const t = this.track;
    t.cluster.restoreState(cp.snap);
    t.futureIdx = cp.actions;
    t.seq = cp.seq;
    t.feed.clear();
    t.feedSeq = cp.seq;
    t.own = [];
    t.metrics = Metrics.at(cp.metrics);
    t.load.restore(cp.load);
    t.nextClockAt = Math.ceil(cp.at / CLOCK_SAMPLE_MS) * CLOCK_SAMPLE_MS;
    t.viewCache = null;
    this.batchRing.clear();
    // A visit's feed, and the batch a seek that replayed up to it would have made (its newest events).
    if (cp.feed !== undefined) {
      for (const item of cp.feed) t.feed.push(item);
      for (const item of cp.feed.slice(-LAST_STEP_CAP)) this.batchRing.push(item);
    }
  }

  private runTo(targetMs: number, deadline: number): AdvanceResult {
    const t = this.track;
    const c = t.cluster;
    this.stopped = null;
    let k = 0;
    let until = Infinity;
    const done = (): boolean => {
      if (t.seq >= this.nextCheckpoint) this.checkpoint();
      return this.stopped !== null || c.eventCount >= until || ((++k & 127) === 0 && performance.now() > deadline);
    };
    for (;;) {
      const next = t.future[t.futureIdx];
      const due = next !== undefined && next.at <= targetMs;
      if (due && c.eventCount >= next.events) {
        c.advanceTo(next.events, next.at);
        t.futureIdx++;
        this.perform(next.op, next.args);
        this.bumpHorizon();
        if (this.stopped !== null) return 'stop';
        continue;
      }
      // At the frontier, a running workload's next message is one more instant to stop at. It goes
      // out after every event of its instant (also when it is late: after those of now).
      const w = next === undefined ? this.workload : null;
      const wAt = w === null ? Infinity : Math.max(w.nextAt(), c.now);
      until = due ? next.events : Infinity;
      let limit = due ? next.at : targetMs;
      const toWorkload = wAt <= limit;
      if (toWorkload) limit = wAt;
      const held = c.runUntil(done, spanTo(c.now, limit));
      this.bumpHorizon();
      if (this.stopped !== null) return 'stop';
      if (due && c.eventCount >= next.events) continue;
      if (!held && toWorkload) {
        if (c.now < wAt) c.advanceTo(c.eventCount, wAt);
        this.issueDue();
        if (this.stopped !== null) return 'stop';
        continue;
      }
      if (c.now >= limit && !held) {
        if (due) throw new Error(`replay diverged: the action '${next.op}' at t=${next.at} was not reached`);
        return 'target';
      }
      if (c.now >= targetMs && !due) return 'target';
      return 'budget';
    }
  }

  /** Processes exactly one scheduler event, or the recorded action (or workload message) that is due first. */
  step(): void {
    this.settleRewind();
    this.syncFeed();
    const t = this.track;
    const c = t.cluster;
    this.stopped = null;
    const next = t.future[t.futureIdx];
    const w = next === undefined ? this.workload : null;
    if (next !== undefined && c.eventCount >= next.events) {
      c.advanceTo(next.events, next.at);
      t.futureIdx++;
      this.perform(next.op, next.args);
    } else if (w !== null && w.nextAt() !== Infinity) {
      // One event, unless the workload's next message is due before it (as playing orders them:
      // a message goes out after every event of its instant).
      const wAt = Math.max(w.nextAt(), c.now);
      const before = c.eventCount;
      if (c.runUntil(() => c.eventCount > before, spanTo(c.now, wAt))) {
        this.bumpHorizon();
        return;
      }
      if (c.now < wAt) c.advanceTo(c.eventCount, wAt);
      this.perform('publish', w.take());
    } else c.step();
    this.bumpHorizon();
  }

  /** Sets (or clears) the condition under which advance() stops; checked on every event. */
  setStop(stop: ((item: FeedItem) => boolean) | null): void {
    this.stopWhen = stop;
  }


  /** Seeking (violations do not stop it); `untilSeq`: the seek stops at that event. */
  setSeeking(on: boolean, untilSeq = Infinity): void {
    this.seeking = on;
    this.seekSeq = on ? untilSeq : Infinity;
  }

  /** Starts the run again from time 0 with the whole known run's actions ahead (a rewind): restores the first checkpoint. */
  rewind(): void {
    if (this.rewound) return;
    const t = this.track;
    // On the known run (every action the cluster did came from the recorded future), the future
    // already holds the whole run: no copy of it (a seek would otherwise cost in proportion to the run).
    const all = t.cluster.actionCount() === t.futureIdx ? t.future : this.allActions();
    this.syncFeed();
    if (!this.inPast) this.keepTip(true);
    t.future = all;
    this.rewound = true;
  }

  /**
   * A rewind is carried out lazily: a seek restores the checkpoint nearest its target directly;
   * anything else that looks at the cluster first gets the first checkpoint (time 0).
   */
  private settleRewind(): void {
    if (!this.rewound) return;
    this.rewound = false;
    this.restore(this.checkpoints[0]);
  }

  /** Loads a recorded run: its actions become the future of a fresh cluster. */
  load(actions: readonly ActionRecord[]): void {
    this.rewound = false;
    this.workload = null;
    this.workloadLog = [];
    this.track.dispose();
    this.track = this.fresh();
    this.track.future = actions.slice();
    this.checkpoints = [];
    this.visits = [];
    this.tip = null;
    this.sideBytes = 0;
    this.checkpointBytes = 0;
    this.checkpointEvery = CHECKPOINT_EVERY;
    this.nextCheckpoint = CHECKPOINT_EVERY;
    this.checkpoint();
    this.marks = [];
    this.markSeq = 0;
    this.marksVersion++;
    this.horizon = 0;
    this.horizonSeq = 0;
  }

  /**
   * Node views, cached until the next event (every action makes one). Clock readings move with
   * time alone, so `fresh` also rebuilds them when time moved.
   */
  views(fresh = false): NodeView[] {
    this.settleRewind();
    const t = this.track;
    const c = t.cluster;
    if (t.viewCache === null || t.viewSeq !== t.seq || (fresh && t.viewAt !== c.now)) {
      t.viewSeq = t.seq;
      t.viewAt = c.now;
      t.viewCache = c.nodeIds.map((id) => c.node(id));
    }
    return t.viewCache;
  }

  inFlight(): InFlight[] {
    this.settleRewind();
    return this.cluster.inFlight();
  }

  dispose(): void {
    this.track.dispose();
    this.checkpoints = [];
  }

  /** For the bench: drops every checkpoint and what the snapshots shared, to measure what they held. Seeking back is then impossible. */
  withoutCheckpoints(): void {
    this.checkpoints = [];
    this.visits = [];
    this.tip = null;
    this.sideBytes = 0;
    this.checkpointBytes = 0;
    this.nextCheckpoint = Infinity;
    this.cluster.forgetSavedStates();
  }
}

/**
 * The span to hand runUntil so that `now + span` is exactly `at` (a plain `at - now` can miss by an
 * ulp when now is small next to at; then events at that very instant would depend on frame timing).
 */
function spanTo(now: number, at: number): number {
  if (!(at > now)) return 0;
  let span = at - now;
  for (let i = 0; i < 4 && now + span !== at; i++) span += at - (now + span);
  return span;
}
