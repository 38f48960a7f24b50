// Unit tests of the disruption fixes in the pure Raft node (thesis §9.6 Pre-Vote and CheckQuorum, §4.2.3 leader stickiness, §3.10 TimeoutNow).
import { describe, expect, it } from 'vitest';
import { electionTimeout, heartbeat, propose, receive, transferLeadership, type RaftNode } from '../../../src/core/raft/node';
import type { PreVote, PreVoteReply, TimeoutNow } from '../../../src/core/raft/types';
import { IDS3, IDS5, ae, aeOk, drain, electLeader, makeNode, roleChanges, rv, sent, sentTo } from './harness';

const preVote = (term: number, candidateId: string, lastLogIndex = 0, lastLogTerm = 0): PreVote => ({ type: 'PreVote', term, candidateId, lastLogIndex, lastLogTerm });
const pvReply = (term: number, voteGranted: boolean): PreVoteReply => ({ type: 'PreVoteReply', term, voteGranted });

describe('thesis §9.6: Pre-Vote', () => {
  const pre = (spec: Parameters<typeof makeNode>[0] = {}): RaftNode => makeNode({ ...spec, options: { ...spec.options, preVote: true } });

  it('an election timeout starts a pre-vote: the term stays, PreVote asks about term + 1', () => {
    const n = pre({ peers: IDS5, term: 4, log: [1, 4] });
    electionTimeout(n);
    const out = drain(n);
    expect(n.p.currentTerm).toBe(4);
    expect(n.p.votedFor).toBeNull();
    expect(n.role).toBe('follower');
    expect(n.preCandidate).toBe(true);
    const asks = sent(out, 'PreVote');
    expect(asks.map((s) => s.to).sort()).toEqual(['n2', 'n3', 'n4', 'n5']);
    expect(asks[0].msg).toEqual(preVote(5, 'n1', 2, 4));
    expect(sent(out, 'RequestVote')).toEqual([]);
  });

  it('a majority of pre-votes starts the real election; refusals from a later term end it', () => {
    const n = pre({ peers: IDS5, term: 4 });
    electionTimeout(n);
    drain(n);
    receive(n, 'n2', pvReply(5, true));
    expect(n.role).toBe('follower');
    receive(n, 'n3', pvReply(5, true));
    const out = drain(n);
    expect(n.role).toBe('candidate');
    expect(n.p.currentTerm).toBe(5);
    expect(sent(out, 'RequestVote')).toHaveLength(4);

    const m = pre({ peers: IDS5, term: 4 });
    electionTimeout(m);
    receive(m, 'n2', pvReply(7, false));
    expect(m.p.currentTerm).toBe(7);
    expect(m.preCandidate).toBe(false);
  });

  it('answering a pre-vote changes nothing on the voter, not even its term', () => {
    const n = makeNode({ id: 'n2', term: 3, log: [1, 3] });
    receive(n, 'n1', preVote(4, 'n1', 2, 3));
    const out = drain(n);
    expect(sentTo(out, 'PreVoteReply', 'n1')).toEqual(pvReply(4, true));
    expect(n.p.currentTerm).toBe(3);
    expect(n.p.votedFor).toBeNull();
    expect(out.some((o) => o.kind === 'electionTimer')).toBe(false);
  });

  it('a voter that heard from a leader within the minimum election timeout refuses, and so does one with a more up-to-date log', () => {
    const n = makeNode({ id: 'n2', term: 3, log: [1, 3] });
    n.heardLeader = true;
    receive(n, 'n1', preVote(4, 'n1', 2, 3));
    expect(sentTo(drain(n), 'PreVoteReply', 'n1')).toEqual(pvReply(3, false));
    n.heardLeader = false;
    receive(n, 'n1', preVote(4, 'n1', 1, 1));
    expect(sentTo(drain(n), 'PreVoteReply', 'n1')).toEqual(pvReply(3, false));
  });

  it('the reason a refusal gives: a follower heard from its leader within the minimum election timeout; a leader is the leader itself', () => {
    const f = makeNode({ id: 'n2', term: 3, log: [1, 3] });
    receive(f, 'n1', ae(3, 'n1', 0, 0));
    f.heardLeader = true;
    drain(f);
    receive(f, 'n3', preVote(4, 'n3', 2, 3));
    const reasons = (out: ReturnType<typeof drain>): string[] => out.flatMap((o) => (o.kind === 'vote' && !o.granted ? [o.reason] : []));
    expect(reasons(drain(f))).toEqual(['heard from leader n1 within the minimum election timeout (§9.6)']);
    const l = makeNode({ peers: IDS5 });
    electLeader(l, 2);
    drain(l);
    receive(l, 'n3', preVote(3, 'n3', 9, 2));
    expect(reasons(drain(l))).toEqual(['n1 is the leader itself (§9.6)']);
  });

  it('hearing the leader ends a pre-vote', () => {
    const n = pre({ peers: IDS3, term: 2 });
    electionTimeout(n);
    receive(n, 'n2', ae(2, 'n2', 0, 0));
    expect(n.preCandidate).toBe(false);
    receive(n, 'n3', pvReply(3, true));
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(2);
  });
});

describe('thesis §6.2: CheckQuorum', () => {
  const leader = (checkQuorum: boolean): RaftNode => {
    const n = makeNode({ peers: IDS5, options: { checkQuorum, electionTicks: 3 } });
    electLeader(n, 2);
    drain(n);
    return n;
  };

  it('a leader that hears from no majority within an election timeout steps down', () => {
    const n = leader(true);
    receive(n, 'n2', aeOk(2, 1)); // one follower: with itself, 2 of 5
    heartbeat(n);
    heartbeat(n);
    expect(n.role).toBe('leader');
    heartbeat(n);
    const out = drain(n);
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(2);
    expect(roleChanges(out)).toEqual(['follower@2']);
    expect(out.find((o) => o.kind === 'stepDown')).toMatchObject({ reason: expect.stringMatching(/CheckQuorum: heard from 2 of 5/) });
    // CheckQuorum is the dissertation's §6.2 (§9.6 is Pre-Vote): the learner reads this section in the feed.
    expect(out.find((o) => o.kind === 'stepDown')).toMatchObject({ reason: expect.stringMatching(/\(thesis §6\.2\)$/) });
  });

  it('a leader that hears from a majority stays, period after period', () => {
    const n = leader(true);
    for (let period = 0; period < 4; period++) {
      receive(n, 'n2', aeOk(2, 1));
      receive(n, 'n3', aeOk(2, 1));
      for (let i = 0; i < 3; i++) heartbeat(n);
      expect(n.role).toBe('leader');
    }
  });

  it('without CheckQuorum a leader that hears nobody leads on (plain §5)', () => {
    const n = leader(false);
    for (let i = 0; i < 30; i++) heartbeat(n);
    expect(n.role).toBe('leader');
  });
});

describe('thesis §4.2.3: leader stickiness', () => {
  it('a server that heard from its leader recently ignores RequestVote: no term change, no reply', () => {
    const n = makeNode({ id: 'n2', term: 3, options: { stickyVotes: true } });
    n.heardLeader = true;
    receive(n, 'n3', rv(4, 'n3', 5, 3));
    const out = drain(n);
    expect(n.p.currentTerm).toBe(3);
    expect(sent(out, 'RequestVoteReply')).toEqual([]);
    expect(out.find((o) => o.kind === 'vote')).toMatchObject({ granted: false, reason: expect.stringMatching(/ignored/) });
  });

  it('a RequestVote sent for a leadership transfer is answered anyway', () => {
    const n = makeNode({ id: 'n2', term: 3, options: { stickyVotes: true } });
    n.heardLeader = true;
    receive(n, 'n3', { ...rv(4, 'n3', 5, 3), transfer: true });
    expect(sentTo(drain(n), 'RequestVoteReply', 'n3').voteGranted).toBe(true);
  });
});

describe('thesis §3.10: leadership transfer', () => {
  it('the leader stops accepting proposals, brings the target up to date, then sends TimeoutNow; the target starts an election at once', () => {
    const n = makeNode({ peers: IDS3 });
    electLeader(n, 2);
    receive(n, 'n2', aeOk(2, 1));
    propose(n, 'x');
    drain(n);
    expect(transferLeadership(n, 'n2')).toBe(true);
    expect(propose(n, 'refused')).toBeUndefined();
    expect(sent(drain(n), 'TimeoutNow')).toEqual([]); // n2 lacks index 2
    receive(n, 'n2', aeOk(2, 2));
    const out = drain(n);
    expect(sentTo(out, 'TimeoutNow', 'n2')).toEqual({ type: 'TimeoutNow', term: 2, leaderId: 'n1' });

    const t = makeNode({ id: 'n2', peers: IDS3, term: 2, options: { preVote: true } });
    const msg: TimeoutNow = { type: 'TimeoutNow', term: 2, leaderId: 'n1' };
    receive(t, 'n1', msg);
    const o2 = drain(t);
    expect(t.role).toBe('candidate'); // no pre-vote
    expect(t.p.currentTerm).toBe(3);
    expect(sent(o2, 'RequestVote')[0].msg.transfer).toBe(true);
  });

  it('refuses a target that is not a voter, itself, or when not leader; gives up after an election timeout', () => {
    const n = makeNode({ peers: IDS3, options: { electionTicks: 3 } });
    expect(transferLeadership(n, 'n2')).toBe(false);
    electLeader(n, 2);
    expect(transferLeadership(n, 'n1')).toBe(false);
    expect(transferLeadership(n, 'n9')).toBe(false);
    expect(transferLeadership(n, 'n3')).toBe(true);
    for (let i = 0; i < 3; i++) heartbeat(n);
    const out = drain(n);
    expect(out).toContainEqual({ kind: 'transfer', to: 'n3', event: 'aborted' });
    expect(propose(n, 'accepted again')).toBeDefined();
  });
});
