// @vitest-environment happy-dom
// Handing a long run to the simulator (Edit a copy of a lesson) loads it a slice per task, with its progress, and with
// checkpoints across the whole run, also past its last action; Stop drops the load and the page keeps its run.
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/sim';
import { getDriver, seek } from '../../src/store/sim';
import { handToFreePlay, handToFreePlaySliced } from '../../src/ui/guide/handoff';
import { clusterFingerprint } from '../../src/ui/guide/model';
import { freshLessonPage, run } from './lessonHelpers';

freshLessonPage();

/** Seed 3 on 5 nodes: n1 crashes at 1 s, then the run goes on for 40 minutes with no other action. */
function longTail() {
  const c = createCluster({ seed: 3, nodes: 5 });
  c.runFor(1000);
  c.crash('n1');
  c.runFor(2_400_000);
  return c;
}

describe('handing a long run to the simulator', () => {
  it('loads it a slice per task, to the exact moment, with checkpoints past its last action', async () => {
    const c = longTail();
    const progress: Array<number | null> = [];
    let tasks = 0;
    let on = true;
    const tick = (): void => {
      if (!on) return;
      tasks++;
      setTimeout(tick);
    };
    setTimeout(tick);
    const r = await handToFreePlaySliced(c, { onProgress: (p) => progress.push(p) });
    on = false;
    expect(r).toEqual({ ok: true, exact: true });
    expect(progress.length, 'the load took more than one slice').toBeGreaterThan(1);
    expect(tasks, 'the page got tasks meanwhile').toBeGreaterThan(1);
    expect(progress.every((p) => p === null || (p >= 0 && p <= 1))).toBe(true);
    const d = getDriver();
    expect(d.cluster.eventCount).toBe(c.eventCount);
    expect(d.now).toBe(c.now);
    // The stretch after the crash is covered by checkpoints (5,000 events apart): a seek there replays little.
    expect(d.checkpointStats().count).toBeGreaterThan(20);
    run(() => seek(2_390_000));
    expect(d.lastAdvanceEvents).toBeLessThan(20_000);
  });

  it('Stop while it loads: nothing changes on the page', async () => {
    run(() => seek(300));
    const before = { print: clusterFingerprint(getDriver().cluster), now: getDriver().now };
    const c = longTail();
    const stop = new AbortController();
    const r = await handToFreePlaySliced(c, { signal: stop.signal, onProgress: () => stop.abort() });
    expect(r).toBeNull();
    expect(clusterFingerprint(getDriver().cluster)).toBe(before.print);
    expect(getDriver().now).toBe(before.now);
  });

  it('the one-go hand-off gives the same run', () => {
    const c = longTail();
    expect(handToFreePlay(c)).toEqual({ ok: true, exact: true });
    expect(getDriver().cluster.eventCount).toBe(c.eventCount);
    expect(getDriver().checkpointStats().count).toBeGreaterThan(20);
  });
});
