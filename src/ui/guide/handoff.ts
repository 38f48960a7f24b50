// The bridge between the guide and free play, through the store's public API only: hand a guide
// cluster to the simulator (newRun replays its options and action log, then the last few events are
// run to the exact event count), and copy the simulator's cluster back into a ScenarioRunner to check
// a challenge's goal.
import type { SimCluster } from '../../sim/cluster';
import { isReplayable } from '../../sim/replay';
import { ScenarioRunner } from '../../sim/scenario';
import type { ClusterOptions } from '../../sim/types';
import type { RunOptions } from '../../store/runOptions';
import { finishTask, getDriver, newRun, publish, setPlaying } from '../../store/sim';
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
 * Replaces the simulator's run with `cluster`'s: same options, same actions at the same events, and
 * the same moment (time and event count), paused. `exact` tells whether the fingerprints agree.
 */
export function handToFreePlay(cluster: SimCluster): HandOff {
  const actions = cluster.actions();
  const end = actions.length > 0 ? actions[actions.length - 1].at : 0;
  const err = newRun(runOptionsOf(cluster.options), actions, end, 'The guide');
  if (err !== undefined) return { ok: false, error: err };
  finishTask();
  setPlaying(false);
  const c = getDriver().cluster;
  try {
    // newRun stops at the last action's time; a guide step may have stopped mid-instant after it.
    if (c.eventCount <= cluster.eventCount && c.now <= cluster.now) c.advanceTo(cluster.eventCount, cluster.now);
  } catch (e) {
    publish();
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  publish();
  return { ok: true, exact: clusterFingerprint(c) === clusterFingerprint(cluster) };
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
