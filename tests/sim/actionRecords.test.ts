// Recorded publishes are compact (no args array of their own) yet read, serialise, cross to a worker and replay as plain records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numbered } from '../../src/sim/cluster';
import { createCluster, plainAction, replay, type ActionRecord, type ClusterOptions } from '../../src/sim/index';

function run(options: ClusterOptions): ReturnType<typeof createCluster> {
  const c = createCluster(options);
  c.runFor(800);
  for (let i = 0; i < 60; i++) {
    if (i % 3 === 0) c.publish(`t${i % 2}`, `wl${1 + (i % 4)}#${i}`, { client: `wl${1 + (i % 4)}` });
    else if (i % 3 === 1) c.publish('t0', `m ${i} with spaces`, i % 2 === 0 ? {} : { via: 'n2' });
    else c.publish('t1', `x${i}`, { id: `my-${i}`, client: 'p' });
    if (i === 20) c.crash('n3');
    if (i === 40) c.restart('n3');
    c.runFor(17);
  }
  c.runFor(3000);
  return c;
}

describe('recorded publishes', () => {
  it('read as { at, events, op: "publish", args: [topic, message, options] } and keep no args array of their own', () => {
    const c = createCluster({ seed: 2 });
    c.runFor(500);
    c.publish('t1', 'hello', { client: 'wl2' });
    c.publish('t2', 'there', { id: 'abc', via: 'n1' });
    const [a, b] = c.actions();
    expect(plainAction(a)).toEqual({ at: 500, events: a.events, op: 'publish', args: ['t1', 'hello', { client: 'wl2' }] });
    expect(plainAction(b)).toEqual({ at: 500, events: b.events, op: 'publish', args: ['t2', 'there', { id: 'abc', via: 'n1' }] });
    expect(Object.getOwnPropertyNames(a)).not.toContain('args');
    expect(Object.isFrozen(a)).toBe(true);
    expect(JSON.parse(JSON.stringify(a))).toEqual(plainAction(a));
    // What crosses to a worker (structured clone keeps own fields only) must be the plain record.
    expect(structuredClone(plainAction(b))).toEqual(plainAction(b));
  });

  it("a client's publishes to one topic share one (topic, options) object; other options get their own", () => {
    const c = createCluster({ seed: 2 });
    c.runFor(500);
    c.publish('t1', 'wl2#1', { client: 'wl2' });
    c.publish('t2', 'wl2#2', { client: 'wl2' });
    c.publish('t1', 'wl2#3', { client: 'wl2' });
    c.publish('t1', 'x', { id: 'abc', client: 'wl2' });
    c.publish('t1', 'y', { id: 'abd', client: 'wl2' });
    const own = (a: ActionRecord): unknown[] => Object.getOwnPropertyNames(a).map((k) => (a as unknown as Record<string, unknown>)[k]);
    const objects = c.actions().map((a) => own(a).filter((v) => typeof v === 'object' && v !== null));
    // One object field per record (topic and options together), shared by t1's workload publishes.
    for (const o of objects) expect(o.length).toBe(1);
    expect(objects[0][0]).toBe(objects[2][0]);
    expect(objects[0][0]).not.toBe(objects[1][0]);
    expect(objects[3][0]).not.toBe(objects[4][0]);
    expect(c.actions().map((a) => a.args)).toEqual([
      ['t1', 'wl2#1', { client: 'wl2' }],
      ['t2', 'wl2#2', { client: 'wl2' }],
      ['t1', 'wl2#3', { client: 'wl2' }],
      ['t1', 'x', { id: 'abc', client: 'wl2' }],
      ['t1', 'y', { id: 'abd', client: 'wl2' }],
    ]);
  });

  it('a run replayed from its serialised actions (a share link) reaches the same state', () => {
    for (const seed of [1, 2, 3]) {
      const options: ClusterOptions = { seed, checkers: 'record' };
      const a = run(options);
      const wire = JSON.parse(JSON.stringify(a.actions())) as ActionRecord[];
      expect(wire.map((x) => x.op).filter((op) => op === 'publish').length, `seed ${seed}`).toBe(60);
      const b = replay(options, wire, { at: a.now, events: a.eventCount });
      expect(b.eventCount, `seed ${seed}`).toBe(a.eventCount);
      expect(b.actions().map(plainAction), `seed ${seed}`).toEqual(a.actions().map(plainAction));
      expect(b.nodeIds.map((id) => b.node(id)), `seed ${seed}: nodes`).toEqual(a.nodeIds.map((id) => a.node(id)));
      expect(b.inFlight(), `seed ${seed}: in flight`).toEqual(a.inFlight());
      expect(b.violations(), `seed ${seed}: checkers`).toEqual(a.violations());
      expect(b.journal(), `seed ${seed}: journal`).toEqual(a.journal());
    }
  });

  it('a workload message <client>#<n> is kept as n, and every message reads back exactly as published', () => {
    expect(numbered('wl3#17', 'wl3')).toBe(17);
    expect(numbered('wl12#999999999', 'wl12')).toBe(999999999);
    for (const [m, client] of [['wl3#017', 'wl3'], ['wl3#0', 'wl3'], ['wl3#', 'wl3'], ['wl3#1x', 'wl3'], ['wl30#5', 'wl3'], ['wl3#5', 'wl30'], ['wl3#5', undefined], ['wl3#1234567890', 'wl3'], ['wl3#-1', 'wl3'], ['xl3#5', 'wl3']] as const) {
      expect(numbered(m, client), `${m} by ${String(client)}`).toBe(m);
    }
    const c = createCluster({ seed: 4, checkers: false });
    const published: string[] = [];
    fc.assert(
      fc.property(fc.constantFrom('wl1', 'wl2', 'p', 'a-b'), fc.oneof(fc.nat(2_000_000_000).map(String), fc.string({ maxLength: 12 }), fc.constant('0')), fc.boolean(), (client, tail, hash) => {
        const message = hash ? `${client}#${tail}` : tail;
        try {
          c.publish('t', message, { client });
        } catch (e) {
          if (e instanceof RangeError) return; // not a valid message
          throw e;
        }
        published.push(message);
        const a = c.actions()[c.actions().length - 1];
        expect(a.args).toEqual(['t', message, { client }]);
      }),
      { seed: 7, numRuns: 300 },
    );
    expect(c.actions().filter((a) => typeof (a as unknown as { text: unknown }).text === 'number').length).toBeGreaterThan(20);
  });
});
