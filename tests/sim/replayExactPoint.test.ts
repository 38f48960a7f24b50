// A run replayed to the exact point a live run stands at (replay(…, { at, events })) holds the live run's state, queue included, however the live run stopped.
import { describe, expect, it } from 'vitest';
import { createCluster, replay, type ClusterOptions, type SimCluster } from '../../src/sim/index';
import { Rng } from '../../src/sim/rng';
import { fingerprint } from '../../src/sim/snapshot';

/** One of the learner's actions, by number (as the page takes them: at whole milliseconds, where timers they set fall due). */
function act(c: SimCluster, r: Rng, n: number): void {
  const ids = c.nodeIds;
  const id = r.pick(ids);
  const other = r.pick(ids.filter((x) => x !== id));
  switch (r.int(0, 9)) {
    case 0: if (c.node(id).up) c.crash(id); break;
    case 1: if (!c.node(id).up) c.restart(id); break;
    case 2: c.partition([[id, other]]); break;
    case 3: c.heal(); break;
    case 4: c.disconnect(id); break;
    case 5: c.reconnect(id); break;
    case 6: c.command(id, `PUB demo x${n}`); break;
    case 7: c.command(id, `HISTORY t${n % 2} 5`, { client: `r${n % 2}` }); break;
    case 8: c.subscribe(id, `t${n % 2}`, { client: `s${n % 3}` }); break;
    default: c.publish(`t${n % 2}`, `m${n}`, { client: `wl${1 + (n % 3)}` });
  }
}

/**
 * A live run that stops by time (whole milliseconds), by event count (step) and mid-instant (runUntil), acting after
 * each stop; at every tenth stop it is compared with a replay of its actions to that point.
 */
function live(options: ClusterOptions, seed: number, differ: string[]): SimCluster {
  const c = createCluster(options);
  const r = new Rng(seed * 7919);
  c.runFor(300);
  for (let i = 0; i < 60; i++) {
    const how = r.int(0, 4);
    if (how <= 1) c.runFor(r.int(60, 400));
    else if (how === 2) c.step(r.int(1, 12));
    else if (how === 3) {
      const stopAt = c.eventCount + r.int(1, 30);
      c.runUntil(() => c.eventCount >= stopAt, 500);
    } else c.runFor(r.int(1, 50) + 0.5);
    if (i % 10 === 9) {
      const b = replay(options, c.actions(), { at: c.now, events: c.eventCount });
      if (fingerprint(b) !== fingerprint(c)) differ.push(`seed ${seed} at t=${c.now} (stop ${i}, ${['by time', 'by time', 'step', 'mid-instant', 'by time'][how]})`);
    }
    act(c, r, i);
  }
  return c;
}

describe('replay to an exact point', () => {
  it('equals the live run at that point, queue included (40 seeds; the live run stopped by time, by step and mid-instant)', () => {
    const differ: string[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const options: ClusterOptions = { seed, checkers: 'record', network: { dropRate: (seed % 3) * 0.05, duplicateRate: (seed % 2) * 0.05 } };
      const a = live(options, seed, differ);
      const b = replay(options, a.actions(), { at: a.now, events: a.eventCount });
      expect(b.eventCount, `seed ${seed}`).toBe(a.eventCount);
      if (fingerprint(a) !== fingerprint(b)) differ.push(`seed ${seed}`);
      // And on from there: the same events, whatever the queue held.
      a.runFor(3000);
      b.runFor(3000);
      expect(b.journal().slice(-400), `seed ${seed}: the events after`).toEqual(a.journal().slice(-400));
    }
    expect(differ, 'seeds whose replay differs from the live run').toEqual([]);
  });
});
