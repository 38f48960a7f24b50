// The zustand store: owns one simulation (through the Driver, outside React state), its playback, selection and notices; the only bridge between the engine and React.
import { create } from 'zustand';
import type { ActionRecord, InFlight, NetworkSettings, NodeView, Violation } from '../sim';
import type { AdvanceResult, Driver, FeedItem, Mark } from './driver';
import { engineKit, loadEngineKit, type Commands, type EngineKit } from './driverSlot';
// Headless this registers the engine at once; the page's build makes it empty (vite.config.ts), see loadEngine.
import './driverEager';
import { firstFrame, type RunView } from './firstFrame';
import type { LinkPeek } from './linkPeek';
import type { MetricsSnapshot } from './metrics';
import { DEFAULT_RUN, type RunOptions } from './runOptions';
import { DEFAULT_STEP_KIND, type StepKind } from './stepKindNames';
import type { UntilGoal } from './stepKinds';
import type { RunningWorkload, WorkloadConfig, WorkloadStats } from './workload';
import { formatMs } from './time';

/** Playback speeds in simulated ms per wall ms; the last one is fast-forward (as fast as the engine goes). */
export const SPEEDS = [1 / 1000, 1 / 300, 1 / 100, 1 / 30, 1 / 10, 1 / 3, 1, 3, 10, 100, Infinity] as const;
export const DEFAULT_SPEED_INDEX = 3;

export function speedLabel(speed: number): string {
  if (speed === Infinity) return 'Max';
  if (speed >= 1) return `${speed}×`;
  return `1/${Math.round(1 / speed)}×`;
}

/** How far "run until …" looks before giving up, in virtual ms. */
export const SEARCH_LIMIT_MS = 60_000;
/** Wall-time budget per frame for simulation work while playing, in ms. */
const FRAME_BUDGET_MS = 9;
/**
 * At Max speed, the most simulated time one frame may cover: the frame budget is what bounds it (10 s
 * here capped Max at 600 simulated s per wall s at 60 Hz, with the main thread idle 60 % of the time:
 * issue 11); this only keeps a run with nothing scheduled from leaping hours ahead in one frame.
 */
const MAX_SPEED_STEP_MS = 60_000;
/**
 * Long jobs (seek, load, run until …): the first slice runs at once and most seeks end inside it;
 * longer ones go on in slices per frame, with a progress bar. Slices much longer than a frame keep
 * the wait close to the simulation work itself (9 ms slices at 60 Hz spent half the time idle).
 */
const TASK_FIRST_SLICE_MS = 150;
const TASK_SLICE_MS = 40;
/**
 * React panels are refreshed at most this often while playing (about 7 Hz; moving things are drawn per
 * frame): a refresh re-renders, lays out and repaints the panels, ~25 ms of main-thread CPU with 9 nodes on
 * a software-rendered page, the largest part of the frame budget (issue 11).
 */
const PUBLISH_EVERY_MS = 150;

export type Tab = 'inspect' | 'faults' | 'client' | 'checks' | 'metrics' | 'config' | 'share' | 'lesson' | 'explore';
export type BottomTab = 'events' | 'spacetime' | 'clocks';

export interface Selection {
  node: string | null;
  message: number | null;
  /** Event number (FeedItem.seq). */
  event: number | null;
}

export interface Notice {
  kind: 'error' | 'info' | 'violation';
  text: string;
}

/**
 * Who did the actions of a run that was loaded rather than played (a guide's cluster, a link, a file, a
 * canned scenario): action events up to event number `untilSeq` are theirs, later ones the learner's.
 */
export interface ActionsBy {
  who: string;
  untilSeq: number;
}

export interface TaskView {
  label: string;
  /** 0..1, or null when unknown. */
  progress: number | null;
}

export interface SimState {
  run: RunOptions;
  /** Bumped when a new run (not a seek of the same run) starts. */
  runId: number;
  nodeIds: readonly string[];
  playing: boolean;
  speedIndex: number;
  now: number;
  horizon: number;
  seq: number;
  inPast: boolean;
  nodes: NodeView[];
  leader: string | undefined;
  groups: Record<string, number>;
  cuts: Array<[string, string]>;
  network: NetworkSettings;
  violations: readonly Violation[];
  /** Documented consequences of settings the learner chose (e.g. a retry stored again past the dedup window). */
  findings: readonly Violation[];
  marks: Mark[];
  metrics: MetricsSnapshot;
  /** Bumped when the feed has new items (read them with feedTail). */
  feedVersion: number;
  lastStep: FeedItem[];
  actionCount: number;
  selection: Selection;
  task: TaskView | null;
  notice: Notice | null;
  tab: Tab;
  bottomTab: BottomTab;
  helpOpen: boolean;
  /** What Step moves to: the next event of this kind (Raft by default, so pings and clock sync do not bury an election). */
  stepKind: StepKind;
  /** How many events the last Step passed over that were not of the watched kind, and the event it stopped at. */
  stepSkipped: { count: number; seq: number } | null;
  /** The running workload (publishers × rate), or null. */
  workload: WorkloadConfig | null;
  actionsBy: ActionsBy | null;
}

/**
 * The live driver, or null in the page until the engine has loaded (just after the first frame):
 * until then the page draws `preview`, the default run at t=0 worked out from its options (the same
 * state the engine builds, tests/store/firstFrame.test.ts), and actions wait for the engine.
 */
let driver: Driver | null = null;
const preview: RunView = firstFrame(DEFAULT_RUN);
{
  const kit = engineKit();
  if (kit !== null) driver = new kit.Driver(DEFAULT_RUN);
}

/** The live driver, for panels that change or read deep into the run (they load after the engine). */
export function getDriver(): Driver {
  if (driver === null) throw new Error('The simulator has not loaded yet.');
  return driver;
}

/**
 * A share link's first frame: its run at t=0 worked out from the link's options (linkPeek.ts), drawn
 * until the link has been validated and its run rebuilt or refused (endLinkPreview); null otherwise.
 */
let linkPreview: RunView | null = null;
/** A link's first frame is on screen (its run, or the default run when the link's options could not be read). */
let linkPending = false;

/**
 * What to draw now: a share link's first frame while it opens, else the live run, or before the engine
 * has loaded, the default run at t=0 (never put it in React state).
 */
export function getView(): RunView {
  return linkPreview ?? driver ?? preview;
}

/**
 * Shows a share link's first frame, before its validator and the engine load: the link's run at t=0 when its
 * options could be read (else the default run), paused, with a status line saying the shared moment is on its way.
 */
export function beginLinkPreview(peek: LinkPeek): void {
  linkPending = true;
  linkPreview = peek.run !== null ? firstFrame(peek.run) : null;
  useSim.setState({
    run: peek.run ?? DEFAULT_RUN,
    playing: false,
    notice: { kind: 'info', text: `Opening the shared run${peek.t !== null ? ` at t = ${formatMs(peek.t)}` : ''}…` },
  });
  publish();
}

/** Ends a link's first frame: its run is live (opened), or the link was refused and the default run stays, unchanged. */
export function endLinkPreview(opened: boolean): void {
  if (!linkPending) return;
  linkPending = false;
  linkPreview = null;
  if (!opened) useSim.setState({ run: DEFAULT_RUN });
  publish();
  // Steps, keys and actions asked for during the link's first frame apply to the run now on screen.
  if (driver !== null) for (const fn of waiting.splice(0)) fn();
}

let firstFrameDone = (): void => {};
const firstFrameShown = new Promise<void>((resolve) => (firstFrameDone = resolve));

/** Called once the page's first frame is on screen (App.tsx): what waits for it (the engine, a link's validator) may load. */
export function markFirstFrame(): void {
  if (typeof performance.mark === 'function') performance.mark('wiber:first-frame');
  firstFrameDone();
}

/** Resolves once the page's first frame is on screen. */
export function afterFirstFrame(): Promise<void> {
  return firstFrameShown;
}

/** `load` once the engine has loaded: for parts of the page that read deep into the run or change it (lazy panels). */
export function afterEngine<T>(load: () => Promise<T>): Promise<T> {
  return loadEngine().then(load);
}

/** True once the engine has loaded and the live driver exists. */
export function engineLoaded(): boolean {
  return driver !== null;
}

/** Modules the page needs as soon as a run has events (the explanations): they load with the engine, which starts when they are there. */
const companions: Array<() => Promise<unknown>> = [];

export function loadWithEngine(load: () => Promise<unknown>): void {
  companions.push(load);
}

/** Actions asked for before the engine had loaded, in order; they run as soon as it has. */
const waiting: Array<() => void> = [];
let loading: Promise<void> | null = null;

/** Does `fn` now if the engine is there, else as soon as it has loaded (loading it). */
function whenEngine(fn: () => void): void {
  if (driver !== null && !linkPending) return fn();
  waiting.push(fn);
  void loadEngine();
}

function engineArrived(kit: EngineKit): void {
  if (driver === null) {
    driver = new kit.Driver(DEFAULT_RUN);
    publish();
  }
  if (typeof performance.mark === 'function') performance.mark('wiber:engine-ready');
  if (!linkPending) for (const fn of waiting.splice(0)) fn();
}

/**
 * Loads the engine (the page starts this after its first frame; a share link at once) and resolves
 * when the live driver exists and the actions asked for meanwhile have run.
 */
export function loadEngine(): Promise<void> {
  if (driver !== null) return Promise.resolve();
  loading ??= Promise.all([loadEngineKit(), ...companions.map((load) => load())]).then(([D]) => engineArrived(D), (err: unknown) => {
    loading = null;
    setNotice({ kind: 'error', text: `The simulator could not be loaded (${errorText(err)}). Check the connection and reload the page.` });
  });
  return loading;
}

// ---- per-frame listeners (the cluster view draws from these, not from React renders) ----

type FrameListener = () => void;
const frameListeners = new Set<FrameListener>();

export function onFrame(listener: FrameListener): () => void {
  frameListeners.add(listener);
  return () => frameListeners.delete(listener);
}

function emitFrame(): void {
  for (const l of frameListeners) l();
}

// ---- long jobs (seek, run until …) done in slices across frames ----

interface Task {
  label: string;
  d: Driver;
  from: number;
  target: number;
  stop: ((item: FeedItem) => boolean) | null;
  seeking: boolean;
  /** A seek that stops at this event number. */
  stopSeq?: number;
  /** Install `d` as the live driver when done (loading a run: nothing changes until it has loaded). */
  swap?: { run: RunOptions; seekTo?: number; by?: string; workload?: RunningWorkload };
  onEnd?: (result: AdvanceResult, stopped: FeedItem | null) => void;
  onFail?: (text: string) => void;
}

let task: Task | null = null;
let lastPublish = 0;

/**
 * Wall ms of the latest seeks' own parts (the engine's restore and replay; the store update), seeks finished, and
 * the part of the latest animation frame spent on a long job's slice (not the app's own frame work), for the perf
 * test's breakdown.
 */
export const seekWork = { engine: 0, store: 0, seeks: 0, inFrame: 0 };

type Snap = Pick<SimState, 'nodeIds' | 'now' | 'horizon' | 'seq' | 'inPast' | 'nodes' | 'leader' | 'groups' | 'cuts' | 'network' | 'actionCount' | 'lastStep' | 'feedVersion' | 'metrics'> &
  Partial<Pick<SimState, 'marks' | 'violations' | 'findings'>>;

function snapshot(d: RunView): Snap {
  const c = d.cluster;
  const nodes = d.views(true);
  return {
    nodeIds: c.nodeIds,
    now: c.now,
    horizon: Math.max(d.horizon, c.now),
    seq: d.seq,
    inPast: d.inPast,
    nodes,
    leader: c.leader(),
    groups: c.groups(),
    cuts: c.cutLinks(),
    network: { ...c.network },
    actionCount: c.actionCount(),
    lastStep: d.lastStep,
    feedVersion: d.seq,
    metrics: d.metrics.snapshot(),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const useSim = create<SimState>(() => {
  const reduced = typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  return {
    run: DEFAULT_RUN,
    runId: 1,
    playing: !reduced,
    speedIndex: DEFAULT_SPEED_INDEX,
    marks: [],
    violations: [],
    findings: [],
    selection: { node: null, message: null, event: null },
    task: null,
    notice: null,
    tab: 'inspect',
    bottomTab: 'events',
    helpOpen: false,
    stepKind: DEFAULT_STEP_KIND,
    stepSkipped: null,
    workload: null,
    actionsBy: null,
    ...snapshot(getView()),
  };
});

let marksVersionSeen = -1;

/** While playing, lists of events (feed, diagram, narration) refresh at most this often. */
const FEED_EVERY_MS = 250;
let lastFeedPublish = 0;

/** Pushes the driver's state into React state (throttled while playing). */
export function publish(): void {
  const d = getView();
  const patch = snapshot(d);
  const s = useSim.getState();
  const wall = performance.now();
  if (s.playing && task === null && wall - lastFeedPublish < FEED_EVERY_MS) {
    delete (patch as Partial<Snap>).feedVersion;
    delete (patch as Partial<Snap>).lastStep;
  } else lastFeedPublish = wall;
  if (d.marksVersion !== marksVersionSeen) {
    marksVersionSeen = d.marksVersion;
    patch.marks = d.marks.slice();
  }
  const v = d.cluster.violations();
  if (v.length !== s.violations.length || (v.length > 0 && v[v.length - 1] !== s.violations[s.violations.length - 1])) patch.violations = v.slice();
  const f = d.cluster.findings();
  if (f.length !== s.findings.length || (f.length > 0 && f[f.length - 1] !== s.findings[s.findings.length - 1])) patch.findings = f.slice();
  useSim.setState(patch);
  lastPublish = performance.now();
}

function setNotice(notice: Notice | null): void {
  useSim.setState({ notice });
}

function stopText(item: FeedItem): string {
  return item.e.detail ?? `${item.e.type ?? 'a safety property'} broken`;
}

function afterStop(stopped: FeedItem | null): void {
  if (stopped?.e.kind === 'violation') {
    useSim.setState({ playing: false, selection: { ...useSim.getState().selection, event: stopped.seq }, tab: 'checks' });
    setNotice({ kind: 'violation', text: `Paused at a safety violation — ${stopText(stopped)}` });
  }
}

/** Runs the current task for at most `budgetMs` of wall time; true when it finished. */
function work(budgetMs: number): boolean {
  const t = task;
  if (t === null) return true;
  const d = t.d;
  d.setStop(t.stop);
  d.setSeeking(t.seeking, t.stopSeq);
  let result: AdvanceResult;
  const started = performance.now();
  try {
    result = d.advance(t.target, started + budgetMs);
    if (t.seeking) seekWork.engine += performance.now() - started;
  } catch (err) {
    task = null;
    useSim.setState({ task: null });
    const text = t.swap ? `Could not load this run: ${errorText(err)}. Nothing was changed.` : errorText(err);
    setNotice({ kind: 'error', text });
    t.onFail?.(text);
    if (!t.swap) publish();
    return true;
  } finally {
    d.setStop(null);
    d.setSeeking(false);
  }
  if (result === 'budget') {
    const span = t.target - t.from;
    const progress = Number.isFinite(span) && span > 0 ? Math.min(1, (d.now - t.from) / span) : null;
    useSim.setState({ task: { label: t.label, progress } });
    // A seek shows only its progress on the way (each publish re-renders every panel); a search
    // ("next election") shows the run moving, as playing does.
    if (!t.swap && !t.seeking && performance.now() - lastPublish > PUBLISH_EVERY_MS) publish();
    return false;
  }
  task = null;
  if (t.swap) {
    const old = driver;
    for (const l of replaceListeners) l(old);
    driver = d;
    old?.dispose();
    marksVersionSeen = -1;
    // A shared run's running workload goes on where its schedule stood.
    if (t.swap.workload !== undefined) d.resumeWorkload(t.swap.workload);
    useSim.setState({
      run: t.swap.run,
      workload: d.workloadConfig,
      runId: useSim.getState().runId + 1,
      selection: { node: null, message: null, event: null },
      task: null,
      violations: [],
      findings: [],
      actionsBy: t.swap.by !== undefined ? { who: t.swap.by, untilSeq: Infinity } : null,
    });
    if (t.swap.seekTo !== undefined && t.swap.seekTo < d.now) {
      publish();
      seek(t.swap.seekTo);
      return task === null;
    }
  }
  const published = performance.now();
  useSim.setState({ task: null });
  t.onEnd?.(result, d.stopped);
  publish();
  if (t.seeking) {
    seekWork.store += performance.now() - published;
    seekWork.seeks++;
  }
  return true;
}

function startTask(t: Omit<Task, 'from'>): void {
  task = { ...t, from: t.d.now };
  useSim.setState({ task: { label: t.label, progress: 0 } });
  work(TASK_FIRST_SLICE_MS);
}

/** Finishes any running task at once (tests, and before acting). */
export function finishTask(): void {
  while (task !== null) work(1e9);
}

/** Runs the current task (a run loading, a seek) for one frame's slice; true when none is left. For callers that wait on it between tasks. */
export function taskSlice(): boolean {
  work(TASK_SLICE_MS);
  return task === null;
}

export function isBusy(): boolean {
  return task !== null;
}

/** The commands, once the engine (which brings them, store/commands.ts) has loaded. */
function commands(): Commands | null {
  // While a share link opens, what the learner asks for waits for the shared run (endLinkPreview runs it).
  return driver === null || linkPending ? null : engineKit()!.commands;
}

/** What the commands (store/commands.ts, loaded with the engine) use of the store's playback state; nothing else should. */
export const internal = {
  startTask,
  idle: (): boolean => task === null,
  afterStop,
  setNotice,
  errorText,
  forking,
  unforked,
  learnerActs,
  /** Before a new run: a run still loading is dropped, any other task finished. */
  settleTask(): void {
    if (task === null) return;
    if (task.swap) task = null;
    else finishTask();
  },
  endSlowMotion(): void {
    slowElection = null;
  },
};

// ---- the per-frame loop ----

// ---- slow motion for a newcomer's first election ----

/** The speed the first election plays at (1/300×: a 10 ms round of votes takes 3 s to watch). */
export const SLOW_MOTION_INDEX = 1;

/**
 * 'armed': the next election started while playing is slowed down; 'slow': one is under way, and the
 * speed goes back to `restore` when a leader is elected.
 */
let slowElection: { phase: 'armed' } | { phase: 'slow'; restore: number } | null = null;

const becameCandidate = (i: FeedItem): boolean => i.e.kind === 'role' && i.e.role === 'candidate';
const becameLeader = (i: FeedItem): boolean => i.e.kind === 'role' && i.e.role === 'leader';

/** Plays the next election (while playing) in slow motion, then returns to the speed before it. */
export function armSlowElection(): void {
  slowElection = { phase: 'armed' };
}

export function slowElectionPhase(): 'armed' | 'slow' | null {
  return slowElection?.phase ?? null;
}

function slowMotionStop(item: FeedItem | null): void {
  const sm = slowElection;
  if (sm === null || item === null) return;
  const s = useSim.getState();
  if (sm.phase === 'armed' && becameCandidate(item)) {
    if (s.speedIndex <= SLOW_MOTION_INDEX) {
      slowElection = null;
      return;
    }
    slowElection = { phase: 'slow', restore: s.speedIndex };
    useSim.setState({ speedIndex: SLOW_MOTION_INDEX });
    setNotice({
      kind: 'info',
      text: `Slow motion (${speedLabel(SPEEDS[SLOW_MOTION_INDEX])}) for your first election: at t=${formatMs(item.e.at)}, ${item.e.node}'s election timer ran out, so it became a candidate for term ${item.e.term}, voted for itself and asks every other node for its vote (the orange diamonds). Watch the votes come back (§5.2).`,
    });
  } else if (sm.phase === 'slow' && becameLeader(item)) {
    slowElection = null;
    useSim.setState({ speedIndex: sm.restore });
    setNotice({
      kind: 'info',
      text: `At t=${formatMs(item.e.at)}, ${item.e.node} won votes from a majority and became the leader of term ${item.e.term}; its heartbeats (blue dots) keep the others from starting elections. Back to ${speedLabel(SPEEDS[sm.restore])} (§5.2).`,
    });
  }
}

/** Advances the simulation by one animation frame of `wallMs` and draws; called from requestAnimationFrame. */
export function frame(wallMs: number): void {
  const s = useSim.getState();
  seekWork.inFrame = 0;
  if (task !== null) {
    const started = performance.now();
    work(TASK_SLICE_MS);
    seekWork.inFrame = performance.now() - started;
  } else if (s.playing && driver !== null) {
    const speed = SPEEDS[s.speedIndex];
    const d = driver;
    d.beginBatch();
    const target = speed === Infinity ? d.now + MAX_SPEED_STEP_MS : d.now + Math.min(Math.max(wallMs, 0), 100) * speed;
    const sm = slowElection;
    // A run that already has a leader when slow motion is armed (a link, a "next leader") needs none.
    if (sm?.phase === 'armed' && d.cluster.leader() !== undefined) slowElection = null;
    else if (sm !== null) d.setStop(sm.phase === 'armed' ? becameCandidate : becameLeader);
    try {
      const r = d.advance(target, performance.now() + FRAME_BUDGET_MS);
      if (r === 'stop') {
        if (d.stopped?.e.kind === 'violation') afterStop(d.stopped);
        else slowMotionStop(d.stopped);
      }
    } catch (err) {
      useSim.setState({ playing: false });
      setNotice({ kind: 'error', text: errorText(err) });
    } finally {
      if (sm !== null) d.setStop(null);
    }
    if (performance.now() - lastPublish > PUBLISH_EVERY_MS || !useSim.getState().playing) publish();
  }
  emitFrame();
}

/** Wall ms of simulation + drawing work in each of the latest frames (a ring), for speed checks. */
const FRAME_SAMPLES = 600;
const frameWork = new Float64Array(FRAME_SAMPLES);
let frameCount = 0;

/** The latest frames' work in ms, oldest first. */
export function frameTimes(): number[] {
  const n = Math.min(frameCount, FRAME_SAMPLES);
  const out: number[] = [];
  for (let i = frameCount - n; i < frameCount; i++) out.push(frameWork[i % FRAME_SAMPLES]);
  return out;
}

/** Starts the requestAnimationFrame loop; returns its stop function. */
export function startLoop(): () => void {
  let last = performance.now();
  let handle = requestAnimationFrame(function tick(t) {
    const start = performance.now();
    frame(t - last);
    frameWork[frameCount++ % FRAME_SAMPLES] = performance.now() - start;
    last = t;
    handle = requestAnimationFrame(tick);
  });
  return () => cancelAnimationFrame(handle);
}

// ---- commands (the actions registry calls these) ----

export function setPlaying(playing: boolean): void {
  if (playing && linkPending) return whenEngine(() => setPlaying(true));
  if (playing && task !== null) return;
  useSim.setState({ playing });
  if (!playing) {
    publish();
    commands()?.restSoon();
  }
}

export function togglePlay(): void {
  setPlaying(!useSim.getState().playing);
}

export function setSpeedIndex(i: number): void {
  // The learner's own choice of speed ends any slow motion.
  slowElection = null;
  useSim.setState({ speedIndex: Math.max(0, Math.min(SPEEDS.length - 1, Math.round(i))) });
}

/**
 * Step: on to the next event of the watched kind (`stepKind`), passing over the others (with
 * "Every event", exactly one scheduler event). A user action coming due or a violation always stops it.
 */
export function stepEvent(): void {
  const c = commands();
  if (c === null) return whenEngine(stepEvent);
  c.stepEvent();
}

export function setStepKind(stepKind: StepKind): void {
  useSim.setState({ stepKind });
}

/** Runs to the next delivery, election, leader or commit (the toolbar's "to next …" buttons). */
export function runUntilGoal(goal: UntilGoal): void {
  const c = commands();
  if (c === null) return whenEngine(() => runUntilGoal(goal));
  c.runUntilGoal(goal);
}

export function stepDelivery(): void {
  runUntilGoal('delivery');
}

export function runUntilElection(): void {
  runUntilGoal('election');
}

export function runUntilLeader(): void {
  runUntilGoal('leader');
}

export function runUntilCommit(): void {
  runUntilGoal('commit');
}

/** Moves to virtual time `t` of the run: forward by running, backward by replaying from the start. */
export function seek(t: number): void {
  const c = commands();
  if (c === null) return whenEngine(() => seek(t));
  c.seek(t);
}

/** Readies a seek the learner is about to make (see commands.prepareSeek); null cancels. */
export function prepareSeek(t: number | null): void {
  commands()?.prepareSeek(t);
}

/** Moves to just after event number `seq` (from the feed, a mark or the diagram) and selects it. */
export function seekToEvent(seq: number, at: number): void {
  const c = commands();
  if (c === null) return whenEngine(() => seekToEvent(seq, at));
  c.seekToEvent(seq, at);
}

type ReplaceListener = (old: Driver | null) => void;
const replaceListeners = new Set<ReplaceListener>();

/** Called when a loaded run is about to replace the current one (a new run, a link, a branch switch), with the old driver still whole. */
export function onRunReplaced(listener: ReplaceListener): () => void {
  replaceListeners.add(listener);
  return () => replaceListeners.delete(listener);
}

type ForkListener = (d: Driver, op: string, args: readonly unknown[]) => void;
const forkListeners = new Set<ForkListener>();

/** Called just before an action forks the run (now is in its past), with the driver still holding the old future (the branch tree keeps it). */
export function onFork(listener: ForkListener): () => void {
  forkListeners.add(listener);
  return () => forkListeners.delete(listener);
}

function forking(d: Driver, op: string, args: readonly unknown[]): boolean {
  if (!d.inPast) return false;
  for (const l of forkListeners) l(d, op, args);
  return true;
}

const unforkListeners = new Set<() => void>();

/** Called when the action that forked the run was refused by the engine: the run is unchanged, so the fork is undone (the branch tree drops the new branch). */
export function onForkUndone(listener: () => void): () => void {
  unforkListeners.add(listener);
  return () => unforkListeners.delete(listener);
}

function unforked(): void {
  for (const l of unforkListeners) l();
}

/** From here on, actions are the learner's: a loaded run's author keeps only the events so far. */
function learnerActs(d: Driver): void {
  const by = useSim.getState().actionsBy;
  if (by !== null && by.untilSeq > d.seq) useSim.setState({ actionsBy: { ...by, untilSeq: d.seq } });
}

/** Credits every action of the run so far to `who` (a canned scenario that just set the stage). */
export function creditActions(who: string): void {
  useSim.setState({ actionsBy: { who, untilSeq: getView().seq } });
}

/** Who did the action recorded as event number `seq`: 'You', or a loaded run's author. */
export function actorOf(by: ActionsBy | null, seq: number): string {
  return by !== null && seq <= by.untilSeq ? by.who : 'You';
}

/** A user action on the cluster now (forks the run when now is in its past). Returns an error text, if any. */
export function act(op: string, args: unknown[]): string | undefined {
  // Before the engine has loaded the action waits for it (an error then shows as a notice).
  if (driver === null || linkPending) {
    whenEngine(() => void act(op, args));
    return undefined;
  }
  const r = actWithResult(op, args);
  return r.ok ? undefined : r.error;
}

export type ActResult = { ok: true; result: unknown } | { ok: false; error: string };

/** Like act, with the engine's return value (e.g. propose's {index, term}). */
export function actWithResult(op: string, args: unknown[]): ActResult {
  const c = commands();
  if (c === null) {
    void loadEngine();
    return { ok: false, error: 'The simulator is still loading: try again in a moment.' };
  }
  return c.actWithResult(op, args);
}

/**
 * Starts a new run (new options, optionally a recorded action log, a time to seek to, and who did those
 * actions: 'The guide', 'The shared run'…). Returns an error text and changes nothing on failure.
 */
export function newRun(run: RunOptions, actions: readonly ActionRecord[] = [], seekTo?: number, by?: string, workload?: RunningWorkload): string | undefined {
  const kit = engineKit();
  if (kit === null) {
    whenEngine(() => {
      const err = newRun(run, actions, seekTo, by, workload);
      if (err) setNotice({ kind: 'error', text: err });
    });
    return undefined;
  }
  return kit.commands.newRun(run, actions, seekTo, by, workload);
}

/** Restarts the current run's options from time 0 with no actions. */
export function restartRun(): void {
  const s = useSim.getState();
  newRun(s.run);
  setNotice(null);
}

export function select(patch: Partial<Selection>): void {
  useSim.setState({ selection: { ...useSim.getState().selection, ...patch } });
}

export function selectNode(id: string | null): void {
  useSim.setState({ selection: { ...useSim.getState().selection, node: id }, ...(id !== null ? { tab: 'inspect' as Tab } : {}) });
}

export function selectMessage(id: number | null): void {
  useSim.setState({ selection: { ...useSim.getState().selection, message: id }, ...(id !== null ? { tab: 'inspect' as Tab } : {}) });
}

export function setTab(tab: Tab): void {
  useSim.setState({ tab });
}

export function setBottomTab(bottomTab: BottomTab): void {
  useSim.setState({ bottomTab });
}

export function setHelpOpen(helpOpen: boolean): void {
  useSim.setState({ helpOpen });
}

// ---- the workload ----

/**
 * Starts publishers × rate from now (or changes a running one). Its messages are issued at fixed
 * instants of simulated time as the run advances, each one a publish action of the run (so rewind,
 * replay and share links reproduce them). Returns an error text, if any.
 */
export function startWorkload(config: WorkloadConfig): string | undefined {
  const c = commands();
  if (c === null) {
    whenEngine(() => {
      const err = startWorkload(config);
      if (err) setNotice({ kind: 'error', text: err });
    });
    return undefined;
  }
  return c.startWorkload(config);
}

export function stopWorkload(): void {
  if (driver === null || linkPending) return whenEngine(stopWorkload);
  driver.stopWorkload();
  useSim.setState({ workload: null });
  // Show the figures as of the stop (while playing, panels refresh only every few frames).
  publish();
}

/** The workload's publishes on the cluster now: acked, pending, failed, latency quantiles. */
export function workloadStats(): WorkloadStats {
  return getDriver().workloadStats();
}

export function dismissNotice(): void {
  setNotice(null);
}

export function showNotice(notice: Notice): void {
  setNotice(notice);
}

/** Messages in flight now (fresh; for panels that list them). */
export function inFlightNow(): InFlight[] {
  return getView().inFlight();
}

export { formatMs };
