// @vitest-environment happy-dom
// One plain sentence per event with the Raft rule behind it.
import { describe, expect, it } from 'vitest';
import { createCluster, type SimEvent } from '../../src/sim';
import { explain, sentence } from '../../src/ui/explain';
import { figure8 } from '../../src/sim/explore/examples';
import { runScenario } from '../../src/sim/scenario';
import { categoriesOf, categoryOf, contextFor } from '../../src/ui/feedContext';

/** The page's feed of a cluster, as the driver keeps it: every event from now on, numbered. */
function feedOf(c: ReturnType<typeof createCluster>): Array<{ seq: number; e: SimEvent }> {
  const items: Array<{ seq: number; e: SimEvent }> = [];
  c.onEvent((e) => items.push({ seq: items.length + 1, e }));
  return items;
}

describe('explain', () => {
  it('a denied vote names both logs and cites §5.4.1', () => {
    const e: SimEvent = { at: 1, kind: 'vote', node: 'n4', to: 'n2', term: 3, detail: "denied: n2's log ends at term 2 index 4, n4's at term 3 index 5 (§5.4.1)" };
    expect(sentence(e)).toBe("n4 denied its vote to n2: n2's log ends at term 2 index 4, n4's at term 3 index 5 (§5.4.1)");
  });

  it('an election timeout says which term the election is for (§5.2)', () => {
    const timer: SimEvent = { at: 5, kind: 'timer', node: 'n3', type: 'election' };
    const role: SimEvent = { at: 5, kind: 'role', node: 'n3', role: 'candidate', term: 4 };
    expect(sentence(timer, { after: [role] })).toBe('n3 timed out and started an election for term 4 (§5.2)');
    expect(sentence({ ...timer, detail: 'forced' }, { after: [role] })).toBe("You forced n3's election timeout: it started an election for term 4 (§5.2)");
  });

  it('a rejected AppendEntries says which index is missing, given the request (§5.3)', () => {
    const request: SimEvent = { at: 1, kind: 'deliver', from: 'n2', to: 'n1', type: 'AppendEntries', payload: { term: 3, leaderId: 'n2', prevLogIndex: 7, prevLogTerm: 3, entries: [], leaderCommit: 5 } };
    const reply: SimEvent = { at: 1, kind: 'send', from: 'n1', to: 'n2', type: 'AppendEntriesReply', payload: { term: 3, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 5 } };
    expect(sentence(reply, { request })).toBe('n1 rejected AppendEntries from n2: no entry at index 7 — its log ends at index 4 (§5.3)');
    const stale = { ...reply, payload: { term: 5, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 0 } };
    expect(explain(stale, { request }).rule).toBe('§5.1');
    expect(explain(stale, { request }).text).toMatch(/n2's term 3 is older than n1's term 5/);
    const conflict = { ...reply, payload: { term: 3, success: false, matchIndex: 0, conflictTerm: 2, conflictIndex: 6 } };
    expect(explain(conflict, { request }).text).toBe('n1 rejected AppendEntries from n2: its entry at index 7 has term 2, not 3');
  });

  it('a deposed leader learns the newer term once: later refusals of its old AppendEntries are told as refusals (§5.1)', () => {
    let checked = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const c = createCluster({ seed, nodes: 5, checkers: 'record' });
      const items = feedOf(c);
      c.runUntil(() => c.leader() !== undefined, 2000);
      const old = c.leader()!;
      c.partition([[old], c.nodeIds.filter((id) => id !== old)]);
      c.runUntil(() => c.nodeIds.some((id) => id !== old && c.node(id).role === 'leader'), 3000);
      c.heal();
      c.runFor(400);
      const stale = items.map((it, i) => ({ it, i })).filter(({ it }) => {
        const p = it.e.payload as { success?: boolean; conflictIndex?: number; conflictTerm?: number } | undefined;
        return it.e.kind === 'deliver' && it.e.type === 'AppendEntriesReply' && it.e.to === old && p?.success === false && p.conflictIndex === 0 && p.conflictTerm === 0;
      });
      const learned = stale.filter(({ i }) => /learned of a newer term/.test(explain(items[i].e, contextFor(items, i)).text));
      // Each 'learned' reply is the one that made it step down, and it steps down once.
      expect(learned.length, `seed ${seed}`).toBeLessThanOrEqual(1);
      for (const { i } of learned) expect(contextFor(items, i).after!.some((a) => a.kind === 'role' && a.node === old && a.role === 'follower'), `seed ${seed}`).toBe(true);
      for (const { i } of stale.filter((x) => !learned.includes(x))) expect(explain(items[i].e, contextFor(items, i)).text, `seed ${seed}`).toMatch(new RegExp(`^n\\d refused an AppendEntries ${old} had sent in an older term \\(n\\d is in term \\d+\\)$`));
      checked += stale.length - learned.length;
    }
    // The situation the sentence is for does come up.
    expect(checked).toBeGreaterThan(0);
  });

  it('a truncation says why: a conflict with the leader (§5.3), or a snapshot that replaces the log (§7)', () => {
    const cut: SimEvent = { at: 9, kind: 'truncate', node: 'n3', index: 4, term: 2 };
    expect(sentence(cut)).toBe("n3 deleted its log from index 4 on: those entries conflict with the leader's log (§5.3)");
    const restore: SimEvent = { at: 9, kind: 'restore', node: 'n3', index: 11, term: 2 };
    expect(sentence(cut, { after: [restore] })).toBe("n3 deleted its log from index 4 on: the leader's snapshot replaces it (§7)");
  });

  it('a heartbeat tick that ends in a CheckQuorum step-down says so (thesis §6.2)', () => {
    const tick: SimEvent = { at: 7, kind: 'timer', node: 'n1', type: 'heartbeat' };
    expect(sentence(tick)).toBe("n1's heartbeat timer fired: as leader it sends an AppendEntries to each server it replicates to (its snapshot instead, to one that needs entries its log no longer holds) (§5.2)");
    const down: SimEvent = { at: 7, kind: 'stepDown', node: 'n1', detail: 'CheckQuorum: heard from 2 of 5 voters in an election timeout, a majority is 3 (§9.6)' };
    expect(explain(tick, { after: [down] }).rule).toBe('thesis §6.2');
    expect(explain(tick, { after: [down] }).text).toMatch(/fewer than a majority, and stepped down$/);
  });

  it("a violation cites the section that states its property (Figure 3), and no paper section for Wiber's own", () => {
    const v = (type: string): SimEvent => ({ at: 1, kind: 'violation', type, detail: `${type} broken at t=1ms (seed 1): …` });
    expect(explain(v('Election Safety')).rule).toBe('§5.2');
    expect(explain(v('Log Matching')).rule).toBe('§5.3');
    expect(explain(v('State Machine Safety')).rule).toBe('§5.4.3');
    expect(explain(v('Leader Completeness')).rule).toBe('§5.4');
    expect(explain(v('Terms never decrease')).rule).toBe('§5.1');
    expect(explain(v('No stale read')).rule).toBe('§8');
    expect(explain(v('No lost acknowledged publish')).rule).toBe('');
  });

  it('drops say why: loss, partition, a down receiver, or you', () => {
    const base: SimEvent = { at: 1, kind: 'drop', from: 'n1', to: 'n2', type: 'RequestVote' };
    expect(sentence({ ...base, detail: 'loss' })).toMatch(/network lost n1's RequestVote to n2/);
    expect(sentence({ ...base, detail: 'partition' })).toMatch(/different sides of a partition/);
    expect(sentence({ ...base, detail: 'down' })).toMatch(/n2 is down/);
    expect(sentence({ ...base, detail: 'user' })).toMatch(/^You dropped/);
  });

  it('commands are quoted as text, whatever they contain', () => {
    const e: SimEvent = { at: 1, kind: 'apply', node: 'n1', index: 2, term: 1, payload: '<img src=x onerror=alert(1)>' };
    expect(sentence(e)).toContain('“<img src=x onerror=alert(1)>”');
  });

  it('every event of a real run gets a sentence, and replies find their request in the feed', () => {
    const c = createCluster({ seed: 3, nodes: 5, checkers: 'record' });
    const items = feedOf(c);
    c.runUntil(() => c.leader() !== undefined, 2000);
    c.crash(c.leader()!);
    c.runFor(800);
    for (let i = 0; i < items.length; i++) {
      const x = explain(items[i].e, contextFor(items, i));
      expect(x.text.length, JSON.stringify(items[i].e)).toBeGreaterThan(5);
      expect(x.text).not.toMatch(/undefined/);
      expect(['messages', 'background', 'state', 'actions']).toContain(categoryOf(items[i]));
    }
  });
});

describe('feed categories', () => {
  it('a reply to a heartbeat is background like the heartbeat; a reply to entries is a message, after heartbeats too', () => {
    const c = createCluster({ seed: 3, nodes: 3 });
    const items = feedOf(c);
    c.runUntil(() => c.leader() !== undefined, 2000);
    c.runFor(300);
    // Entries after many heartbeats (the payload's seq, a read round, is the same for all of them).
    c.propose(c.leader()!, 'x');
    c.runFor(100);
    c.propose(c.leader()!, 'y');
    c.runFor(100);
    const cats = categoriesOf(items);
    const sendOf = new Map<number, number>();
    let beats = 0;
    let entries = 0;
    items.forEach((it, i) => {
      const e = it.e;
      if (e.type !== 'AppendEntriesReply') return;
      if (e.kind !== 'send') {
        // A delivery or drop of a reply has its send's category.
        expect(cats[i], `item ${i}`).toBe(cats[sendOf.get(e.msgId!)!]);
        return;
      }
      sendOf.set(e.msgId!, i);
      // The request it answers: the AppendEntries delivered to the replier from the addressee at this instant, last before it.
      let k = i - 1;
      while (!(items[k].e.kind === 'deliver' && items[k].e.type === 'AppendEntries' && items[k].e.to === e.from)) k--;
      const request = items[k].e;
      expect(request.at).toBe(e.at);
      expect(request.from).toBe(e.to);
      const empty = (request.payload as { entries: unknown[] }).entries.length === 0;
      const ok = (e.payload as { success: boolean }).success;
      expect(cats[i], `reply at ${e.at} ${e.from}->${e.to} to ${empty ? 'a heartbeat' : 'entries'}`).toBe(empty && ok ? 'background' : 'messages');
      if (empty) beats++;
      else entries++;
    });
    expect(beats, 'replies to heartbeats').toBeGreaterThan(10);
    expect(entries, 'replies to entries (the no-op, x, y: two followers each)').toBeGreaterThanOrEqual(6);
    // Elsewhere the one-item category is unchanged.
    items.forEach((it, i) => (it.e.type === 'AppendEntriesReply' ? undefined : expect(cats[i]).toBe(categoryOf(it))));
  });

  it('a window that starts in a quiet cluster: replies whose request (or send) came before it are background, not the feed\'s latest events (audit r6 learner #2)', () => {
    const c = createCluster({ seed: 1, nodes: 5 });
    const all = feedOf(c);
    c.runUntil(() => c.leader() !== undefined, 2000);
    c.runFor(60_000);
    // Windows that start anywhere in a quiet minute: only background, whatever the cut.
    for (const size of [4000, 3999, 3998, 3997, 3001]) {
      const items = all.slice(all.length - size);
      const cats = categoriesOf(items);
      const shown = items.filter((_, i) => cats[i] !== 'background').map((it) => `${it.e.at} ${it.e.kind} ${it.e.type} ${it.e.from}->${it.e.to}`);
      expect(shown, `window of ${size}`).toEqual([]);
    }
    // A failed reply at the edge still shows (it is news: a log that does not match).
    const failed = { seq: 1, e: { at: 0, kind: 'send', type: 'AppendEntriesReply', from: 'n1', to: 'n2', msgId: 7, payload: { success: false } } } as const;
    expect(categoriesOf([failed])).toEqual(['messages']);
  });

  it('the dissertation\'s Raft messages (Pre-Vote, snapshots, TimeoutNow, ReadIndex) and the clients\' acknowledgements are messages, as Step counts them', () => {
    for (const type of ['PreVote', 'PreVoteReply', 'InstallSnapshot', 'InstallSnapshotReply', 'TimeoutNow', 'ReadIndex', 'ReadIndexReply', 'ClientAck', 'ClientReset']) {
      expect(categoryOf({ seq: 1, e: { at: 0, kind: 'send', type, from: 'n1', to: 'n2' } }), type).toBe('messages');
    }
    for (const type of ['Ping', 'SyncRequest', 'BerkeleyPoll']) expect(categoryOf({ seq: 1, e: { at: 0, kind: 'send', type, from: 'n1', to: 'n2' } }), type).toBe('background');
    // A client connection's timer (resends, owed acks) ticks in the background too, and says what it does.
    const conn: SimEvent = { at: 0, kind: 'timer', node: 'n1', type: 'connection' };
    expect(categoryOf({ seq: 1, e: conn })).toBe('background');
    expect(explain(conn).text).toMatch(/^n1's connection timer fired: the client connection \(modelled on TCP\) resends lines/);
  });
});

describe('a forced timeout that does nothing says so', () => {
  it('a learner starts no election; a leader and a down node have no election timeout to fire', () => {
    const c = createCluster({ seed: 3, nodes: 3 });
    const items = feedOf(c);
    c.runUntil(() => c.leader() !== undefined, 2000);
    const learner = c.addNode();
    c.runFor(5);
    const leader = c.leader()!;
    const down = c.nodeIds.find((id) => id !== leader && id !== learner)!;
    c.crash(down);
    const from = items.length;
    for (const id of [learner, leader, down]) c.timeout(id);
    c.runFor(1);
    const texts = items.slice(from).map((it, k) => ({ e: it.e, text: explain(it.e, contextFor(items, from + k)).text }));
    const said = (kind: string, node: string) => texts.filter((t) => t.e.kind === kind && t.e.node === node).map((t) => t.text);
    expect(c.node(learner).role).toBe('follower');
    expect(said('timer', learner)).toEqual([`You forced ${learner}'s election timeout, but ${learner} starts no election: a learner (it receives the log but does not vote), or a server left out of the committed configuration, never campaigns`]);
    expect(said('timeout', leader)).toEqual([`You asked ${leader} to time out now: nothing happens, as ${leader} is the leader, and a leader has no election timeout`]);
    expect(said('timeout', down)).toEqual([`You asked ${down} to time out now: nothing happens, as ${down} is down: it has no timers until it restarts`]);
    // A voter that times out does start an election, and is told so.
    const voter = c.nodeIds.find((id) => id !== leader && id !== learner && id !== down);
    if (voter !== undefined) {
      const at = items.length;
      c.timeout(voter);
      const k = items.findIndex((it, i) => i >= at && it.e.kind === 'timer' && it.e.node === voter);
      expect(explain(items[k].e, contextFor(items, k)).text).toMatch(new RegExp(`^You forced ${voter}'s election timeout: it started an election for term \\d+`));
    }
  });
});

describe('a configuration read from a snapshot', () => {
  it('is said to come from the snapshot (§7), not to be a new configuration the node now uses', () => {
    const c = createCluster({ seed: 4, nodes: 3, snapshotEvery: 5 });
    const items = feedOf(c);
    c.runUntil(() => c.leader() !== undefined, 2000);
    const leader = c.leader()!;
    const behind = c.nodeIds.find((id) => id !== leader)!;
    c.crash(behind);
    for (let k = 0; k < 12; k++) c.propose(leader, `v${k}`);
    c.runFor(300);
    c.restart(behind);
    c.runFor(300);
    const restore = items.findIndex((it) => it.e.kind === 'restore' && it.e.node === behind && it.e.at > 0);
    expect(restore, 'the node got a snapshot').toBeGreaterThan(0);
    const around = items.map((it, i) => ({ it, i })).filter(({ it }) => (it.e.kind === 'config' || it.e.kind === 'configCommitted') && it.e.node === behind && it.e.at === items[restore].e.at);
    expect(around.length).toBeGreaterThan(0);
    for (const { it, i } of around) {
      const text = explain(it.e, contextFor(items, i)).text;
      expect(text).toMatch(it.e.kind === 'config' ? new RegExp(`^${behind} takes the configuration stored in its snapshot up to index \\d+ \\(voters`) : /stored in the snapshot is committed, as everything in a snapshot is$/);
      expect(text).not.toMatch(/now uses/);
    }
  });
});

describe('the commit sentence tells the truth about the commit rule (§5.4.2)', () => {
  const leaderCommits = (commitRule: boolean): SimEvent[] => {
    const r = runScenario(`${figure8(commitRule)}run 100ms\n`);
    expect(r.ok, r.failure?.message).toBe(true);
    return r.runner.cluster.journal().filter((e) => e.kind === 'commit' && e.role === 'leader' && e.node === 'n1');
  };

  it('with the rule off, a leader that commits an entry of an earlier term is not said to use the current term', () => {
    const old = leaderCommits(false).filter((e) => e.entryTerm !== undefined && e.entryTerm < (e.term ?? 0));
    expect(old.length).toBeGreaterThan(0);
    const text = sentence(old[0]);
    expect(text).toMatch(/earlier term \(1, now term 3\)/);
    expect(text).toMatch(/commit rule is switched off/);
    expect(text).not.toMatch(/current term/);
  });

  it('with the rule on, every leader commit is of an entry of its current term, and says so', () => {
    const commits = leaderCommits(true);
    for (const e of commits) {
      expect(e.entryTerm).toBe(e.term);
      expect(sentence(e)).toMatch(/which is from its current term/);
    }
    // A commit event by the leader is narrated as the leader's, whatever the feed context holds.
    expect(sentence({ at: 1, kind: 'commit', node: 'n1', index: 4, term: 2, role: 'leader', entryTerm: 2 })).toMatch(/^n1 committed up to index 4/);
  });

  it('a leader that commits its own removal is narrated as the leader that committed it, though it steps down at once (thesis §4.2.2)', () => {
    const c = createCluster({ seed: 6, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const leader = c.leader()!;
    c.removeNode(leader);
    c.runUntil(() => c.journal().some((e) => e.kind === 'removed' && e.node === leader), 3000);
    const journal = c.journal();
    const stepDown = journal.findIndex((e) => e.kind === 'stepDown' && e.node === leader);
    expect(stepDown).toBeGreaterThan(0);
    const commit = journal.slice(0, stepDown).findLast((e) => e.kind === 'commit' && e.node === leader)!;
    expect(commit.role).toBe('leader');
    expect(sentence(commit)).toMatch(new RegExp(`^${leader} committed up to index ${commit.index}: a majority of the voters of the configuration in use stores entry`));
  });
});

describe('timers and detector news say what happened, not what might', () => {
  const timer = (type: string): SimEvent => ({ at: 5, kind: 'timer', node: 'n2', type });
  const reply: SimEvent = { at: 5, kind: 'send', from: 'n2', to: 'console', type: 'ClientReply' };

  it('a broker deadline timer with nothing overdue says nothing happens; one that answers says so', () => {
    expect(explain(timer('pubTimeout'), { after: [] }).text).toMatch(/none is overdue, so nothing happens$/);
    expect(explain(timer('pubTimeout'), { after: [reply] }).text).toMatch(/an overdue one is answered with an error or a redirect$/);
  });

  it('a clock-sync timer that sends nothing says why (Berkeley: only the coordinator polls)', () => {
    expect(explain(timer('sync'), { after: [] }).text).toMatch(/nothing to send now \(under Berkeley only the coordinator polls the others\)$/);
    expect(explain(timer('sync'), { after: [{ at: 5, kind: 'send', from: 'n2', to: 'time', type: 'TimeRequest' }] }).text).toMatch(/time to synchronise its clock$/);
  });

  it('the console gives up after 5 s instead of retrying', () => {
    expect(explain(timer('console'), { after: [] }).text).toMatch(/no answer within 5 s: the console shows ERR unavailable and closes its connection \(it does not retry\)$/);
  });

  it('news relayed in gossip mode is told as relayed', () => {
    expect(explain({ at: 1, kind: 'unsuspect', node: 'n1', to: 'n3', detail: 'relayed by n2' }).text).toBe('n1 stopped suspecting n3: n2 relays that it heard from n3 recently');
    expect(explain({ at: 1, kind: 'unsuspect', node: 'n1', to: 'n3' }).text).toBe('n1 heard from n3 again and stopped suspecting it');
  });
});

describe('a delivery thrown away on a closed connection', () => {
  it('says the answer reached the client but was thrown away, as chapter 10\'s lost reply does (seed 8)', () => {
    const r = runScenario('seed 8\nrun until leader within 2s\npub orders charge 20 EUR --id pay-2 --via leader --client shop\nrun until in-flight ClientReply to=shop within 2s\nreset shop leader\nrun until publish pay-2 ok within 12s\n');
    expect(r.failure?.message).toBeUndefined();
    const j = r.runner.cluster.journal();
    const lost = j.find((e) => e.kind === 'deliver' && e.type === 'ClientReply' && e.detail === 'connection closed')!;
    expect(sentence(lost)).toMatch(/^n\d's answer “OK published pay-2” reached client shop, but shop had already closed that connection \(a reset, a crash or a disconnect\), so it throws it away: the answer is lost/);
    // The answer to the retry is taken: "got".
    const taken = j.filter((e) => e.kind === 'deliver' && e.type === 'ClientReply' && e.detail === undefined).at(-1)!;
    expect(sentence(taken)).toMatch(/^Client shop got n\d's answer: /);
  });
});
