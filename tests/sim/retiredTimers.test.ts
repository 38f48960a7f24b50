// Retired timers (a finished publish's, a console line's): saved states do not keep them, and retiring changes no event.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster, type ClusterOptions, type SimCluster, type SimEvent } from '../../src/sim/index';
import { Engine, Timer } from '../../src/sim/engine';
import { fingerprint } from '../../src/sim/snapshot';
import { withSeed } from './helpers';

const realRetire = Engine.prototype.retireTimer;
afterEach(() => {
  Engine.prototype.retireTimer = realRetire;
});

/** Publishes, console lines and faults at fixed times, then a quiet tail so every publish finishes. */
function drive(c: SimCluster, seed: number): void {
  for (let i = 0; i < 300; i++) {
    c.publish(`t${i % 3}`, `m${i}`, { client: `p${(i + seed) % 4}` });
    if (i % 29 === 3) c.command(`n${1 + (i % 5)}`, 'HISTORY t1 3', { client: 'con' });
    if (i % 83 === 7) c.crash(`n${1 + ((i + seed) % 5)}`);
    if (i % 83 === 50) c.restart(`n${1 + ((i - 43 + seed) % 5)}`);
    if (i % 110 === 60) c.partition([['n1', 'n2']]);
    if (i % 110 === 95) c.heal();
    c.runFor(23 + (i % 7) * 5);
  }
  c.runFor(15_000);
}

/** A hash of every event of a run, its event count and its checkers' findings. */
function runPrint(options: ClusterOptions, seed: number): string {
  const c = createCluster(options);
  const h = createHash('sha256');
  let n = 0;
  c.onEvent((e: SimEvent) => {
    h.update(JSON.stringify(e));
    n++;
  });
  drive(c, seed);
  return `${n} events, ${c.eventCount} engine events, ${c.violations().length} violations, ${h.digest('hex')}`;
}

/** Timers of finished publishes and console lines that a saved state keeps. */
function savedDeadTimers(c: SimCluster): number {
  const snap = c.saveState();
  return snap.objects.filter((o) => o instanceof Timer && (o.name === 'publish' || o.name === 'console') && !o.running).length;
}

/** Seed 3: 200 publishes from 4 clients and 10 console lines, all answered; their timers' wake-ups still queued. */
function publishedAndAcked(): ReturnType<typeof createCluster> {
  const c = createCluster({ seed: 3 });
  c.runFor(1000);
  for (let i = 0; i < 200; i++) {
    c.publish('t', `m${i}`, { client: `p${i % 4}` });
    if (i % 20 === 0) c.command('n1', 'HISTORY t 2', { client: 'con' });
    c.runFor(10);
  }
  c.runFor(300);
  return c;
}

describe('retired timers', () => {
  it('retiring instead of only stopping changes no event (same journal, counts and findings, several seeds)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      withSeed(seed, () => {
        const options: ClusterOptions = { seed, checkers: 'record', network: { dropRate: 0.1, duplicateRate: 0.05, reorderRate: 0.1 } };
        const retiring = runPrint(options, seed);
        Engine.prototype.retireTimer = Engine.prototype.stopTimer;
        const stopping = runPrint(options, seed);
        Engine.prototype.retireTimer = realRetire;
        expect(retiring).toBe(stopping);
      });
    }
  });

  it('a saved state keeps no timer of a finished publish or console line (it did, one per publish while its wake-up waited)', () => {
    const c = publishedAndAcked(); // all acknowledged; their timers' wake-ups (2 s, 5 s) still queued
    expect(c.actions().length).toBeGreaterThan(200);
    expect(savedDeadTimers(c)).toBe(0);
    // Stopping alone leaves them to the saved state: what this test guards against.
    Engine.prototype.retireTimer = Engine.prototype.stopTimer;
    const d = publishedAndAcked();
    expect(savedDeadTimers(d)).toBeGreaterThan(100);
  });

  it('a saved queue holds no wake-up of a retired timer (most of the queue after many publishes), in the order items come out', () => {
    const c = publishedAndAcked();
    const engine = (c as unknown as { engine: Engine }).engine;
    const live = (engine as unknown as { queue: { items(): ReadonlyArray<{ at: number; seq: number; k: number; timer?: Timer }> } }).queue.items();
    const dead = live.filter((i) => i.timer !== undefined && Number.isNaN(i.timer.scheduledAt)).length;
    expect(dead, 'retired timers\' wake-ups wait in the live queue').toBeGreaterThan(100);
    const snap = c.saveState();
    const saved = snap.saved[snap.objects.indexOf((engine as unknown as { queue: object }).queue)] as { data: { heap: typeof live } };
    expect(saved.data.heap.length).toBe(live.length - dead);
    expect(saved.data.heap.some((i) => i.timer !== undefined && Number.isNaN(i.timer.scheduledAt))).toBe(false);
    const order = saved.data.heap.map((i) => [i.at, i.seq]);
    expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  });

  it('a state saved after a retirement, restored while the timer is live again (after restoring an earlier state), still never fires it', () => {
    for (let seed = 1; seed <= 5; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, checkers: 'record' });
        c.runFor(1500);
        const pub = c.publish('t', 'one', { client: 'p' });
        c.runFor(1);
        expect(pub.status).toBe('pending');
        const before = c.saveState(); // the publish waits for its ack: its timer is set, 2 s on
        c.runFor(400); // acknowledged: the timer is retired, its wake-up still queued
        expect(pub.status, 'the publish was acknowledged').toBe('ok');
        const after = c.saveState();
        const printAfter = fingerprint(c);
        const events: SimEvent[] = [];
        c.onEvent((e) => events.push(e));
        c.runFor(4000);
        const want = events.splice(0).map((e) => JSON.stringify(e));
        const printEnd = fingerprint(c);
        // Back before the ack (the timer's saved fields come back: set, not retired), then forward past it.
        c.restoreState(before);
        c.runFor(1);
        c.restoreState(after);
        events.length = 0;
        expect(fingerprint(c) === printAfter, 'state after the forward restore').toBe(true);
        c.runFor(4000);
        expect(events.map((e) => JSON.stringify(e))).toEqual(want);
        expect(events.some((e) => e.kind === 'timer' && e.type === 'publish')).toBe(false);
        expect(fingerprint(c) === printEnd, 'state after running on').toBe(true);
      });
    }
  });
});
