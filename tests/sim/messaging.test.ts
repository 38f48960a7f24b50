// Messaging through the headless API: publish handles, the simulated publisher's retries and redirects,
// per-topic offsets on every node, subscriber delivery through the hold-back buffer (order, late
// messages, exactly once), and determinism. Every checker is on; every failure message names the seed.
import { describe, expect, it } from 'vitest';
import { HoldbackBuffer } from '../../src/core/clocks/holdback';
import { createCluster, type ClusterOptions, type Publish, type SimCluster, type SimEvent, type TopicRecord } from '../../src/sim/index';
import { at, run, stable, until, withSeed } from './helpers';

// ---- helpers -----------------------------------------------------------------------------------



function ask(c: SimCluster, node: string, line: string, client = 'console'): string[] {
  const h = c.command(node, line, { client });
  expect(until(c, () => h.done, 6000), at(c, `no reply to ${line} at ${node}`)).toBe(true);
  return [...h.lines];
}

function settle(c: SimCluster, handles: readonly Publish[], withinMs = 12_000): void {
  until(c, () => handles.every((h) => h.status !== 'pending'), withinMs);
  for (const h of handles) expect(h.status, at(c, `publish ${h.id}`)).toBe('ok');
}

/** The current leader has committed its whole log and every up node has applied it. */
function caughtUp(c: SimCluster): void {
  const ok = until(c, () => {
    const l = c.leader();
    if (l === undefined) return false;
    const v = c.node(l);
    return v.commitIndex === v.log.length && c.nodeIds.every((id) => !c.node(id).up || c.node(id).lastApplied >= v.log.length);
  }, 5000);
  expect(ok, at(c, 'nodes did not catch up')).toBe(true);
}

const msgLine = (topic: string, r: TopicRecord): string =>
  `MSG ${topic} ${r.id} ${r.offset} ${Math.round(r.ts)} ${Math.round(r.correctedTs)} ${r.lamport} ${r.message}`;

/** Hold-back release order: corrected timestamp, then Lamport stamp, then id. */
const releaseOrder = (a: TopicRecord, b: TopicRecord): number =>
  a.correctedTs - b.correctedTs || a.lamport - b.lamport || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Exact clocks (no offset, no drift, no sync): stamps are true time, so tests can place them. */
const EXACT_CLOCKS: ClusterOptions['clocks'] = { offsetMsMax: 0, driftPpmMax: 0, sync: 'off' };

// ---- the publish handle -------------------------------------------------------------------------

describe('Cluster.publish handles', () => {
  it('start pending, turn ok with the 1-based offset of their topic (counted per topic), and carry the client-made id <client>:<n>', () => {
    withSeed(201, () => {
      const { c } = stable(201);
      const topics = ['a', 'a', 'b', 'a', 'b'];
      const handles: Publish[] = [];
      for (const t of topics) {
        const h = c.publish(t, `to ${t}`);
        expect(h.status, at(c, 'pending at first')).toBe('pending');
        expect(h.offset, at(c, 'no offset yet')).toBeUndefined();
        expect(h.startedAt, at(c, 'startedAt')).toBe(c.now);
        settle(c, [h]);
        expect(h.doneAt! - h.startedAt, at(c, 'doneAt after startedAt')).toBeGreaterThan(0);
        handles.push(h);
      }
      expect(handles.map((h) => h.offset), at(c, 'offsets')).toEqual([1, 2, 1, 3, 2]);
      expect(handles.map((h) => h.id), at(c, 'ids')).toEqual(['pub:1', 'pub:2', 'pub:3', 'pub:4', 'pub:5']);
      // Another client numbers its own.
      const other = c.publish('a', 'from q', { client: 'q' });
      settle(c, [other]);
      expect([other.id, other.offset], at(c, 'client q')).toEqual(['q:1', 4]);
    });
  });

  it('turn failed when every node is down: the publisher is refused at every node, keeps retrying for 10 s, then gives up (journal: publishFailed); nothing is stored', () => {
    withSeed(202, () => {
      const { c } = stable(202);
      for (const id of c.nodeIds) c.crash(id);
      const refusedBefore = c.journal().filter((e) => e.kind === 'refused').length;
      const p = c.publish('t', 'into the void', { id: 'void-1' });
      run(c, 9900);
      expect(p.status, at(c, 'still trying before 10 s')).toBe('pending');
      expect(p.attempts, at(c, 'retries')).toBeGreaterThan(5);
      expect(c.journal().filter((e) => e.kind === 'refused').length - refusedBefore, at(c, 'refusals')).toBe(p.attempts);
      until(c, () => p.status !== 'pending', 4000);
      expect(p.status, at(c, 'gave up')).toBe('failed');
      expect(p.offset, at(c, 'no offset')).toBeUndefined();
      expect(p.doneAt! - p.startedAt, at(c, 'after 10 s')).toBeGreaterThanOrEqual(10_000);
      expect(c.journal().some((e) => e.kind === 'publishFailed' && e.detail === 't void-1'), at(c, 'journalled')).toBe(true);
      for (const id of c.nodeIds) c.restart(id);
      run(c, 2000);
      expect(p.status, at(c, 'failed is final')).toBe('failed');
      for (const id of c.nodeIds) expect(c.history(id, 't'), at(c, `${id} history`)).toEqual([]);
    });
  });

  it('of a repeated id turn ok with the offset of the stored original (OK duplicate), whatever the new text, from any client', () => {
    withSeed(203, () => {
      const { c } = stable(203);
      const first = c.publish('orders', 'the original', { id: 'k-1' });
      const filler = c.publish('orders', 'filler', { id: 'k-2' });
      settle(c, [first, filler]);
      const again = c.publish('orders', 'a different text', { id: 'k-1', client: 'someone-else' });
      settle(c, [again]);
      expect(again.offset, at(c, 'original offset')).toBe(first.offset);
      expect(c.clientLog('someone-else').at(-1)?.line, at(c, 'reply')).toBe('OK duplicate k-1');
      caughtUp(c);
      for (const id of c.nodeIds) {
        expect(c.history(id, 'orders').filter((r) => r.id === 'k-1').map((r) => r.message), at(c, id)).toEqual(['the original']);
      }
    });
  });
});

// ---- where the publisher sends --------------------------------------------------------------------

describe('the simulated publisher', () => {
  it('through a follower: the follower forwards and answers OK REDIRECTED <id>', () => {
    withSeed(211, () => {
      const { c, followers } = stable(211);
      const p = c.publish('t', 'via follower', { via: followers[0], id: 'fw-1' });
      settle(c, [p]);
      expect(p.offset, at(c, 'offset')).toBe(1);
      expect(p.attempts, at(c, 'one attempt')).toBe(1);
      expect(c.clientLog('pub').map((l) => [l.node, l.dir, l.line]), at(c, 'transcript')).toEqual([
        [followers[0], 'out', 'PUB t --id fw-1 via follower'],
        [followers[0], 'in', 'OK REDIRECTED fw-1'],
      ]);
    });
  });

  it('follows REDIRECT <leader>: a follower that cannot reach the leader answers REDIRECT after 1.5 s and the publisher goes straight to that leader', () => {
    withSeed(212, () => {
      const { c, leader, followers } = stable(212, { nodes: 5 });
      const f = followers[0];
      c.partition([[f], c.nodeIds.filter((id) => id !== f)]);
      const p = c.publish('t', 'redirected', { via: f, id: 'rd-1' });
      settle(c, [p]);
      expect(c.clientLog('pub').map((l) => [l.node, l.dir, l.line]), at(c, 'transcript')).toEqual([
        [f, 'out', 'PUB t --id rd-1 redirected'],
        [f, 'in', `REDIRECT ${leader}`],
        [leader, 'out', 'PUB t --id rd-1 redirected'],
        [leader, 'in', 'OK published rd-1'],
      ]);
      expect(p.doneAt! - p.startedAt, at(c, 'after the forward timeout')).toBeGreaterThan(1500);
      expect(p.doneAt! - p.startedAt, at(c, 'then one pause and one round trip')).toBeLessThan(1700);
    });
  });

  it('after a failover, a follower whose forward went unanswered sends the publisher to the new leader, or stores the PUB itself when it became that leader: never REDIRECT to the crashed one', () => {
    const branches = { redirected: 0, storedItself: 0 };
    for (let seed = 221; seed <= 236; seed++) {
      withSeed(seed, () => {
        const { c, leader, followers } = stable(seed, { nodes: 5 });
        const f = followers[0];
        // The PUB reaches f while it still follows the leader, which is gone by the time the forward arrives.
        const p = c.publish('t', 'failover', { via: f, id: `fo-${seed}` });
        c.crash(leader);
        settle(c, [p]);
        const lines = c.clientLog('pub').map((l) => [l.node, l.dir, l.line]);
        expect(lines[0], at(c, 'first attempt')).toEqual([f, 'out', `PUB t --id fo-${seed} failover`]);
        const answer = lines[1];
        expect(answer[0], at(c, 'answered by f')).toBe(f);
        expect(answer[2], at(c, 'not sent to the crashed leader')).not.toBe(`REDIRECT ${leader}`);
        const now = c.leader();
        if (answer[2] === `OK published fo-${seed}`) {
          expect(f, at(c, 'f stored it: it is the new leader')).toBe(now);
          branches.storedItself++;
        } else {
          expect(answer[2], at(c, 'sent to the new leader')).toBe(`REDIRECT ${now}`);
          expect(lines[2], at(c, 'which the publisher tries next')).toEqual([now, 'out', `PUB t --id fo-${seed} failover`]);
          branches.redirected++;
        }
        expect(p.offset, at(c, 'stored once')).toBe(1);
      });
    }
    expect(branches.redirected, 'seeds 221-236: some follower redirected').toBeGreaterThan(0);
    expect(branches.storedItself, 'seeds 221-236: some follower had become the leader').toBeGreaterThan(0);
  });

  it('moves to another node on ERR not_leader (before any leader exists) and is acked once one is elected', () => {
    withSeed(213, () => {
      const c = createCluster({ seed: 213, nodes: 3, startupGraceMs: 600 });
      const p = c.publish('t', 'early bird', { via: 'n1', id: 'early' });
      settle(c, [p], 5000);
      const lines = c.clientLog('pub');
      expect([lines[0].node, lines[1].line], at(c, 'first answer')).toEqual(['n1', 'ERR not_leader']);
      expect(lines[2].node, at(c, 'then another node')).not.toBe('n1');
      expect(p.offset, at(c, 'stored')).toBe(1);
    });
  });

  it('moves off a down node at once (the connection is refused) and is acked by another', () => {
    withSeed(214, () => {
      const { c, followers } = stable(214);
      const down = followers[0];
      c.crash(down);
      const p = c.publish('t', 'not there', { via: down, id: 'down-1' });
      expect(c.journal().at(-1), at(c, 'refused')).toMatchObject({ kind: 'refused', from: 'pub', to: down });
      settle(c, [p]);
      expect(p.attempts, at(c, 'attempts')).toBe(2);
      expect(p.doneAt! - p.startedAt, at(c, 'one 50 ms pause and one round trip')).toBeLessThan(200);
      const nodes = c.clientLog('pub').filter((l) => l.dir === 'out').map((l) => l.node);
      expect(nodes[0], at(c, 'first')).toBe(down);
      expect(nodes[1], at(c, 'second')).not.toBe(down);
    });
  });

  it('moves on after 2 s without a reply (its node is cut off), with the same id', () => {
    withSeed(215, () => {
      const { c, followers } = stable(215);
      c.disconnect(followers[0]);
      const p = c.publish('t', 'silence', { via: followers[0], id: 'quiet-1' });
      settle(c, [p]);
      const log = c.clientLog('pub');
      // The publisher also closes that connection (issue 10): a line still being resent must not arrive later.
      expect(log.map((l) => l.line).slice(0, 3), at(c, 'transcript')).toEqual([
        'PUB t --id quiet-1 silence', '(no reply: timed out)', '(connection closed: no reply within 2 s: closed by the client)',
      ]);
      expect(log[1].at - log[0].at, at(c, 'request timeout')).toBeCloseTo(2000, 6);
      expect(log[3].line, at(c, 'same id')).toBe('PUB t --id quiet-1 silence');
      expect(log[3].node, at(c, 'another node')).not.toBe(followers[0]);
      expect(p.offset, at(c, 'stored once')).toBe(1);
    });
  });

  // src bug (sim/brokerNode.ts, publish(): `this.pending.set(at.index, p)`): a pending PUB of an older
  // term at the same log index is overwritten without an answer and stays in pendingById, so every
  // retry of its id joins an orphan that is never answered. Remove `.fails` once fixed.
  it('whose entry was overwritten after a leader change still gets its message stored and acknowledged in a healed cluster', () => {
    // Leader A, cut off alone, accepts X, Y, Z (log indices i..i+2, waiting for commit). The others
    // elect C, whose no-op lands at index i. Healed, A takes C's entry at i (truncating X, Y, Z), is
    // elected again at once, appends its no-op at i+1 and, for W, a new entry at i+2 — the index of
    // one of X/Y/Z's pending records, which is then replaced without an answer, leaving its id in
    // pendingById: every retry of that id joins the orphan and is never answered.
    withSeed(216, () => {
      const { c, leader: a } = stable(216, { nodes: 5 });
      const rest = c.nodeIds.filter((id) => id !== a);
      c.partition([[a], rest]);
      const base = c.node(a).log.length;
      const xyz = ['X', 'Y', 'Z'].map((id) => c.publish('t', id.toLowerCase(), { via: a, id }));
      expect(until(c, () => c.node(a).log.length === base + 3, 200), at(c, 'A appended X, Y, Z')).toBe(true);
      expect(until(c, () => rest.some((id) => c.node(id).role === 'leader'), 1500), at(c, 'majority leader')).toBe(true);
      c.heal();
      const truncated = (): boolean => c.node(a).role === 'follower' && c.node(a).log.length === base + 1;
      expect(until(c, truncated, 500), at(c, 'A took the new leader’s entry at i')).toBe(true);
      c.timeout(a);
      expect(until(c, () => c.node(a).role === 'leader', 300), at(c, 'A leads again')).toBe(true);
      const w = c.publish('t', 'w', { via: a, id: 'W' });
      run(c, 12_000);
      for (const p of [...xyz, w]) expect(p.status, at(c, `publish ${p.id} in a healed cluster`)).toBe('ok');
      expect(c.history(a, 't').map((r) => r.id).sort(), at(c, 'stored')).toEqual(['W', 'X', 'Y', 'Z']);
    });
  });
});

// ---- offsets and history ------------------------------------------------------------------------

describe('offsets and history', () => {
  it('concurrent publishers on several topics: every node holds each topic at offsets 1..n, identical everywhere, each message at the offset it was acked with', () => {
    withSeed(221, () => {
      const { c } = stable(221, { nodes: 5 });
      const topics = ['orders', 'audit', 'chat'];
      const handles: Array<{ h: Publish; topic: string }> = [];
      for (let i = 0; i < 60; i++) {
        const topic = topics[i % 3];
        handles.push({ h: c.publish(topic, `message ${i}`, { client: `p${(i % 4) + 1}` }), topic });
        run(c, 5);
      }
      settle(c, handles.map((x) => x.h));
      caughtUp(c);
      const ref = c.nodeIds[0];
      expect(c.topics(ref), at(c, 'topics in first-store order')).toHaveLength(3);
      for (const topic of topics) {
        const records = c.history(ref, topic);
        expect(records.map((r) => r.offset), at(c, `${topic} offsets`)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        for (const id of c.nodeIds) {
          expect(c.history(id, topic), at(c, `${id} ${topic}`)).toEqual(records);
          expect(c.topics(id), at(c, `${id} topics`)).toEqual(c.topics(ref));
        }
      }
      for (const { h, topic } of handles) {
        expect(c.history(ref, topic)[h.offset! - 1]?.id, at(c, `${h.id} at its acked offset`)).toBe(h.id);
      }
      c.checkMessaging();
    });
  });

  it('a down node has no history and no topics; after restart it rebuilds both from the log', () => {
    withSeed(222, () => {
      const { c, followers } = stable(222);
      settle(c, ['x', 'y', 'x'].map((t, i) => c.publish(t, `m${i}`)));
      caughtUp(c);
      const node = followers[0];
      const before = { x: c.history(node, 'x'), y: c.history(node, 'y'), topics: c.topics(node) };
      // In order of first publish committed: the three leave at once, so either can come first.
      expect([...before.topics].sort(), at(c, 'topics')).toEqual(['x', 'y']);
      c.crash(node);
      expect([c.history(node, 'x'), c.history(node, 'y'), c.topics(node)], at(c, 'down')).toEqual([[], [], []]);
      c.restart(node);
      caughtUp(c);
      expect({ x: c.history(node, 'x'), y: c.history(node, 'y'), topics: c.topics(node) }, at(c, 'rebuilt')).toEqual(before);
    });
  });
});

// ---- subscribers --------------------------------------------------------------------------------

describe('subscribers', () => {
  it('on every node receive every message of their topic exactly once, gap-free, each MSG line matching the stored record, with the non-late ones in hold-back order (correctedTs, lamport, id)', () => {
    withSeed(231, () => {
      const { c } = stable(231, { nodes: 5 });
      const subs = c.nodeIds.map((node, i) => ({ client: `s${i + 1}`, node, topic: i % 2 === 0 ? 'even' : 'odd' }));
      for (const s of subs) expect(ask(c, s.node, `SUB ${s.topic}`, s.client), at(c, s.client)).toEqual([`OK subscribed ${s.topic}`]);
      const handles: Publish[] = [];
      for (let i = 0; i < 40; i++) {
        handles.push(c.publish(i % 2 === 0 ? 'even' : 'odd', `n${i}`, { client: `p${(i % 4) + 1}` }));
        run(c, 3);
      }
      settle(c, handles);
      caughtUp(c);
      run(c, 1000);
      for (const s of subs) {
        const records = c.history(s.node, s.topic);
        expect(records.length, at(c, `${s.topic} stored`)).toBe(20);
        const got = c.received(s.client);
        expect(got.map((m) => m.offset).sort((x, y) => x - y), at(c, `${s.client} on ${s.node}: each offset once`)).toEqual(records.map((r) => r.offset));
        for (const m of got) {
          expect([m.node, m.topic], at(c, `${s.client} source`)).toEqual([s.node, s.topic]);
          expect(m.line, at(c, `${s.client} offset ${m.offset}`)).toBe(msgLine(s.topic, records[m.offset - 1]));
        }
        const inOrder = got.filter((m) => !m.late).map((m) => records[m.offset - 1]);
        const sorted = [...inOrder].sort(releaseOrder);
        expect(inOrder.map((r) => r.offset), at(c, `${s.client}: release order`)).toEqual(sorted.map((r) => r.offset));
      }
      c.checkMessaging();
    });
  });

  it('the hold-back buffer orders by corrected timestamp, not by offset: a message stamped earlier (the leader’s clock stepped back) is delivered first, and neither is late', () => {
    withSeed(232, () => {
      const { c, leader, followers } = stable(232, { clocks: EXACT_CLOCKS, broker: { maxDelayMs: 300 } });
      const f = followers[0];
      expect(ask(c, f, 'SUB t', 'r'), at(c, 'SUB')).toEqual(['OK subscribed t']);
      expect(ask(c, leader, 'PUB t --id first stamped now'), at(c, 'first')).toEqual(['OK published first']);
      c.setClock(leader, { stepMs: -150 });
      expect(ask(c, leader, 'PUB t --id second stamped 150 ms earlier'), at(c, 'second')).toEqual(['OK published second']);
      expect(until(c, () => c.received('r').length === 2, 2000), at(c, 'both delivered')).toBe(true);
      const [a, b] = c.history(f, 't');
      expect(b.correctedTs, at(c, 'second is stamped earlier')).toBeLessThan(a.correctedTs);
      expect(c.received('r').map((m) => [m.offset, m.late]), at(c, 'delivered in stamp order')).toEqual([
        [2, false],
        [1, false],
      ]);
      // Each was held until maxDelayMs after its own stamp (on the follower's exact clock).
      expect(c.received('r')[0].at, at(c, 'second released')).toBeGreaterThanOrEqual(b.correctedTs + 300);
      expect(c.received('r')[1].at, at(c, 'first released')).toBeGreaterThanOrEqual(a.correctedTs + 300);
      expect(c.journal().filter((e) => e.kind === 'late'), at(c, 'nothing late')).toEqual([]);
    });
  });

  it('report a message as late when it arrives after a later-stamped one was released: a late journal event names the node, the subscriber and the offset, and the MSG is still delivered (flagged late)', () => {
    withSeed(233, () => {
      const { c, leader, followers } = stable(233, { clocks: EXACT_CLOCKS });
      const f = followers[0];
      expect(ask(c, f, 'SUB t', 'r'), at(c, 'SUB')).toEqual(['OK subscribed t']);
      expect(ask(c, leader, 'PUB t --id on-time first'), at(c, 'first')).toEqual(['OK published on-time']);
      expect(until(c, () => c.received('r').length === 1, 1000), at(c, 'first released')).toBe(true);
      const events: SimEvent[] = [];
      c.onEvent((e) => events.push(e));
      c.setClock(leader, { stepMs: -1000 });
      expect(ask(c, leader, 'PUB t --id behind stamped a second ago'), at(c, 'second')).toEqual(['OK published behind']);
      expect(until(c, () => c.received('r').length === 2, 1000), at(c, 'second delivered')).toBe(true);
      const late = events.filter((e) => e.kind === 'late');
      expect(late.length, at(c, 'one late event')).toBe(1);
      expect(late[0], at(c, 'late event')).toMatchObject({ node: f, to: 'r' });
      expect(late[0].detail, at(c, 'late detail')).toContain('t offset 2 (id behind)');
      const got = c.received('r');
      expect(got.map((m) => [m.offset, m.late]), at(c, 'received')).toEqual([
        [1, false],
        [2, true],
      ]);
      expect(got[1].line, at(c, 'late MSG line')).toBe(msgLine('t', c.history(f, 't')[1]));
    });
  });

  it('lose their subscription when its node crashes (subscriptions are volatile); a SUB after restart gets only records new to the node — not the old ones it re-applies from its own log (issue 10)', () => {
    withSeed(234, () => {
      const { c, leader, followers } = stable(234, { nodes: 5 });
      const f = followers[0];
      expect(ask(c, f, 'SUB t', 'r'), at(c, 'SUB')).toEqual(['OK subscribed t']);
      settle(c, [0, 1].map((i) => c.publish('t', `before ${i}`, { via: leader })));
      expect(until(c, () => c.received('r').length === 2, 1000), at(c, 'two')).toBe(true);
      c.crash(f);
      settle(c, [2, 3].map((i) => c.publish('t', `while down ${i}`, { via: leader })));
      // Back, but cut off from the leader: it cannot learn the commit index yet, so it has applied nothing.
      c.partition([[f], c.nodeIds.filter((id) => id !== f)]);
      c.restart(f);
      run(c, 300);
      expect(c.history(f, 't'), at(c, 'nothing applied yet')).toEqual([]);
      expect(c.received('r').length, at(c, 'the old subscription is gone')).toBe(2);
      expect(ask(c, f, 'SUB t', 'r2'), at(c, 'SUB after restart')).toEqual(['OK subscribed t']);
      c.heal();
      caughtUp(c);
      run(c, 1000);
      expect(c.received('r').length, at(c, 'still gone')).toBe(2);
      // 1 and 2 were applied here before the crash and are only re-applied; 3 and 4 are new to this node.
      expect(c.received('r2').map((m) => m.offset).sort(), at(c, 'only records new to the node')).toEqual([3, 4]);
      c.checkMessaging();
    });
  });

  it('virtual time keeps advancing while a subscriber is served: the hold-back release timer never re-fires at one instant forever', () => {
    // Regression (fixed in 1198e74): 50 small runs, one subscriber, ten publishes. Before the fix
    // about one in five spun: the timer was set for the computed release instant, there the buffer's
    // own test (correctedTs <= now − maxDelayMs) failed by one ulp, nothing was released, and the
    // timer was set for "now" again.
    const spinning: number[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      const c = createCluster({ seed, nodes: 3 });
      try {
        until(c, () => c.leader() !== undefined, 3000);
        c.command('n1', 'SUB t', { client: 's1' });
        run(c, 50);
        for (let i = 0; i < 10; i++) {
          c.publish('t', `m${i}`, { via: c.leader() });
          run(c, 100);
        }
        run(c, 3000);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.includes('livelock')) throw err;
        spinning.push(seed);
      }
    }
    expect(spinning, 'seeds whose run stopped advancing virtual time').toEqual([]);
  });

  // src bug (core/clocks/holdback.ts): release() tests `correctedTs <= nowMs − maxDelayMs` while
  // nextReleaseAt() returns `correctedTs + maxDelayMs`; (x + d) − d < x for some x, so the buffer is
  // not due at the instant it names. Since 1198e74 the broker only loses 1 µs to it; remove `.fails`
  // when release() uses the same sum.
  it('the hold-back buffer releases an item at exactly the instant nextReleaseAt() names', () => {
    const buffer = new HoldbackBuffer<string>(100);
    buffer.add({ correctedTs: 1000.3131142857143, lamport: 1, id: 'a', payload: 'a' });
    expect(buffer.release(buffer.nextReleaseAt()!).map((i) => i.id)).toEqual(['a']);
  });
});

// ---- determinism --------------------------------------------------------------------------------

describe('determinism with messaging', () => {
  const scenario = (seed: number): string[] => {
    const c = createCluster({ seed, nodes: 5, network: { dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 } });
    const events: string[] = [];
    c.onEvent((e) => events.push(JSON.stringify(e)));
    run(c, 400);
    c.command('n2', 'SUB orders', { client: 's1' });
    c.command('n4', 'SUB audit', { client: 's2' });
    for (let i = 0; i < 20; i++) {
      c.publish(i % 3 === 0 ? 'audit' : 'orders', `m${i}`, { client: `p${(i % 3) + 1}` });
      if (i === 7) c.crash(c.leader() ?? 'n1');
      if (i === 12) c.partition([['n1', 'n2'], ['n3', 'n4', 'n5']]);
      if (i === 16) c.heal();
      c.command(`n${(i % 5) + 1}`, i % 4 === 0 ? `HISTORY orders ${i}` : `PUB chat --id c${i} hello ${i}`);
      run(c, 40);
    }
    for (const id of c.nodeIds) c.restart(id);
    run(c, 5000);
    events.push(JSON.stringify({ histories: c.nodeIds.map((id) => c.topics(id).map((t) => c.history(id, t))), s1: c.received('s1'), s2: c.received('s2') }));
    return events;
  };

  it('the same seed and the same calls give an identical journal (every event, payloads included) and identical stores and deliveries', () => {
    const a = scenario(241);
    const b = scenario(241);
    expect(a.length, 'events').toBeGreaterThan(1000);
    expect(a.some((e) => e.includes('"ClientPush"')), 'the run delivered MSG pushes').toBe(true);
    expect(b).toEqual(a);
  });

  it('a different seed gives a different run', () => {
    expect(scenario(242)).not.toEqual(scenario(241));
  });
});
