// The Raft checkers can fail: each property is fed a deliberately broken history (fake nodes, or a cluster with a rule off).
import { afterAll, describe, expect, it } from 'vitest';
import { SENTINEL, logOf } from '../../src/core/raft/node';
import type { Entry, Role } from '../../src/core/raft/types';
import { RaftChecker, type CheckedNode } from '../../src/sim/checkers/raft';
import { CheckerViolation, RAFT_PROPERTIES, createCluster } from '../../src/sim/index';

/** A node whose state a test sets by hand. */
class FakeNode implements CheckedNode {
  up = true;
  persistent = { currentTerm: 0, votedFor: null as string | null, log: logOf([SENTINEL]) };
  raft = { role: 'follower' as Role, commitIndex: 0 };
  constructor(readonly id: string) {}
  set(change: { term?: number; role?: Role; commit?: number; log?: Entry[]; up?: boolean }): this {
    if (change.term !== undefined) this.persistent.currentTerm = change.term;
    if (change.role !== undefined) this.raft.role = change.role;
    if (change.commit !== undefined) this.raft.commitIndex = change.commit;
    if (change.log !== undefined) this.persistent.log = logOf([SENTINEL, ...change.log]);
    if (change.up !== undefined) this.up = change.up;
    return this;
  }
}

const e = (term: number, command: string): Entry => ({ term, command });

const triggered = new Set<string>();

/** Fake nodes n1..nN under a checker that collects its reports. */
function rig(n = 3) {
  const nodes = Array.from({ length: n }, (_, i) => new FakeNode(`n${i + 1}`));
  const reports: Array<{ property: string; detail: string }> = [];
  const checker = new RaftChecker(nodes, (property, detail) => {
    reports.push({ property, detail });
    triggered.add(property);
  });
  const check = (...idx: number[]): void => idx.forEach((i) => checker.afterEvent(i));
  const properties = (): string[] => [...new Set(reports.map((r) => r.property))];
  return { nodes, reports, checker, check, properties };
}

describe('RaftChecker against hand-made histories', () => {
  it('Election Safety: two leaders of one term at the same time', () => {
    const { nodes, check, properties } = rig();
    nodes[0].set({ term: 2, role: 'leader' });
    nodes[1].set({ term: 2, role: 'leader' });
    check(0, 1);
    expect(properties()).toEqual(['Election Safety']);
  });

  it('Election Safety: two leaders of one term at different times (over the whole run, not one instant)', () => {
    const { nodes, check, properties, reports } = rig();
    nodes[0].set({ term: 2, role: 'leader' });
    check(0);
    nodes[0].set({ role: 'follower' });
    check(0);
    expect(reports).toEqual([]);
    nodes[1].set({ term: 2, role: 'leader' });
    check(1);
    expect(properties()).toEqual(['Election Safety']);
  });

  it('Election Safety holds when leaders follow one another in rising terms', () => {
    const { nodes, check, reports } = rig();
    nodes[0].set({ term: 2, role: 'leader' });
    check(0);
    nodes[0].set({ term: 3, role: 'follower' });
    nodes[1].set({ term: 3, role: 'leader' });
    check(0, 1);
    expect(reports).toEqual([]);
  });

  it('Leader Append-Only: a leader removes entries from its own log', () => {
    const { nodes, check, properties } = rig();
    nodes[0].set({ term: 1, role: 'leader', log: [e(1, 'a'), e(1, 'b')] });
    check(0);
    nodes[0].persistent.log.truncate(2);
    check(0);
    expect(properties()).toEqual(['Leader Append-Only']);
  });

  it('a follower may drop uncommitted entries (no report)', () => {
    const { nodes, check, reports } = rig();
    nodes[1].set({ term: 1, log: [e(1, 'a'), e(1, 'b')] });
    check(1);
    nodes[1].set({ term: 2, log: [nodes[1].persistent.log.at(1)!, e(2, 'c')] });
    check(1);
    expect(reports).toEqual([]);
  });

  it('Log Matching: two logs with an entry of the same index and term but different entries before it', () => {
    const { nodes, check, properties } = rig();
    nodes[0].set({ term: 2, log: [e(1, 'a'), e(2, 'b')] });
    nodes[1].set({ term: 2, log: [e(1, 'x'), e(2, 'b')] });
    check(0, 1);
    expect(properties()).toEqual(['Log Matching']);
  });

  it('Log Matching: two different entries at the same index and term', () => {
    const { nodes, check, properties } = rig();
    const a = e(1, 'a');
    nodes[0].set({ term: 1, log: [a, e(1, 'b')] });
    nodes[1].set({ term: 1, log: [a, e(1, 'b?')] });
    check(0, 1);
    expect(properties()).toEqual(['Log Matching']);
  });

  it('a log that broke Log Matching keeps its own prefix: a leader holding it still lacks the committed entry', () => {
    // Node 2's entries at index 1 and 2 (term 2, shared object) follow a different index 1. Its
    // prefix is remembered as its own (not the registry's first), so when node 1 commits index 2 and
    // node 2 leads a later term, node 2 still lacks what was committed.
    const { nodes, check, reports } = rig();
    const b = e(2, 'b');
    nodes[0].set({ term: 2, log: [e(1, 'a'), b] });
    nodes[1].set({ term: 2, log: [e(1, 'x'), b] });
    check(0, 1);
    expect(reports.map((r) => r.property)).toEqual(['Log Matching', 'Log Matching']);
    nodes[0].set({ commit: 2 });
    check(0);
    nodes[1].set({ term: 3, role: 'leader' });
    check(1);
    expect(reports.map((r) => r.property)).toEqual(['Log Matching', 'Log Matching', 'Leader Completeness']);
  });

  it('an entry committed in a later term than its own counts as committed in that term (Leader Completeness looks before it)', () => {
    const { nodes, check, reports } = rig();
    nodes[0].set({ term: 3, log: [e(1, 'a')], commit: 1 });
    check(0);
    // Committed in term 3: a leader of term 3 need not hold it (it may be the one that commits it next).
    nodes[1].set({ term: 3, role: 'leader' });
    check(1);
    expect(reports).toEqual([]);
  });

  it('the term of a committed entry is its own, not the first term seen at its index', () => {
    const { nodes, check, checker, reports } = rig();
    nodes[0].set({ term: 1, log: [e(1, 'a')] });
    check(0);
    nodes[1].set({ term: 2, log: [e(2, 'b')], commit: 1 });
    check(1);
    checker.onRestore(2, 1, 2);
    expect(reports).toEqual([]);
    checker.onRestore(2, 1, 1);
    expect(reports.map((r) => r.property)).toEqual(['State Machine Safety']);
  });

  it('Log Matching holds for logs that share their entries', () => {
    const { nodes, check, reports } = rig();
    const log = [e(1, 'a'), e(2, 'b')];
    nodes[0].set({ term: 2, log });
    nodes[1].set({ term: 2, log: [...log, e(2, 'c')] });
    check(0, 1);
    expect(reports).toEqual([]);
  });

  it('Leader Completeness: a leader elected in a later term lacks an entry committed earlier', () => {
    const { nodes, check, properties } = rig();
    const a = e(1, 'a');
    nodes[0].set({ term: 1, role: 'leader', log: [a, e(1, 'b')], commit: 2 });
    check(0);
    nodes[1].set({ term: 2, role: 'leader', log: [a] });
    check(1);
    expect(properties()).toEqual(['Leader Completeness']);
  });

  it('Leader Completeness: an entry commits in an earlier term while a later-term leader lacks it', () => {
    const { nodes, check, properties } = rig();
    const a = e(1, 'a');
    nodes[1].set({ term: 3, role: 'leader', log: [a] });
    check(1);
    nodes[0].set({ term: 2, log: [a, e(2, 'b')], commit: 2 });
    check(0);
    expect(properties()).toEqual(['Leader Completeness']);
  });

  it('State Machine Safety: two nodes commit different entries at one index', () => {
    const { nodes, check, properties } = rig();
    nodes[0].set({ term: 1, log: [e(1, 'a')], commit: 1 });
    nodes[1].set({ term: 1, log: [e(1, 'z')], commit: 1 });
    check(0, 1);
    expect(properties()).toContain('State Machine Safety');
  });

  it('State Machine Safety: commitIndex beyond the log', () => {
    const { nodes, check, properties } = rig();
    nodes[0].set({ term: 1, log: [e(1, 'a')], commit: 3 });
    check(0);
    expect(properties()).toEqual(['State Machine Safety']);
  });

  it('State Machine Safety: applying out of order, with a gap, or an entry other than the committed one', () => {
    const { nodes, check, checker, reports } = rig();
    const a = e(1, 'a');
    const b = e(1, 'b');
    nodes[0].set({ term: 1, log: [a, b], commit: 2 });
    check(0);
    checker.onApply(0, 2, b); // skips index 1
    expect(reports.map((r) => r.property)).toEqual(['State Machine Safety']);
    reports.length = 0;
    checker.onApply(1, 1, e(1, 'not a'));
    expect(reports.map((r) => r.property)).toEqual(['State Machine Safety']);
    expect(reports[0].detail).toContain('n2');
  });

  it('a crashed node re-applies from index 1 without a report', () => {
    const { nodes, check, checker, reports } = rig();
    const log = [e(1, 'a'), e(1, 'b')];
    nodes[0].set({ term: 1, log, commit: 2 });
    check(0);
    checker.onApply(0, 1, log[0]);
    checker.onApply(0, 2, log[1]);
    checker.onCrash(0);
    nodes[0].set({ up: false, commit: 0 });
    check(0);
    nodes[0].set({ up: true, commit: 2 });
    check(0);
    checker.onApply(0, 1, log[0]);
    checker.onApply(0, 2, log[1]);
    expect(reports).toEqual([]);
  });

  it('Terms never decrease', () => {
    const { nodes, check, properties } = rig();
    nodes[2].set({ term: 5 });
    check(2);
    nodes[2].set({ term: 4 });
    check(2);
    expect(properties()).toEqual(['Terms never decrease']);
  });

  it('Committed entries never truncated', () => {
    const { nodes, check, properties } = rig();
    const a = e(1, 'a');
    nodes[0].set({ term: 1, log: [a, e(1, 'b')], commit: 2 });
    check(0);
    nodes[0].set({ term: 2, log: [a, e(2, 'c')], commit: 1 });
    check(0);
    expect(properties()).toEqual(['Committed entries never truncated']);
  });

  afterAll(() => {
    // Every property the checker declares was shown to fire above.
    expect([...triggered].sort()).toEqual([...RAFT_PROPERTIES].sort());
  });
});

describe('checkers on a cluster', () => {
  /** n5 misses three entries while cut off, then stands; with voteLogCheck off it wins without them. */
  function staleLeaderRun(options: Parameters<typeof createCluster>[0]) {
    const c = createCluster({ seed: 2, electionTimeoutMs: [5000, 6000], rules: { voteLogCheck: false }, ...options });
    c.timeout('n1');
    c.runFor(100);
    c.disconnect('n5');
    for (let i = 0; i < 3; i++) c.propose('n1', `e${i}`);
    c.runFor(200);
    c.reconnect('n5');
    c.timeout('n5');
    c.runFor(500);
    return c;
  }

  it('throw mode (the default) stops the run with a CheckerViolation naming the property, the time and the seed', () => {
    let caught: unknown;
    try {
      staleLeaderRun({});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CheckerViolation);
    const { violation } = caught as CheckerViolation;
    expect(violation).toMatchObject({ property: 'Leader Completeness', seed: 2 });
    expect((caught as Error).message).toBe(violation.message);
    expect(violation.message).toMatch(new RegExp(`^Leader Completeness broken at t=${violation.at.toFixed(3).replace(/\.?0+$/, '')}ms \\(seed 2\\)`));
  });

  it('record mode keeps running and lists every violation, each also in the journal', () => {
    const c = staleLeaderRun({ checkers: 'record' });
    const props = new Set(c.violations().map((v) => v.property));
    expect(props).toContain('Leader Completeness');
    // The stale leader then overwrites committed entries on the others.
    expect(props).toContain('Committed entries never truncated');
    const journaled = c.journal().filter((ev) => ev.kind === 'violation');
    expect(journaled.map((ev) => ev.detail)).toEqual(c.violations().map((v) => v.message));
  });

  it('checkers: false turns them off: the same broken run reports nothing', () => {
    const c = staleLeaderRun({ checkers: false });
    expect(c.violations()).toEqual([]);
    expect(c.node('n5').role).toBe('leader');
  });

  it('a correct run under chaos reports nothing', () => {
    const c = createCluster({ seed: 77, checkers: 'record', network: { dropRate: 0.2, duplicateRate: 0.2, reorderRate: 0.2 } });
    for (let i = 0; i < 20; i++) {
      const l = c.leader();
      if (l !== undefined) c.propose(l, `x${i}`);
      if (i % 5 === 2 && l !== undefined) c.crash(l);
      if (i % 5 === 4) for (const id of c.nodeIds) c.restart(id);
      c.runFor(250);
    }
    expect(c.violations()).toEqual([]);
  });
});
