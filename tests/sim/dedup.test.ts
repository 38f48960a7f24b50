// Dedup end to end: a publisher retries with the same id after a lost reply, a leader failover or a
// restart of every node, and the replicated dedup table keeps each id stored once per topic; with a
// window too small or dedup off the duplicate gets through and the checker names it. Failures name the seed.
import { describe, expect, it } from 'vitest';
import { type ClusterOptions, type Publish, type SimCluster, type TopicRecord } from '../../src/sim/index';
import { at, run, stable as stable3, until, withSeed } from './helpers';

const stable = (seed: number, options: ClusterOptions = {}): ReturnType<typeof stable3> => stable3(seed, { nodes: 5, ...options });

// ---- helpers -----------------------------------------------------------------------------------


/** Processes one event at a time until `done()` holds. */
function stepUntil(c: SimCluster, done: () => boolean, what: string, maxSteps = 200_000): void {
  for (let i = 0; i < maxSteps && !done(); i++) if (!c.step()) break;
  expect(done(), at(c, `never saw: ${what}`)).toBe(true);
}


/** Waits until the publish is acknowledged (the client gives up after 10 s of retrying). */
function acked(c: SimCluster, p: Publish, withinMs = 12_000): void {
  until(c, () => p.status !== 'pending', withinMs);
  expect(p.status, at(c, `publish ${p.id}`)).toBe('ok');
}

/** The current leader has committed its whole log, and every up node has applied all of it. */
function caughtUp(c: SimCluster): void {
  const ok = until(c, () => {
    const l = c.leader();
    if (l === undefined) return false;
    const v = c.node(l);
    const target = v.log.length;
    return v.commitIndex === target && c.nodeIds.every((id) => !c.node(id).up || c.node(id).lastApplied >= target);
  }, 5000);
  expect(ok, at(c, 'nodes did not catch up')).toBe(true);
}

const copies = (c: SimCluster, node: string, topic: string, id: string): TopicRecord[] =>
  c.history(node, topic).filter((r) => r.id === id);

/** `id` is stored exactly once in `topic` on every node, at `offset` when given. */
function storedOnce(c: SimCluster, topic: string, id: string, offset?: number): void {
  for (const node of c.nodeIds) {
    const found = copies(c, node, topic, id);
    expect(found.length, at(c, `${topic} id ${id} on ${node}: ${found.length} copies`)).toBe(1);
    if (offset !== undefined) expect(found[0].offset, at(c, `${topic} id ${id} on ${node}: offset`)).toBe(offset);
  }
}

const hasEntry = (c: SimCluster, node: string, id: string): boolean =>
  c.node(node).log.some((e) => (e.command as { id?: string } | null)?.id === id);

const ownerIndex = (c: SimCluster, node: string, id: string): number =>
  c.node(node).log.find((e) => (e.command as { id?: string } | null)?.id === id)?.index ?? 0;

// ---- a lost reply -------------------------------------------------------------------------------

describe('a retry after a lost reply is not stored twice', () => {
  it('the leader stored the message but the connection breaks before its OK published arrives: the publisher is told, retries the same id at another node, is told OK duplicate with the original offset, and the topic holds it once', () => {
    withSeed(101, () => {
      const { c, leader } = stable(101);
      const first = c.publish('orders', 'order #1', { via: leader, id: 'warm-up' });
      acked(c, first);
      const p = c.publish('orders', 'order #2', { via: leader, id: 'lost-reply' });
      const reply = (): number | undefined =>
        c.inFlight().find((m) => m.type === 'ClientReply' && m.to === 'pub' && m.from === leader)?.id;
      stepUntil(c, () => reply() !== undefined, 'the leader’s reply in flight');
      // The leader stored it before answering.
      const original = copies(c, leader, 'orders', 'lost-reply');
      expect(original.length, at(c, 'stored before the reply')).toBe(1);
      // Over TCP a lost packet is resent; what loses a reply for good is the connection breaking.
      expect(c.resetConnection('pub', leader), at(c, 'reset')).toBe(true);
      acked(c, p);
      expect(p.offset, at(c, 'acked with the original offset')).toBe(original[0].offset);
      expect(p.attempts, at(c, 'attempts')).toBeGreaterThanOrEqual(2);
      const lines = c.clientLog('pub').map((l) => l.line);
      expect(lines, at(c, 'transcript')).toContain('(connection closed: the connection was reset)');
      expect(lines.at(-1), at(c, 'the retry was answered as a duplicate')).toBe('OK duplicate lost-reply');
      caughtUp(c);
      storedOnce(c, 'orders', 'lost-reply', original[0].offset);
      expect(c.history(leader, 'orders').map((r) => r.offset), at(c, 'offsets')).toEqual([1, 2]);
    });
  });

  it('under 20 % loss and 30 % duplication of every message (client requests and replies included), 40 publishes with retries are each stored once, at the offset they were acked with', () => {
    withSeed(102, () => {
      const { c } = stable(102);
      c.setNetwork({ dropRate: 0.2, duplicateRate: 0.3, reorderRate: 0.2 });
      const handles: Publish[] = [];
      for (let i = 0; i < 40; i++) {
        handles.push(c.publish(i % 2 === 0 ? 'even' : 'odd', `message ${i}`, { client: `p${i % 4}`, id: `lossy-${i}` }));
        run(c, 25);
      }
      until(c, () => handles.every((h) => h.status !== 'pending'), 15_000);
      c.setNetwork({ dropRate: 0, duplicateRate: 0, reorderRate: 0 });
      caughtUp(c);
      run(c, 500);
      const retried = handles.filter((h) => h.attempts > 1).length;
      expect(retried, at(c, 'some publishes needed a retry (else this test proves nothing)')).toBeGreaterThan(0);
      const ok = handles.filter((h) => h.status === 'ok');
      expect(ok.length, at(c, 'most publishes acked')).toBeGreaterThan(30);
      for (const h of handles) {
        const topic = Number(h.id.split('-')[1]) % 2 === 0 ? 'even' : 'odd';
        // A failed publish has an unknown outcome: stored once or not at all, never twice.
        if (h.status === 'ok') storedOnce(c, topic, h.id, h.offset);
        else expect(copies(c, c.nodeIds[0], topic, h.id).length, at(c, `${h.id} failed`)).toBeLessThanOrEqual(1);
      }
      for (const topic of ['even', 'odd']) {
        const ids = c.history(c.nodeIds[0], topic).map((r) => r.id);
        expect(new Set(ids).size, at(c, `${topic}: no id twice`)).toBe(ids.length);
        expect(ids.length, at(c, `${topic}: at most the 20 published`)).toBeLessThanOrEqual(20);
      }
      c.checkMessaging();
      expect(c.violations(), at(c, 'violations')).toEqual([]);
    });
  });
});

// ---- leader failover ----------------------------------------------------------------------------

describe('a retry after leader failover is not stored twice', () => {
  it('the leader crashes after a majority appended the entry but before it could commit and reply: the new leader commits it, the retry is answered OK duplicate, and it is stored once (also on the old leader after restart)', () => {
    withSeed(111, () => {
      const { c, leader, followers } = stable(111);
      const p = c.publish('orders', 'failover order', { via: leader, id: 'fo-1' });
      // Two followers + the leader = a majority hold it; the leader has not heard their acks yet.
      stepUntil(c, () => followers.filter((f) => hasEntry(c, f, 'fo-1')).length >= 2, 'two followers appended fo-1');
      const index = ownerIndex(c, leader, 'fo-1');
      expect(c.node(leader).commitIndex, at(c, 'not committed yet')).toBeLessThan(index);
      c.crash(leader);
      acked(c, p);
      const next = c.leader()!;
      expect(next, at(c, 'a new leader')).not.toBe(leader);
      const stored = copies(c, next, 'orders', 'fo-1');
      expect(stored.length, at(c, 'stored on the new leader')).toBe(1);
      expect(p.offset, at(c, 'acked at the stored offset')).toBe(stored[0].offset);
      expect(c.clientLog('pub').at(-1)?.line, at(c, 'the retry was a duplicate')).toBe('OK duplicate fo-1');
      c.restart(leader);
      caughtUp(c);
      storedOnce(c, 'orders', 'fo-1', stored[0].offset);
      c.checkMessaging();
    });
  });

  it('the leader crashes before anyone else got the entry: the retry is stored by the new leader, and the old leader’s copy is overwritten when it comes back, so it is stored once', () => {
    withSeed(112, () => {
      const { c, leader } = stable(112);
      const p = c.publish('orders', 'lost with the leader', { via: leader, id: 'fo-2' });
      stepUntil(c, () => hasEntry(c, leader, 'fo-2'), 'the leader appended fo-2');
      c.crash(leader);
      acked(c, p);
      const next = c.leader()!;
      const stored = copies(c, next, 'orders', 'fo-2');
      expect(stored.length, at(c, 'stored on the new leader')).toBe(1);
      expect(p.offset, at(c, 'acked offset')).toBe(stored[0].offset);
      c.restart(leader);
      caughtUp(c);
      run(c, 500);
      storedOnce(c, 'orders', 'fo-2', stored[0].offset);
      // The old leader's own entry for fo-2 is gone from its log (overwritten), the new one is there.
      expect(c.node(leader).log.filter((e) => (e.command as { id?: string } | null)?.id === 'fo-2').length, at(c, 'one entry')).toBe(1);
    });
  });

  it('the dedup table is replicated state: an id acked by one leader is recognised by the next one (the original kept it in the leader’s memory only)', () => {
    withSeed(113, () => {
      const { c, leader } = stable(113);
      const p = c.publish('orders', 'once', { via: leader, id: 'replicated-1' });
      acked(c, p);
      caughtUp(c);
      c.crash(leader);
      expect(until(c, () => c.leader() !== undefined, 3000), at(c, 'new leader')).toBe(true);
      const next = c.leader()!;
      const h = c.command(next, 'PUB orders --id replicated-1 once');
      until(c, () => h.done, 6000);
      expect(h.lines, at(c, `${next} recognises it`)).toEqual(['OK duplicate replicated-1']);
      const again = c.publish('orders', 'once', { via: next, id: 'replicated-1' });
      acked(c, again);
      expect(again.offset, at(c, 'same offset')).toBe(p.offset);
      run(c, 300);
      for (const id of c.nodeIds.filter((x) => x !== leader)) expect(copies(c, id, 'orders', 'replicated-1').length, at(c, id)).toBe(1);
    });
  });

  it('an id is recorded only when its entry is applied: a PUB that timed out on a cut-off leader does not make the same id a duplicate later', () => {
    withSeed(114, () => {
      const { c, leader } = stable(114);
      c.partition([[leader], c.nodeIds.filter((id) => id !== leader)]);
      const h = c.command(leader, 'PUB orders --id never-applied first try');
      until(c, () => h.done, 6000);
      expect(h.lines, at(c, 'cut off')).toEqual(['ERR timeout_waiting_commit']);
      c.heal();
      expect(until(c, () => c.leader() !== undefined && c.leader() !== leader, 3000), at(c, 'new leader')).toBe(true);
      const next = c.leader()!;
      const h2 = c.command(next, 'PUB orders --id never-applied second try');
      until(c, () => h2.done, 6000);
      expect(h2.lines, at(c, 'not a duplicate')).toEqual(['OK published never-applied']);
      caughtUp(c);
      run(c, 300);
      storedOnce(c, 'orders', 'never-applied');
      expect(copies(c, next, 'orders', 'never-applied')[0].message, at(c, 'the applied one')).toBe('second try');
    });
  });
});

// ---- restart of every node ----------------------------------------------------------------------

describe('after a restart of every node', () => {
  it('state is rebuilt from the log: the same records at the same offsets, nothing stored twice, and old ids are still recognised as duplicates', () => {
    withSeed(121, () => {
      const { c } = stable(121);
      const handles: Publish[] = [];
      for (let i = 0; i < 12; i++) handles.push(c.publish(i % 3 === 0 ? 'audit' : 'orders', `record ${i}`, { client: `p${i % 3}`, id: `r${i}` }));
      until(c, () => handles.every((h) => h.status !== 'pending'), 12_000);
      for (const h of handles) expect(h.status, at(c, h.id)).toBe('ok');
      caughtUp(c);
      const before = c.nodeIds.map((id) => ({ orders: c.history(id, 'orders'), audit: c.history(id, 'audit') }));
      expect(before[0].orders.length + before[0].audit.length, at(c, 'all stored')).toBe(12);

      for (const id of c.nodeIds) c.crash(id);
      for (const id of c.nodeIds) expect(c.history(id, 'orders'), at(c, `${id} down`)).toEqual([]);
      for (const id of c.nodeIds) c.restart(id);
      expect(until(c, () => c.leader() !== undefined, 3000), at(c, 'leader after restart')).toBe(true);
      caughtUp(c);
      const after = c.nodeIds.map((id) => ({ orders: c.history(id, 'orders'), audit: c.history(id, 'audit') }));
      expect(after, at(c, 'rebuilt state differs')).toEqual(before);

      // Every old id is still a duplicate, at its original offset, through the protocol and the publisher.
      const leader = c.leader()!;
      for (const h of handles) {
        const topic = Number(h.id.slice(1)) % 3 === 0 ? 'audit' : 'orders';
        const line = c.command(leader, `PUB ${topic} --id ${h.id} again`);
        until(c, () => line.done, 6000);
        expect(line.lines, at(c, `${h.id} after restart`)).toEqual([`OK duplicate ${h.id}`]);
      }
      const retry = c.publish('orders', 'again', { id: 'r1' });
      acked(c, retry);
      expect(retry.offset, at(c, 'r1 offset')).toBe(handles[1].offset);
      run(c, 500);
      expect(c.nodeIds.map((id) => ({ orders: c.history(id, 'orders'), audit: c.history(id, 'audit') })), at(c, 'nothing added')).toEqual(before);
      c.checkMessaging();
    });
  });

  it('the dedup window is rebuilt exactly: with a window of 2, the same ids are remembered and forgotten after a restart as before it', () => {
    withSeed(122, () => {
      const { c } = stable(122, { broker: { dedupWindow: 2 }, checkers: 'record' });
      for (const id of ['a', 'b', 'c']) acked(c, c.publish('t', id, { id }));
      caughtUp(c);
      for (const id of c.nodeIds) c.crash(id);
      for (const id of c.nodeIds) c.restart(id);
      expect(until(c, () => c.leader() !== undefined, 3000), at(c, 'leader')).toBe(true);
      caughtUp(c);
      // b and c are in the window; a was evicted when c was stored.
      const b = c.publish('t', 'b', { id: 'b' });
      acked(c, b);
      expect(b.offset, at(c, 'b is a duplicate')).toBe(2);
      const a = c.publish('t', 'a', { id: 'a' });
      acked(c, a);
      expect(a.offset, at(c, 'a is stored again')).toBe(4);
      caughtUp(c);
      expect(c.history(c.nodeIds[0], 't').map((r) => r.id), at(c, 'records')).toEqual(['a', 'b', 'c', 'a']);
    });
  });
});

// ---- window too small, dedup off ----------------------------------------------------------------

describe('when dedup cannot help', () => {
  it('with dedupWindow 2: X, then one other, then X is a duplicate; X, then 3 others, then X is stored twice, and the checker lists it as a finding of the window (not a violation) with the seed', () => {
    withSeed(131, () => {
      const { c } = stable(131, { broker: { dedupWindow: 2 }, checkers: 'record' });
      const x = c.publish('t', 'X', { id: 'X' });
      acked(c, x);
      acked(c, c.publish('t', 'o1', { id: 'o1' }));
      const again = c.publish('t', 'X', { id: 'X' });
      acked(c, again);
      expect(again.offset, at(c, 'still in the window')).toBe(x.offset);
      expect(c.violations(), at(c, 'no violation yet')).toEqual([]);
      for (const id of ['o2', 'o3', 'o4']) acked(c, c.publish('t', id, { id }));
      const late = c.publish('t', 'X', { id: 'X' });
      acked(c, late);
      expect(late.offset, at(c, 'stored again at a new offset')).toBe(6);
      caughtUp(c);
      for (const id of c.nodeIds) {
        expect(c.history(id, 't').map((r) => r.id), at(c, `${id} records`)).toEqual(['X', 'o1', 'o2', 'o3', 'o4', 'X']);
      }
      // The window's documented limit (issue 10): a finding, not a broken safety property.
      expect(c.violations(), at(c, 'no violation')).toEqual([]);
      const dup = c.findings().filter((v) => v.property === 'Id stored again after it left the dedup window');
      expect(dup.length, at(c, 'checker noticed')).toBeGreaterThan(0);
      expect(dup[0].message, at(c, 'names the id')).toContain('id X stored again in topic t at offset 6: its first copy (offset 1) was 5 records back, beyond the dedup window of 2 ids per topic');
      expect(dup[0].message, at(c, 'names the seed')).toContain('(seed 131)');
      expect(dup[0].seed).toBe(131);
    });
  });

  it('with dedup disabled (broker.dedup false) a repeated id gets OK published again, is stored twice, and the checker notices', () => {
    withSeed(132, () => {
      const { c, leader } = stable(132, { broker: { dedup: false }, checkers: 'record' });
      const ask = (line: string): string[] => {
        const h = c.command(leader, line);
        until(c, () => h.done, 6000);
        return [...h.lines];
      };
      expect(ask('PUB t --id same first'), at(c, 'first')).toEqual(['OK published same']);
      expect(ask('PUB t --id same second'), at(c, 'second')).toEqual(['OK published same']);
      const retry = c.publish('t', 'third', { id: 'same' });
      acked(c, retry);
      expect(retry.offset, at(c, 'a third copy')).toBe(3);
      caughtUp(c);
      for (const id of c.nodeIds) expect(copies(c, id, 't', 'same').length, at(c, id)).toBe(3);
      expect(c.violations().map((v) => v.property), at(c, 'checker')).toContain('No duplicate id in a topic');
    });
  });

  it('with dedup disabled, the checker in throw mode stops the run at the second copy with a CheckerViolation naming the seed', () => {
    withSeed(133, () => {
      const { c, leader } = stable(133, { broker: { dedup: false } });
      const h = c.command(leader, 'PUB t --id twice one');
      until(c, () => h.done, 6000);
      c.command(leader, 'PUB t --id twice two');
      expect(() => run(c, 1000), at(c, 'throws')).toThrow(/No duplicate id in a topic broken at t=[\d.]+ms \(seed 133\): id twice stored twice in topic t/);
    });
  });
});
