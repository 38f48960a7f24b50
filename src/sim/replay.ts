// Rebuilds a run from its options and action log: the basis of rewind, fork and share links.
import { SimCluster } from './cluster';
import type { ActionRecord, ClusterOptions } from './types';

/** The actions a replay may perform, by name; anything else in an action log is refused. */
const REPLAYABLE = new Set([
  'crash', 'restart', 'disconnect', 'reconnect', 'partition', 'heal', 'cutLink', 'restoreLink',
  'setNetwork', 'setClock', 'timeout', 'dropMessage', 'propose', 'publish', 'command', 'subscribe', 'resetConnection',
  'addNode', 'removeNode', 'transferLeadership', 'snapshot',
]);

export function isReplayable(op: string): boolean {
  return REPLAYABLE.has(op);
}

/**
 * Re-creates the cluster and performs each action at the exact event it was taken at, then runs on
 * to `until` when given: a time (`untilMs`, every event due by then), or an exact point
 * `{ at, events }` (as `toScenario` ends), which also stops mid-instant after a `step`.
 * Same options + same actions ⇒ the identical run.
 */
export function replay(options: ClusterOptions, actions: readonly ActionRecord[], until?: number | { at: number; events: number }): SimCluster {
  const c = new SimCluster(options);
  const untilMs = typeof until === 'number' ? until : until?.at;
  for (const a of actions) {
    if (untilMs !== undefined && a.at > untilMs) break;
    if (!REPLAYABLE.has(a.op)) throw new Error(`cannot replay unknown action '${a.op}'`);
    c.advanceTo(a.events, a.at);
    const fn = (c as unknown as Record<string, (...args: unknown[]) => unknown>)[a.op];
    fn.apply(c, a.args);
  }
  if (typeof until === 'object') c.advanceTo(until.events, until.at);
  else if (untilMs !== undefined && untilMs > c.now) c.runFor(untilMs - c.now);
  return c;
}
