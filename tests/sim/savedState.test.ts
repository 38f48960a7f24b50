// Cluster snapshots: restoring one and running on gives exactly what running on from its moment gave, equal to a full replay.
import { describe, expect, it } from 'vitest';
import { createCluster, replay, type ClusterOptions, type SimCluster, type SimEvent } from '../../src/sim/index';
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

/**
 * The script above plus what issue 13 added: servers added and removed (§6), snapshots taken by
 * hand (§7), leadership transfers, and reads (HISTORY) that go through ReadIndex or leases.
 */
function productionScript(seed: number, endMs: number): Step[] {
  const r = testRng(seed * 13 + 5);
  const steps = script(seed, endMs);
  let adds = 0;
  for (let t = 400; t < endMs; t += r.int(150, 600)) {
    const k = r.int(0, 5);
    const pick = r.int(0, 1000); // an index into the nodes there are when the step runs
    const n = steps.length;
    const nth = (c: SimCluster): string => c.nodeIds[pick % c.nodeIds.length];
    if (k === 0 && adds < 3) {
      adds++;
      steps.push({ at: t, act: (c) => { c.addNode(); } });
    } else if (k === 1) steps.push({ at: t, act: (c) => { if (c.nodeIds.length > 3) c.removeNode(nth(c)); } });
    else if (k === 2) steps.push({ at: t, act: (c) => { c.transferLeadership(nth(c)); } });
    else if (k === 3) steps.push({ at: t, act: (c) => { c.snapshot(nth(c)); } });
    else steps.push({ at: t, act: (c) => c.command(nth(c), `HISTORY t${n % 3} 4`, { client: `r${n % 2}` }) });
  }
  return steps.sort((a, b) => a.at - b.at);
}

/**
 * Most events a run may process per simulated ms (these scripts make fewer than 10): a restore that
 * corrupts the state can send the run into an endless burst of events at one instant, which would
 * hang the test instead of failing it.
 */
const EVENTS_PER_MS_CAP = 200;

/** Like runFor, but fails (naming the seed) once the run makes more events than EVENTS_PER_MS_CAP allows. */
function runCapped(c: SimCluster, ms: number): void {
  const cap = c.eventCount + 1000 + Math.ceil(ms * EVENTS_PER_MS_CAP);
  if (c.runUntil(() => c.eventCount >= cap, ms) && c.eventCount >= cap) {
    throw new Error(`seed ${c.seed}: more than ${cap} events by t=${c.now}ms (the run loops: a restore broke the state?)`);
  }
}

/** Runs `c` to `to`, doing the script's steps due in (c.now, to] at their times. */
function runTo(c: SimCluster, steps: Step[], to: number): void {
  for (const s of steps) {
    if (s.at <= c.now || s.at > to) continue;
    runCapped(c, s.at - c.now);
    s.act(c);
  }
  runCapped(c, to - c.now);
}

function recorder(c: SimCluster): SimEvent[] {
  const events: SimEvent[] = [];
  c.onEvent((e) => events.push(e));
  return events;
}

/**
 * Events equal, one by one; a failure shows the first few that differ (a deep diff of thousands of
 * events would take minutes to print).
 */
function sameEvents(got: SimEvent[], want: SimEvent[], what: string): void {
  let i = 0;
  while (i < got.length && i < want.length && JSON.stringify(got[i]) === JSON.stringify(want[i])) i++;
  expect(got.slice(i, i + 3), `${what}: first difference at event ${i} of ${want.length} (got ${got.length})`).toEqual(want.slice(i, i + 3));
  expect(got.length, what).toBe(want.length);
}

type Script = (seed: number, endMs: number) => Step[];

const VARIANTS: Array<[string, Partial<ClusterOptions>, Script]> = [
  ['defaults', {}, script],
  ['lossy, reordering, berkeley, phi detector', { network: { dropRate: 0.1, duplicateRate: 0.1, reorderRate: 0.2 }, clocks: { sync: 'berkeley' }, detector: { kind: 'phi' } }, script],
  ['cristian, small AppendEntries', { clocks: { sync: 'cristian' }, maxEntriesPerMessage: 2, maxInflight: 2 }, script],
  // Issue 13's Raft: membership changes, compaction (automatic and by hand), InstallSnapshot, transfers, ReadIndex reads, Pre-Vote, CheckQuorum.
  ['membership, compaction, transfers, ReadIndex, Pre-Vote, CheckQuorum', { snapshotEvery: 20, reads: 'readIndex', raft: { preVote: true, checkQuorum: true }, network: { dropRate: 0.05 } }, productionScript],
  ['membership, compaction, lease reads, retention', { snapshotEvery: 50, reads: 'lease', broker: { retain: 30 } }, productionScript],
];

describe('cluster snapshots', () => {
  for (const [name, extra, make] of VARIANTS) {
    it(`${name}: restore + run on = run on = full replay (state fingerprint, events, views)`, () => {
      const kinds: string[] = [];
      for (let seed = 1; seed <= 6; seed++) {
        withSeed(seed, () => {
          const END = 6000;
          const options: ClusterOptions = { seed, checkers: 'record', ...extra };
          const steps = make(seed, END);
          const mid = 1000 + seed * 397;
          // One run: snapshot at `mid`, run on to END.
          const a = createCluster(options);
          runTo(a, steps, mid);
          const snap = a.saveState();
          const fromMid = recorder(a);
          runTo(a, steps, END);
          const printA = fingerprint(a);
          const eventsA = fromMid.slice();
          // Back to `mid` on the same cluster, and on again.
          a.restoreState(snap);
          expect(a.now).toBe(mid);
          fromMid.length = 0;
          runTo(a, steps, END);
          sameEvents(fromMid, eventsA, 'events after the restore');
          if (make === productionScript) kinds.push(...new Set(eventsA.map((e) => (e.kind === 'send' || e.kind === 'deliver' ? `${e.kind} ${e.type}` : e.kind))));
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
      if (make === productionScript) {
        // What the restored runs went through after the snapshot, over the six seeds (so the test covers it).
        for (const k of ['addNode', 'configCommitted', 'removed', 'snapshot', 'deliver InstallSnapshot', 'restore', 'transfer', 'deliver ReadIndex']) {
          expect(kinds, `some restored run went through ${k}`).toContain(k);
        }
      }
    });
  }

  it('restores repeatedly, backwards and forwards, to each of many snapshots', () => {
    const options: ClusterOptions = { seed: 11, checkers: 'record' };
    const steps = script(11, 8000);
    const c = createCluster(options);
    const snaps: Array<{ at: number; snap: ReturnType<SimCluster['saveState']>; print: string }> = [];
    for (let t = 500; t <= 8000; t += 500) {
      runTo(c, steps, t);
      snaps.push({ at: t, snap: c.saveState(), print: fingerprint(c) });
    }
    const order = [5, 2, 14, 0, 9, 15, 3, 3, 12];
    for (const i of order) {
      c.restoreState(snaps[i].snap);
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
    const snap = c.saveState();
    const before = c.journal().length;
    c.runFor(1000);
    c.restoreState(snap);
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
    const first = c.saveState();
    c.runFor(1000);
    const second = c.saveState();
    expect(second.bytes).toBeLessThan(first.bytes / 5);
  });
});

describe('a save made after a restore does not spoil an earlier save (audit r5, determ h7)', () => {
  it('restore S0, run on, save S2, restore S1: the run replays to the same end with no false findings', () => {
    const opts = { seed: 3, nodes: 5, checkers: 'record' as const, network: { dropRate: 0.03, duplicateRate: 0.02 } };
    const original = createCluster(opts);
    let n = 0;
    for (let t = 50; t < 12_000; t += 50) {
      original.runFor(t - original.now);
      n++;
      original.publish(`t${n % 2}`, `wl${1 + (n % 2)}#${n}`, { client: `wl${1 + (n % 2)}` });
      if (n % 10 === 0) original.command(original.nodeIds[n % 5], `PUB demo x${n}`);
      if (n % 17 === 0) original.command(original.nodeIds[(n * 3) % 5], 'HISTORY demo 5');
      if (n % 40 === 0) original.crash(original.nodeIds[(n / 40) % 5]);
      if (n % 40 === 20) original.restart(original.nodeIds[((n - 20) / 40) % 5]);
    }
    const actions = original.actions();
    const c = createCluster(opts);
    let ai = 0;
    const runTo = (events: number): void => {
      for (;;) {
        const a = actions[ai];
        if (a !== undefined && a.events <= events) {
          c.advanceTo(a.events, a.at);
          (c as unknown as Record<string, (...args: unknown[]) => unknown>)[a.op](...a.args);
          ai++;
          continue;
        }
        while (c.eventCount < events) c.step(1);
        return;
      }
    };
    const s0 = { snap: c.saveState(), ai: 0 };
    runTo(3751);
    const s1 = { snap: c.saveState(), ai };
    c.restoreState(s0.snap);
    ai = s0.ai;
    runTo(4684);
    c.saveState();
    c.restoreState(s1.snap);
    ai = s1.ai;
    runTo(original.eventCount);
    expect(original.violations()).toEqual([]);
    expect(c.violations().map((v) => v.message)).toEqual([]);
    expect(c.eventCount).toBe(original.eventCount);
    const view = (x: SimCluster) => x.nodeIds.map((id) => { const v = x.node(id); return [id, v.role, v.term, v.commitIndex, v.log.length]; });
    expect(view(c)).toEqual(view(original));
  });
});

describe('Snapshot now on a log a broken rule has cut (audit r5, determ h9)', () => {
  it('refuses quietly instead of throwing, and the run replays from its actions', () => {
    const options = { seed: 14, nodes: 5, rules: { voteLogCheck: false, commitCurrentTermOnly: false } };
    const actions = [
      { at: 186.365, events: 35, op: 'partition', args: [[['n1', 'n2'], ['n3', 'n4', 'n5']]] },
      { at: 504.363, events: 105, op: 'removeNode', args: ['n2'] },
      { at: 1533.795, events: 260, op: 'heal', args: [] },
      { at: 2000.972, events: 361, op: 'snapshot', args: ['n4'] },
    ];
    const c = replay({ ...options, checkers: 'record' }, actions);
    expect(c.node('n4').lastApplied).toBeGreaterThan(0);
    c.runFor(500);
    expect(c.eventCount).toBeGreaterThan(361);
  });
});
