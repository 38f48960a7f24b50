// The playback driver: owns one simulated cluster plus the run's recorded future, and moves it forward, back (by replay) and onto forks.
import { SimCluster, isReplayable, type ActionRecord, type InFlight, type NodeView, type Publish, type SimEvent } from '../sim';
import { Metrics, type MetricsMark } from './metrics';
import { FEED_JOURNAL, clusterOptions, type RunOptions } from './runOptions';
import { WorkloadSchedule, WorkloadTally, isWorkloadClient, validateWorkload, type WorkloadConfig, type WorkloadStats } from './workload';

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
    this.items = [];
    this.start = 0;
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
  /** Per node (nodeIds order): local clock − true time. */
  offsets: number[];
  /** Per node: corrected clock − true time. */
  errors: number[];
}

const CLOCK_SAMPLE_MS = 100;
const CLOCK_SAMPLES = 3000;

/**
 * What the driver had derived from the events at one point of the known run. A replay after a
 * rewind runs to such a point with no event listener (the engine's bare speed: events are then not
 * even made into objects), takes the numbers from here, and observes only the rest of the way.
 */
interface Checkpoint {
  /** Events seen (FeedItem.seq) by then. */
  seq: number;
  /** Engine events processed, virtual time, and actions done: where a replay stops to resume. */
  events: number;
  at: number;
  actions: number;
  metrics: MetricsMark;
}

/** Events between checkpoints: a seek then observes at most a feed plus twice this. */
const CHECKPOINT_EVERY = 20_000;

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
  /** A checkpoint this cluster is replaying to without listening (its events are not seen). */
  jump: Checkpoint | null = null;
  unsubscribe: () => void = () => {};
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
  /**
   * After a rewind, the cluster that had reached the end of the known run, kept so that seeking
   * back to (or past) that point resumes it instead of replaying; dropped when the run forks.
   */
  private frontier: Track | null = null;
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
  /** Actions done now come from a replay to a checkpoint: the driver shows no event for them. */
  private silent = false;
  private checkpoints: Checkpoint[] = [];
  private nextCheckpoint = CHECKPOINT_EVERY;
  private markSeq = 0;
  /** The running workload, if any: it issues its publishes when the run is at its frontier. */
  private workload: WorkloadSchedule | null = null;

  /** Throws (ConfigError, RangeError) when the options are invalid; nothing is created then. */
  constructor(readonly run: RunOptions) {
    this.track = this.fresh();
  }

  /** A new track at time 0 (the cluster's listener feeds whichever track is current). */
  private fresh(): Track {
    const t = new Track(new SimCluster(clusterOptions(this.run)));
    this.listen(t);
    return t;
  }

  private listen(t: Track): void {
    t.unsubscribe = t.cluster.onEvent((e) => this.handle(e));
  }

  get cluster(): SimCluster {
    return this.track.cluster;
  }

  /** Events seen so far in this run. */
  get seq(): number {
    return this.track.seq;
  }

  get feed(): Ring<FeedItem> {
    this.syncFeed();
    return this.track.feed;
  }

  /** The latest events of the current batch (the last step or jump), for the narration. */
  get batch(): Ring<FeedItem> {
    this.syncFeed();
    return this.batchRing;
  }

  get metrics(): Metrics {
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

  /** An event the driver shows itself (the engine journals no event for these actions). */
  private own(e: SimEvent): void {
    if (this.silent) return;
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
    const journal = t.cluster.journal();
    const own = t.own;
    let j = journal.length - 1;
    let o = own.length - 1;
    const out: FeedItem[] = [];
    for (let seq = t.seq; seq > t.seq - need; seq--) {
      if (o >= 0 && own[o].seq === seq) out.push(own[o--]);
      else if (j >= 0) out.push({ seq, e: journal[j--] });
      else break;
    }
    // Only if the journal were shorter than a feed: never leave a gap in the feed.
    if (out.length < missing) t.feed.clear();
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
    for (const id of c.nodeIds) {
      const clock = c.node(id).clock as { offsetMs: number; errorMs?: number; correctedMs: number };
      offsets.push(clock.offsetMs);
      errors.push(clock.errorMs ?? clock.correctedMs - c.now);
    }
    t.clockSamples.push({ at, offsets, errors });
  }

  get now(): number {
    return this.cluster.now;
  }

  /** True when `now` is behind the end of the known run (acting now forks it). */
  get inPast(): boolean {
    const t = this.track;
    return t.seq < this.horizonSeq || t.futureIdx < t.future.length;
  }

  /** Every action of the known run: done so far plus still ahead. */
  allActions(): ActionRecord[] {
    const t = this.track;
    return [...t.cluster.actions(), ...t.future.slice(t.futureIdx)];
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
    this.syncFeed();
    if (this.inPast) this.fork();
    const result = this.perform(op, args);
    this.bumpHorizon();
    return result;
  }

  private fork(): void {
    const t = this.track;
    t.future = [];
    t.futureIdx = 0;
    // The workload's messages after now were in the dropped future: it carries on from here.
    this.workload?.resumeAfter(t.cluster.now);
    this.frontier?.dispose();
    this.frontier = null;
    this.marks = this.marks.filter((m) => m.seq <= t.seq);
    this.checkpoints = this.checkpoints.filter((cp) => cp.seq <= t.seq);
    this.nextCheckpoint = (this.checkpoints.at(-1)?.seq ?? 0) + CHECKPOINT_EVERY;
    this.marksVersion++;
    this.markSeq = t.seq;
    this.horizon = t.cluster.now;
    this.horizonSeq = t.seq;
  }

  /** When seeking to or past the kept frontier, continue from it instead of replaying up to it. */
  private resumeFrontier(targetMs: number): void {
    const f = this.frontier;
    if (f === null || !this.seeking || this.stopWhen !== null) return;
    if (targetMs < f.cluster.now || f.cluster.now <= this.cluster.now) return;
    this.track.dispose();
    this.track = f;
    this.frontier = null;
    this.syncFeed();
    // Its events were reported when it first ran: the narration shows its last moment.
    for (const item of f.feed.tail(LAST_STEP_CAP)) this.batchRing.push(item);
  }

  // ---- the workload ----

  /** The running workload's settings, or null. */
  get workloadConfig(): WorkloadConfig | null {
    return this.workload?.config ?? null;
  }

  /**
   * Starts publishers × rate from now (replacing a running workload). Its first message goes out
   * at once; in the past of the known run this forks the run, like any action.
   */
  startWorkload(config: WorkloadConfig): void {
    const clean = validateWorkload(config);
    this.syncFeed();
    if (this.inPast) this.fork();
    this.workload = new WorkloadSchedule(clean, this.cluster.now);
    this.issueDue();
  }

  stopWorkload(): void {
    this.workload = null;
  }

  /** The workload's publishes on the current cluster so far: acked, pending, failed, latency. */
  workloadStats(): WorkloadStats {
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
    this.resumeFrontier(targetMs);
    this.quick = this.seeking && this.stopWhen === null;
    if (!this.quick) this.syncFeed();
    if (this.seeking) this.planJump(targetMs);
    try {
      const t = this.track;
      if (t.jump !== null && !this.jumpTo(t.jump, deadline)) return 'budget';
      return this.runTo(targetMs, deadline);
    } finally {
      // Rebuild the feed once per call, before anyone can move the cluster on (which would leave
      // the journal no longer ending where the listener stopped).
      if (this.quick) {
        this.quick = false;
        this.syncFeed();
      }
    }
  }

  /** Notes what the driver knows at this point of the run, every CHECKPOINT_EVERY events. */
  private checkpoint(): void {
    const t = this.track;
    const c = t.cluster;
    this.checkpoints.push({ seq: t.seq, events: c.eventCount, at: c.now, actions: c.actions().length, metrics: t.metrics.mark() });
    this.nextCheckpoint = t.seq + CHECKPOINT_EVERY;
  }

  /**
   * Seeking forward in a replay (after a rewind): picks the furthest checkpoint that still leaves
   * a feed's worth of events (and, when clocks are watched, a chart's worth of time) to observe
   * before the target, and replays to it without listening.
   */
  private planJump(targetMs: number): void {
    const t = this.track;
    const c = t.cluster;
    const cps = this.checkpoints;
    if (t.jump !== null || cps.length === 0) return;
    // Only a replay of the known run from its start can use them: every action done so far recorded.
    if (c.actions().length !== t.futureIdx) return;
    let i = cps.length - 1;
    while (i >= 0 && cps[i].at > targetMs) i--;
    if (i < 0) return;
    const seqBound = Math.min(cps[i].seq, this.seekSeq) - FEED_CAP;
    const atBound = this.sampleClocks > 0 ? targetMs - CLOCK_SAMPLES * CLOCK_SAMPLE_MS : Infinity;
    while (i >= 0 && (cps[i].seq > seqBound || cps[i].at > atBound)) i--;
    if (i < 0) return;
    const cp = cps[i];
    if (cp.seq <= t.seq || cp.events < c.eventCount || cp.actions < t.futureIdx || cp.actions > t.future.length) return;
    t.jump = cp;
    t.unsubscribe();
    t.unsubscribe = () => {};
  }

  /** Replays to the checkpoint unobserved (resumable); true when there. */
  private jumpTo(cp: Checkpoint, deadline: number): boolean {
    const t = this.track;
    const c = t.cluster;
    let k = 0;
    let until = 0;
    const done = (): boolean => c.eventCount >= until || ((++k & 127) === 0 && performance.now() > deadline);
    this.silent = true;
    try {
      for (;;) {
        const a = t.futureIdx < cp.actions ? t.future[t.futureIdx] : undefined;
        const events = a === undefined ? cp.events : a.events;
        const at = a === undefined ? cp.at : a.at;
        if (c.eventCount >= events) {
          c.advanceTo(events, at);
          if (a === undefined) break;
          t.futureIdx++;
          this.perform(a.op, a.args);
          continue;
        }
        until = events;
        const held = c.runUntil(done, spanTo(c.now, at));
        if (c.eventCount >= events) continue;
        if (!held) throw new Error(`replay diverged: event ${events} at t=${at} was not reached`);
        return false;
      }
    } finally {
      this.silent = false;
    }
    // There: carry on as if every event so far had been seen.
    t.jump = null;
    t.seq = cp.seq;
    t.feed.clear();
    t.feedSeq = cp.seq;
    t.own = [];
    t.metrics = Metrics.at(cp.metrics);
    t.nextClockAt = Math.ceil(cp.at / CLOCK_SAMPLE_MS) * CLOCK_SAMPLE_MS;
    t.viewCache = null;
    this.listen(t);
    return true;
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

  /** Starts the run again from time 0 with the whole known run's actions ahead (a rewind). */
  rewind(): void {
    const all = this.allActions();
    this.syncFeed();
    const old = this.track;
    if (!this.inPast) {
      // Keep the cluster at the end of the run: returning there later is then instant.
      this.frontier?.dispose();
      this.frontier = old;
    } else old.dispose();
    this.track = this.fresh();
    this.track.future = all;
    if (this.sampleClocks > 0) this.track.nextClockAt = 0;
  }

  /** Loads a recorded run: its actions become the future of a fresh cluster. */
  load(actions: readonly ActionRecord[]): void {
    this.workload = null;
    this.track.dispose();
    this.frontier?.dispose();
    this.frontier = null;
    this.track = this.fresh();
    this.track.future = actions.slice();
    this.checkpoints = [];
    this.nextCheckpoint = CHECKPOINT_EVERY;
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
    return this.cluster.inFlight();
  }

  dispose(): void {
    this.track.dispose();
    this.frontier?.dispose();
    this.frontier = null;
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
