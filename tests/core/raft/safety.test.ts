// Unit tests of the pure Raft node's safety rules (Raft paper §5.4): the election restriction and committing older terms.
import { describe, expect, it } from 'vitest';
import { logIsUpToDate, receive } from '../../../src/core/raft/node';
import { IDS5, aeOk, applied, commits, drain, electLeader, makeNode, rv, rvReply, sentTo } from './harness';

describe('§5.4.1 election restriction', () => {
  const voter = (log: number[], rules = {}) => makeNode({ term: 5, log, options: { rules } });
  const answer = (n: ReturnType<typeof makeNode>, lastLogIndex: number, lastLogTerm: number) => {
    receive(n, 'n2', rv(6, 'n2', lastLogIndex, lastLogTerm));
    return sentTo(drain(n), 'RequestVoteReply', 'n2');
  };

  it('a voter refuses a candidate whose last log term is older, however long its log', () => {
    const n = voter([1, 1, 3]);
    expect(answer(n, 10, 2)).toEqual(rvReply(6, false));
    // It did move to the candidate's term (§5.1) but did not vote.
    expect(n.p.currentTerm).toBe(6);
    expect(n.p.votedFor).toBeNull();
  });

  it('a voter refuses a candidate with the same last term but a shorter log', () => {
    expect(answer(voter([1, 1, 3]), 2, 3)).toEqual(rvReply(6, false));
  });

  it('a voter grants a candidate whose last log term is newer, even with a shorter log', () => {
    expect(answer(voter([1, 1, 3]), 1, 4)).toEqual(rvReply(6, true));
  });

  it('a voter grants a candidate with the same last term and an equal or longer log', () => {
    expect(answer(voter([1, 1, 3]), 3, 3)).toEqual(rvReply(6, true));
    expect(answer(voter([1, 1, 3]), 7, 3)).toEqual(rvReply(6, true));
  });

  it('a refusal for an out-of-date log leaves the voter free to vote for a better candidate in that term', () => {
    const n = voter([1, 1, 3]);
    answer(n, 1, 1);
    receive(n, 'n3', rv(6, 'n3', 3, 3));
    expect(sentTo(drain(n), 'RequestVoteReply', 'n3')).toEqual(rvReply(6, true));
  });

  it('an empty log is at least as up to date as another empty log', () => {
    expect(answer(voter([]), 0, 0)).toEqual(rvReply(6, true));
  });

  it('logIsUpToDate compares last terms first, then lengths', () => {
    const n = voter([1, 2, 2]);
    expect(logIsUpToDate(n, 3, 1)).toBe(true);
    expect(logIsUpToDate(n, 2, 3)).toBe(true);
    expect(logIsUpToDate(n, 2, 4)).toBe(true);
    expect(logIsUpToDate(n, 2, 2)).toBe(false);
    expect(logIsUpToDate(n, 1, 9)).toBe(false);
  });

  it('with the voteLogCheck rule turned off, a voter grants a less up-to-date candidate (what the rule prevents)', () => {
    expect(answer(voter([1, 1, 3], { voteLogCheck: false }), 10, 2)).toEqual(rvReply(6, true));
  });
});

describe('§5.4.2 committing entries from previous terms', () => {
  /** Leader of term 4 in a 5-node cluster whose log holds an entry of term 2 at index 2 (Figure 8 (c)). */
  function figure8Leader(rules = {}) {
    const n = makeNode({ peers: IDS5, term: 3, log: [1, 2], options: { rules } });
    electLeader(n, 4); // appends the no-op of term 4 at index 3
    return n;
  }

  it('a leader does not commit an entry of an earlier term by counting replicas', () => {
    const n = figure8Leader();
    receive(n, 'n2', aeOk(4, 2));
    receive(n, 'n3', aeOk(4, 2)); // index 2 (term 2) is now on n1, n2, n3: a majority
    const out = drain(n);
    expect(n.commitIndex).toBe(0);
    expect(commits(out)).toEqual([]);
    expect(applied(out)).toEqual([]);
  });

  it('once an entry of its own term above it is on a majority, the older entries commit with it, applied in order', () => {
    const n = figure8Leader();
    receive(n, 'n2', aeOk(4, 2));
    receive(n, 'n3', aeOk(4, 2));
    receive(n, 'n2', aeOk(4, 3));
    expect(n.commitIndex).toBe(0); // index 3 on n1, n2 only
    receive(n, 'n3', aeOk(4, 3));
    const out = drain(n);
    expect(n.commitIndex).toBe(3);
    expect(commits(out)).toEqual([3]);
    expect(applied(out)).toEqual([1, 2, 3]);
  });

  it('with the commitCurrentTermOnly rule turned off, the leader commits the old-term entry by count (the Figure 8 hazard)', () => {
    const n = figure8Leader({ commitCurrentTermOnly: false });
    receive(n, 'n2', aeOk(4, 2));
    receive(n, 'n3', aeOk(4, 2));
    expect(n.commitIndex).toBe(2);
  });

  it('a follower learning the commit from the leader applies in order, never past what it holds', () => {
    const n = makeNode({ id: 'n3', term: 4, log: [1, 2] });
    receive(n, 'n1', {
      type: 'AppendEntries', term: 4, leaderId: 'n1', prevLogIndex: 2, prevLogTerm: 2,
      entries: [{ term: 4, command: null }], leaderCommit: 3,
    });
    expect(applied(drain(n))).toEqual([1, 2, 3]);
    expect(n.commitIndex).toBe(3);
  });

  it('a candidate’s vote requests carry its last log index and term, so voters can apply the restriction', () => {
    const n = makeNode({ peers: IDS5, term: 3, log: [1, 2, 2] });
    const out = electLeaderOutbox(n);
    expect(sentTo(out, 'RequestVote', 'n4')).toEqual(rv(4, 'n1', 3, 2));
  });
});

function electLeaderOutbox(n: ReturnType<typeof makeNode>) {
  return electLeader(n, n.p.currentTerm + 1);
}
