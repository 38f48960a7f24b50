// The page's first frame before the engine loads (src/store/firstFrame.ts) shows exactly the state the engine builds at t=0.
import { describe, expect, it } from 'vitest';
import { Driver } from '../../src/store/driver';
import { firstFrame, FIRST_FRAME_DEFAULTS } from '../../src/store/firstFrame';
import { plainRun } from '../../src/store/linkPeek';
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
    actions: c.actions(), actionCount: c.actionCount(), violations: c.violations(), findings: c.findings(), members: c.members(), pending: c.pendingChanges(),
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
  runs.push({ seed: 4 }, { seed: 5, nodes: 12 }, { seed: 6, nodes: 16 });
  // Options a share link may carry: the ones that shape t=0 (timers, clocks, network) and ones that do not.
  runs.push(
    { seed: 2, nodes: 5, electionTimeoutMs: [300, 600] },
    { seed: 3, nodes: 3, electionTimeoutMs: [40, 40], startupGraceMs: 250 },
    { seed: 9, nodes: 7, network: { latencyMs: [1, 80], dropRate: 0.2, duplicateRate: 0.1, reorderRate: 0.3, reorderDelayMs: [5, 9] } },
    { seed: 10, nodes: 4, network: { dropRate: 1 } },
    { seed: 11, nodes: 5, clocks: { offsetMsMax: 5000, driftPpmMax: 900_000 } },
    { seed: 12, nodes: 5, clocks: { offsetMsMax: 0, driftPpmMax: 0, sync: 'off', syncIntervalMs: 10 } },
    { seed: 13, nodes: 5, clocks: { sync: 'berkeley' } },
    { seed: 14, nodes: 5, clocks: { sync: 'cristian', offsetMsMax: 1 } },
    { seed: 15, nodes: 5, heartbeatMs: 7, rules: { voteLogCheck: false, commitCurrentTermOnly: false, oneChangeAtATime: false } },
    { seed: 16, nodes: 5, raft: { preVote: true, checkQuorum: true }, reads: 'lease', maxEntriesPerMessage: 1, snapshotEvery: 3 },
    { seed: 17, nodes: 9, reads: 'readIndex', electionTimeoutMs: [150, 150], heartbeatMs: 150, startupGraceMs: 0 },
  );
  it.each(runs.map((r) => [JSON.stringify(r), r] as const))('%s: roles, terms, logs, timers and clocks equal the engine at t=0', (_name, run) => {
    const engine = new Driver(run);
    const pre = firstFrame(run);
    const a = seen(pre);
    const b = seen(engine);
    expect(a.views.map((v) => [v.id, v.role, v.term, v.log.length])).toEqual(b.views.map((v) => [v.id, v.role, v.term, v.log.length]));
    expect(a).toEqual(b);
    engine.dispose();
  });

  it('is only worked out for a seed, a number of nodes and the options it knows, in range', () => {
    expect(plainRun(DEFAULT_RUN)).toBe(true);
    expect(plainRun({ seed: 1, nodes: 5, heartbeatMs: 40 })).toBe(true);
    expect(plainRun({ seed: 1, config: 'nodes: []' })).toBe(false);
    expect(plainRun({ seed: 1.5 })).toBe(false);
    expect(plainRun({ seed: 1, nodes: 17 })).toBe(false);
    expect(plainRun({ seed: 1, nodes: 0 })).toBe(false);
    expect(plainRun({ seed: 1, electionTimeoutMs: [20, 10] })).toBe(false);
    expect(plainRun({ seed: 1, electionTimeoutMs: [0, 10] })).toBe(false);
    expect(plainRun({ seed: 1, startupGraceMs: -1 })).toBe(false);
    expect(plainRun({ seed: 1, network: { dropRate: 2 } })).toBe(false);
    expect(plainRun({ seed: 1, network: { latencyMs: [1, Infinity] } })).toBe(false);
    expect(plainRun({ seed: 1, network: { what: 1 } as never })).toBe(false);
    expect(plainRun({ seed: 1, clocks: { driftPpmMax: 1e6 } })).toBe(false);
    expect(plainRun({ seed: 1, recordActions: false } as never)).toBe(false);
    expect(() => firstFrame({ seed: 1, config: 'nodes: []' })).toThrow();
  });
});
