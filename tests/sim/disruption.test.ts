// Pre-Vote, CheckQuorum (thesis §9.6) and leadership transfer (thesis §3.10) through the headless API.
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/sim/index';
import { at, run, stable, until, withSeed } from './helpers';

describe('Pre-Vote (thesis §9.6) keeps a leader through a partitioned node’s return', () => {
  for (const seed of [91, 92, 93, 94]) {
    it(`without Pre-Vote the returning node's higher term deposes the leader; with it, leader and term stay (seed ${seed})`, () => {
      withSeed(seed, () => {
        const outcome = (preVote: boolean): { isolatedTerm: number; before: { leader: string; term: number }; after: { leader: string | undefined; term: number } } => {
          const { c, leader, followers } = stable(seed, { nodes: 5, raft: { preVote } });
          const lonely = followers[0];
          c.partition([[lonely]]);
          run(c, 2000);
          const isolatedTerm = c.node(lonely).term;
          const before = { leader: c.leader()!, term: c.node(c.leader()!).term };
          expect(before.leader).toBe(leader);
          c.heal();
          run(c, 1500);
          const l = c.leader();
          expect(c.violations()).toEqual([]);
          return { isolatedTerm, before, after: { leader: l, term: l === undefined ? -1 : c.node(l).term } };
        };
        const plain = outcome(false);
        expect(plain.isolatedTerm).toBeGreaterThan(plain.before.term + 3); // it kept starting elections
        expect(plain.after.term).toBeGreaterThan(plain.before.term); // its term forced a new election
        const pv = outcome(true);
        expect(pv.isolatedTerm).toBe(pv.before.term); // pre-votes never raise the term
        expect(pv.after).toEqual(pv.before);
      });
    });
  }

  it('a pre-candidate shows in the node view and the journal', () => {
    const { c, followers } = stable(95, { raft: { preVote: true } });
    c.partition([[followers[0]]]);
    let seen = false;
    c.onEvent((e) => {
      if (e.kind === 'preVoteStart' && e.node === followers[0]) seen = true;
    });
    expect(until(c, () => c.node(followers[0]).preCandidate, 1000)).toBe(true);
    expect(seen).toBe(true);
    expect(c.node(followers[0]).role).toBe('follower');
  });
});

describe('CheckQuorum (thesis §9.6)', () => {
  it('a leader cut off from the majority steps down within about an election timeout; without it, it leads on alone', () => {
    withSeed(96, () => {
      for (const checkQuorum of [true, false]) {
        const { c, leader } = stable(96, { nodes: 5, raft: { checkQuorum } });
        c.partition([[leader]]);
        const cut = c.now;
        const stepped = until(c, () => c.node(leader).role !== 'leader', 1000);
        if (checkQuorum) {
          expect(stepped, at(c, 'stepped down')).toBe(true);
          expect(c.now - cut).toBeLessThan(150 + 2 * 50 + 1);
          expect(c.journal().some((e) => e.kind === 'stepDown' && e.node === leader)).toBe(true);
        } else {
          expect(stepped).toBe(false);
        }
      }
    });
  });

  it('with CheckQuorum, a follower that cannot hear the leader (one-way cut) cannot depose it: the others ignore its vote requests while they hear the leader', () => {
    withSeed(97, () => {
      const result = (checkQuorum: boolean): number => {
        const { c, leader, followers } = stable(97, { nodes: 5, raft: { checkQuorum } });
        const term = c.node(leader).term;
        c.cutLink(leader, followers[0]);
        run(c, 3000);
        expect(c.violations()).toEqual([]);
        return c.leader() === leader ? c.node(leader).term - term : -1;
      };
      expect(result(false)).not.toBe(0); // deposed (or re-elected in a later term)
      expect(result(true)).toBe(0); // same leader, same term
    });
  });
});

describe('leadership transfer (thesis §3.10)', () => {
  it('hands leadership to the chosen voter within about a round trip, in the next term, without losing an acknowledged publish', () => {
    withSeed(98, () => {
      const { c, leader, followers } = stable(98, { nodes: 5 });
      const pubs = Array.from({ length: 20 }, (_, i) => c.publish('t', `m${i}`, { via: leader }));
      run(c, 5);
      const to = followers[2];
      const term = c.node(leader).term;
      expect(c.transferLeadership(to)).toBe(true);
      expect(c.node(leader).transferee).toBe(to);
      const from = c.now;
      expect(until(c, () => c.leader() === to, 1000), at(c, 'transferred')).toBe(true);
      expect(c.now - from).toBeLessThan(100);
      expect(c.node(to).term).toBe(term + 1);
      expect(c.node(leader).role).toBe('follower');
      expect(until(c, () => pubs.every((p) => p.status === 'ok'), 5000)).toBe(true);
      run(c, 500);
      c.checkMessaging();
      expect(c.journal().some((e) => e.kind === 'transfer' && e.detail?.includes('TimeoutNow'))).toBe(true);
      expect(c.violations()).toEqual([]);
    });
  });

  it('works with Pre-Vote and CheckQuorum on (the transfer bypasses both)', () => {
    const { c, followers } = stable(99, { nodes: 5, raft: { preVote: true, checkQuorum: true } });
    expect(c.transferLeadership(followers[1])).toBe(true);
    expect(until(c, () => c.leader() === followers[1], 1000)).toBe(true);
    expect(c.violations()).toEqual([]);
  });

  it('is refused with no leader, for the leader itself, a learner, a removed node; a down target makes the leader give up and accept proposals again', () => {
    const c = createCluster({ seed: 100, nodes: 3 });
    expect(c.transferLeadership('n2')).toBe(false);
    until(c, () => c.leader() !== undefined, 3000);
    run(c, 300);
    const leader = c.leader()!;
    const other = c.nodeIds.find((x) => x !== leader)!;
    expect(c.transferLeadership(leader)).toBe(false);
    const learner = c.addNode();
    expect(c.transferLeadership(learner)).toBe(false);
    until(c, () => c.pendingChanges().length === 0, 3000);
    c.crash(other);
    expect(c.transferLeadership(other)).toBe(true);
    expect(c.propose(leader, 'paused')).toBeUndefined();
    run(c, 400);
    expect(c.leader()).toBe(leader);
    expect(c.node(leader).transferee).toBeNull();
    expect(c.propose(leader, 'resumed')).toBeDefined();
    expect(() => c.transferLeadership('n99')).toThrow(RangeError);
  });
});
