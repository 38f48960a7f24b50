// Raft scenarios through the headless API (after MIT 6.824's 2A–2C tests and the paper's Figure 8), every checker on.
import { describe, expect, it } from 'vitest';
import { CheckerViolation, createCluster, type Cluster, type SimEvent } from '../../src/sim/index';
import {
  agreedTerm,
  at,
  commands,
  expectNoViolations,
  nCommitted,
  noLeader,
  oneLeader,
  one,
  recordEvents,
  stepUntil,
  views,
  withSeed,
} from './helpers';

const others = (c: Cluster, ...ids: string[]): string[] => c.nodeIds.filter((id) => !ids.includes(id));

/** Forces `id` to stand for election until it wins (each timeout is a new term); fails after 5 tries. */
function elect(c: Cluster, id: string): void {
  for (let i = 0; i < 5; i++) {
    c.timeout(id);
    if (c.runUntil(() => c.node(id).role === 'leader', 40)) return;
  }
  throw new Error(at(c, `${id} could not be elected`));
}

describe('§5.2 leader election', () => {
  it('a fresh cluster elects one leader within 1 s, all nodes agree on its term, and it stays leader while nothing fails', () => {
    for (let seed = 1; seed <= 20; seed++) {
      for (const nodes of [3, 5]) {
        withSeed(seed, () => {
          const c = createCluster({ seed, nodes });
          const leader = oneLeader(c, 1000);
          c.runFor(50);
          const term = agreedTerm(c);
          expect(c.node(leader).term, at(c, 'leader term')).toBe(term);
          // 6.824 TestInitialElection: no reason to change leader or term while nothing fails.
          c.runFor(2000);
          expect(agreedTerm(c), at(c, 'term changed without failures')).toBe(term);
          expect(oneLeader(c), at(c, 'leader changed without failures')).toBe(leader);
          // The leader's no-op of its term is committed everywhere.
          expect(nCommitted(c, 1), at(c, 'no-op committed')).toMatchObject({ count: nodes, command: null, term });
        });
      }
    }
  });

  it('when the leader is disconnected the others elect a new one, and the old leader rejoins as a follower', () => {
    const c = createCluster({ seed: 7, nodes: 3 });
    const l1 = oneLeader(c);
    const t1 = c.node(l1).term;
    c.disconnect(l1);
    const l2 = oneLeader(c);
    expect(l2).not.toBe(l1);
    expect(c.node(l2).term).toBeGreaterThan(t1);
    // The old leader, cut off, still believes it leads its old term.
    expect(c.node(l1)).toMatchObject({ role: 'leader', term: t1, connected: false });
    c.reconnect(l1);
    // It hears the higher term (from a heartbeat's reply or the new leader's AppendEntries) and steps down (§5.1).
    expect(c.runUntil(() => c.node(l1).role === 'follower', 500), at(c, 'old leader after rejoining')).toBe(true);
    const l3 = oneLeader(c);
    expect(l3).toBe(l2);
    expect(c.node(l1).term).toBeGreaterThanOrEqual(c.node(l2).term);
    // 6.824 TestReElection: with no quorum there is no leader; one node back restores it.
    const l4 = l3;
    const f = others(c, l4)[0];
    c.disconnect(l4);
    c.disconnect(f);
    c.runFor(2000);
    noLeader(c);
    c.reconnect(f);
    oneLeader(c);
    c.reconnect(l4);
    oneLeader(c);
    expect(one(c, 'after', 3)).toBeGreaterThan(0);
  });

  it('a minority partition never elects a leader nor commits, while the majority side does (§5.2, §5.3)', () => {
    const c = createCluster({ seed: 11 });
    const l1 = oneLeader(c);
    one(c, 'before', 5);
    const t1 = c.node(l1).term;
    const minority = [l1, others(c, l1)[0]];
    const majority = others(c, ...minority);
    const events = recordEvents(c);
    const commitBefore = Math.max(...minority.map((id) => c.node(id).commitIndex));
    c.partition([minority, majority]);
    const lost = c.propose(l1, 'lost')!;
    expect(lost).toBeDefined();
    expect(c.runUntil(() => majority.some((id) => c.node(id).role === 'leader'), 2500), at(c, 'majority elected')).toBe(true);
    expect(majority).toContain(oneLeader(c));
    one(c, 'majority', 3);
    c.runFor(5000);
    // Nobody on the minority side won an election, and nothing new committed there.
    const minorityLeaders = events.filter((e) => e.kind === 'role' && e.role === 'leader' && minority.includes(e.node!));
    expect(minorityLeaders, at(c, 'minority elected a leader')).toEqual([]);
    for (const id of minority) {
      expect(c.node(id).commitIndex, at(c, `${id} committed in the minority`)).toBe(commitBefore);
    }
    expect(c.node(l1)).toMatchObject({ role: 'leader', term: t1 }); // still deluded, harmlessly
    // Healing lets the minority catch up; the entry proposed there is gone everywhere.
    c.heal();
    const l3 = oneLeader(c);
    one(c, 'healed', 5);
    c.runFor(500);
    expect(majority).toContain(l3);
    for (const v of views(c)) expect(commands(v), at(c, `${v.id}'s log`)).not.toContain('lost');
    expect(c.node(l1).log[lost.index - 1].command).not.toBe('lost');
  });

  it('a partition 2 | 3 that leaves the leader in the majority: the two never elect anyone in any term', () => {
    const c = createCluster({ seed: 12 });
    const l1 = oneLeader(c);
    const [a, b, ...rest] = others(c, l1);
    const events = recordEvents(c);
    c.partition([[a, b], [l1, ...rest]]);
    one(c, 'while-split', 3);
    c.runFor(5000);
    expect(events.filter((e) => e.kind === 'role' && e.role === 'leader' && (e.node === a || e.node === b))).toEqual([]);
    expect(oneLeader(c)).toBe(l1);
    // The minority's terms ran up while it tried; on healing its higher term makes the leader step
    // down, but a and b miss 'while-split', so only a majority-side node can win (§5.4.1).
    expect(c.node(a).term).toBeGreaterThan(c.node(l1).term);
    c.heal();
    expect(c.runUntil(() => c.node(l1).term >= c.node(a).term, 1000), at(c, 'leader heard the higher term')).toBe(true);
    const l2 = oneLeader(c);
    expect([l1, ...rest]).toContain(l2);
    expect(events.filter((e) => e.kind === 'role' && e.role === 'leader' && (e.node === a || e.node === b))).toEqual([]);
    one(c, 'x', 5);
  });

  it('dueling candidates with timeouts in [150, 151] ms split their votes, yet one leader emerges (§5.2)', () => {
    for (let seed = 1; seed <= 8; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, electionTimeoutMs: [150, 151] });
        const events = recordEvents(c);
        c.runFor(400);
        // Everyone timed out within a millisecond of each other: several candidates of term 1, no winner.
        const term1Candidates = new Set(events.filter((e) => e.kind === 'role' && e.role === 'candidate' && e.term === 1).map((e) => e.node));
        expect(term1Candidates.size, at(c, 'candidates in term 1')).toBeGreaterThanOrEqual(2);
        expect(events.some((e) => e.kind === 'role' && e.role === 'leader' && e.term === 1), at(c, 'term 1 leader')).toBe(false);
        // The timeouts' tiny randomness still breaks the tie eventually (slowly: the paper's Figure 16).
        const leader = oneLeader(c, 300_000);
        c.runFor(1000);
        expect(oneLeader(c), at(c, 'leader stays')).toBe(leader);
        agreedTerm(c);
      });
    }
  });

  it('two candidates forced to stand at the same instant split the vote, and a leader still follows within 2.5 s', () => {
    const c = createCluster({ seed: 5 });
    const l1 = oneLeader(c);
    const [a, b] = others(c, l1);
    c.disconnect(l1);
    const t = c.node(a).term;
    c.timeout(a);
    c.timeout(b);
    expect(c.node(a)).toMatchObject({ role: 'candidate', term: t + 1, votedFor: a });
    expect(c.node(b)).toMatchObject({ role: 'candidate', term: t + 1, votedFor: b });
    const leader = oneLeader(c);
    expect(leader).not.toBe(l1);
    expect(c.node(leader).term).toBeGreaterThan(t);
  });

  it('timeout(id) makes a follower stand for election at once; with an up-to-date log it wins the next term', () => {
    const c = createCluster({ seed: 3 });
    const l1 = oneLeader(c);
    one(c, 'x', 5);
    const t = c.node(l1).term;
    const f = others(c, l1)[2];
    c.timeout(f);
    expect(c.node(f)).toMatchObject({ role: 'candidate', term: t + 1 });
    expect(c.runUntil(() => c.node(f).role === 'leader', 100), at(c, `${f} elected`)).toBe(true);
    expect(oneLeader(c)).toBe(f);
    expect(c.node(f).term).toBe(t + 1);
    expect(c.node(l1).role).toBe('follower');
    // A leader ignores it; a down node ignores it.
    c.timeout(f);
    expect(c.node(f)).toMatchObject({ role: 'leader', term: t + 1 });
    c.crash(l1);
    c.timeout(l1);
    expect(c.node(l1)).toMatchObject({ up: false, role: 'follower' });
  });

  it('a one-way cut from the leader to a follower: the follower stands, wins with its up-to-date log, and the cluster keeps committing', () => {
    const c = createCluster({ seed: 21 });
    const l1 = oneLeader(c);
    one(c, 'before', 5);
    const f = others(c, l1)[0];
    const t1 = c.node(l1).term;
    const events = recordEvents(c);
    c.cutLink(l1, f);
    c.runFor(2000);
    const drops = events.filter((e) => e.kind === 'drop' && e.detail === 'partition');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((e) => e.from === l1 && e.to === f), 'only l1 → f is cut').toBe(true);
    expect(events.some((e) => e.kind === 'deliver' && e.from === f && e.to === l1), 'f → l1 still works').toBe(true);
    // f no longer hears heartbeats, stands in the next term, and (its log being current) wins.
    expect(oneLeader(c)).toBe(f);
    expect(c.node(f).term).toBe(t1 + 1);
    expect(c.node(l1).role).toBe('follower');
    // l1 still hears f and applies what commits, though f never hears back from it.
    one(c, 'during', 5);
    c.restoreLink(l1, f);
    one(c, 'after', 5);
  });
});

describe('§5.3 log replication', () => {
  it('a stale leader rejoining loses the entries it accepted while isolated; they are replaced by the new leader’s', () => {
    const c = createCluster({ seed: 4 });
    const l1 = oneLeader(c);
    one(c, 'committed-1', 5);
    c.disconnect(l1);
    const stale = ['s1', 's2', 's3'].map((cmd) => c.propose(l1, cmd));
    // propose answers while the node believes it leads, even cut off.
    expect(stale.every((r) => r !== undefined)).toBe(true);
    const l2 = oneLeader(c);
    expect(l2).not.toBe(l1);
    for (const cmd of ['new-1', 'new-2', 'new-3', 'new-4']) one(c, cmd, 4);
    // The isolated entries never committed anywhere.
    for (const r of stale) expect(['s1', 's2', 's3']).not.toContain(nCommitted(c, r!.index).command);
    c.reconnect(l1);
    one(c, 'after-rejoin', 5);
    c.runFor(300);
    const v1 = c.node(l1);
    expect(v1.role).toBe('follower');
    for (const cmd of ['s1', 's2', 's3']) expect(commands(v1), at(c, `${cmd} still in ${l1}`)).not.toContain(cmd);
    // Its log is now the leader's, entry for entry (Log Matching).
    expect(v1.log).toEqual(c.node(c.leader()!).log);
    expect(v1.commitIndex).toBe(c.node(c.leader()!).commitIndex);
  });

  it('a follower that missed 500 entries while disconnected catches up after reconnecting', () => {
    const c = createCluster({ seed: 8 });
    const l1 = oneLeader(c);
    const f = others(c, l1)[1];
    c.disconnect(f);
    const events = recordEvents(c);
    let last = 0;
    for (let i = 0; i < 500; i++) last = c.propose(l1, `m${i}`)!.index;
    const ok = c.runUntil(() => others(c, f).every((id) => c.node(id).commitIndex >= last), 3000);
    expect(ok, at(c, '500 entries committed on the connected four')).toBe(true);
    expect(c.node(f).log.length).toBeLessThan(2);
    c.reconnect(f);
    // Its term ran up while cut off, so it disrupts the leader once, but loses the election (§5.4.1).
    const caught = c.runUntil(() => c.node(f).commitIndex >= last, 5000);
    expect(caught, at(c, `${f} caught up (commitIndex ${c.node(f).commitIndex} of ${last})`)).toBe(true);
    const leader = oneLeader(c);
    expect(c.node(f).log.slice(0, last)).toEqual(c.node(leader).log.slice(0, last));
    expect(events.filter((e) => e.kind === 'role' && e.role === 'leader' && e.node === f)).toEqual([]);
    // It applied every one of them, in order.
    const applies = events.filter((e) => e.kind === 'apply' && e.node === f).map((e) => e.index);
    expect(applies.slice(0, last)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
  });

  it('a follower that was down while 500 entries committed catches up after restarting, without disturbing the leader', () => {
    const c = createCluster({ seed: 9 });
    const l1 = oneLeader(c);
    const term = c.node(l1).term;
    const f = others(c, l1)[3];
    c.crash(f);
    let last = 0;
    for (let i = 0; i < 500; i++) last = c.propose(l1, `m${i}`)!.index;
    c.runFor(1000);
    c.restart(f);
    expect(c.runUntil(() => c.node(f).commitIndex >= last, 2000), at(c, `${f} caught up`)).toBe(true);
    expect(c.leader()).toBe(l1);
    expect(c.node(l1).term).toBe(term);
    expect(nCommitted(c, last).count).toBe(5);
  });

  it('a leader backs up quickly over long divergent follower logs (6.824 TestBackup)', () => {
    const c = createCluster({ seed: 31 });
    const ids = c.nodeIds;
    const peer = (id: string, k: number): string => ids[(ids.indexOf(id) + k) % ids.length];
    one(c, 'start', 5);
    // The leader and one follower are left alone; 50 entries go nowhere.
    const l1 = oneLeader(c);
    for (const k of [2, 3, 4]) c.disconnect(peer(l1, k));
    for (let i = 0; i < 50; i++) c.propose(l1, `lost-a${i}`);
    c.runFor(150);
    c.disconnect(l1);
    c.disconnect(peer(l1, 1));
    // The other three recover and commit 50 entries.
    for (const k of [2, 3, 4]) c.reconnect(peer(l1, k));
    for (let i = 0; i < 50; i++) one(c, `b${i}`, 3);
    // Their leader and one follower are left alone; 50 more entries go nowhere.
    const l2 = oneLeader(c);
    let other = peer(l1, 2);
    if (other === l2) other = peer(l2, 1);
    c.disconnect(other);
    for (let i = 0; i < 50; i++) c.propose(l2, `lost-c${i}`);
    c.runFor(150);
    // The first leader, its follower and `other` come back as a majority and must overwrite.
    for (const id of ids) c.disconnect(id);
    for (const id of [l1, peer(l1, 1), other]) c.reconnect(id);
    for (let i = 0; i < 50; i++) one(c, `d${i}`, 3);
    for (const id of ids) c.reconnect(id);
    const last = one(c, 'end', 5);
    c.runFor(200);
    for (const v of views(c)) {
      expect(commands(v).filter((x) => typeof x === 'string' && x.startsWith('lost')), `${v.id} kept lost entries`).toEqual([]);
      expect(v.commitIndex).toBeGreaterThanOrEqual(last);
    }
    expect(nCommitted(c, last)).toMatchObject({ count: 5, command: 'end' });
  });

  it('replication is frugal with messages (6.824 TestCount)', () => {
    const c = createCluster({ seed: 32, nodes: 3 });
    const rpcs = (): number => c.sentCount('AppendEntries') + c.sentCount('RequestVote');
    oneLeader(c);
    expect(rpcs(), 'messages for the first election').toBeLessThanOrEqual(30);
    c.runFor(100);
    const before = rpcs();
    const l = c.leader()!;
    const start = c.propose(l, 'c0')!;
    for (let i = 1; i < 10; i++) c.propose(l, `c${i}`);
    expect(c.runUntil(() => nCommitted(c, start.index + 9).count === 3, 1000)).toBe(true);
    expect(c.leader()).toBe(l);
    expect(rpcs() - before, 'requests to agree on 10 commands').toBeLessThanOrEqual((10 + 1 + 3) * 3);
    const idle = rpcs();
    c.runFor(1000);
    // Heartbeats every 50 ms to two followers: 40 a second; 6.824 allows 3 × 20.
    expect(rpcs() - idle, 'requests in 1 s idle').toBeLessThanOrEqual(60);
  });

  it('an election and 12 commands proposed at once cost at most 42 requests plus the heartbeats of the wait (6.824 TestCount, issue 11)', () => {
    for (const seed of [1, 2, 3, 32, 77]) {
      const c = createCluster({ seed, nodes: 3 });
      const rpcs = (): number => c.sentCount('AppendEntries') + c.sentCount('RequestVote');
      const l = oneLeader(c);
      const heartbeats = (): number => c.journal().filter((e) => e.kind === 'timer' && e.type === 'heartbeat' && e.node === l).length;
      const hb0 = heartbeats();
      const first = c.propose(l, 'c0')!;
      for (let i = 1; i < 12; i++) c.propose(l, `c${i}`);
      // Proposals of one instant leave together: one AppendEntries per follower.
      const sends: SimEvent[] = [];
      const off = c.onEvent((e) => {
        const entries = (e.payload as { entries?: unknown[] } | undefined)?.entries;
        if (e.kind === 'send' && e.type === 'AppendEntries' && entries !== undefined && entries.length > 0) sends.push(e);
      });
      expect(c.runUntil(() => nCommitted(c, first.index + 11).count === 3, 1000), at(c, 'all three commit')).toBe(true);
      off();
      // Proposals of one instant leave together: one AppendEntries with the 12 entries per follower.
      expect(sends.map((e) => [e.to, (e.payload as { entries: unknown[] }).entries.length]).sort(), at(c, 'AppendEntries with entries'))
        .toEqual(c.nodeIds.filter((id) => id !== l).map((id) => [id, 12]));
      const waitHeartbeats = (heartbeats() - hb0) * 2;
      expect(rpcs(), at(c, `requests (with ${waitHeartbeats} heartbeats)`)).toBeLessThanOrEqual(42 + waitHeartbeats);
    }
  });

  it('a follower far behind catches up at over 1,000 entries per simulated second (pipelining with a bounded window)', () => {
    const c = createCluster({ seed: 5, nodes: 3 });
    const l = oneLeader(c);
    const f = c.nodeIds.find((id) => id !== l)!;
    // Down rather than cut off, so that it does not come back with a higher term and force an election.
    c.crash(f);
    for (let i = 0; i < 50; i++) {
      for (let k = 0; k < 100; k++) c.propose(l, `e${i}-${k}`);
      c.runFor(20);
    }
    const last = c.node(l).log.length;
    expect(c.runUntil(() => c.node(l).commitIndex === last, 1000)).toBe(true);
    c.restart(f);
    const t0 = c.now;
    expect(c.runUntil(() => c.node(f).commitIndex === last, 5000), at(c, `${f} caught up`)).toBe(true);
    expect(c.leader()).toBe(l);
    const rate = (last - 1) / ((c.now - t0) / 1000);
    expect(rate, at(c, `catch-up ${Math.round(rate)} entries/s`)).toBeGreaterThan(1000);
  });

  it('every node crashed and restarted keeps every committed entry, re-applies it, and commitIndex recovers', () => {
    const c = createCluster({ seed: 13 });
    oneLeader(c);
    for (let i = 0; i < 20; i++) one(c, `v${i}`, 5);
    c.runFor(200);
    const before = views(c);
    const committed = Math.min(...before.map((v) => v.commitIndex));
    expect(committed).toBeGreaterThanOrEqual(21);
    const prefix = before[0].log.slice(0, committed);
    for (const id of c.nodeIds) c.crash(id);
    for (const v of views(c)) {
      // While down: persistent state kept, volatile state gone.
      expect(v).toMatchObject({ up: false, role: 'follower', commitIndex: 0 });
      expect(v.log.slice(0, committed)).toEqual(prefix);
      expect(v.term).toBe(before.find((b) => b.id === v.id)!.term);
      expect(v.votedFor).toBe(before.find((b) => b.id === v.id)!.votedFor);
    }
    expect(c.leader()).toBeUndefined();
    c.runFor(1000);
    const events = recordEvents(c);
    for (const id of c.nodeIds) c.restart(id);
    oneLeader(c);
    expect(c.runUntil(() => views(c).every((v) => v.commitIndex >= committed), 2000), at(c, 'commitIndex recovered')).toBe(true);
    for (const v of views(c)) {
      expect(v.log.slice(0, committed), at(c, `${v.id} kept the committed prefix`)).toEqual(prefix);
      const applies = events.filter((e) => e.kind === 'apply' && e.node === v.id);
      expect(applies.slice(0, committed).map((e) => e.index)).toEqual(Array.from({ length: committed }, (_, i) => i + 1));
      expect(applies.slice(0, committed).map((e) => e.payload)).toEqual(prefix.map((e) => e.command));
    }
    one(c, 'after restart', 5);
  });

  it('a leader crashed and restarted repeatedly while clients propose: nothing committed is lost (6.824 TestPersist)', () => {
    const c = createCluster({ seed: 14, nodes: 3 });
    let n = 0;
    for (let round = 0; round < 6; round++) {
      one(c, `r${round}-a`, 3);
      const l = oneLeader(c);
      c.crash(l);
      one(c, `r${round}-b`, 2);
      c.restart(l);
      n += 2;
    }
    c.runFor(1000);
    const cmds = commands(c.node(c.leader()!)).filter((x) => x !== null);
    expect(cmds).toHaveLength(n);
    for (const v of views(c)) expect(commands(v).filter((x) => x !== null)).toEqual(cmds);
  });
});

describe('§5.4 safety: Figure 8', () => {
  /**
   * Builds the paper's Figure 8 in a 5-node cluster (our leaders also append a no-op, so each
   * step is placed by hand). Index 1 is term 1's no-op everywhere. Then:
   *  (a) n1 leads term 1 and places A at index 2 on n1, n2 only, then crashes;
   *  (b) n5 wins term 2 with n3, n4 and is cut off at once, so its no-op (term 2, index 2) stays home;
   *  (c) n1 restarts, wins term 3 and gets A onto n3, which is now on a majority; n3 is cut off
   *      before it gets n1's term-3 no-op;
   *  (d) n1 crashes; n5 restarts and wins term 4 with n3, n4 (its last term 2 beats their A of term 1)
   *      and overwrites index 2 with its own entry everywhere.
   * Returns n1's commitIndex at the end of (c).
   */
  function figure8(c: Cluster): number {
    elect(c, 'n1');
    expect(c.runUntil(() => views(c).every((v) => v.commitIndex === 1), 1000)).toBe(true);
    c.partition([['n1', 'n2'], ['n3', 'n4', 'n5']]);
    expect(c.propose('n1', 'A')).toEqual({ index: 2, term: 1 });
    c.runFor(100);
    c.crash('n1');
    // (b)
    c.timeout('n5');
    stepUntil(c, () => c.node('n5').role === 'leader', 'n5 leader of term 2');
    c.disconnect('n5');
    c.crash('n5');
    expect(c.node('n5').log.map((e) => e.term)).toEqual([1, 2]);
    // (c)
    c.heal();
    c.disconnect('n5');
    c.restart('n1');
    c.cutLink('n1', 'n4');
    elect(c, 'n1');
    stepUntil(c, () => c.node('n3').log[1]?.command === 'A', 'A reaches n3');
    c.cutLink('n1', 'n3');
    c.runFor(30);
    const holders = views(c).filter((v) => v.log[1]?.command === 'A').map((v) => v.id);
    expect(holders).toEqual(['n1', 'n2', 'n3']);
    expect(c.node('n3').log).toHaveLength(2); // without n1's term-3 no-op
    const commitAtC = c.node('n1').commitIndex;
    // (d)
    c.crash('n1');
    c.heal();
    c.restart('n5');
    elect(c, 'n5');
    c.runFor(300);
    return commitAtC;
  }

  const options = { seed: 1, electionTimeoutMs: [5000, 6000] as [number, number], maxEntriesPerMessage: 1 };

  it('with §5.4.2 in force, the leader does not commit the older-term entry by counting replicas, so overwriting it is safe', () => {
    const c = createCluster(options); // checkers throw
    const commitAtC = figure8(c);
    expect(commitAtC, 'A was on a majority but of an older term: not committed').toBeLessThan(2);
    expect(c.node('n5')).toMatchObject({ role: 'leader', term: 4 });
    for (const id of ['n2', 'n3', 'n4', 'n5']) {
      expect(c.node(id).log.map((e) => e.term), `${id}'s log`).toEqual([1, 2, 4]);
      expect(c.node(id).commitIndex).toBe(3);
    }
    expectNoViolations(c);
    // n1 comes back and is brought in line too.
    c.restart('n1');
    c.runFor(500);
    expect(c.node('n1').log.map((e) => e.term)).toEqual([1, 2, 4]);
  });

  it('with commitCurrentTermOnly off, the leader commits it by count and the checkers catch the loss', () => {
    const c = createCluster({ ...options, checkers: 'record', rules: { commitCurrentTermOnly: false } });
    const commitAtC = figure8(c);
    expect(commitAtC).toBe(2);
    const properties = new Set(c.violations().map((v) => v.property));
    expect([...properties]).toEqual(
      expect.arrayContaining(['Leader Completeness', 'Committed entries never truncated', 'State Machine Safety']),
    );
    for (const v of c.violations()) {
      expect(v.seed).toBe(1);
      expect(v.message).toContain(`${v.property} broken at t=`);
      expect(v.message).toContain('(seed 1)');
    }
  });

  it('in throw mode the same run stops at the first broken property with a CheckerViolation naming it', () => {
    const c = createCluster({ ...options, rules: { commitCurrentTermOnly: false } });
    let caught: unknown;
    try {
      figure8(c);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CheckerViolation);
    const v = (caught as CheckerViolation).violation;
    expect(v.property).toBe('Leader Completeness');
    expect((caught as Error).message).toMatch(/^Leader Completeness broken at t=\d+(\.\d+)?ms \(seed 1\)/);
  });

  it('with voteLogCheck off, a node missing committed entries can win an election, which the checkers catch (§5.4.1)', () => {
    // n5 misses entries while cut off, then is made to stand; without the restriction it wins.
    const c = createCluster({ seed: 2, checkers: 'record', rules: { voteLogCheck: false }, electionTimeoutMs: [5000, 6000] });
    elect(c, 'n1');
    c.disconnect('n5');
    for (let i = 0; i < 3; i++) one(c, `e${i}`, 4);
    c.reconnect('n5');
    c.timeout('n5');
    c.runFor(300);
    expect(c.node('n5').role).toBe('leader');
    expect(c.violations().map((v) => v.property)).toContain('Leader Completeness');
  });

  it('with voteLogCheck on, that node loses: the voters refuse it (§5.4.1)', () => {
    const c = createCluster({ seed: 2, electionTimeoutMs: [5000, 6000] });
    elect(c, 'n1');
    c.disconnect('n5');
    for (let i = 0; i < 3; i++) one(c, `e${i}`, 4);
    c.reconnect('n5');
    const events = recordEvents(c);
    c.timeout('n5');
    c.runFor(300);
    expect(c.node('n5').role).not.toBe('leader');
    const refusals = events.filter((e: SimEvent) => e.kind === 'vote' && e.to === 'n5' && e.detail?.startsWith('denied'));
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    expect(refusals.every((e) => e.detail!.includes('§5.4.1'))).toBe(true);
  });
});
