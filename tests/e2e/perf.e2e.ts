// Prints the page's speed figures beside issue 11's goals (first-load JavaScript, seeks over a 10-minute run, heap, frame work, paint, Max speed); asserts only that it ran.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { encodeHash, savedRun } from '../../src/store/share';
import { hasBrowser, launch, openPage } from './browser';

const LAT_MIN = Number(process.env.PERF_LATENCY_MIN ?? 100);
const LAT_MAX = Number(process.env.PERF_LATENCY_MAX ?? 200);

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const median = (xs: number[]): number => quantile(xs, 0.5);

/** One figure beside its goal, in one line the reader can grep for. */
function goal(name: string, value: string, target: string, met?: boolean): void {
  console.log(`[speed] ${name}: ${value} (goal ${target})${met === undefined ? '' : met ? ' ok' : ' MISSED'}`);
}

/** The press sequence of the seek-by-input test (click fractions of the timeline, then keys), shared with its floor. */
const PRESS_CLICKS = [0.33, 0.5, ...Array.from({ length: 16 }, (_, i) => ((i * 7) % 16 + 0.37) / 16), 0.999];
const PRESS_KEYS = ['ArrowLeft', 'ArrowLeft', 'PageDown', 'ArrowLeft', 'PageDown', 'End', 'ArrowLeft', 'Home', 'End'];

interface Hook {
  wiber: {
    frameTimes(): number[];
    timedSeek(t: number): Promise<number>;
    /** The last timedSeek's parts in wall ms (src/main.tsx); `paint` (after the frame) is not part of its total. */
    lastSeekParts(): Record<string, number>;
    startWorkload(c: { publishers: number; rate: number; topics: number }): string | undefined;
    drawnMessages(): unknown[];
    /** Starts timing the seeks made by clicks and keys (src/ui/seekProbe.ts); inputSeeks() lists them. */
    watchInputSeeks(): Promise<void>;
    inputSeeks(): Promise<Array<Record<string, number>>>;
  };
}

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const r = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return Object.fromEntries(r.metrics.map((m) => [m.name, m.value]));
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const m = await metrics(cdp);
  await cdp.detach();
  return m.JSHeapUsedSize / 1e6;
}

interface Chunk {
  name: string;
  gzip: number;
  /** Minified bytes by part (react, the engine, d3, …), from the chunk's source map. */
  parts: Map<string, number>;
  zod: boolean;
  yaml: boolean;
  /** Page ms (performance.now) at which the page asked for it. */
  requestedAt: number;
}

interface Load {
  chunks: Chunk[];
  total: number;
  errors: string[];
  /** Page ms of the first frame (the page's 'wiber:first-frame' mark) and of the engine being ready, if marked. */
  firstFrame?: number;
  engineReady?: number;
  /** When a share link's shared moment was drawn (its run validated, rebuilt and shown). */
  sharedMoment?: number;
}

/** Where a source file belongs in the breakdown: a library, the engine (src/core + src/sim), the store, the UI. */
function partOf(source: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  if (pkg !== undefined) return /^(react|react-dom|scheduler)$/.test(pkg) ? 'react+react-dom' : pkg.startsWith('d3') ? 'd3' : pkg;
  const dir = /src\/(core|sim|store|ui|guides)\//.exec(source)?.[1];
  return dir === 'core' || dir === 'sim' ? 'engine' : dir === undefined ? 'other' : dir;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Minified bytes of `code` per part, read from its source map (VLQ segments: column, source, line, column). */
function attribute(code: string, map: { sources: string[]; mappings: string }): Map<string, number> {
  const parts = new Map<string, number>();
  const lines = code.split('\n');
  let src = 0;
  map.mappings.split(';').forEach((line, li) => {
    let col = 0;
    const segs: Array<[number, number]> = [];
    for (const seg of line.split(',')) {
      if (seg === '') continue;
      const vals: number[] = [];
      let v = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64.indexOf(ch);
        v += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(v & 1 ? -(v >>> 1) : v >>> 1);
          v = 0;
          shift = 0;
        }
      }
      col += vals[0];
      if (vals.length > 1) src += vals[1];
      segs.push([col, vals.length > 1 ? src : -1]);
      // Only the column and source fields matter here; line and column in the source are skipped.
    }
    segs.forEach(([c, s], i) => {
      const end = i + 1 < segs.length ? segs[i + 1][0] : (lines[li]?.length ?? c);
      const part = s < 0 ? 'other' : partOf(map.sources[s] ?? '');
      parts.set(part, (parts.get(part) ?? 0) + end - c);
    });
  });
  return parts;
}

/**
 * Opens `url` and returns every script the page fetched on its own at start-up: all before `ready`
 * (the first frame of the cluster) and any fetched after it until no script has been asked for 1 s,
 * so a lazy chunk the first screen pulls in still counts. Gzip sizes (level 9), and what each holds.
 */
/** `p`, or a rejection after `ms`. */
function withinMs<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

async function firstLoad(browser: Browser, url: string, ready: (p: Page) => Promise<void>): Promise<Load> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const bodies: Array<Promise<Chunk>> = [];
  let lastScript = Date.now();
  page.on('request', (r) => {
    if (r.resourceType() === 'script' || r.url().endsWith('.js')) lastScript = Date.now();
  });
  page.on('response', (r) => {
    const u = r.url();
    if (!u.endsWith('.js')) return;
    bodies.push(
      // A worker's script (the cluster view's painter) has no body in the page's response: fetch it again.
      // (Bounded: once in a clean-clone CI run a body never came, and the test waited out its 120 s.)
      withinMs(r.body(), 5000).catch(async () => (await page.context().request.get(u, { timeout: 10_000 })).body()).then(async (b) => {
        const code = b.toString('utf8');
        // A chunk without a map (the preview server answers its page instead) counts as 'other'.
        const map = await page.context().request.get(`${u}.map`, { timeout: 10_000 }).then(
          async (m) => {
            try {
              return JSON.parse(await m.text()) as { sources: string[]; mappings: string };
            } catch {
              return null;
            }
          },
          () => null,
        );
        return {
          requestedAt: NaN,
          name: u.split('/').pop()!,
          gzip: gzipSync(b, { level: 9 }).length,
          parts: map ? attribute(code, map) : new Map([['other', code.length]]),
          zod: code.includes('ZodError'),
          yaml: code.includes('YAMLParseError'),
        };
      }),
    );
  });
  await page.goto(url);
  await ready(page);
  while (Date.now() - lastScript < 1000) await page.waitForTimeout(200);
  const timing = await page.evaluate(() => ({
    firstFrame: performance.getEntriesByName('wiber:first-frame')[0]?.startTime,
    engineReady: performance.getEntriesByName('wiber:engine-ready')[0]?.startTime,
    sharedMoment: performance.getEntriesByName('wiber:shared-moment')[0]?.startTime,
    scripts: performance.getEntriesByType('resource').map((r) => ({ name: r.name.split('/').pop()!, start: r.startTime })),
  }));
  // A script fetched again (the painter worker, once per cluster view) costs its bytes once.
  const all = await Promise.all(bodies);
  const chunks = all.filter((c, i) => all.findIndex((d) => d.name === c.name) === i);
  for (const c of chunks) c.requestedAt = timing.scripts.find((r) => r.name === c.name)?.start ?? NaN;
  await page.close();
  return { chunks, total: chunks.reduce((s, c) => s + c.gzip, 0), errors, firstFrame: timing.firstFrame, engineReady: timing.engineReady, sharedMoment: timing.sharedMoment };
}

/** The chunks asked for before the page's first frame (all of them when it set no mark), and the rest. */
function splitAtFirstFrame(load: Load): { before: Chunk[]; after: Chunk[] } {
  const ff = load.firstFrame;
  const before = load.chunks.filter((c) => ff === undefined || !(c.requestedAt > ff));
  return { before, after: load.chunks.filter((c) => !before.includes(c)) };
}

const kb = (n: number): string => `${(n / 1000).toFixed(1)} KB`;
const sum = (cs: readonly Chunk[]): number => cs.reduce((s, c) => s + c.gzip, 0);

/** "react+react-dom ≈57.1, engine ≈36.0, …" KB gzip: each chunk's gzip size shared out by its parts' minified bytes. */
function breakdown(chunks: readonly Chunk[]): string {
  const gz = new Map<string, number>();
  for (const c of chunks) {
    const min = [...c.parts.values()].reduce((a, b) => a + b, 0) || 1;
    for (const [p, n] of c.parts) gz.set(p, (gz.get(p) ?? 0) + (c.gzip * n) / min);
  }
  return [...gz].sort((a, b) => b[1] - a[1]).map(([p, n]) => `${p} ≈${(n / 1000).toFixed(1)}`).join(', ');
}

describe.skipIf(!hasBrowser)('speed', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('first-load JavaScript: the page, a share link, a share link with its own cluster.yaml', async () => {
    const base = inject('baseUrl');
    // The first frame, then the engine that loads after it (its chunks are printed apart, with when they were asked for).
    const drawn = async (p: Page): Promise<void> => {
      await p.locator('svg.cv g.node').first().waitFor();
      await p.waitForFunction(() => performance.getEntriesByName('wiber:engine-ready').length > 0, undefined, { timeout: 30_000 });
    };
    const plain = await firstLoad(browser, base, drawn);
    // A share link: its first frame is the shared run at t=0 (from the link's options); zod and the engine load after it.
    const link = await firstLoad(browser, base + (await encodeHash(savedRun({ seed: 2, nodes: 5 }, [], 500))), async (p) => {
      await p.getByTestId('now').filter({ hasText: '500' }).waitFor({ timeout: 30_000 });
      await p.waitForFunction(() => performance.getEntriesByName('wiber:shared-moment').length > 0, undefined, { timeout: 30_000 });
    });
    const yamlText = 'nodes:\n  - { id: a1, host: 127.0.0.1, port: 5001 }\n  - { id: a2, host: 127.0.0.1, port: 5002 }\n  - { id: a3, host: 127.0.0.1, port: 5003 }\n';
    const withYaml = await firstLoad(browser, base + (await encodeHash(savedRun({ seed: 2, config: yamlText }, [], 300))), async (p) => {
      await p.locator('svg.cv g.node[data-node="a3"], svg.cv g.node').nth(2).waitFor({ timeout: 30_000 });
      await p.getByTestId('now').filter({ hasText: '300' }).waitFor({ timeout: 30_000 });
    });
    const page = splitAtFirstFrame(plain);
    expect(plain.firstFrame, 'the page marks its first frame').toBeDefined();
    expect(page.after.length, 'the engine loads after the first frame').toBeGreaterThan(0);
    console.log(`[speed] page, before its first frame: ${page.before.map((c) => `${c.name} ${kb(c.gzip)}`).join(', ')}`);
    console.log(`[speed] page, before its first frame, what it holds (KB gzip, shared out by minified bytes): ${breakdown(page.before)}`);
    const ff = plain.firstFrame ?? 0;
    console.log(`[speed] page, after its first frame (the engine, the explanations): ${page.after.map((c) => `${c.name} ${kb(c.gzip)} asked +${(c.requestedAt - ff).toFixed(0)} ms`).join(', ')} = ${kb(sum(page.after))}`);
    console.log(`[speed] page, after its first frame, what it holds: ${breakdown(page.after)}`);
    console.log(`[speed] page: first frame at ${ff.toFixed(0)} ms, engine ready ${plain.engineReady === undefined ? '(not marked)' : `${(plain.engineReady - ff).toFixed(0)} ms after the first frame`} (local preview server, loaded 2-core machine)`);
    const linkSplit = splitAtFirstFrame(link);
    const lff = link.firstFrame ?? 0;
    console.log(`[speed] share link, before its first frame: ${linkSplit.before.map((c) => `${c.name} ${kb(c.gzip)}`).join(', ')}`);
    console.log(`[speed] share link, before its first frame, what it holds: ${breakdown(linkSplit.before)}`);
    console.log(`[speed] share link, after its first frame (zod, the engine, the opener): ${linkSplit.after.map((c) => `${c.name} ${kb(c.gzip)} asked +${(c.requestedAt - lff).toFixed(0)} ms`).join(', ')} = ${kb(sum(linkSplit.after))}`);
    for (const [name, r] of [['share link, all of it', link], ['share link with cluster.yaml', withYaml]] as const) {
      console.log(`[speed] ${name}: ${r.chunks.map((c) => `${c.name} ${kb(c.gzip)}`).join(', ')}`);
      console.log(`[speed] ${name}, what it holds (KB gzip, shared out by minified bytes): ${breakdown(r.chunks)}`);
    }
    const firstFrameBytes = sum(page.before);
    goal('first-load JavaScript before the first frame (gzip)', kb(firstFrameBytes), '<= 100 KB', firstFrameBytes <= 100_000);
    goal('page JavaScript with the engine, after the first frame (gzip)', kb(plain.total), 'printed');
    const linkFirst = sum(linkSplit.before);
    goal('share-link first load (gzip, before its first frame: the shared run at t=0)', kb(linkFirst), '<= 110 KB', linkFirst <= 110_000);
    goal('share link with zod and the engine, until the shared moment (gzip)', kb(link.total), 'printed');
    goal(
      'time from first frame to shared moment (share link, local preview server)',
      link.sharedMoment === undefined || link.firstFrame === undefined ? 'not marked' : `${(link.sharedMoment - link.firstFrame).toFixed(0)} ms`,
      'printed',
    );
    goal('share link with its own cluster.yaml (gzip; the YAML parser comes on demand)', `${(withYaml.total / 1000).toFixed(1)} KB`, 'printed');
    // The page's own first run needs neither the YAML parser nor zod: both load only for input from outside.
    expect(page.before.some((c) => [...c.parts.keys()].includes('engine') && (c.parts.get('engine') ?? 0) > 20_000), 'the engine is not before the first frame').toBe(false);
    expect(page.after.some((c) => (c.parts.get('engine') ?? 0) > 20_000), 'the engine loads after it (so the check above can fail)').toBe(true);
    expect(plain.chunks.filter((c) => c.yaml).map((c) => c.name), 'the YAML parser is not in the first load').toEqual([]);
    expect(plain.chunks.filter((c) => c.zod).map((c) => c.name), 'zod is not in the first load').toEqual([]);
    expect(withYaml.chunks.some((c) => c.yaml), 'a link with cluster.yaml loads the parser (so the check above can fail)').toBe(true);
    expect(link.chunks.some((c) => c.zod), 'a share link is validated with zod (so the check above can fail)').toBe(true);
    // A link's first frame comes before zod and the engine; they load after it.
    expect(link.firstFrame, 'a share link marks its first frame').toBeDefined();
    expect(linkSplit.before.filter((c) => c.zod || (c.parts.get('engine') ?? 0) > 20_000).map((c) => c.name), 'zod and the engine are not before a link\'s first frame').toEqual([]);
    expect(link.sharedMoment, 'the shared moment is marked after the first frame').toBeGreaterThan(link.firstFrame ?? Infinity);
    expect([...plain.errors, ...link.errors, ...withYaml.errors]).toEqual([]);
  });

  for (const rate of [0, 100]) {
    it(`seek anywhere in a 10-minute run (${rate > 0 ? `${rate} publishes/s` : 'no workload'}), and the heap it holds`, { timeout: 600_000 }, async () => {
      const TEN_MIN = 600_000;
      const { page, errors } = await openPage(browser, inject('baseUrl'));
      await page.locator('svg.cv g.node').first().waitFor();
      await page.getByRole('button', { name: 'Pause' }).click();
      const t0 = Date.now();
      const build = await page.evaluate(
        async ({ rate, end }) => {
          const w = (window as unknown as Hook).wiber;
          if (rate > 0) w.startWorkload({ publishers: 10, rate: rate / 10, topics: 2 });
          return w.timedSeek(end);
        },
        { rate, end: TEN_MIN },
      );
      void t0;
      await page.getByTestId('now').filter({ hasText: /= 600\.0 s$/ }).waitFor({ timeout: 480_000 });
      // Warm the code paths as a learner's first clicks would, then seek across the run.
      for (const t of [TEN_MIN / 3, TEN_MIN / 2]) await page.evaluate((x) => (window as unknown as Hook).wiber.timedSeek(x), t);
      const targets = [TEN_MIN - 10, TEN_MIN - 20, ...Array.from({ length: 8 }, (_, i) => Math.round(((i + 0.37) / 8) * TEN_MIN)), TEN_MIN];
      const times: number[] = [];
      const parts: Array<Record<string, number>> = [];
      for (const t of targets) {
        const three: number[] = [];
        for (const x of [t, t - 1, t]) {
          three.push(await page.evaluate((y) => (window as unknown as Hook).wiber.timedSeek(y), x));
          parts.push(await page.evaluate(() => (window as unknown as Hook).wiber.lastSeekParts()));
        }
        times.push(median(three));
      }
      const heap = await heapMb(page);
      const what = rate > 0 ? `${rate} publishes/s` : 'no workload';
      console.log(`[speed] 10-minute run, ${what}: built in ${(build / 1000).toFixed(1)} s; seeks (median of 3 each): ${times.map((t) => t.toFixed(0)).join(' / ')} ms`);
      const goalMs = rate > 0 ? 50 : 20;
      goal(`seek anywhere, ${what}: worst`, `${Math.max(...times).toFixed(1)} ms`, `<= ${goalMs} ms`, Math.max(...times) <= goalMs);
      goal(`seek anywhere, ${what}: median`, `${median(times).toFixed(1)} ms`, 'printed');
      // Where a seek's time goes in the page (p-frame): the engine's restore + replay, the store update, React's
      // render, the app's own frame, the wait for that frame; then, outside the total, the browser's rendering of it.
      const part = (k: string): string => `${k} ${median(parts.map((p) => p[k] ?? NaN)).toFixed(1)} / ${Math.max(...parts.map((p) => p[k] ?? NaN)).toFixed(1)}`;
      console.log(`[speed] page seek, ${what}, median / worst ms of ${parts.length} seeks: ${['total', 'engine', 'store', 'react', 'frame', 'wait'].map(part).join(', ')}; then style+layout+paint ${part('paint').replace(/^paint /, '')}`);
      goal(`heap held by the run, ${what} (after GC)`, `${heap.toFixed(1)} MB`, rate > 0 ? '<= 64 MB' : 'printed', rate > 0 ? heap <= 64 : undefined);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  /**
   * Press to frame on a page that runs a frame loop and only changes one text per press, for the same clicks (at
   * the same places) and keys, timed as src/ui/seekProbe.ts times a seek: what any such page needs in this browser,
   * the wait for the display's next frame above all (Playwright presses right after a frame, so each click waits
   * nearly a whole one).
   */
  async function floorOf(box: { x: number; y: number; width: number; height: number }): Promise<number[]> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent(`<div id="bar" tabindex="0" style="position:absolute;left:${box.x}px;top:${box.y}px;width:${box.width}px;height:${box.height}px;background:#ddd"></div><p id="t" style="margin-top:200px">0</p>`);
    await page.evaluate(() => {
      const w = window as unknown as { out: number[] };
      w.out = [];
      const t = document.getElementById('t')!;
      let n = 0;
      // A frame loop, as the app runs one (it draws the cluster): Chromium then hands the page its mouse moves at frames.
      const loop = (): void => void requestAnimationFrame(loop);
      loop();
      for (const type of ['pointerdown', 'keydown'])
        window.addEventListener(type, (e) => {
          const at = e.timeStamp;
          t.textContent = String(++n);
          requestAnimationFrame(() => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => w.out.push(performance.now() - at);
            ch.port2.postMessage(0);
          });
        }, true);
    });
    const y = box.y + box.height / 2;
    for (const f of PRESS_CLICKS) {
      await page.mouse.click(box.x + f * box.width, y, { delay: 100 });
      await page.waitForTimeout(60);
    }
    await page.locator('#bar').focus();
    for (const k of PRESS_KEYS) {
      await page.keyboard.press(k, { delay: 100 });
      await page.waitForTimeout(60);
    }
    const out = (await page.evaluate(() => (window as unknown as { out: number[] }).out)).slice(2);
    await page.close();
    expect(out.length, 'every press on the floor page was timed').toBe(PRESS_CLICKS.length - 2 + PRESS_KEYS.length);
    return out;
  }

  for (const rate of [0, 100]) {
    it(`page seek as a learner makes it: a click on the timeline or a key, to the frame that shows it (${rate > 0 ? `${rate} publishes/s` : 'no workload'})`, { timeout: 600_000 }, async () => {
      const { page, errors } = await openPage(browser, inject('baseUrl'));
      await page.locator('svg.cv g.node').first().waitFor();
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.evaluate(async (rate) => {
        const w = (window as unknown as Hook).wiber;
        if (rate > 0) w.startWorkload({ publishers: 10, rate: rate / 10, topics: 2 });
        await w.timedSeek(600_000);
      }, rate);
      // A 10-minute run, paused at its end.
      await page.getByTestId('now').filter({ hasText: /= 600\.0 s$/ }).waitFor({ timeout: 480_000 });
      await page.evaluate(() => (window as unknown as Hook).wiber.watchInputSeeks());
      const count = (): Promise<number> => page.evaluate(async () => (await (window as unknown as Hook).wiber.inputSeeks()).length);
      const timeline = page.getByRole('slider', { name: /Timeline/ });
      const box = (await timeline.boundingBox())!;
      // The display's floor first: the same clicks and keys on a page that only changes one text per press.
      const floor = await floorOf(box);
      /** Waits until the page has timed one more seek (a seek's parts are noted once its frame is rendered). */
      const oneMore = async (act: () => Promise<void>): Promise<void> => {
        const n = await count();
        await act();
        for (let i = 0; i < 600 && (await count()) <= n; i++) await page.waitForTimeout(20);
        await page.waitForTimeout(40);
      };
      // A learner's click: the timeline seeks on the press, and the button comes up about 100 ms later, as a person's
      // does. (Released at once, the seeks measured 15-25 % faster on this machine; the held button is what a learner has.)
      const click = (f: number) => oneMore(() => page.mouse.click(box.x + f * box.width, box.y + box.height / 2, { delay: 100 }));
      // Warm the code paths as a learner's first clicks would.
      for (const f of PRESS_CLICKS.slice(0, 2)) await click(f);
      const warmed = await count();
      // Clicks spread over the run (each a different time: every panel has new content), then keys on the timeline.
      for (const f of PRESS_CLICKS.slice(2)) await click(f);
      await timeline.focus();
      // A learner's key press, held about 100 ms as a person's is. (Released at once, the key's keyup made Chromium put
      // off every other task until the frame after the one showing the seek, so the probe noted the frame ~10 ms late.)
      const key = (k: string) => oneMore(() => page.keyboard.press(k, { delay: 100 }));
      for (const k of PRESS_KEYS) await key(k);
      const seeks = (await page.evaluate(async () => (window as unknown as Hook).wiber.inputSeeks())).slice(warmed);
      const what = rate > 0 ? `${rate} publishes/s` : 'no workload';
      const totals = seeks.map((x) => x.total);
      const goalMs = rate > 0 ? 50 : 20;
      const worst = Math.max(...totals);
      // Printed, not held to the goal: it holds the wait for the display's next frame, which no page can shorten (the
      // floor below: 16-18.5 ms on this browser, so a 20 ms goal here would leave a seek under 3 ms). The goal is held
      // on the same presses over that floor, two lines below.
      goal(`page seek by click or key, ${what}, to the frame shown (with the display's wait): worst of ${seeks.length}`, `${worst.toFixed(1)} ms`, 'printed');
      goal(`page seek by click or key, ${what}: median / 90th percentile`, `${median(totals).toFixed(1)} / ${quantile(totals, 0.9).toFixed(1)} ms`, 'printed');
      goal(`the same clicks and keys on a page with a frame loop that only changes one text per press (this browser's floor: the wait for the display's next frame): median / worst of ${floor.length}`, `${median(floor).toFixed(1)} / ${Math.max(...floor).toFixed(1)} ms`, 'printed');
      // The seek's own cost as a learner meets it: press to frame, less what the same press costs a page that does nothing.
      const over = worst - Math.max(...floor);
      goal(`page seek by click or key, ${what}, over that floor: median / worst`, `${(median(totals) - median(floor)).toFixed(1)} / ${over.toFixed(1)} ms`, `<= ${goalMs} ms`, over <= goalMs);
      // The page's own share: everything but the engine's restore and replay, and the wait for the display's next frame.
      const own = seeks.map((x) => x.store + x.react + x.frame + x.render);
      goal(`page's own part of a seek (store + React + app frame + style/layout/paint), ${what}: median / worst`, `${median(own).toFixed(1)} / ${Math.max(...own).toFixed(1)} ms`, 'printed');
      const part = (k: string): string => `${k} ${median(seeks.map((p) => p[k] ?? NaN)).toFixed(1)} / ${Math.max(...seeks.map((p) => p[k] ?? NaN)).toFixed(1)}`;
      console.log(`[speed] page seek by click or key, ${what}, median / worst ms: ${['total', 'input', 'engine', 'store', 'react', 'wait', 'frame', 'render'].map(part).join(', ')} (input: the event's wait to be handled; wait: for the next frame; render: the browser's style, layout, paint and commit of it)`);
      expect(seeks.length, 'every click and key was timed').toBe(26);
      // Back to a moment the learner stayed on (the page keeps it once idle there, Driver.rest): a restore, no replay.
      await click(0.61);
      await page.waitForTimeout(1500);
      await click(0.23);
      await click(0.61);
      const back = (await page.evaluate(async () => (window as unknown as Hook).wiber.inputSeeks())).at(-1)!;
      goal(`page seek by click back to a moment stayed on, ${what}: to the frame shown`, `${back.total.toFixed(1)} ms (engine ${back.engine.toFixed(1)} ms, ${back.replayed} events replayed)`, 'printed');
      // A click where the pointer has rested a moment first, and a key pressed again after a pause: the page readies
      // those seeks while idle (Driver.prepare), so they replay nothing.
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + 0.41 * box.width, y);
      await page.waitForTimeout(800);
      await oneMore(() => page.mouse.click(box.x + 0.41 * box.width, y, { delay: 100 }));
      await timeline.focus();
      await key('ArrowLeft');
      await page.waitForTimeout(800);
      await key('ArrowLeft');
      const all = await page.evaluate(async () => (window as unknown as Hook).wiber.inputSeeks());
      const [rested, , again] = all.slice(-3);
      goal(`page seek by click where the pointer rested 0.8 s, ${what}: to the frame shown`, `${rested.total.toFixed(1)} ms (engine ${rested.engine.toFixed(1)} ms, ${rested.replayed} events replayed)`, 'printed');
      goal(`page seek by the same key again after 0.8 s, ${what}: to the frame shown`, `${again.total.toFixed(1)} ms (engine ${again.engine.toFixed(1)} ms, ${again.replayed} events replayed)`, 'printed');
      expect(errors).toEqual([]);
      await page.close();
    });
  }

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
      const before = await metrics(cdp);
      const inFlight: number[] = [];
      for (let i = 0; i < 10; i++) {
        await page.waitForTimeout(400);
        // Messages are painted on a canvas: the drawing lists what it painted in the last frame.
        inFlight.push(await page.evaluate(() => (window as unknown as Hook).wiber.drawnMessages().length));
      }
      const after = await metrics(cdp);
      // Paint and CPU time are read from a trace of their own: tracing slows everything else down.
      const traced = await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReturnAsStream' }).then(() => true, () => false);
      await page.waitForTimeout(2000);
      const trace = traced ? await mainThreadTrace(cdp) : undefined;
      const frames = (await page.evaluate(() => (window as unknown as Hook).wiber.frameTimes())).slice(-240);
      const wall = (after.Timestamp - before.Timestamp) * 1000;
      const perFrame = (x: number): number => x / (wall / (1000 / 60));
      const script = (after.ScriptDuration - before.ScriptDuration) * 1000;
      const task = (after.TaskDuration - before.TaskDuration) * 1000;
      const load = loadAverage();
      console.log(
        `[speed] ${nodes} nodes at 1x: messages in flight (drawn) median ${quantile(inFlight, 0.5)}, min ${Math.min(...inFlight)}; ` +
          `sim+draw per frame p50 ${quantile(frames, 0.5).toFixed(2)} ms, p95 ${quantile(frames, 0.95).toFixed(2)} ms; all script ${perFrame(script).toFixed(2)} ms/frame` +
          (load === undefined ? '' : `; machine load average ${load.toFixed(1)} (wall times grow with it)`),
      );
      goal(`${nodes} nodes at 1x, ${quantile(inFlight, 0.5)} messages in flight: all main-thread work per frame`, `${perFrame(task).toFixed(2)} ms`, '<= 6 ms (at 9 nodes, >= 100 in flight)', nodes === 9 ? perFrame(task) <= 6 : undefined);
      if (trace !== undefined) {
        // The same work as CPU time of the main thread (a busy machine stretches wall time, not this), per frame the page drew.
        console.log(`[speed] ${nodes} nodes at 1x (trace): main-thread CPU ${trace.cpuPerFrame.toFixed(2)} ms per drawn frame over ${trace.frames} frames (${trace.fps.toFixed(0)} fps); per 60 Hz frame ${trace.cpuPerSlot.toFixed(2)} ms`);
        goal(`${nodes} nodes at 1x: paint per frame`, `${trace.paintPerSlot.toFixed(2)} ms (CPU ${trace.paintCpuPerSlot.toFixed(2)} ms)`, '<= 1 ms', nodes === 9 ? trace.paintPerSlot <= 1 : undefined);
      }
      expect(frames.length).toBeGreaterThan(10);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('Max speed: simulated seconds per wall second in the page (5 idle nodes)', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.locator('svg.cv g.node').first().waitFor();
    await page.getByRole('combobox', { name: 'Speed' }).selectOption({ label: 'Max' });
    const readNow = async (): Promise<number> => {
      const text = (await page.getByTestId('now').textContent()) ?? '';
      const m = /([\d.,]+)\s*(ms|s)\b/.exec(text.replace(/\s/g, ' '));
      if (m === null) return NaN;
      const v = Number(m[1].replace(/,/g, ''));
      return m[2] === 's' ? v * 1000 : v;
    };
    await page.waitForTimeout(1000);
    const a = await readNow();
    const w0 = Date.now();
    await page.waitForTimeout(3000);
    const b = await readNow();
    const rate = (b - a) / (Date.now() - w0);
    goal('Max speed, 5 idle nodes, in the page', `${rate.toFixed(0)} sim s / wall s`, '>= 450', rate >= 450);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** The 1-minute load average of this machine (Linux), printed beside wall-time figures. */
function loadAverage(): number | undefined {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/**
 * Reads the trace the caller started and sums the renderer's main thread: Paint per 60 Hz frame (only
 * outermost Paint events: Blink nests the paint of contained regions inside the document's), and CPU
 * time per frame drawn and per 60 Hz frame. Undefined when tracing is not available.
 */
async function mainThreadTrace(cdp: CDPSession): Promise<{ paintPerSlot: number; paintCpuPerSlot: number; cpuPerFrame: number; cpuPerSlot: number; frames: number; fps: number } | undefined> {
  interface TraceEvent { name: string; ph: string; dur?: number; tdur?: number; ts: number; pid: number; tid: number; args?: { name?: string } }
  const done = new Promise<string | undefined>((resolve) => {
    cdp.on('Tracing.tracingComplete', (e: { stream?: string }) => resolve(e.stream));
  });
  try {
    await cdp.send('Tracing.end');
  } catch {
    return undefined;
  }
  const stream = await done;
  if (stream === undefined) return undefined;
  let text = '';
  for (;;) {
    const chunk = (await cdp.send('IO.read', { handle: stream })) as { data: string; eof: boolean };
    text += chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (main === undefined) return undefined;
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  if (mine.length === 0) return undefined;
  const first = mine[0].ts;
  const last = Math.max(...mine.map((e) => e.ts + e.dur!));
  const slots = (last - first) / (1e6 / 60);
  let paint = 0;
  let paintCpu = 0;
  let paintEnd = -Infinity;
  let cpu = 0;
  let taskEnd = -Infinity;
  let frames = 0;
  for (const e of mine) {
    if (e.ts >= taskEnd) {
      cpu += e.tdur ?? e.dur!;
      taskEnd = e.ts + e.dur!;
    }
    if (e.name === 'Paint' && e.ts >= paintEnd) {
      paint += e.dur!;
      paintCpu += e.tdur ?? e.dur!;
      paintEnd = e.ts + e.dur!;
    }
    if (e.name === 'FireAnimationFrame') frames++;
  }
  if (!(slots > 0) || frames === 0) return undefined;
  const seconds = (last - first) / 1e6;
  return { paintPerSlot: paint / 1000 / slots, paintCpuPerSlot: paintCpu / 1000 / slots, cpuPerFrame: cpu / 1000 / frames, cpuPerSlot: cpu / 1000 / slots, frames, fps: frames / seconds };
}
