// The page's first frame before the engine loads (src/store/firstFrame.ts) shows exactly the state the engine builds at t=0.
import { describe, expect, it } from 'vitest';
import { Driver } from '../../src/store/driver';
import { firstFrame, FIRST_FRAME_DEFAULTS, plainRun } from '../../src/store/firstFrame';
import { emptyMetrics } from '../../src/store/metrics';
import { DEFAULT_RUN, type RunOptions } from '../../src/store/runOptions';
import { DEFAULT_CLOCKS } from '../../src/sim/cluster';
import { DEFAULT_NETWORK } from '../../src/sim/engine';

/** Everything the page reads from a run, as plain data. */
function seen(d: ReturnType<typeof firstFrame>) {
  const c = d.cluster;
  return {
    now: d.now, seq: d.seq, horizon: d.horizon, inPast: d.inPast, lastStep: d.lastStep, marks: d.marks,
    metrics: d.metrics.snapshot(), views: d.views(true), feed: d.feedTail(1000), inFlight: d.inFlight(),
    nodeIds: c.nodeIds, cnow: c.now, network: c.network, leader: c.leader(), groups: c.groups(), cuts: c.cutLinks(),
    actions: c.actions(), violations: c.violations(), findings: c.findings(), members: c.members(), pending: c.pendingChanges(),
  };
}

describe('first frame before the engine', () => {
  it('uses the engine defaults', () => {
    expect(FIRST_FRAME_DEFAULTS.clocks.offsetMsMax).toBe(DEFAULT_CLOCKS.offsetMsMax);
    expect(FIRST_FRAME_DEFAULTS.clocks.driftPpmMax).toBe(DEFAULT_CLOCKS.driftPpmMax);
    expect(FIRST_FRAME_DEFAULTS.network).toEqual(DEFAULT_NETWORK);
    expect(firstFrame(DEFAULT_RUN).metrics.snapshot()).toEqual(emptyMetrics());
  });

  const runs: RunOptions[] = [DEFAULT_RUN];
  for (const seed of [0, 2, 7, 12345, -3, 2 ** 40 + 9, Number.MAX_SAFE_INTEGER]) for (const nodes of [1, 3, 5, 9]) runs.push({ seed, nodes });
  runs.push({ seed: 4 });
  it.each(runs.map((r) => [JSON.stringify(r), r] as const))('%s: roles, terms, logs, timers and clocks equal the engine at t=0', (_name, run) => {
    const engine = new Driver(run);
    const pre = firstFrame(run);
    const a = seen(pre);
    const b = seen(engine);
    expect(a.views.map((v) => [v.id, v.role, v.term, v.log.length])).toEqual(b.views.map((v) => [v.id, v.role, v.term, v.log.length]));
    expect(a).toEqual(b);
    engine.dispose();
  });

  it('is only worked out for a seed and a number of nodes', () => {
    expect(plainRun(DEFAULT_RUN)).toBe(true);
    expect(plainRun({ seed: 1, nodes: 5, heartbeatMs: 40 })).toBe(false);
    expect(plainRun({ seed: 1, config: 'nodes: []' })).toBe(false);
    expect(plainRun({ seed: 1.5 })).toBe(false);
    expect(() => firstFrame({ seed: 1, electionTimeoutMs: [10, 20] })).toThrow();
  });
});
