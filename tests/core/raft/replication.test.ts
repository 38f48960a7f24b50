// Unit tests of log replication in the pure Raft node (Raft paper §5.3): consistency check, truncation, commit, back-off.
import { describe, expect, it } from 'vitest';
import { flush, heartbeat, propose, receive } from '../../../src/core/raft/node';
import {
  IDS3,
  IDS5,
  ae,
  aeFail,
  aeOk,
  applied,
  commits,
  drain,
  electLeader,
  electionTimerReset,
  entries,
  logTerms,
  makeNode,
  sent,
  sentTo,
} from './harness';

describe('§5.3 follower: AppendEntries consistency check', () => {
  it('a follower rejects AppendEntries whose prevLogIndex is past its log, hinting its log length', () => {
    const n = makeNode({ term: 2, log: [1, 1] });
    receive(n, 'n2', ae(2, 'n2', 5, 2, entries([2]), 0));
    const out = drain(n);
    expect(sentTo(out, 'AppendEntriesReply', 'n2')).toEqual({
      type: 'AppendEntriesReply', term: 2, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 3, seq: 0,
    });
    expect(logTerms(n)).toEqual([1, 1]);
    // It is still the current leader talking: the follower recognises it and stays quiet.
    expect(n.leaderId).toBe('n2');
    expect(electionTimerReset(out)).toBe(true);
  });

  it('a follower rejects AppendEntries whose prevLogTerm differs, hinting the conflicting term and its first index', () => {
    const n = makeNode({ term: 3, log: [1, 1, 2, 2] });
    receive(n, 'n2', ae(3, 'n2', 4, 3, entries([3]), 0));
    const reply = sentTo(drain(n), 'AppendEntriesReply', 'n2');
    expect(reply).toMatchObject({ success: false, conflictTerm: 2, conflictIndex: 3 });
    // A rejection never changes the log.
    expect(logTerms(n)).toEqual([1, 1, 2, 2]);
  });

  it('the conflict hint reaches back to index 1 when the whole log is of the conflicting term', () => {
    const n = makeNode({ term: 4, log: [2, 2, 2] });
    receive(n, 'n2', ae(4, 'n2', 3, 3));
    expect(sentTo(drain(n), 'AppendEntriesReply', 'n2')).toMatchObject({ success: false, conflictTerm: 2, conflictIndex: 1 });
  });

  it('a follower whose log holds prevLogIndex with prevLogTerm appends the new entries and reports the last index sent', () => {
    const n = makeNode({ term: 2, log: [1] });
    const es = entries([1, 2], 'L');
    receive(n, 'n2', ae(2, 'n2', 1, 1, es, 0));
    expect(logTerms(n)).toEqual([1, 1, 2]);
    expect(n.p.log.at(2)).toBe(es[0]);
    expect(sentTo(drain(n), 'AppendEntriesReply', 'n2')).toMatchObject({ term: 2, success: true, matchIndex: 3 });
  });

  it('an AppendEntries with prevLogIndex 0 always passes the check', () => {
    const n = makeNode({ term: 1 });
    receive(n, 'n2', ae(1, 'n2', 0, 0, entries([1, 1]), 0));
    expect(logTerms(n)).toEqual([1, 1]);
  });

  it('a follower deletes a conflicting entry and everything after it, then appends the leader’s', () => {
    const n = makeNode({ term: 2, log: [1, 1, 1, 1] });
    const es = entries([2], 'L');
    receive(n, 'n2', ae(2, 'n2', 1, 1, es, 0));
    const out = drain(n);
    expect(logTerms(n)).toEqual([1, 2]);
    expect(n.p.log.at(2)).toBe(es[0]);
    expect(out).toContainEqual({ kind: 'truncate', fromIndex: 2 });
    expect(sentTo(out, 'AppendEntriesReply', 'n2')).toMatchObject({ success: true, matchIndex: 2 });
  });

  it('truncation happens only at the first conflict: matching entries before it are kept as they are', () => {
    const n = makeNode({ term: 3, log: [1, 2, 2, 2] });
    const kept = n.p.log.at(2);
    receive(n, 'n2', ae(3, 'n2', 1, 1, [{ term: 2, command: 'same term' }, { term: 3, command: 'new' }], 0));
    const out = drain(n);
    expect(logTerms(n)).toEqual([1, 2, 3]);
    expect(n.p.log.at(2)).toBe(kept); // not replaced
    expect(out).toContainEqual({ kind: 'truncate', fromIndex: 3 });
  });

  it('a stale AppendEntries arriving late (a prefix of what the follower holds) does not cut later entries', () => {
    const n = makeNode({ term: 2, log: [1, 2, 2, 2] });
    receive(n, 'n2', ae(2, 'n2', 1, 1, entries([2]), 0));
    const out = drain(n);
    expect(logTerms(n)).toEqual([1, 2, 2, 2]);
    expect(out.some((o) => o.kind === 'truncate')).toBe(false);
    // The reply names the last index that message covered, not the follower's last index.
    expect(sentTo(out, 'AppendEntriesReply', 'n2')).toMatchObject({ success: true, matchIndex: 2 });
  });

  it('a duplicated AppendEntries is idempotent', () => {
    const n = makeNode({ term: 2, log: [1] });
    const msg = ae(2, 'n2', 1, 1, entries([2, 2], 'L'), 0);
    receive(n, 'n2', msg);
    const before = n.p.log.toArray();
    receive(n, 'n2', msg);
    expect(n.p.log.toArray()).toEqual(before);
    expect(n.p.log.toArray().every((e, i) => e === before[i])).toBe(true);
  });

  it('commitIndex = min(leaderCommit, index of the last new entry): unchecked entries past it stay uncommitted', () => {
    // Entries 3..5 came from an old leader of term 1; the leader of term 2 only vouched for 1..2.
    const n = makeNode({ term: 2, log: [1, 1, 1, 1, 1] });
    receive(n, 'n2', ae(2, 'n2', 2, 1, [], 5));
    const out = drain(n);
    expect(n.commitIndex).toBe(2);
    expect(commits(out)).toEqual([2]);
    expect(applied(out)).toEqual([1, 2]);
  });

  it('commitIndex follows leaderCommit when the follower holds that much of the leader’s log', () => {
    const n = makeNode({ term: 2, log: [1, 1] });
    receive(n, 'n2', ae(2, 'n2', 2, 1, entries([2, 2]), 3));
    expect(n.commitIndex).toBe(3);
  });

  it('commitIndex never moves back when a later message carries a smaller leaderCommit', () => {
    const n = makeNode({ term: 2, log: [1, 1, 2] });
    receive(n, 'n2', ae(2, 'n2', 3, 2, [], 3));
    receive(n, 'n2', ae(2, 'n2', 3, 2, [], 1));
    const out = drain(n);
    expect(n.commitIndex).toBe(3);
    expect(commits(out)).toEqual([3]);
  });

  it('a rejected AppendEntries never advances commitIndex', () => {
    const n = makeNode({ term: 2, log: [1, 1] });
    receive(n, 'n2', ae(2, 'n2', 2, 2, [], 2));
    expect(n.commitIndex).toBe(0);
  });

  it('a follower applies committed entries in index order, each once, with the entry itself', () => {
    const n = makeNode({ term: 2, log: [1, 1, 2] });
    receive(n, 'n2', ae(2, 'n2', 3, 2, [], 2));
    receive(n, 'n2', ae(2, 'n2', 3, 2, [], 3));
    const out = drain(n);
    const applies = out.filter((o) => o.kind === 'apply');
    expect(applies.map((o) => (o.kind === 'apply' ? o.index : -1))).toEqual([1, 2, 3]);
    for (const o of applies) if (o.kind === 'apply') expect(o.entry).toBe(n.p.log.at(o.index));
    expect(n.lastApplied).toBe(3);
  });
});

describe('§5.3 leader: replication, back-off and commit', () => {
  it('a leader backs off nextIndex to the follower’s log length when the follower’s log is too short, and retries at once', () => {
    const n = makeNode({ term: 1, log: [1, 1, 1] });
    electLeader(n, 2); // no-op at index 4
    expect(n.nextIndex.get('n2')).toBe(4);
    receive(n, 'n2', aeFail(2, 0, 2));
    const out = drain(n);
    const retry = sentTo(out, 'AppendEntries', 'n2');
    expect(retry).toMatchObject({ term: 2, prevLogIndex: 1, prevLogTerm: 1 });
    expect(retry.entries.map((e) => e.term)).toEqual([1, 1, 2]);
    expect(sent(out, 'AppendEntries')).toHaveLength(1); // only the one that failed
    expect(n.nextIndex.get('n2')).toBe(2); // probing: one message until a success shows where the logs agree
    receive(n, 'n2', aeFail(2, 0, 2)); // the same refusal again (a duplicate): the probe out already asks that
    expect(drain(n)).toEqual([]);
  });

  it('a leader that holds the conflicting term skips to just after its own last entry of that term', () => {
    const n = makeNode({ term: 4, log: [1, 1, 2, 2, 2, 4] });
    electLeader(n, 5); // no-op at index 7; first AppendEntries has prevLogIndex 6, prevLogTerm 4
    receive(n, 'n2', aeFail(5, 2, 3)); // follower: term 2 at index 6, term 2 begins at 3
    const retry = sentTo(drain(n), 'AppendEntries', 'n2');
    expect(retry).toMatchObject({ prevLogIndex: 5, prevLogTerm: 2 });
    expect(retry.entries.map((e) => e.term)).toEqual([4, 5]);
  });

  it('a leader that lacks the conflicting term backs off to the first index of that term', () => {
    const n = makeNode({ term: 4, log: [1, 1, 2, 2, 2, 4] });
    electLeader(n, 5);
    receive(n, 'n2', aeFail(5, 3, 5)); // follower: term 3 from index 5
    const retry = sentTo(drain(n), 'AppendEntries', 'n2');
    expect(retry).toMatchObject({ prevLogIndex: 4, prevLogTerm: 2 });
    expect(retry.entries.map((e) => e.term)).toEqual([2, 4, 5]);
  });

  it('the back-off and the follower’s hint converge: a diverged follower ends with the leader’s log', () => {
    const leader = makeNode({ id: 'n1', term: 4, log: [1, 1, 2, 2, 2, 4] });
    const follower = makeNode({ id: 'n2', term: 4, log: [1, 1, 3, 3, 3, 3, 3, 3] });
    let toFollower = drain(leader).concat(electLeader(leader, 5));
    for (let round = 0; round < 10; round++) {
      for (const s of sent(toFollower, 'AppendEntries').filter((s) => s.to === 'n2')) receive(follower, 'n1', s.msg);
      const replies = sent(drain(follower), 'AppendEntriesReply');
      if (replies.length === 0) break;
      for (const r of replies) receive(leader, 'n2', r.msg);
      toFollower = drain(leader);
    }
    expect(logTerms(follower)).toEqual(logTerms(leader));
    expect(leader.matchIndex.get('n2')).toBe(7);
  });

  it('matchIndex is the last index the acknowledged message carried, not the leader’s last index', () => {
    const n = makeNode({ peers: IDS5 });
    electLeader(n, 1); // no-op at 1
    propose(n, 'a');
    propose(n, 'b'); // log is 1..3 now
    receive(n, 'n2', aeOk(1, 1)); // n2 acknowledges only the no-op message
    expect(n.matchIndex.get('n2')).toBe(1);
    expect(n.commitIndex).toBe(0); // 2 of 5 hold index 1
    receive(n, 'n3', aeOk(1, 1));
    expect(n.commitIndex).toBe(1); // not 3: entries 2..3 are held by the leader alone
  });

  it('late, duplicated or reordered success replies never move matchIndex back', () => {
    const n = makeNode();
    electLeader(n, 1);
    propose(n, 'a');
    propose(n, 'b');
    receive(n, 'n2', aeOk(1, 3));
    receive(n, 'n2', aeOk(1, 1));
    receive(n, 'n2', aeOk(1, 3));
    expect(n.matchIndex.get('n2')).toBe(3);
    expect(n.nextIndex.get('n2')).toBeGreaterThan(3);
  });

  it('a late rejection never moves nextIndex to or below what the follower already matched', () => {
    const n = makeNode({ term: 1, log: [1, 1] });
    electLeader(n, 2); // no-op at 3
    receive(n, 'n2', aeOk(2, 3));
    drain(n);
    receive(n, 'n2', aeFail(2, 0, 1)); // from an older probe
    expect(n.nextIndex.get('n2')).toBe(4);
    expect(n.matchIndex.get('n2')).toBe(3);
  });

  it('a leader commits an entry of its term once a majority holds it, and applies everything up to it in order', () => {
    const n = makeNode({ peers: IDS5 });
    electLeader(n, 1);
    propose(n, 'a'); // 2
    propose(n, 'b'); // 3
    drain(n);
    receive(n, 'n2', aeOk(1, 3));
    expect(n.commitIndex).toBe(0);
    receive(n, 'n4', aeOk(1, 2));
    let out = drain(n);
    expect(n.commitIndex).toBe(2);
    expect(commits(out)).toEqual([2]);
    expect(applied(out)).toEqual([1, 2]);
    receive(n, 'n5', aeOk(1, 3));
    out = drain(n);
    expect(commits(out)).toEqual([3]);
    expect(applied(out)).toEqual([3]);
    // The next heartbeat tells followers.
    heartbeat(n);
    for (const s of sent(drain(n), 'AppendEntries')) expect(s.msg.leaderCommit).toBe(3);
  });

  it('a leader sends a new proposal at once to followers that are caught up', () => {
    const n = makeNode();
    electLeader(n, 1);
    receive(n, 'n2', aeOk(1, 1));
    receive(n, 'n3', aeOk(1, 1));
    drain(n);
    propose(n, 'x');
    expect(sent(drain(n), 'AppendEntries')).toEqual([]); // it waits for the end of the instant
    flush(n);
    const out = drain(n);
    for (const to of ['n2', 'n3']) {
      const m = sentTo(out, 'AppendEntries', to);
      expect(m).toMatchObject({ prevLogIndex: 1, prevLogTerm: 1 });
      expect(m.entries).toEqual([{ term: 1, command: 'x' }]);
    }
  });

  it('a leader sends at most maxEntriesPerMessage entries per AppendEntries and keeps a lagging follower streaming', () => {
    const n = makeNode({ peers: IDS3, options: { maxEntriesPerMessage: 2 } });
    electLeader(n, 1);
    for (let i = 0; i < 5; i++) propose(n, `c${i}`); // log 1..6
    drain(n);
    // n2 has only the no-op; a rejection puts nextIndex at 2.
    receive(n, 'n2', aeFail(1, 0, 2));
    const m = sentTo(drain(n), 'AppendEntries', 'n2');
    expect(m.prevLogIndex).toBe(1);
    expect(m.entries).toHaveLength(2);
    receive(n, 'n2', aeOk(1, 3));
    // The logs agree up to 3: the rest is pipelined, two messages of two and one entry.
    const more = sent(drain(n), 'AppendEntries').filter((s) => s.to === 'n2').map((s) => s.msg);
    expect(more.map((x) => [x.prevLogIndex, x.entries.length])).toEqual([[3, 2], [5, 1]]);
  });

  it('a heartbeat to an up-to-date follower is an empty AppendEntries that carries the leader’s commitIndex', () => {
    const n = makeNode(); // peers n2, n3
    electLeader(n, 1);
    receive(n, 'n2', aeOk(1, 1));
    drain(n);
    heartbeat(n);
    const m = sentTo(drain(n), 'AppendEntries', 'n2');
    expect(m).toMatchObject({ term: 1, leaderId: 'n1', prevLogIndex: 1, prevLogTerm: 1, leaderCommit: 1 });
    expect(m.entries).toEqual([]);
  });
});

describe('leader: batching, pipelining and flow control (after etcd’s Progress and inflights)', () => {
  /** A leader of term 1 whose followers acknowledged the no-op: both are in pipelining mode. */
  function caughtUp(options: { maxEntriesPerMessage?: number; maxInflight?: number } = {}) {
    const n = makeNode({ options });
    electLeader(n, 1);
    receive(n, 'n2', aeOk(1, 1));
    receive(n, 'n3', aeOk(1, 1));
    drain(n);
    return n;
  }
  const appendsTo = (out: ReturnType<typeof drain>, to: string) =>
    sent(out, 'AppendEntries').filter((s) => s.to === to).map((s) => s.msg);

  it('proposals made in one instant leave as one AppendEntries per follower', () => {
    const n = caughtUp();
    for (let i = 0; i < 12; i++) propose(n, `c${i}`);
    const asked = drain(n);
    expect(asked.filter((o) => o.kind === 'flushSoon')).toHaveLength(1); // one request to flush, not twelve
    expect(sent(asked, 'AppendEntries')).toEqual([]);
    flush(n);
    const out = drain(n);
    for (const to of ['n2', 'n3']) {
      const m = appendsTo(out, to);
      expect(m).toHaveLength(1);
      expect(m[0]).toMatchObject({ prevLogIndex: 1, prevLogTerm: 1 });
      expect(m[0].entries.map((e) => e.command)).toEqual(Array.from({ length: 12 }, (_, i) => `c${i}`));
    }
  });

  it('at most maxInflight AppendEntries with entries are unacknowledged per follower; each ack makes room for more', () => {
    const n = caughtUp({ maxEntriesPerMessage: 1, maxInflight: 2 });
    for (let i = 0; i < 5; i++) propose(n, `c${i}`); // entries 2..6
    flush(n);
    let m = appendsTo(drain(n), 'n2');
    expect(m.map((x) => x.prevLogIndex)).toEqual([1, 2]); // entries 2 and 3, then the window is full
    expect(n.progress.get('n2')!.inflight).toEqual([2, 3]);
    receive(n, 'n2', aeOk(1, 2));
    m = appendsTo(drain(n), 'n2');
    expect(m.map((x) => x.prevLogIndex)).toEqual([3]); // entry 4
    receive(n, 'n2', aeOk(1, 4)); // acknowledges 3 and 4 at once
    m = appendsTo(drain(n), 'n2');
    expect(m.map((x) => x.prevLogIndex)).toEqual([4, 5]);
    expect(n.nextIndex.get('n2')).toBe(7);
  });

  it('a heartbeat with the window full is empty and checked at matchIndex, so it cannot overtake entries in flight', () => {
    const n = caughtUp({ maxEntriesPerMessage: 1, maxInflight: 1 });
    propose(n, 'a');
    propose(n, 'b');
    flush(n);
    drain(n);
    heartbeat(n);
    const m = appendsTo(drain(n), 'n2');
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ prevLogIndex: 1, entries: [] });
  });

  it('a probing follower gets one AppendEntries at a time; the next heartbeat sends it again', () => {
    const n = makeNode();
    electLeader(n, 1); // the no-op probe is out to both
    propose(n, 'a');
    flush(n);
    expect(appendsTo(drain(n), 'n2')).toEqual([]); // waiting for the probe's answer
    heartbeat(n);
    const m = appendsTo(drain(n), 'n2');
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ prevLogIndex: 0 });
    expect(m[0].entries).toHaveLength(2); // the no-op and a: a probe carries what it has
  });

  it('a refusal while pipelining goes back to probing from the hint; more refusals of the same gap send nothing more', () => {
    const n = caughtUp({ maxEntriesPerMessage: 1 });
    for (let i = 0; i < 3; i++) propose(n, `c${i}`); // entries 2..4
    flush(n);
    drain(n);
    // Entry 2's message was lost: the messages for 3 and 4 are refused, each hinting n2's log ends at 1.
    receive(n, 'n2', aeFail(1, 0, 2));
    const retry = appendsTo(drain(n), 'n2');
    expect(retry.map((x) => x.prevLogIndex)).toEqual([1]);
    expect(n.progress.get('n2')).toMatchObject({ mode: 'probe', inflight: [] });
    receive(n, 'n2', aeFail(1, 0, 2));
    expect(drain(n)).toEqual([]);
    receive(n, 'n2', aeOk(1, 2)); // the probe succeeded: pipelining again from 3
    expect(appendsTo(drain(n), 'n2').map((x) => x.prevLogIndex)).toEqual([2, 3]);
    expect(n.progress.get('n2')!.mode).toBe('replicate');
  });

  it('entries unacknowledged for a whole heartbeat interval are taken as lost: the heartbeat asks for all that was sent', () => {
    const n = caughtUp();
    propose(n, 'a');
    flush(n);
    drain(n);
    heartbeat(n); // sent just before this tick: not yet overdue
    expect(appendsTo(drain(n), 'n2')[0]).toMatchObject({ prevLogIndex: 1, entries: [] });
    heartbeat(n);
    const m = appendsTo(drain(n), 'n2');
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ prevLogIndex: 2, prevLogTerm: 1, entries: [] }); // does n2 hold entry 2?
    receive(n, 'n2', aeFail(1, 0, 2)); // no: it was lost
    const retry = appendsTo(drain(n), 'n2');
    expect(retry).toHaveLength(1);
    expect(retry[0]).toMatchObject({ prevLogIndex: 1, entries: [{ term: 1, command: 'a' }] });
    expect(n.progress.get('n2')!.mode).toBe('probe');
  });

  it('a flush after losing leadership sends nothing', () => {
    const n = caughtUp();
    propose(n, 'a');
    receive(n, 'n2', ae(2, 'n2', 1, 1, [], 0)); // a leader of term 2 exists
    drain(n);
    flush(n);
    expect(sent(drain(n), 'AppendEntries')).toEqual([]);
  });
});
