// Recorded publishes are compact (no args array of their own) yet read, serialise, cross to a worker and replay as plain records.
import { describe, expect, it } from 'vitest';
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
});
