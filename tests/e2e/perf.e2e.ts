// Prints the page's speed figures (main-thread work per frame with 9 nodes and 100+ messages in flight); asserts only that it ran.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { encodeHash, savedRun } from '../../src/store/share';
import { hasBrowser, launch, openPage } from './browser';

const LAT_MIN = Number(process.env.PERF_LATENCY_MIN ?? 100);
const LAT_MAX = Number(process.env.PERF_LATENCY_MAX ?? 200);

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

describe.skipIf(!hasBrowser)('speed', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('seek and memory over a 10-minute run', async () => {
    const TEN_MIN = 600_000;
    // The page alone, for scale: opening a link costs this plus the replay.
    const t1 = Date.now();
    const plain = await openPage(browser, inject('baseUrl'));
    await plain.page.locator('svg.cv g.node').first().waitFor();
    const pageLoad = Date.now() - t1;
    await plain.page.close();

    const hash = await encodeHash(savedRun({ seed: 1, nodes: 5 }, [], TEN_MIN));
    const t0 = Date.now();
    const { page, errors } = await openPage(browser, inject('baseUrl') + hash);
    await page.getByTestId('now').filter({ hasText: '600.00 s' }).waitFor({ timeout: 60_000 });
    const load = Date.now() - t0;
    const seekTo = async (key: string, text: string): Promise<number> => {
      const start = Date.now();
      await page.keyboard.press(key);
      await page.getByTestId('now').filter({ hasText: text }).waitFor({ timeout: 60_000 });
      await page.locator('.busy').waitFor({ state: 'detached' });
      return Date.now() - start;
    };
    // A step back from the end rewinds and replays 599.99 s: the real cost of a seek.
    const back: number[] = [];
    for (const [key, text] of [['ArrowLeft', '599.99 s'], ['ArrowLeft', '599.98 s'], ['ArrowLeft', '599.97 s']] as const) back.push(await seekTo(key, text));
    const toStart = await seekTo('Home', 't = 0.0 ms');
    const toEnd = await seekTo('End', '600.00 s');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const heap = Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.map((m) => [m.name, m.value])).JSHeapUsedSize;
    console.log(
      `[speed] 10-minute run (5 nodes): open a link at its end ${load} ms (page load alone ${pageLoad} ms; the rest replays the run); ` +
        `seek 10 ms back from the end (rewinds, replays 599.99 s) ${back.join(' / ')} ms; rewind to 0 ${toStart} ms; ` +
        `seek back to the end ${toEnd} ms (resumes the kept cluster); JS heap after GC ${(heap / 1e6).toFixed(1)} MB`,
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const nodes of [5, 9]) {
    it(`frame work with ${nodes} nodes and a slow network (many messages in flight)`, async () => {
      const hash = await encodeHash(savedRun({ seed: 1, nodes, network: { latencyMs: [LAT_MIN, LAT_MAX] } }, [], 0));
      const { page, errors } = await openPage(browser, inject('baseUrl') + hash);
      await page.locator('svg.cv g.node').first().waitFor();
      await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: '1×' });
      await page.getByRole('button', { name: 'Play' }).click();
      await page.waitForTimeout(3000);
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const metric = async (): Promise<Record<string, number>> =>
        Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> }).metrics.map((m) => [m.name, m.value]));
      const before = await metric();
      const inFlight: number[] = [];
      for (let i = 0; i < 10; i++) {
        await page.waitForTimeout(400);
        inFlight.push(await page.locator('svg.cv g.msg').count());
      }
      const after = await metric();
      const frames = (await page.evaluate(() => (window as unknown as { wiber: { frameTimes(): number[] } }).wiber.frameTimes())).slice(-240);
      const wall = (after.Timestamp - before.Timestamp) * 1000;
      const script = (after.ScriptDuration - before.ScriptDuration) * 1000;
      const task = (after.TaskDuration - before.TaskDuration) * 1000;
      const fps = frames.length > 0 ? (240 / Math.min(wall, 240 * 1000 / 60)) * 60 : 0;
      console.log(
        `[speed] ${nodes} nodes: messages in flight (drawn) median ${quantile(inFlight, 0.5)}, min ${Math.min(...inFlight)}; ` +
          `sim+draw per frame p50 ${quantile(frames, 0.5).toFixed(2)} ms, p95 ${quantile(frames, 0.95).toFixed(2)} ms; ` +
          `all script ${(script / (wall / (1000 / 60))).toFixed(2)} ms/frame, all main-thread tasks ${(task / (wall / (1000 / 60))).toFixed(2)} ms/frame (mean over ${(wall / 1000).toFixed(1)} s at 60 Hz)`,
      );
      void fps;
      expect(frames.length).toBeGreaterThan(10);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
