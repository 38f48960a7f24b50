// Unit tests of the pure Raft node's terms and elections (Raft paper §5.1, §5.2), driven by hand through its outbox.
import { describe, expect, it } from 'vitest';
import { createRaftNode, electionTimeout, heartbeat, newPersistent, propose, receive } from '../../../src/core/raft/node';
import {
  IDS3,
  IDS5,
  ae,
  aeFail,
  aeOk,
  drain,
  electLeader,
  electionTimerReset,
  makeNode,
  roleChanges,
  rv,
  rvReply,
  sent,
  sentTo,
} from './harness';

describe('§5.1 terms', () => {
  it('a follower that sees a higher term in a RequestVote adopts it and forgets its old vote', () => {
    const n = makeNode({ term: 3, votedFor: 'n2' });
    receive(n, 'n3', rv(5, 'n3'));
    expect(n.p.currentTerm).toBe(5);
    expect(n.role).toBe('follower');
    // The old vote was for term 3; in term 5 it is free to vote, and votes for n3.
    expect(n.p.votedFor).toBe('n3');
  });

  it('a leader that sees a higher term in an AppendEntries reply steps down to follower of that term', () => {
    const n = makeNode();
    electLeader(n, 2);
    receive(n, 'n2', aeFail(7, 0, 1));
    const out = drain(n);
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(7);
    expect(n.p.votedFor).toBeNull();
    expect(roleChanges(out)).toEqual(['follower@7']);
    expect(out).toContainEqual({ kind: 'heartbeatTimer', run: false });
    expect(electionTimerReset(out)).toBe(true);
  });

  it('a candidate that sees a higher term in a RequestVote reply steps down without counting it', () => {
    const n = makeNode({ peers: IDS5 });
    electionTimeout(n); // term 1
    drain(n);
    receive(n, 'n2', rvReply(4, false));
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(4);
  });

  it('a candidate that sees a higher term in an AppendEntries becomes follower of that term and learns the leader', () => {
    const n = makeNode();
    electionTimeout(n);
    drain(n);
    receive(n, 'n3', ae(3, 'n3', 0, 0));
    const out = drain(n);
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(3);
    expect(n.leaderId).toBe('n3');
    expect(sentTo(out, 'AppendEntriesReply', 'n3')).toMatchObject({ term: 3, success: true });
  });

  it('a node rejects a RequestVote from a stale term and replies with its own term', () => {
    const n = makeNode({ term: 4 });
    receive(n, 'n2', rv(3, 'n2', 10, 3));
    const out = drain(n);
    expect(sentTo(out, 'RequestVoteReply', 'n2')).toEqual(rvReply(4, false));
    expect(n.p.votedFor).toBeNull();
    expect(n.p.currentTerm).toBe(4);
    expect(electionTimerReset(out)).toBe(false);
  });

  it('a node rejects an AppendEntries from a stale term, leaves its log alone and does not reset its timer', () => {
    const n = makeNode({ term: 4, log: [1, 2] });
    receive(n, 'n2', ae(3, 'n2', 2, 2, [{ term: 3, command: 'x' }], 3));
    const out = drain(n);
    expect(sentTo(out, 'AppendEntriesReply', 'n2')).toMatchObject({ term: 4, success: false });
    expect(n.p.log.length).toBe(3);
    expect(n.commitIndex).toBe(0);
    expect(n.leaderId).toBeNull();
    expect(electionTimerReset(out)).toBe(false);
  });

  it('a leader ignores replies from an earlier term', () => {
    const n = makeNode();
    electLeader(n, 3);
    receive(n, 'n2', aeOk(2, 1));
    receive(n, 'n3', aeFail(2, 0, 1));
    const out = drain(n);
    expect(n.matchIndex.get('n2')).toBe(0);
    expect(n.nextIndex.get('n3')).toBe(1); // still probing at the no-op
    expect(out).toEqual([]);
    expect(n.commitIndex).toBe(0);
  });

  it('a restarted node keeps term, vote and log but starts as a follower with commitIndex 0 and its timer running', () => {
    const p = newPersistent(IDS3);
    p.currentTerm = 6;
    p.votedFor = 'n2';
    p.log.push({ term: 5, command: 'a' });
    p.log.push({ term: 6, command: 'b' });
    const n = createRaftNode('n1', IDS3, p);
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(6);
    expect(n.p.votedFor).toBe('n2');
    expect(n.p.log.length).toBe(3);
    expect(n.commitIndex).toBe(0);
    expect(n.lastApplied).toBe(0);
    expect(electionTimerReset(n.outbox)).toBe(true);
  });
});

describe('§5.2 leader election', () => {
  it('an election timeout makes a follower a candidate: term + 1, a vote for itself, a fresh timer, RequestVote to every peer', () => {
    const n = makeNode({ peers: IDS5, term: 2, log: [1, 2] });
    electionTimeout(n);
    const out = drain(n);
    expect(n.role).toBe('candidate');
    expect(n.p.currentTerm).toBe(3);
    expect(n.p.votedFor).toBe('n1');
    expect([...n.votes]).toEqual(['n1']);
    expect(roleChanges(out)).toEqual(['candidate@3']);
    expect(electionTimerReset(out)).toBe(true);
    const rvs = sent(out, 'RequestVote');
    expect(rvs.map((s) => s.to).sort()).toEqual(['n2', 'n3', 'n4', 'n5']);
    for (const s of rvs) expect(s.msg).toEqual(rv(3, 'n1', 2, 2));
  });

  it('a candidate whose election times out starts a new election in the next term', () => {
    const n = makeNode();
    electionTimeout(n);
    drain(n);
    electionTimeout(n);
    const out = drain(n);
    expect(n.role).toBe('candidate');
    expect(n.p.currentTerm).toBe(2);
    expect(sent(out, 'RequestVote').map((s) => s.msg.term)).toEqual([2, 2]);
  });

  it('a candidate with votes from a majority becomes leader, appends a no-op of its term and sends AppendEntries to all', () => {
    const n = makeNode({ peers: IDS5, term: 1, log: [1] });
    electionTimeout(n); // term 2
    drain(n);
    receive(n, 'n2', rvReply(2, true));
    expect(n.role).toBe('candidate'); // 2 of 5
    receive(n, 'n3', rvReply(2, true));
    const out = drain(n);
    expect(n.role).toBe('leader');
    expect(n.leaderId).toBe('n1');
    expect(roleChanges(out)).toEqual(['leader@2']);
    expect(n.p.log.at(2)).toEqual({ term: 2, command: null });
    expect(out).toContainEqual({ kind: 'electionTimer', run: false });
    expect(out).toContainEqual({ kind: 'heartbeatTimer', run: true });
    const aes = sent(out, 'AppendEntries');
    expect(aes.map((s) => s.to).sort()).toEqual(['n2', 'n3', 'n4', 'n5']);
    for (const s of aes) {
      expect(s.msg).toMatchObject({ term: 2, leaderId: 'n1', prevLogIndex: 1, prevLogTerm: 1, leaderCommit: 0 });
      expect(s.msg.entries).toEqual([{ term: 2, command: null }]);
    }
    for (const peer of ['n2', 'n3', 'n4', 'n5']) {
      expect(n.nextIndex.get(peer)).toBe(2); // probing: moves on only when a reply shows where logs agree
      expect(n.progress.get(peer)).toMatchObject({ mode: 'probe', waiting: true });
      expect(n.matchIndex.get(peer)).toBe(0);
    }
  });

  it('a single-node cluster elects itself at its first timeout and commits its no-op alone', () => {
    const n = makeNode({ peers: ['n1'] });
    electionTimeout(n);
    const out = drain(n);
    expect(n.role).toBe('leader');
    expect(n.commitIndex).toBe(1);
    expect(sent(out, 'RequestVote')).toEqual([]);
  });

  it('the same voter granting twice counts once', () => {
    const n = makeNode({ peers: IDS5 });
    electionTimeout(n);
    receive(n, 'n2', rvReply(1, true));
    receive(n, 'n2', rvReply(1, true));
    expect(n.role).toBe('candidate');
    expect(n.votes.size).toBe(2);
  });

  it('a vote counts only for the term it was cast in: a late grant from an earlier election is ignored', () => {
    const n = makeNode({ peers: IDS5 });
    electionTimeout(n); // term 1
    receive(n, 'n2', rvReply(1, true));
    electionTimeout(n); // term 2: n2's vote for term 1 must not carry over
    receive(n, 'n3', rvReply(1, true)); // late grant for term 1
    receive(n, 'n4', rvReply(2, true));
    expect(n.role).toBe('candidate');
    expect([...n.votes].sort()).toEqual(['n1', 'n4']);
    receive(n, 'n5', rvReply(2, true));
    expect(n.role).toBe('leader');
  });

  it('a refused vote is not counted', () => {
    const n = makeNode();
    electionTimeout(n);
    receive(n, 'n2', rvReply(1, false));
    expect(n.role).toBe('candidate');
    expect(n.votes.size).toBe(1);
  });

  it('a follower grants at most one vote per term: the first candidate wins, a second is refused', () => {
    const n = makeNode({ term: 1 });
    receive(n, 'n2', rv(2, 'n2'));
    receive(n, 'n3', rv(2, 'n3'));
    const out = drain(n);
    expect(sentTo(out, 'RequestVoteReply', 'n2')).toEqual(rvReply(2, true));
    expect(sentTo(out, 'RequestVoteReply', 'n3')).toEqual(rvReply(2, false));
    expect(n.p.votedFor).toBe('n2');
  });

  it('a repeated RequestVote from the candidate it voted for is granted again (the reply may have been lost)', () => {
    const n = makeNode({ term: 1 });
    receive(n, 'n2', rv(2, 'n2'));
    drain(n);
    receive(n, 'n2', rv(2, 'n2'));
    expect(sentTo(drain(n), 'RequestVoteReply', 'n2')).toEqual(rvReply(2, true));
  });

  it('a candidate refuses to vote for another candidate of its own term (it voted for itself)', () => {
    const n = makeNode();
    electionTimeout(n);
    drain(n);
    receive(n, 'n2', rv(1, 'n2'));
    expect(sentTo(drain(n), 'RequestVoteReply', 'n2')).toEqual(rvReply(1, false));
    expect(n.role).toBe('candidate');
  });

  it('a leader refuses a RequestVote of its own term and stays leader', () => {
    const n = makeNode();
    electLeader(n, 2);
    receive(n, 'n3', rv(2, 'n3', 5, 2));
    expect(sentTo(drain(n), 'RequestVoteReply', 'n3')).toEqual(rvReply(2, false));
    expect(n.role).toBe('leader');
  });

  it('granting a vote resets the election timer; refusing one does not', () => {
    const n = makeNode({ term: 1 });
    receive(n, 'n2', rv(1, 'n2'));
    expect(electionTimerReset(drain(n))).toBe(true);
    receive(n, 'n3', rv(1, 'n3'));
    expect(electionTimerReset(drain(n))).toBe(false);
  });

  it('a candidate that hears AppendEntries from a leader of its own term steps down and follows it', () => {
    const n = makeNode({ peers: IDS5 });
    electionTimeout(n); // candidate of term 1
    drain(n);
    receive(n, 'n2', ae(1, 'n2', 0, 0, [{ term: 1, command: null }]));
    const out = drain(n);
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(1);
    expect(n.p.votedFor).toBe('n1'); // its vote in term 1 stands
    expect(n.leaderId).toBe('n2');
    expect(roleChanges(out)).toEqual(['follower@1']);
    expect(sentTo(out, 'AppendEntriesReply', 'n2')).toMatchObject({ term: 1, success: true, matchIndex: 1 });
    // Late votes for term 1 no longer make it leader.
    receive(n, 'n3', rvReply(1, true));
    receive(n, 'n4', rvReply(1, true));
    expect(n.role).toBe('follower');
  });

  it('a follower that hears the current leader resets its election timer and records the leader', () => {
    const n = makeNode({ term: 2 });
    receive(n, 'n2', ae(2, 'n2', 0, 0));
    const out = drain(n);
    expect(electionTimerReset(out)).toBe(true);
    expect(n.leaderId).toBe('n2');
  });

  it('a leader ignores its election timeout; a heartbeat sends AppendEntries to every peer and rearms', () => {
    const n = makeNode({ peers: IDS5 });
    electLeader(n, 1);
    electionTimeout(n);
    expect(drain(n)).toEqual([]);
    expect(n.role).toBe('leader');
    heartbeat(n);
    const out = drain(n);
    expect(sent(out, 'AppendEntries').map((s) => s.to).sort()).toEqual(['n2', 'n3', 'n4', 'n5']);
    expect(out).toContainEqual({ kind: 'heartbeatTimer', run: true });
  });

  it('a heartbeat does nothing on a follower or candidate', () => {
    const n = makeNode();
    heartbeat(n);
    expect(drain(n)).toEqual([]);
    electionTimeout(n);
    drain(n);
    heartbeat(n);
    expect(drain(n)).toEqual([]);
  });

  it('only a leader accepts a proposal; it appends it in its term and returns index and term', () => {
    const n = makeNode();
    expect(propose(n, 'x')).toBeUndefined();
    electionTimeout(n);
    expect(propose(n, 'x')).toBeUndefined();
    expect(n.p.log.length).toBe(1);
    electLeader(n, 3);
    expect(propose(n, 'x')).toEqual({ index: 2, term: 3 }); // 1 is the no-op
    expect(n.p.log.at(2)).toEqual({ term: 3, command: 'x' });
  });

  it('a majority is floor(N/2) + 1 of the static membership', () => {
    expect(makeNode({ peers: ['n1'] }).majority).toBe(1);
    expect(makeNode({ peers: ['n1', 'n2'] }).majority).toBe(2);
    expect(makeNode({ peers: IDS3 }).majority).toBe(2);
    expect(makeNode({ peers: ['n1', 'n2', 'n3', 'n4'] }).majority).toBe(3);
    expect(makeNode({ peers: IDS5 }).majority).toBe(3);
  });
});
