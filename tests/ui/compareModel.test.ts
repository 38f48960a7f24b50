// Two runs side by side: identical runs never differ; a branch differs first at its fork action; two seeds differ at their first
// random choice; the cursor rebuilds either run at any moment, forwards and backwards.
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/sim/replay';
import { createCluster } from '../../src/sim';
import { fingerprint } from '../../src/store/fingerprint';
import { MAX_COMPARE_NODE_MS, RunCursor, capRuns, comparedUpTo, firstDifference, nodeLines, record, type RunSpec } from '../../src/ui/compare/compareModel';

const fpOf = (c: ReturnType<typeof replay>): string => fingerprint(c.now, c.eventCount, c.nodeIds.map((id) => c.node(id)));

function branchRun(seed: number, crash: string, at: number): RunSpec {
  const c = createCluster({ seed, nodes: 5, checkers: 'record' });
  c.runFor(at);
  c.crash(crash);
  c.runFor(800);
  return { label: `crash ${crash}`, options: { seed, nodes: 5 }, actions: c.actions(), end: c.now };
}

describe('comparing runs', () => {
  it('a run compared with itself has no difference', () => {
    const spec = branchRun(3, 'n1', 600);
    expect(firstDifference(record(spec), record(spec))).toBeNull();
  });

  it('runs past the events a comparison keeps are compared only that far, and say so (audit r7 panels #6)', () => {
    const a = record(branchRun(3, 'n1', 2900), 'all', 500);
    const b = record(branchRun(3, 'n2', 2900), 'all', 500);
    expect(firstDifference(a, b), 'the fork is past the 500 events kept').toBeNull();
    const upTo = comparedUpTo(a, b);
    expect(upTo.cut).toBe(true);
    expect(upTo.at).toBe(Math.min(a.rows.at(-1)!.at, b.rows.at(-1)!.at));
    expect(upTo.at).toBeLessThan(2900);
    const whole = [record(branchRun(3, 'n1', 600)), record(branchRun(3, 'n1', 600))] as const;
    expect(comparedUpTo(...whole)).toEqual({ at: whole[0].end, cut: false });
  });

  it('a run longer than Compare replays on its nodes is compared up to the cap only, and says where (audit r7 inputs #5)', () => {
    const spec = (end: number): RunSpec => ({ label: 'x', options: { seed: 1, nodes: 50 }, actions: [], end });
    expect(MAX_COMPARE_NODE_MS / 50).toBe(400_000);
    const hour = capRuns(spec(3_600_000), spec(1_000_000), 50);
    expect(hour.specs.map((s) => s.end)).toEqual([400_000, 400_000]);
    expect(hour).toMatchObject({ at: 400_000, longest: 3_600_000 });
    const short = capRuns(spec(300_000), spec(200_000), 50);
    expect(short.specs.map((s) => s.end)).toEqual([300_000, 200_000]);
    expect(short.at).toBeUndefined();
    expect(capRuns(spec(3_600_000), spec(3_600_000), 5).at).toBeUndefined();
  });

  it('two branches first differ at the fork: each run’s own crash, and the node states there differ only in that node', () => {
    const a = record(branchRun(3, 'n1', 600));
    const b = record(branchRun(3, 'n2', 600));
    const d = firstDifference(a, b)!;
    expect(d).not.toBeNull();
    expect(d.at).toBe(600);
    expect(d.a!.text).toMatch(/^crash n1/);
    expect(d.b!.text).toMatch(/^crash n2/);
    // Every event before the fork is the same, and there are some.
    expect(d.index).toBeGreaterThan(10);
    expect(a.keys.slice(0, d.index)).toEqual(b.keys.slice(0, d.index));
    const ca = new RunCursor(a.spec).toEvent(d.index);
    const cb = new RunCursor(b.spec).toEvent(d.index);
    const la = nodeLines(ca);
    const lb = nodeLines(cb);
    expect(la.find((n) => n.id === 'n1')!.up).toBe(false);
    expect(lb.find((n) => n.id === 'n1')!.up).toBe(true);
    expect(lb.find((n) => n.id === 'n2')!.up).toBe(false);
    expect(la.filter((n, i) => JSON.stringify(n) !== JSON.stringify(lb[i])).map((n) => n.id)).toEqual(['n1', 'n2']);
  });

  it('two seeds of one scenario differ at their first random choice', () => {
    const base = branchRun(3, 'n1', 600);
    const a = record({ ...base, byTime: true });
    const b = record({ ...base, options: { ...base.options, seed: 4 }, byTime: true, label: 'seed 4' });
    const d = firstDifference(a, b)!;
    expect(d).not.toBeNull();
    expect(d.at).toBeLessThan(600);
    expect(d.a!.text).not.toBe(d.b!.text);
  });

  it('compared on Raft events only, two seeds first differ at an election timer or what it starts, not at a ping', () => {
    const base = branchRun(3, 'n1', 600);
    const a = record({ ...base, byTime: true }, 'raft');
    const b = record({ ...base, options: { ...base.options, seed: 4 }, byTime: true }, 'raft');
    expect(a.rows.every((r) => !/Ping|detector|sync/i.test(r.text))).toBe(true);
    const d = firstDifference(a, b)!;
    expect(d.a!.text).toMatch(/^(timer election|role|send RequestVote)/);
    expect(d.b!.text).toMatch(/^(timer election|role|send RequestVote)/);
    expect(d.a!.i).toBeGreaterThan(d.index);
  });

  it('the cursor rebuilds the run at any moment, forwards then backwards, as a replay does', () => {
    const spec = branchRun(5, 'n3', 400);
    const cur = new RunCursor(spec);
    for (const t of [100, 700, 300, 1200, 0]) {
      expect(fpOf(cur.to(t))).toBe(fpOf(replay({ ...spec.options, checkers: 'record' }, spec.actions, t)));
    }
  });
});
