// Unit tests of membership changes in the pure Raft node (paper §6; Ongaro's thesis §4, single-server changes).
import { describe, expect, it } from 'vitest';
import { addLearner, createRaftNode, electionTimeout, flush, heartbeat, newPersistent, propose, receive, removeServer, canChangeConfig } from '../../../src/core/raft/node';
import { configCommand, DEFAULT_RAFT_OPTIONS, type Entry } from '../../../src/core/raft/types';
import { IDS3, ae, aeOk, commits, drain, electLeader, makeNode, roleChanges, rv, rvReply, sent } from './harness';

const cfg = (term: number, voters: string[], learners: string[] = []): Entry => ({ term, command: configCommand(voters, learners) });

/** A leader of term 2 over n1..n3 whose no-op (index 1) is committed. */
function settledLeader() {
  const n = makeNode({ peers: IDS3 });
  electLeader(n, 2);
  receive(n, 'n2', aeOk(2, 1));
  drain(n);
  expect(n.commitIndex).toBe(1);
  return n;
}

describe('§6: a server uses the latest configuration in its log, committed or not', () => {
  it('a follower switches configuration when the entry is appended, before it commits', () => {
    const n = makeNode({ id: 'n2', peers: IDS3, term: 1 });
    receive(n, 'n1', ae(1, 'n1', 0, 0, [cfg(1, ['n1', 'n2', 'n3', 'n4'])], 0));
    const out = drain(n);
    expect(n.commitIndex).toBe(0);
    expect(n.config.voters).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(n.majority).toBe(3);
    expect(n.committed.voters).toEqual(['n1', 'n2', 'n3']);
    expect(out.some((o) => o.kind === 'config')).toBe(true);
    expect(n.peers).toEqual(['n1', 'n3', 'n4']);
  });

  it('when an uncommitted configuration entry is truncated, the previous configuration is in use again', () => {
    const n = makeNode({ id: 'n2', peers: IDS3, term: 1 });
    receive(n, 'n1', ae(1, 'n1', 0, 0, [cfg(1, ['n1', 'n2'])], 0));
    expect(n.config.voters).toEqual(['n1', 'n2']);
    // A leader of term 2 overwrites index 1 with its own entry.
    receive(n, 'n3', ae(2, 'n3', 0, 0, [{ term: 2, command: null }], 0));
    expect(n.config.voters).toEqual(['n1', 'n2', 'n3']);
    expect(n.majority).toBe(2);
  });

  it('a candidate counts votes among the voters of its configuration only, and asks only them', () => {
    const n = makeNode({ peers: IDS3, term: 1 });
    receive(n, 'n2', ae(1, 'n2', 0, 0, [cfg(1, ['n1', 'n2', 'n3', 'n4', 'n5'])], 0));
    drain(n);
    electionTimeout(n);
    const out = drain(n);
    expect(sent(out, 'RequestVote').map((s) => s.to).sort()).toEqual(['n2', 'n3', 'n4', 'n5']);
    receive(n, 'n9', rvReply(2, true)); // not a voter: ignored
    receive(n, 'n2', rvReply(2, true));
    expect(n.role).toBe('candidate'); // 2 of 5
    receive(n, 'n3', rvReply(2, true));
    expect(n.role).toBe('leader'); // 3 of 5
  });
});

describe('§6: majorities are counted in the configuration in use', () => {
  it('after adding a fourth voter, the leader needs 3 of 4 to commit, even before that configuration commits', () => {
    const n = settledLeader();
    addLearner(n, 'n4');
    receive(n, 'n2', aeOk(2, 2));
    receive(n, 'n4', aeOk(2, 2)); // caught up: promoted at index 3
    expect(n.config.voters).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(n.majority).toBe(3);
    expect(propose(n, 'x')).toEqual({ index: 4, term: 2 });
    receive(n, 'n2', aeOk(2, 4));
    expect(n.commitIndex).toBe(2); // n1 + n2 is a majority of the old three, not of the four in use
    receive(n, 'n4', aeOk(2, 4));
    expect(n.commitIndex).toBe(4);
  });

  it('learners receive the log but are not counted', () => {
    const n = settledLeader();
    const placed = addLearner(n, 'n4');
    expect(placed).toEqual({ index: 2, term: 2 });
    expect(n.config).toMatchObject({ voters: ['n1', 'n2', 'n3'], learners: ['n4'] });
    expect(n.peers).toContain('n4');
    flush(n);
    expect(sent(drain(n), 'AppendEntries').map((s) => s.to)).toContain('n4');
    receive(n, 'n4', aeOk(2, 2));
    expect(n.commitIndex).toBe(1); // n4 holds it, but only the leader among the voters does
    receive(n, 'n3', aeOk(2, 2));
    expect(n.commitIndex).toBe(2);
  });

  it('a learner never campaigns, even when its election timer fires', () => {
    // Started as an added server is (thesis §4.2.1): empty, in no configuration, it learns one from the leader.
    const n = createRaftNode('n4', [], { ...newPersistent(), currentTerm: 1 }, DEFAULT_RAFT_OPTIONS);
    receive(n, 'n1', ae(1, 'n1', 0, 0, [cfg(1, ['n1', 'n2', 'n3'], ['n4'])], 0));
    drain(n);
    expect(n.isVoter).toBe(false);
    electionTimeout(n);
    const out = drain(n);
    expect(n.role).toBe('follower');
    expect(n.p.currentTerm).toBe(1);
    expect(sent(out, 'RequestVote')).toEqual([]);
    expect(out).toContainEqual({ kind: 'electionTimer', run: false });
  });
});

describe('thesis §4.1: one change at a time', () => {
  it('a leader refuses a second change while the first is uncommitted', () => {
    const n = settledLeader();
    expect(addLearner(n, 'n4')).toBeDefined();
    expect(canChangeConfig(n)).toBe(false);
    expect(addLearner(n, 'n5')).toBeUndefined();
    expect(removeServer(n, 'n3')).toBeUndefined();
    receive(n, 'n2', aeOk(2, 2));
    expect(n.commitIndex).toBe(2);
    expect(canChangeConfig(n)).toBe(true);
  });

  it('a new leader appends no configuration entry before an entry of its own term is committed (the 2015 erratum)', () => {
    const n = makeNode({ peers: IDS3 });
    electLeader(n, 2);
    drain(n);
    expect(n.commitIndex).toBe(0);
    expect(addLearner(n, 'n4')).toBeUndefined();
    receive(n, 'n2', aeOk(2, 1));
    expect(addLearner(n, 'n4')).toBeDefined();
  });

  it('with the rule switched off, changes are appended back to back', () => {
    const n = makeNode({ peers: IDS3, options: { rules: { oneChangeAtATime: false } } });
    electLeader(n, 2);
    drain(n);
    expect(addLearner(n, 'n4')).toEqual({ index: 2, term: 2 });
    expect(addLearner(n, 'n5')).toEqual({ index: 3, term: 2 });
    expect(n.config.learners).toEqual(['n4', 'n5']);
  });
});

describe('thesis §4.2.1: a learner catches up, then becomes a voter', () => {
  it('once a learner holds everything of a round that took less than an election timeout, the leader appends a configuration with it as a voter', () => {
    const n = settledLeader();
    addLearner(n, 'n4');
    receive(n, 'n2', aeOk(2, 2)); // commits the learner entry
    drain(n);
    receive(n, 'n4', aeOk(2, 2));
    expect(n.config).toMatchObject({ voters: ['n1', 'n2', 'n3', 'n4'], learners: [] });
    expect(n.p.log.at(3)!.command).toEqual(configCommand(['n1', 'n2', 'n3', 'n4']));
  });

  it('a round counts as fast only if it ends before the third heartbeat after it began (within a minimum election timeout): at the third it is too slow', () => {
    const settle = (beats: number): readonly string[] => {
      const n = settledLeader();
      addLearner(n, 'n4');
      receive(n, 'n2', aeOk(2, 2));
      for (let i = 0; i < beats; i++) heartbeat(n);
      receive(n, 'n4', aeOk(2, 2));
      return n.config.voters;
    };
    expect(settle(2), 'ended after two heartbeats').toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(settle(3), 'ended at the third heartbeat').toEqual(['n1', 'n2', 'n3']);
  });

  it('a learner too slow for its round gets another round; it is promoted only after a fast one', () => {
    const n = settledLeader();
    addLearner(n, 'n4');
    receive(n, 'n2', aeOk(2, 2));
    for (let i = 0; i < 5; i++) heartbeat(n); // the first round drags on
    propose(n, 'more');
    receive(n, 'n4', aeOk(2, 2)); // round 1 done, but too slow: round 2 ends at index 3
    expect(n.config.voters).toEqual(['n1', 'n2', 'n3']);
    receive(n, 'n4', aeOk(2, 3)); // round 2 done within an election timeout
    expect(n.config.voters).toEqual(['n1', 'n2', 'n3', 'n4']);
  });
});

describe('thesis §4.2.2: removing the leader', () => {
  it('a leader outside the new configuration keeps leading without counting itself, and steps down once it commits', () => {
    const n = settledLeader();
    removeServer(n, 'n1');
    expect(n.config.voters).toEqual(['n2', 'n3']);
    expect(n.role).toBe('leader');
    flush(n);
    drain(n);
    receive(n, 'n2', aeOk(2, 2));
    expect(n.commitIndex).toBe(1); // n2 alone is not a majority of {n2, n3}, and n1 does not count
    receive(n, 'n3', aeOk(2, 2));
    const out = drain(n);
    expect(commits(out)).toEqual([2]);
    expect(n.role).toBe('follower');
    expect(roleChanges(out)).toEqual(['follower@2']);
    expect(out.some((o) => o.kind === 'stepDown')).toBe(true);
    // Not a voter any more: it never campaigns.
    electionTimeout(n);
    expect(n.role).toBe('follower');
  });

  it('removing the last voter is refused', () => {
    const n = makeNode({ peers: ['n1'] });
    electLeader(n, 1);
    expect(removeServer(n, 'n1')).toBeUndefined();
  });

  it('a removed server still answers RequestVote (§4.2.3 is about what it sends), but no vote of a non-voter counts', () => {
    const n = makeNode({ peers: IDS3, term: 3 });
    receive(n, 'n2', rv(4, 'n2', 0, 0));
    expect(sent(drain(n), 'RequestVoteReply')[0].msg.voteGranted).toBe(true);
  });
});
