// Unit tests of log compaction in the pure Raft node (paper §7, Figure 13: InstallSnapshot).
import { describe, expect, it } from 'vitest';
import { compact, createRaftNode, entryAt, heartbeat, lastIndex, receive, snapshotIndex, termAt, type RaftNode } from '../../../src/core/raft/node';
import { configCommand, type InstallSnapshot, type InstallSnapshotReply } from '../../../src/core/raft/types';
import { IDS3, ae, aeFail, aeOk, applied, commits, drain, electLeader, entries, makeNode, sent, sentTo } from './harness';

/** A follower n2 whose log holds `terms`, all committed and applied. */
function appliedFollower(terms: number[]): RaftNode {
  const n = makeNode({ id: 'n2', term: Math.max(1, ...terms), log: terms });
  receive(n, 'n1', ae(n.p.currentTerm, 'n1', terms.length, terms.at(-1) ?? 0, [], terms.length));
  drain(n);
  expect(n.lastApplied).toBe(terms.length);
  return n;
}

const install = (term: number, index: number, lastTerm: number, data: unknown = { state: index }): InstallSnapshot => ({
  type: 'InstallSnapshot', term, leaderId: 'n1', lastIncludedIndex: index, lastIncludedTerm: lastTerm,
  config: { voters: ['n1', 'n2', 'n3'], learners: [] }, data, seq: 0,
});

describe('§7: compaction', () => {
  it('drops the log up to an applied index; indices stay absolute and the snapshot stands for what was dropped', () => {
    const n = appliedFollower([1, 1, 2, 2, 3]);
    expect(compact(n, 3, { at: 3 })).toBe(true);
    const out = drain(n);
    expect(out).toContainEqual({ kind: 'snapshot', snapshot: { lastIncludedIndex: 3, lastIncludedTerm: 2, config: expect.anything(), data: { at: 3 } } });
    expect(snapshotIndex(n)).toBe(3);
    expect(lastIndex(n)).toBe(5);
    expect(n.p.log.length).toBe(3); // the entry at 3 (standing for the snapshot), then 4 and 5
    expect(termAt(n, 3)).toBe(2);
    expect(termAt(n, 2)).toBe(-1); // compacted
    expect(entryAt(n, 4)?.command).toBe('n24@2');
    expect(entryAt(n, 3)).toBeUndefined();
  });

  it('never compacts what is not applied, nor compacts twice to the same place', () => {
    const n = makeNode({ id: 'n2', term: 1, log: [1, 1, 1] });
    expect(compact(n, 2, {})).toBe(false); // nothing applied
    const m = appliedFollower([1, 1, 1]);
    expect(compact(m, 2, {})).toBe(true);
    expect(compact(m, 2, {})).toBe(false);
    expect(compact(m, 4, {})).toBe(false);
  });

  it('keeps the configuration in effect at the snapshot index (§7: the snapshot includes the latest configuration)', () => {
    const n = makeNode({ id: 'n2', term: 1 });
    const c4 = configCommand(['n1', 'n2', 'n3', 'n4']);
    receive(n, 'n1', ae(1, 'n1', 0, 0, [{ term: 1, command: 'a' }, { term: 1, command: c4 }, { term: 1, command: 'b' }], 3));
    drain(n);
    compact(n, 3, {});
    expect(n.p.snapshot.config).toBe(c4);
    expect(n.config.voters).toEqual(['n1', 'n2', 'n3', 'n4']);
  });

  it('a restarted server restores its snapshot: commitIndex and lastApplied start at the snapshot index, and it asks its host to restore the state', () => {
    const n = appliedFollower([1, 1, 2, 2]);
    compact(n, 3, { s: 3 });
    const r = createRaftNode('n2', IDS3, n.p);
    expect(r.commitIndex).toBe(3);
    expect(r.lastApplied).toBe(3);
    expect(r.outbox).toContainEqual({ kind: 'restore', snapshot: n.p.snapshot });
    // Re-applying the rest starts after the snapshot.
    drain(r);
    receive(r, 'n1', ae(2, 'n1', 4, 2, [], 4));
    expect(applied(drain(r))).toEqual([4]);
  });
});

describe('§7: InstallSnapshot (Figure 13)', () => {
  it('a leader whose follower needs compacted entries sends the snapshot instead', () => {
    const n = makeNode({ id: 'n1', peers: IDS3, term: 1, log: [1, 1, 1, 1] });
    electLeader(n, 2);
    receive(n, 'n2', aeOk(2, 5));
    drain(n);
    expect(n.commitIndex).toBe(5);
    compact(n, 5, { upTo: 5 });
    // n3 has an empty log (a new server): its refusal of the probe asks for index 1, which is compacted.
    receive(n, 'n3', aeFail(2, 0, 1));
    const out = drain(n);
    const msg = sentTo(out, 'InstallSnapshot', 'n3');
    expect(msg).toMatchObject({ term: 2, leaderId: 'n1', lastIncludedIndex: 5, lastIncludedTerm: 2, data: { upTo: 5 } });
    expect(n.progress.get('n3')!.mode).toBe('snapshot');
    // While it waits, heartbeats keep the follower's timer reset; after two unanswered heartbeats the snapshot goes again.
    heartbeat(n);
    expect(sent(drain(n), 'InstallSnapshot')).toEqual([]);
    heartbeat(n);
    expect(sent(drain(n), 'InstallSnapshot').map((s) => s.to)).toEqual(['n3']);
    // Installed: the leader probes from just after it, then pipelines.
    const reply: InstallSnapshotReply = { type: 'InstallSnapshotReply', term: 2, matchIndex: 5, seq: 0 };
    receive(n, 'n3', reply);
    expect(n.matchIndex.get('n3')).toBe(5);
    expect(n.progress.get('n3')!.mode).toBe('probe');
    expect(n.nextIndex.get('n3')).toBe(6);
  });

  it('a follower whose log does not hold the snapshot’s last entry discards its whole log and takes the snapshot', () => {
    const n = makeNode({ id: 'n2', term: 1, log: [1, 1] });
    receive(n, 'n1', install(3, 5, 3));
    const out = drain(n);
    expect(n.p.currentTerm).toBe(3);
    expect(n.leaderId).toBe('n1');
    expect(snapshotIndex(n)).toBe(5);
    expect(lastIndex(n)).toBe(5);
    expect(n.commitIndex).toBe(5);
    expect(n.lastApplied).toBe(5);
    expect(out).toContainEqual({ kind: 'restore', snapshot: expect.objectContaining({ lastIncludedIndex: 5, data: { state: 5 } }) });
    expect(commits(out)).toEqual([5]);
    expect(sentTo(out, 'InstallSnapshotReply', 'n1')).toEqual({ type: 'InstallSnapshotReply', term: 3, matchIndex: 5, seq: 0 });
  });

  it('a follower that holds the snapshot’s last entry keeps the entries after it (Figure 13, step 6)', () => {
    const n = makeNode({ id: 'n2', term: 2, log: [1, 1, 2, 2, 2] });
    receive(n, 'n1', install(2, 3, 2));
    drain(n);
    expect(snapshotIndex(n)).toBe(3);
    expect(lastIndex(n)).toBe(5);
    expect(entryAt(n, 5)?.command).toBe('n25@2');
    expect(n.commitIndex).toBe(3);
  });

  it('a stale InstallSnapshot (lower term) is refused with the follower’s term; one older than the commit index changes nothing', () => {
    const n = appliedFollower([1, 1, 3, 3]);
    receive(n, 'n1', install(2, 4, 3));
    expect(sentTo(drain(n), 'InstallSnapshotReply', 'n1')).toEqual({ type: 'InstallSnapshotReply', term: 3, matchIndex: 0, seq: 0 });
    receive(n, 'n1', install(3, 2, 1));
    const out = drain(n);
    expect(snapshotIndex(n)).toBe(0);
    expect(out.some((o) => o.kind === 'restore')).toBe(false);
    expect(sentTo(out, 'InstallSnapshotReply', 'n1').matchIndex).toBe(2);
  });

  it('AppendEntries that starts inside a follower’s snapshot is checked from the snapshot on: what the snapshot covers is committed and matches', () => {
    const n = appliedFollower([1, 1, 1]);
    compact(n, 3, {});
    drain(n);
    receive(n, 'n1', ae(1, 'n1', 1, 1, entries([1, 1, 1, 1]), 3));
    expect(sentTo(drain(n), 'AppendEntriesReply', 'n1')).toMatchObject({ success: true, matchIndex: 5 });
    expect(lastIndex(n)).toBe(5);
    receive(n, 'n1', ae(1, 'n1', 0, 0, entries([1, 1]), 3));
    expect(sentTo(drain(n), 'AppendEntriesReply', 'n1')).toMatchObject({ success: true, matchIndex: 2 });
    expect(lastIndex(n)).toBe(5); // nothing cut
  });
});
