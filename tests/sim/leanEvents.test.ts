// Lean listening (SimCluster.leanEvents): message and timer events as their parts, in the order and with the values the event objects carry.
import { describe, expect, it } from 'vitest';
import { createCluster, type SimCluster, type SimEvent } from '../../src/sim/index';
import type { LeanListener } from '../../src/sim/engine';

/** A run with messages, timers, drops, role changes and commits. */
function run(c: SimCluster): void {
  c.runFor(600);
  const leader = c.leader();
  if (leader !== undefined) for (let i = 0; i < 5; i++) c.propose(leader, `p${i}`);
  c.setNetwork({ dropRate: 0.2 });
  c.runFor(300);
  c.crash(c.nodeIds[0]);
  c.runFor(700);
}

/** The parts a lean listener is handed of an event object (the rest stays an object). */
const parts = (e: SimEvent): unknown[] => [e.kind, e.at, e.from, e.type, e.payload];
const isLean = (e: SimEvent): boolean => e.kind === 'send' || e.kind === 'deliver' || e.kind === 'drop' || e.kind === 'timer';

describe('lean events', () => {
  it('the sole listener hears every event in the same order, messages and timers as parts', () => {
    const full: unknown[][] = [];
    const a = createCluster({ seed: 7 });
    a.onEvent((e) => full.push(isLean(e) ? parts(e) : ['object', e]));
    run(a);

    const lean: unknown[][] = [];
    const b = createCluster({ seed: 7 });
    const listener = (e: SimEvent): void => {
      expect(isLean(e)).toBe(false);
      lean.push(['object', e]);
    };
    const onMessage: LeanListener = (kind, at, from, type, payload) => lean.push([kind, at, from, type, payload]);
    b.onEvent(listener);
    b.leanEvents(listener, onMessage);
    run(b);
    expect(lean.length).toBeGreaterThan(500);
    expect(lean).toEqual(full);
    expect(b.journal()).toEqual(a.journal());
  });

  it('with another listener, or once ended, every listener gets event objects', () => {
    const c = createCluster({ seed: 7 });
    const first: SimEvent[] = [];
    const second: SimEvent[] = [];
    const listener = (e: SimEvent): void => void first.push(e);
    c.onEvent(listener);
    c.leanEvents(listener, () => {
      throw new Error('not while another listens');
    });
    const off = c.onEvent((e) => void second.push(e));
    c.runFor(300);
    expect(first.some(isLean)).toBe(true);
    expect(first).toEqual(second);
    off();
    c.leanEvents(listener, undefined);
    const before = first.length;
    c.runFor(300);
    expect(first.slice(before).some(isLean)).toBe(true);
  });
});
