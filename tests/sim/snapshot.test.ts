// Snapshots and log compaction through the headless API (paper §7): snapshotEvery, InstallSnapshot, restart from a snapshot, the broker state in it.
import { describe, expect, it } from 'vitest';
import { SENTINEL, logOf } from '../../src/core/raft/node';
import type { Role } from '../../src/core/raft/types';
import { RaftChecker } from '../../src/sim/checkers/raft';
import { createCluster, type SimCluster } from '../../src/sim/index';
import { at, run, stable, until, withSeed } from './helpers';

function publishMany(c: SimCluster, via: string, n: number, topic = 't', perStep = 50): void {
  for (let k = 0; k < n; ) {
    for (let i = 0; i < perStep && k < n; i++, k++) c.publish(topic, `m${k}`, { via, id: `p${k}` });
    run(c, 20);
  }
}

describe('snapshotEvery (§7)', () => {
  it('every node snapshots its state and drops its log prefix; indices stay absolute and histories agree', () => {
    withSeed(61, () => {
      const { c, leader } = stable(61, { snapshotEvery: 100 });
      const snapshots = new Map<string, number>();
      const restores = new Map<string, number>();
      c.onEvent((e) => {
        if (e.kind === 'snapshot') snapshots.set(e.node!, (snapshots.get(e.node!) ?? 0) + 1);
        if (e.kind === 'restore') restores.set(e.node!, (restores.get(e.node!) ?? 0) + 1);
      });
      publishMany(c, leader, 450);
      run(c, 1000);
      const ref = c.history(leader, 't');
      expect(ref).toHaveLength(450);
      for (const id of c.nodeIds) {
        const v = c.node(id);
        expect(v.snapshot, at(c, `${id} snapshot`)).not.toBeNull();
        const s = v.snapshot!;
        // A node snapshots at the end of the instant in which it applied its 100th entry since the last
        // snapshot; entries arrive up to 64 per AppendEntries, so at most 100 + 63 stay in the log.
        expect(v.log.length).toBeLessThan(100 + 64);
        expect(s.lastIncludedIndex + v.log.length).toBe(v.lastApplied);
        expect(v.log.every((e, i) => e.index === s.lastIncludedIndex + 1 + i)).toBe(true);
        expect(c.history(id, 't'), at(c, `${id} history`)).toEqual(ref);
      }
      // Each node compacts on its own; a follower a little behind the leader's compaction is sent the
      // leader's snapshot instead (InstallSnapshot), which also moves its log's start.
      for (const id of c.nodeIds) {
        expect(snapshots.get(id), id).toBeGreaterThanOrEqual(1);
        expect((snapshots.get(id) ?? 0) + (restores.get(id) ?? 0), id).toBeGreaterThanOrEqual(2);
      }
      expect(c.violations()).toEqual([]);
    });
  });

  it('0 (the API default) never snapshots', () => {
    const { c, leader } = stable(62);
    publishMany(c, leader, 200);
    run(c, 500);
    expect(c.node(leader).snapshot).toBeNull();
    expect(c.node(leader).log.length).toBeGreaterThan(200);
  });

  it('snapshot(id) compacts one node now', () => {
    const { c, leader, followers } = stable(63);
    publishMany(c, leader, 30);
    run(c, 300);
    expect(c.snapshot(followers[0])).toBe(true);
    expect(c.node(followers[0]).snapshot?.lastIncludedIndex).toBe(c.node(followers[0]).lastApplied);
    expect(c.node(followers[0]).log).toEqual([]);
    expect(c.node(leader).snapshot).toBeNull();
    expect(c.snapshot(followers[0])).toBe(false); // nothing new
    c.crash(followers[1]);
    expect(c.snapshot(followers[1])).toBe(false);
  });
});

describe('InstallSnapshot (§7, Figure 13)', () => {
  it('a follower down for 10,000 entries is caught up by one snapshot, with topics, offsets and dedup windows', () => {
    withSeed(64, () => {
      const { c, leader, followers } = stable(64, { snapshotEvery: 1000 });
      const far = followers[0];
      c.crash(far);
      publishMany(c, leader, 10_000);
      run(c, 500);
      expect(c.node(leader).commitIndex).toBeGreaterThanOrEqual(10_000);
      expect(c.node(far).log.length).toBeLessThan(10);
      const installs: number[] = [];
      const appendsWithEntries: number[] = [];
      c.onEvent((e) => {
        if (e.kind === 'deliver' && e.to === far && e.type === 'InstallSnapshot') installs.push(e.at);
        if (e.kind === 'deliver' && e.to === far && e.type === 'AppendEntries' && (e.payload as { entries: unknown[] }).entries.length > 0) appendsWithEntries.push(e.at);
      });
      c.restart(far);
      const from = c.now;
      expect(until(c, () => c.node(far).commitIndex >= c.node(leader).commitIndex, 3000), at(c, 'caught up')).toBe(true);
      expect(installs.length, at(c, 'snapshots delivered')).toBeGreaterThanOrEqual(1);
      expect(installs.length).toBeLessThanOrEqual(2);
      // The rest of the log after the snapshot (under 1,000 entries, 64 per message) came in a few dozen AppendEntries, not thousands.
      expect(appendsWithEntries.length).toBeLessThan(60);
      expect(c.now - from).toBeLessThan(1000);
      expect(c.node(far).snapshot!.lastIncludedIndex).toBeGreaterThanOrEqual(9000);
      expect(c.history(far, 't')).toEqual(c.history(leader, 't'));
      // The dedup window travelled in the snapshot: once it leads, a retry of a recent id is a duplicate.
      expect(c.transferLeadership(far)).toBe(true);
      expect(until(c, () => c.leader() === far, 2000), at(c, 'transfer')).toBe(true);
      const retry = c.publish('t', 'm9999', { id: 'p9999', via: far });
      expect(until(c, () => retry.status === 'ok', 2000)).toBe(true);
      expect(retry.offset).toBe(c.history(leader, 't').find((r) => r.id === 'p9999')!.offset);
      expect(c.clientLog('pub').at(-1)?.line).toBe('OK duplicate p9999');
      expect(c.history(far, 't')).toHaveLength(10_000);
      expect(c.violations()).toEqual([]);
    });
  });

  it('a node added to a compacted cluster starts from the snapshot', () => {
    withSeed(65, () => {
      const { c, leader } = stable(65, { snapshotEvery: 50 });
      publishMany(c, leader, 300);
      run(c, 300);
      const id = c.addNode();
      expect(until(c, () => c.pendingChanges().length === 0, 5000), at(c, 'joined')).toBe(true);
      expect(c.journal().some((e) => e.kind === 'restore' && e.node === id)).toBe(true);
      expect(c.history(id, 't')).toEqual(c.history(leader, 't'));
      expect(c.violations()).toEqual([]);
    });
  });

  it('a subscriber of a follower that is caught up by a snapshot still sees every offset once', () => {
    withSeed(66, () => {
      const { c, leader, followers } = stable(66, { snapshotEvery: 40 });
      const f = followers[0];
      c.command(f, 'SUB t', { client: 'sub' });
      run(c, 100);
      c.partition([[f], [leader, followers[1]]]);
      publishMany(c, leader, 200, 't', 10);
      run(c, 300);
      c.heal();
      expect(until(c, () => c.node(f).commitIndex >= c.node(leader).commitIndex, 3000)).toBe(true);
      expect(c.journal().some((e) => e.kind === 'restore' && e.node === f)).toBe(true);
      run(c, 1500);
      const offsets = c.received('sub').map((r) => r.offset);
      expect(offsets).toHaveLength(200);
      expect(new Set(offsets).size).toBe(200);
      c.checkMessaging();
      expect(c.violations()).toEqual([]);
    });
  });
});

describe('retention with snapshots (flat memory)', () => {
  it('keeps the newest records per topic with absolute offsets; the healed-cluster check does not count dropped records as lost', () => {
    withSeed(69, () => {
      const { c, leader } = stable(69, { snapshotEvery: 20, broker: { retain: 10 } });
      publishMany(c, leader, 100, 't', 10);
      run(c, 500);
      const h = c.history(leader, 't');
      expect(h.length).toBeGreaterThanOrEqual(10);
      expect(h.length).toBeLessThan(20);
      expect(h.at(-1)!.offset).toBe(100);
      for (const id of c.nodeIds) expect(c.history(id, 't')).toEqual(h);
      c.checkMessaging();
      expect(c.violations()).toEqual([]);
    });
  });
});

describe('restart restores from the snapshot, then re-applies the rest (§7)', () => {
  it('a restarted node replaces its state by its snapshot and applies only the entries after it', () => {
    withSeed(67, () => {
      const { c, leader, followers } = stable(67, { snapshotEvery: 100 });
      publishMany(c, leader, 250);
      run(c, 500);
      for (let i = 0; i < 30; i++) c.publish('t', `late${i}`, { via: leader });
      run(c, 500);
      const f = followers[0];
      const snap = c.node(f).snapshot!.lastIncludedIndex;
      expect(c.node(f).lastApplied).toBeGreaterThan(snap + 20);
      const before = c.history(f, 't');
      c.crash(f);
      const seen: string[] = [];
      c.onEvent((e) => {
        if (e.node === f && (e.kind === 'restore' || e.kind === 'apply')) seen.push(`${e.kind} ${e.index}`);
      });
      c.restart(f);
      expect(seen[0]).toBe(`restore ${snap}`);
      expect(c.node(f).lastApplied).toBe(snap);
      run(c, 300);
      const applies = seen.slice(1).map((s) => Number(s.split(' ')[1]));
      expect(applies[0]).toBe(snap + 1);
      expect(applies.every((x, i) => x === snap + 1 + i)).toBe(true);
      expect(c.history(f, 't')).toEqual(before);
      expect(c.violations()).toEqual([]);
    });
  });
});

describe('the Raft checkers across snapshots', () => {
  class Fake {
    up = true;
    persistent = { currentTerm: 1, log: logOf([SENTINEL]), snapshot: { lastIncludedIndex: 0, lastIncludedTerm: 0 } };
    raft = { role: 'follower' as Role, commitIndex: 0 };
    constructor(readonly id: string) {}
  }

  it('a snapshot that covers entries nobody committed breaks State Machine Safety', () => {
    const nodes = [new Fake('n1'), new Fake('n2')];
    const reports: string[] = [];
    const checker = new RaftChecker(nodes, (p) => reports.push(p));
    nodes[1].persistent.snapshot = { lastIncludedIndex: 3, lastIncludedTerm: 1 };
    nodes[1].persistent.log = logOf([{ term: 1, command: null }]);
    checker.afterEvent(1);
    expect(reports).toContain('State Machine Safety');
  });

  it('a snapshot whose last term differs from the committed entry there breaks State Machine Safety', () => {
    const nodes = [new Fake('n1'), new Fake('n2')];
    const reports: string[] = [];
    const checker = new RaftChecker(nodes, (p) => reports.push(p));
    const e1 = { term: 1, command: 'a' };
    nodes[0].persistent.log = logOf([SENTINEL, e1]);
    nodes[0].raft.commitIndex = 1;
    checker.afterEvent(0);
    expect(reports).toEqual([]);
    nodes[1].persistent.snapshot = { lastIncludedIndex: 1, lastIncludedTerm: 2 };
    nodes[1].persistent.log = logOf([{ term: 2, command: null }]);
    checker.afterEvent(1);
    expect(reports).toContain('State Machine Safety');
  });

  it('the sweep of a real cluster with snapshots every few entries stays clean', () => {
    const c = createCluster({ seed: 68, nodes: 5, snapshotEvery: 7, network: { dropRate: 0.1 } });
    for (let i = 0; i < 60; i++) {
      const l = c.leader();
      if (l !== undefined) c.propose(l, `x${i}`);
      if (i === 20) c.crash('n2');
      if (i === 40) c.restart('n2');
      run(c, 50);
    }
    run(c, 2000);
    expect(c.violations()).toEqual([]);
    expect(c.node('n2').snapshot).not.toBeNull();
  });
});
