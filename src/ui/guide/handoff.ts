// The bridge between the guide and free play, through the store's public API only: hand a guide
// cluster to the simulator (newRun replays its options and action log, then the last few events are
// run to the exact event count), and copy the simulator's cluster back into a ScenarioRunner to check
// a challenge's goal.
import type { SimCluster } from '../../sim/cluster';
import { isReplayable } from '../../sim/replay';
import { ScenarioRunner } from '../../sim/scenario';
import type { ClusterOptions } from '../../sim/types';
import type { RunOptions } from '../../store/runOptions';
import { dropLoading } from '../../store/commands';
import { finishTask, getDriver, isBusy, newRun, publish, setPlaying, taskSlice, useSim } from '../../store/sim';
import { clusterFingerprint } from './model';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../../sim/validateEager';

/**
 * A guide cluster's options as a run. Everything is kept (broker, detector and journal settings
 * included, which RunOptions does not list: the driver passes them on to the engine); `checkers` is
 * left out because the simulator always records violations.
 */
export function runOptionsOf(options: Readonly<ClusterOptions>): RunOptions {
  const rest: Record<string, unknown> = { ...options };
  delete rest.checkers;
  return { ...rest, seed: options.seed ?? 1 } as unknown as RunOptions;
}

export type HandOff = { readonly ok: true; readonly exact: boolean } | { readonly ok: false; readonly error: string };

/**
 * Starts the simulator loading `cluster`'s run: same options, same actions at the same events. The load runs (with
 * the simulator's checkpoints) to the last action, or on to just before the run's last instant when it went on after
 * it (a lesson's last step may run long after its last action): only the events of that last instant are left for
 * completeHandOff. Returns an error text.
 */
function startHandOff(cluster: SimCluster): string | undefined {
  const actions = cluster.actions();
  const end = actions.length > 0 ? actions[actions.length - 1].at : 0;
  setPlaying(false);
  return newRun(runOptionsOf(cluster.options), actions, Math.max(end, cluster.now - LAST_INSTANT_MS), 'The guide');
}

/** Below the run's last instant by this much (ms): any event in between is left for advanceTo, which runs it exactly. */
const LAST_INSTANT_MS = 1e-6;

/** Once the load is done: the events of the run's last instant, to its exact event count; then paused, and compared. */
function completeHandOff(cluster: SimCluster): HandOff {
  setPlaying(false);
  const c = getDriver().cluster;
  try {
    // The load stops before the run's last instant; a guide step may have stopped mid-instant there.
    if (c.eventCount <= cluster.eventCount && c.now <= cluster.now) c.advanceTo(cluster.eventCount, cluster.now);
  } catch (e) {
    publish();
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  publish();
  return { ok: true, exact: clusterFingerprint(c) === clusterFingerprint(cluster) };
}

/**
 * Replaces the simulator's run with `cluster`'s: same options, same actions at the same events, and
 * the same moment (time and event count), paused. `exact` tells whether the fingerprints agree.
 */
export function handToFreePlay(cluster: SimCluster): HandOff {
  const err = startHandOff(cluster);
  if (err !== undefined) return { ok: false, error: err };
  finishTask();
  return completeHandOff(cluster);
}

/**
 * As handToFreePlay, with the load done a slice per task (a long lesson's run held the page for seconds in one go):
 * `onProgress` hears how far it got (0 to 1, or null when unknown). Resolves null when `signal` stops it first: the
 * load is dropped and the page stays on its run.
 */
export async function handToFreePlaySliced(cluster: SimCluster, o: { signal?: AbortSignal; onProgress?: (done: number | null) => void } = {}): Promise<HandOff | null> {
  const runId = useSim.getState().runId;
  const err = startHandOff(cluster);
  if (err !== undefined) return { ok: false, error: err };
  // The load ends by swapping the run in (runId moves on); a failed or dropped one leaves the page's run. The page's
  // frames load it, a slice each; where none come (a hidden tab, a test) this loads a slice itself.
  const progress = (): number | null => useSim.getState().task?.progress ?? null;
  while (useSim.getState().runId === runId && isBusy()) {
    const seen = progress();
    o.onProgress?.(seen);
    await new Promise((r) => setTimeout(r, 16));
    if (o.signal?.aborted === true) {
      if (useSim.getState().runId === runId) dropLoading();
      return null;
    }
    if (useSim.getState().runId === runId && isBusy() && progress() === seen) taskSlice();
  }
  if (useSim.getState().runId === runId) return { ok: false, error: 'the simulator could not load its run (the message at the top of the page says why)' };
  return completeHandOff(cluster);
}

/** A copy of the simulator's cluster as it is now, in a ScenarioRunner (for challenge goals). */
export function freePlayRunner(): ScenarioRunner {
  const live = getDriver().cluster;
  const runner = new ScenarioRunner({ ...live.options, checkers: 'record' });
  const c = runner.cluster;
  for (const a of live.actions()) {
    if (!isReplayable(a.op)) throw new Error(`cannot copy the action '${a.op}'`);
    c.advanceTo(a.events, a.at);
    (c as unknown as Record<string, (...args: unknown[]) => unknown>)[a.op](...a.args);
  }
  c.advanceTo(live.eventCount, live.now);
  return runner;
}
