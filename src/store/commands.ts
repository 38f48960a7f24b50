// The run's commands (Step, run until, seek, act, new run, workload): they need the engine, so they load with it (driverEager.ts) and the store (sim.ts) calls them once it is there.
import type { ActionRecord } from '../sim';
import { Driver, type FeedItem } from './driver';
import { normalizeRun, type RunOptions } from './runOptions';
import { stepGoal, untilGoal, type UntilGoal } from './stepKinds';
import { SEARCH_LIMIT_MS, finishTask, formatMs, getDriver, internal, publish, useSim, type ActResult } from './sim';
import type { RunningWorkload, WorkloadConfig } from './workload';
import { whenIdle } from './whenIdle';

/** One scheduler event (a delivery, a drop, a timer), or a recorded action coming due. */
function stepOne(d: Driver): void {
  d.beginBatch();
  try {
    d.step();
  } catch (err) {
    internal.setNotice({ kind: 'error', text: internal.errorText(err) });
  }
  useSim.setState({ playing: false, stepSkipped: null });
  const last = d.lastStep[d.lastStep.length - 1];
  const violation = d.batch.toArray().find((i) => i.e.kind === 'violation');
  if (violation) internal.afterStop(violation);
  publish();
  if (last) useSim.setState({ selection: { ...useSim.getState().selection, event: last.seq } });
}

/**
 * Step: on to the next event of the watched kind (`stepKind`), passing over the others (with
 * "Every event", exactly one scheduler event). A user action coming due or a violation always stops it.
 */
export function stepEvent(): void {
  const d = getDriver();
  if (!internal.idle()) return;
  const kind = useSim.getState().stepKind;
  if (kind === 'all') return stepOne(d);
  const goal = stepGoal(kind);
  const from = d.seq;
  runUntil(goal.running, goal.stop, goal.none, (stopped) => {
    const seq = stopped?.seq ?? d.seq;
    useSim.setState({ stepSkipped: { count: Math.max(0, seq - from - 1), seq } });
  });
}

function runUntil(label: string, stop: (item: FeedItem) => boolean, none: string, after?: (stopped: FeedItem | null) => void): void {
  if (!internal.idle()) return;
  const d = getDriver();
  d.beginBatch();
  useSim.setState({ playing: false });
  internal.startTask({
    label,
    d,
    target: d.now + SEARCH_LIMIT_MS,
    stop,
    seeking: false,
    onEnd(result, stopped) {
      after?.(result === 'stop' ? stopped : null);
      if (result === 'target') internal.setNotice({ kind: 'info', text: none });
      else if (stopped?.e.kind === 'violation') internal.afterStop(stopped);
      else if (stopped) useSim.setState({ selection: { ...useSim.getState().selection, event: stopped.seq } });
    },
  });
}

/** Runs to the next delivery, election, leader or commit (the toolbar's "to next …" buttons). */
export function runUntilGoal(goal: UntilGoal): void {
  const g = untilGoal(goal, useSim.getState().stepKind);
  runUntil(g.running, g.stop, g.none);
}

/** Told just before a seek takes the page's run back in time (the lesson editor notes the moment the page leaves). */
export const beforeRewind = new Set<() => void>();

function rewind(d: Driver): void {
  for (const f of beforeRewind) f();
  d.rewind();
}

/** Moves to virtual time `t` of the run: forward by running, backward by replaying from the start. */
export function seek(t: number): void {
  if (!internal.idle()) return;
  const d = getDriver();
  const target = Math.max(0, t);
  useSim.setState({ playing: false });
  if (target < d.now) rewind(d);
  d.beginBatch();
  // A finished task has published its state (work() in sim.ts): publishing again rebuilt every view for nothing.
  internal.startTask({ label: 'Seeking', d, target, stop: null, seeking: true, onEnd: () => restSoon(d) });
}

/** How long the learner stays on a moment they sought before the driver keeps it (Driver.rest: coming back is then instant). */
const REST_AFTER_MS = 400;
let cancelRest = (): void => {};

/** After a seek or a pause, once the learner has stayed there a moment and the page is idle: keeps the moment (not while anything runs). */
export function restSoon(d: Driver = getDriver()): void {
  cancelRest();
  cancelRest = whenIdle(REST_AFTER_MS, () => {
    if (getDriver() === d && internal.idle() && !useSim.getState().playing) d.rest();
  });
}

/** How long the pointer rests on a moment of the timeline (or after a key) before the seek there is readied. */
const PREPARE_AFTER_MS = 150;
let cancelPrepare = (): void => {};

/**
 * The learner is about to seek to `t` (the pointer rests there on the timeline; after a key, where the
 * same key goes next): once idle, the driver readies that seek (Driver.prepare), so it replays
 * nothing when it comes. `null` cancels (the pointer left, or pressed).
 */
export function prepareSeek(t: number | null): void {
  cancelPrepare();
  cancelPrepare = () => {};
  if (t === null) return;
  const d = getDriver();
  cancelPrepare = whenIdle(PREPARE_AFTER_MS, () => {
    if (getDriver() === d && internal.idle() && !useSim.getState().playing) d.prepare(t);
  });
}

/** Moves to just after event number `seq` (from the feed, a mark or the diagram) and selects it. */
export function seekToEvent(seq: number, at: number): void {
  if (!internal.idle()) return;
  const d = getDriver();
  useSim.setState({ playing: false, selection: { ...useSim.getState().selection, event: seq } });
  if (seq === d.seq) return publish();
  if (seq < d.seq) rewind(d);
  d.beginBatch();
  internal.startTask({ label: 'Seeking', d, target: at, stop: (i) => i.seq >= seq, seeking: true, stopSeq: seq, onEnd: () => restSoon(d) });
}

/** Like act, with the engine's return value (e.g. propose's {index, term}). */
export function actWithResult(op: string, args: unknown[]): ActResult {
  finishTask();
  const d = getDriver();
  const forked = internal.forking(d, op, args);
  const at = d.now;
  const workload = d.workloadConfig;
  internal.learnerActs(d);
  d.beginBatch();
  let result: unknown;
  try {
    result = d.act(op, args);
  } catch (err) {
    // Refused before anything changed (the driver undid its fork): no new branch either.
    if (forked) internal.unforked();
    const error = internal.errorText(err);
    internal.setNotice({ kind: 'error', text: `${error.replace(/\.$/, '')}. Nothing was changed.` });
    publish();
    return { ok: false, error };
  }
  const violation = d.batch.toArray().find((i) => i.e.kind === 'violation');
  if (violation) internal.afterStop(violation);
  else if (forked) internal.setNotice({ kind: 'info', text: `The run forked at t=${formatMs(at)}: your action starts a new branch; the old future is kept as a branch (under the timeline).${workloadChange(workload, d.workloadConfig)}` });
  if (forked) useSim.setState({ workload: d.workloadConfig });
  publish();
  return { ok: true, result };
}

/** What a fork did to the workload (the new branch has it as it stood at the fork's moment), as a sentence to add to the notice. */
function workloadChange(before: WorkloadConfig | null, after: WorkloadConfig | null): string {
  if (before === after) return '';
  if (after === null) return ' The workload was not running at that moment, so it does not run in the new branch (the Client tab starts it).';
  if (before === null) return ' The workload was running at that moment, so it runs in the new branch.';
  return ' The workload runs in the new branch as it was set at that moment.';
}

/**
 * Starts a new run (new options, optionally a recorded action log, a time to seek to, and who did those
 * actions: 'The guide', 'The shared run'…). Returns an error text and changes nothing on failure.
 */
export function newRun(run: RunOptions, actions: readonly ActionRecord[], seekTo?: number, by?: string, workload?: RunningWorkload): string | undefined {
  internal.endSlowMotion();
  let d: Driver;
  const clean = normalizeRun(run);
  try {
    d = new Driver(clean);
  } catch (err) {
    return internal.errorText(err);
  }
  internal.settleTask();
  const end = actions.length > 0 ? actions[actions.length - 1].at : 0;
  const target = Math.max(end, seekTo ?? 0);
  d.load(actions);
  let failed: string | undefined;
  internal.startTask({
    label: 'Loading the run', d, target, stop: null, seeking: true, swap: { run: clean, seekTo, by: actions.length > 0 ? by : undefined, ...(workload !== undefined ? { workload } : {}) },
    onFail: (text) => (failed = text),
  });
  return failed;
}

/** Drops a run still loading (newRun's task): the page stays on the run it had. */
export function dropLoading(): void {
  internal.settleTask();
}

/** Starts publishers × rate from now (or changes a running one); see sim.ts. Returns an error text, if any. */
export function startWorkload(config: WorkloadConfig): string | undefined {
  finishTask();
  const d = getDriver();
  const forked = internal.forking(d, 'workload', [config]);
  const at = d.now;
  internal.learnerActs(d);
  d.beginBatch();
  try {
    d.startWorkload(config);
  } catch (err) {
    // Checked before the driver forks: the branch tree drops the branch it made for it.
    if (forked) internal.unforked();
    return internal.errorText(err);
  }
  useSim.setState({ workload: d.workloadConfig });
  if (forked) internal.setNotice({ kind: 'info', text: `The run forked at t=${formatMs(at)}: the workload starts a new branch; the old future is kept as a branch (under the timeline).` });
  publish();
  return undefined;
}

