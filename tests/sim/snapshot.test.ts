// Cluster snapshots: restoring one and running on gives exactly what running on from its moment gave, equal to a full replay.
import { describe, expect, it } from 'vitest';
import { createCluster, type ClusterOptions, type SimCluster, type SimEvent } from '../../src/sim/index';
import { fingerprint } from '../../src/sim/snapshot';
import { testRng, withSeed } from './helpers';

/** A fixed script of user actions (faults, publishes, console lines, proposals) at fixed virtual times. */
interface Step {
  at: number;
  act: (c: SimCluster) => void;
}

function script(seed: number, endMs: number): Step[] {
  const r = testRng(seed * 7 + 1);
  const steps: Step[] = [];
  const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
  for (let t = 300; t < endMs; t += r.int(20, 200)) {
    const k = r.int(0, 19);
    const id = r.pick(ids);
    const other = r.pick(ids.filter((x) => x !== id)); // drawn now: a replay must do the very same
    const n = steps.length;
    if (k < 8) steps.push({ at: t, act: (c) => c.publish(`t${n % 3}`, `m${n}`, { client: `p${n % 4}` }) });
    else if (k === 8) steps.push({ at: t, act: (c) => c.crash(id) });
    else if (k === 9) steps.push({ at: t, act: (c) => c.restart(id) });
    else if (k === 10) steps.push({ at: t, act: (c) => c.disconnect(id) });
    else if (k === 11) steps.push({ at: t, act: (c) => c.heal() });
    else if (k === 12) steps.push({ at: t, act: (c) => c.partition([[id, other]]) });
    else if (k === 13) steps.push({ at: t, act: (c) => c.setNetwork({ dropRate: (n % 3) * 0.1 }) });
    else if (k === 14) steps.push({ at: t, act: (c) => c.command(id, n % 2 === 0 ? 'SUB t1' : 'HISTORY t0 5', { client: `s${n % 2}` }) });
    else if (k === 15) steps.push({ at: t, act: (c) => { const l = c.leader(); if (l !== undefined) c.propose(l, `x${n}`); } });
    else if (k === 16) steps.push({ at: t, act: (c) => c.setClock(id, { stepMs: 40 }) });
    else if (k === 17) steps.push({ at: t, act: (c) => c.timeout(id) });
    else if (k === 18) steps.push({ at: t, act: (c) => { const m = c.inFlight()[0]; if (m !== undefined) c.dropMessage(m.id); } });
    else steps.push({ at: t, act: (c) => c.cutLink(id, other) });
  }
  return steps;
}

/** Runs `c` to `to`, doing the script's steps due in (c.now, to] at their times. */
function runTo(c: SimCluster, steps: Step[], to: number): void {
  for (const s of steps) {
    if (s.at <= c.now || s.at > to) continue;
    c.runFor(s.at - c.now);
    s.act(c);
  }
  c.runFor(to - c.now);
}

function recorder(c: SimCluster): SimEvent[] {
  const events: SimEvent[] = [];
  c.onEvent((e) => events.push(e));
  return events;
}

const VARIANTS: Array<[string, Partial<ClusterOptions>]> = [
  ['defaults', {}],
  ['lossy, reordering, berkeley, phi detector', { network: { dropRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2 }, clocks: { sync: 'berkeley' }, detector: { kind: 'phi' } }],
  ['cristian, small AppendEntries', { clocks: { sync: 'cristian' }, maxEntriesPerMessage: 2, maxInflight: 2 }],
];

describe('cluster snapshots', () => {
  for (const [name, extra] of VARIANTS) {
    it(`${name}: restore + run on = run on = full replay (state fingerprint, events, views)`, () => {
      for (let seed = 1; seed <= 6; seed++) {
        withSeed(seed, () => {
          const END = 6000;
          const options: ClusterOptions = { seed, checkers: 'record', ...extra };
          const steps = script(seed, END);
          const mid = 1000 + seed * 397;
          // One run: snapshot at `mid`, run on to END.
          const a = createCluster(options);
          runTo(a, steps, mid);
          const snap = a.snapshot();
          const fromMid = recorder(a);
          runTo(a, steps, END);
          const printA = fingerprint(a);
          const eventsA = fromMid.slice();
          // Back to `mid` on the same cluster, and on again.
          a.restore(snap);
          expect(a.now).toBe(mid);
          fromMid.length = 0;
          runTo(a, steps, END);
          expect(fromMid, 'events after the restore').toEqual(eventsA);
          expect(fingerprint(a) === printA, 'state after restore + run on').toBe(true);
          // A fresh cluster running the whole script.
          const b = createCluster(options);
          runTo(b, steps, END);
          expect(fingerprint(b) === printA, 'state of a full replay').toBe(true);
          expect(b.nodeIds.map((id) => b.node(id))).toEqual(a.nodeIds.map((id) => a.node(id)));
          expect(b.inFlight()).toEqual(a.inFlight());
          expect(b.violations()).toEqual(a.violations());
        });
      }
    });
  }

  it('restores repeatedly, backwards and forwards, to each of many snapshots', () => {
    const options: ClusterOptions = { seed: 11, checkers: 'record' };
    const steps = script(11, 8000);
    const c = createCluster(options);
    const snaps: Array<{ at: number; snap: ReturnType<SimCluster['snapshot']>; print: string }> = [];
    for (let t = 500; t <= 8000; t += 500) {
      runTo(c, steps, t);
      snaps.push({ at: t, snap: c.snapshot(), print: fingerprint(c) });
    }
    const order = [5, 2, 14, 0, 9, 15, 3, 3, 12];
    for (const i of order) {
      c.restore(snaps[i].snap);
      expect(c.now).toBe(snaps[i].at);
      expect(fingerprint(c) === snaps[i].print, `state at snapshot ${i}`).toBe(true);
      // Run on a little, and the state matches the next snapshot's.
      if (i + 1 < snaps.length) {
        runTo(c, steps, snaps[i + 1].at);
        expect(fingerprint(c) === snaps[i + 1].print, `state after running on from snapshot ${i}`).toBe(true);
      }
    }
  });

  it('the journal restarts at the snapshot: event numbers go on, older events are no longer listed', () => {
    const c = createCluster({ seed: 3 });
    c.runFor(1000);
    const snap = c.snapshot();
    const before = c.journal().length;
    c.runFor(1000);
    c.restore(snap);
    expect(before).toBeGreaterThan(0);
    expect(c.journal()).toEqual([]);
    c.runFor(100);
    expect(c.journal().length).toBeGreaterThan(0);
  });

  it('a later snapshot shares what did not change: it costs far less than the state', () => {
    const c = createCluster({ seed: 5, checkers: false });
    for (let i = 0; i < 8000; i++) {
      c.publish('t', `m${i}`, { client: `p${i % 5}` });
      c.runFor(10);
    }
    const first = c.snapshot();
    c.runFor(1000);
    const second = c.snapshot();
    expect(second.bytes).toBeLessThan(first.bytes / 5);
  });
});
