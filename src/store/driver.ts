// The playback driver: owns one simulated cluster plus the run's recorded future, and moves it forward, back (by replay) and onto forks.
import { SimCluster, isReplayable, type ActionRecord, type InFlight, type NodeView, type SimEvent } from '../sim';
import { Metrics } from './metrics';
import { clusterOptions, type RunOptions } from './runOptions';

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
const LAST_STEP_CAP = 64;
const USER_OPS = new Set(['crash', 'restart', 'disconnect', 'reconnect', 'partition', 'heal', 'cutLink', 'restoreLink', 'setNetwork', 'setClock', 'timeout', 'propose', 'command', 'publish']);

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

function markOf(item: FeedItem): Mark | undefined {
  const { e, seq } = item;
  switch (e.kind) {
    case 'role':
      if (e.role === 'leader') return { seq, at: e.at, kind: 'leader', label: `${e.node} elected leader of term ${e.term}` };
      if (e.role === 'candidate') return { seq, at: e.at, kind: 'election', label: `${e.node} started an election for term ${e.term}` };
      return undefined;
    case 'violation':
      return { seq, at: e.at, kind: 'violation', label: e.detail ?? `${e.type} broken` };
    case 'crash':
      return { seq, at: e.at, kind: 'crash', label: `${e.node} crashed` };
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

/** One simulated cluster and everything derived from its events so far. */
class Track {
  /** Events seen so far on this cluster. */
  seq = 0;
  readonly feed = new Ring<FeedItem>(FEED_CAP);
  metrics = new Metrics();
  readonly clockSamples = new Ring<ClockSample>(CLOCK_SAMPLES);
  nextClockAt = 0;
  /** Actions of the known run still ahead of this cluster's `now`; performed as they come due. */
  future: ActionRecord[] = [];
  futureIdx = 0;
  viewCache: NodeView[] | null = null;
  viewSeq = -1;
  viewAt = -1;
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
  readonly batch = new Ring<FeedItem>(LAST_STEP_CAP);
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
  private markSeq = 0;

  /** Throws (ConfigError, RangeError) when the options are invalid; nothing is created then. */
  constructor(readonly run: RunOptions) {
    this.track = this.fresh();
  }

  /** A new track at time 0 (the cluster's listener feeds whichever track is current). */
  private fresh(): Track {
    const t = new Track(new SimCluster(clusterOptions(this.run)));
    t.unsubscribe = t.cluster.onEvent((e) => this.handle(e));
    return t;
  }

  get cluster(): SimCluster {
    return this.track.cluster;
  }

  /** Events seen so far in this run. */
  get seq(): number {
    return this.track.seq;
  }

  get feed(): Ring<FeedItem> {
    return this.track.feed;
  }

  get metrics(): Metrics {
    return this.track.metrics;
  }

  /** Clock samples on a 100 ms grid, taken only while someone looks (reading clocks costs a node view each). */
  get clockSamples(): Ring<ClockSample> {
    return this.track.clockSamples;
  }

  private handle(e: SimEvent): void {
    const t = this.track;
    if (this.sampleClocks > 0 && e.at >= t.nextClockAt) this.sampleClock(e.at);
    const item: FeedItem = { seq: ++t.seq, e };
    t.feed.push(item);
    t.metrics.add(e);
    this.batch.push(item);
    if (item.seq > this.markSeq) {
      this.markSeq = item.seq;
      const m = markOf(item);
      if (m !== undefined) {
        this.marks.push(m);
        this.marksVersion++;
      }
    }
    if (this.stopped === null) {
      if (e.kind === 'violation' && !this.seeking) this.stopped = item;
      else if (this.stopWhen !== null && this.stopWhen(item)) this.stopped = item;
    }
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
    return this.track.feed.tail(n);
  }

  beginBatch(): void {
    this.batch.clear();
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
    if (!isReplayable(op)) throw new Error(`unknown action '${op}'`);
    const c = this.cluster;
    const fn = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[op];
    if (typeof fn !== 'function') throw new Error(`the engine cannot '${op}' yet`);
    // The engine records no event for these; the feed shows one so the step can be explained.
    if (op === 'propose') {
      const [node, command] = args as [string, string];
      this.handle({ at: c.now, kind: 'propose', node, detail: String(command), payload: command });
    } else if (op === 'command') {
      const [node, line] = args as [string, string];
      this.handle({ at: c.now, kind: 'command', node, detail: String(line) });
    } else if (op === 'publish') {
      const [topic, message] = args as [string, string];
      this.handle({ at: c.now, kind: 'publish', detail: `PUB ${String(topic)} ${String(message)}` });
    }
    return fn.apply(c, args as unknown[]);
  }

  /**
   * A user action now. When `now` is in the past of the known run, the run forks here: the
   * recorded future is dropped and replaced by what happens from now on.
   */
  act(op: string, args: readonly unknown[]): unknown {
    if (this.inPast) this.fork();
    const result = this.perform(op, args);
    this.bumpHorizon();
    return result;
  }

  private fork(): void {
    const t = this.track;
    t.future = [];
    t.futureIdx = 0;
    this.frontier?.dispose();
    this.frontier = null;
    this.marks = this.marks.filter((m) => m.seq <= t.seq);
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
    // Its events were reported when it first ran: the narration shows its last moment.
    for (const item of f.feed.tail(LAST_STEP_CAP)) this.batch.push(item);
  }

  /**
   * Runs to virtual time `targetMs`, replaying recorded actions as they come due, until a stop
   * condition holds or the wall clock passes `deadline` (performance.now()); resumable.
   */
  advance(targetMs: number, deadline = Infinity): AdvanceResult {
    this.resumeFrontier(targetMs);
    const t = this.track;
    const c = t.cluster;
    this.stopped = null;
    let k = 0;
    let until = Infinity;
    const done = (): boolean =>
      this.stopped !== null || c.eventCount >= until || ((++k & 127) === 0 && performance.now() > deadline);
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
      until = due ? next.events : Infinity;
      const limit = due ? next.at : targetMs;
      const held = c.runUntil(done, Math.max(0, limit - c.now));
      this.bumpHorizon();
      if (this.stopped !== null) return 'stop';
      if (due && c.eventCount >= next.events) continue;
      if (c.now >= limit && !held) {
        if (due) throw new Error(`replay diverged: the action '${next.op}' at t=${next.at} was not reached`);
        return 'target';
      }
      if (c.now >= targetMs && !due) return 'target';
      return 'budget';
    }
  }

  /** Processes exactly one scheduler event, or the recorded action that is due first. */
  step(): void {
    const t = this.track;
    const c = t.cluster;
    this.stopped = null;
    const next = t.future[t.futureIdx];
    if (next !== undefined && c.eventCount >= next.events) {
      c.advanceTo(next.events, next.at);
      t.futureIdx++;
      this.perform(next.op, next.args);
    } else c.step();
    this.bumpHorizon();
  }

  /** Sets (or clears) the condition under which advance() stops; checked on every event. */
  setStop(stop: ((item: FeedItem) => boolean) | null): void {
    this.stopWhen = stop;
  }

  setSeeking(on: boolean): void {
    this.seeking = on;
  }

  /** Starts the run again from time 0 with the whole known run's actions ahead (a rewind). */
  rewind(): void {
    const all = this.allActions();
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
    this.track.dispose();
    this.frontier?.dispose();
    this.frontier = null;
    this.track = this.fresh();
    this.track.future = actions.slice();
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
