// The page's first frame is drawn before the engine has loaded (issue 11): it must look exactly like the engine's t=0, and a learner's clicks and keys meanwhile must wait for the engine, not be lost.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasBrowser, launch } from './browser';

/** A share link (plain JSON, as an older browser writes it; `#z=` links are read the same way). */
const linkTo = (run: Record<string, unknown>, t: number, actions: unknown[] = []): string =>
  `#j=${Buffer.from(JSON.stringify({ format: 'wiber-sim-run', version: 1, run, actions, t })).toString('base64url')}`;

/** Opens the page (at `hash`) with the engine's chunk held back until `release` is called. */
async function openHeld(browser: Browser, hash = '', nodes = 5): Promise<{ page: Page; errors: string[]; release: () => void }> {
  let release = (): void => {};
  const gate = new Promise<void>((r) => (release = r));
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(() => window.localStorage.setItem('wiber-welcomed', '1'));
  await page.route(/\/assets\/engine-[^/]*\.js$/, async (route) => {
    await gate;
    await route.continue();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(inject('baseUrl') + hash);
  await page.locator('svg.cv g.node').nth(nodes - 1).waitFor();
  return { page, errors, release };
}

const sharedMoment = (p: Page): Promise<unknown> => p.waitForFunction(() => performance.getEntriesByName('wiber:shared-moment').length > 0, undefined, { timeout: 30_000 });
const notice = (p: Page): Promise<string> => p.getByTestId('notice').locator('.notice-text').textContent().then((t) => t ?? '');
const engineReady = (p: Page): Promise<unknown> => p.waitForFunction(() => performance.getEntriesByName('wiber:engine-ready').length > 0, undefined, { timeout: 30_000 });
const engineMarked = (p: Page): Promise<boolean> => p.evaluate(() => performance.getEntriesByName('wiber:engine-ready').length > 0);
const nodeLabels = (p: Page): Promise<string[]> => p.locator('svg.cv g.node').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label') ?? ''));

describe.skipIf(!hasBrowser)('first frame before the engine', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the same nodes, timers and panels as the engine at t=0 (pixel for pixel)', async () => {
    const { page, errors, release } = await openHeld(browser);
    // Paused before the engine is there: the run must stay at t=0 once it arrives.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForTimeout(300);
    expect(await engineMarked(page), 'the engine is held back').toBe(false);
    const before = await nodeLabels(page);
    expect(before).toHaveLength(5);
    for (const l of before) expect(l).toMatch(/^n\d: follower, term 0, commit index 0, log length 0$/);
    await page.mouse.move(0, 0);
    const shotBefore = await page.screenshot();
    release();
    await engineReady(page);
    await page.waitForTimeout(300);
    expect(await page.getByTestId('now').textContent()).toContain('0.0 ms');
    expect(await nodeLabels(page)).toEqual(before);
    const shotAfter = await page.screenshot();
    expect(Buffer.compare(shotBefore, shotAfter), 'the page looks the same once the engine has loaded').toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a Step asked for before the engine has loaded is done once it has', async () => {
    const { page, errors, release } = await openHeld(browser);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('body').press('s');
    await page.waitForTimeout(300);
    expect(await engineMarked(page)).toBe(false);
    expect(await page.getByTestId('now').textContent()).toContain('0.0 ms');
    release();
    await engineReady(page);
    // Step goes on to the first Raft event: a node's election timer running out.
    await page.getByTestId('now').filter({ hasNotText: /^0\.0 ms$/ }).waitFor({ timeout: 10_000 });
    await expect.poll(() => nodeLabels(page).then((ls) => ls.some((l) => /candidate[^,]*, term 1,/.test(l))), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('.narration').textContent()).toContain('started an election for term 1');
    expect(await page.getByRole('button', { name: 'Play' }).count(), 'still paused after the step').toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Play and keys pressed before the engine has loaded take effect once it has', async () => {
    const { page, errors, release } = await openHeld(browser);
    // Pause, then Space (play again), then ']' (faster): all before the engine.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('body').press(' ');
    await page.locator('body').press(']');
    expect(await engineMarked(page)).toBe(false);
    release();
    await engineReady(page);
    await expect.poll(() => nodeLabels(page).then((ls) => ls.some((l) => /leader/.test(l))), { timeout: 20_000 }).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a share link's first frame is its run at t=0 with a status line, then the shared moment arrives", async () => {
    // Seven nodes and slower timers: nothing like the default run, so the first frame must come from the link.
    const run = { seed: 3, nodes: 7, electionTimeoutMs: [300, 600], network: { latencyMs: [20, 40] } };
    const { page, errors, release } = await openHeld(browser, linkTo(run, 1500), 7);
    await page.waitForTimeout(300);
    expect(await engineMarked(page), 'the engine is held back').toBe(false);
    expect(await notice(page)).toBe('Opening the shared run at t = 1.5 s…');
    expect(await page.getByTestId('notice').getAttribute('role')).toBe('status');
    expect(await page.getByTestId('now').textContent()).toContain('0.0 ms');
    expect(await page.getByRole('button', { name: 'Play' }).count(), 'paused while it opens').toBe(1);
    const first = await nodeLabels(page);
    expect(first).toHaveLength(7);
    for (const l of first) expect(l).toMatch(/^n\d: follower, term 0, commit index 0, log length 0$/);
    await page.mouse.move(0, 0);
    const firstShot = await page.locator('figure.cluster').screenshot();

    // The same run opened at t=0 by the engine draws the same picture (timer rings included).
    const zero = await openHeld(browser, linkTo(run, 0), 7);
    zero.release();
    await sharedMoment(zero.page);
    await zero.page.mouse.move(0, 0);
    await zero.page.waitForTimeout(300);
    expect(await notice(zero.page)).toMatch(/^Opened a shared run: seed 3, 0 actions, at t=0\.0 ms\./);
    expect(await nodeLabels(zero.page)).toEqual(first);
    expect(Buffer.compare(await zero.page.locator('figure.cluster').screenshot(), firstShot), 'the first frame is the engine\'s t=0 of the shared run').toBe(0);
    expect(zero.errors).toEqual([]);
    await zero.page.close();

    release();
    await sharedMoment(page);
    expect(await page.getByTestId('now').textContent()).toContain('1.5 s');
    expect(await notice(page)).toMatch(/^Opened a shared run: seed 3, 0 actions, at t=1\.5 s\./);
    await expect.poll(() => nodeLabels(page).then((ls) => ls.filter((l) => /leader/.test(l)).length)).toBe(1);
    expect(await page.getByRole('button', { name: 'Play' }).count(), 'paused at the shared moment').toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a Step pressed during a share link's first frame is done on the shared run, from its shared moment", async () => {
    const run = { seed: 3, nodes: 7, electionTimeoutMs: [300, 600], network: { latencyMs: [20, 40] } };
    const { page, errors, release } = await openHeld(browser, linkTo(run, 1500), 7);
    expect(await notice(page)).toBe('Opening the shared run at t = 1.5 s…');
    await page.locator('body').press('s');
    await page.waitForTimeout(300);
    expect(await engineMarked(page)).toBe(false);
    release();
    await sharedMoment(page);
    // Done on the default run behind the first frame, the step would be lost when the shared run replaced it:
    // the clock would stay at the shared moment. Done on the shared run, it moves on from 1.5 s to its next event.
    const seconds = async (): Promise<number> => {
      const m = /t = ([\d.]+) (ms|s)/.exec((await page.getByTestId('now').textContent()) ?? '');
      return m === null ? NaN : Number(m[1]) * (m[2] === 's' ? 1 : 0.001);
    };
    await expect.poll(seconds, { timeout: 10_000 }).toBeGreaterThan(1.5);
    expect(await seconds()).toBeLessThan(2);
    expect(await nodeLabels(page)).toHaveLength(7);
    expect(await page.getByRole('button', { name: 'Play' }).count(), 'still paused after the step').toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a damaged link and a link zod refuses: a first frame, then the clear error, and the default run unchanged', async () => {
    // Not even base64url: the default first frame, with the status line until the validator has spoken.
    const bad = await openHeld(browser, '#z=not-a-run!', 5);
    expect(await notice(bad.page)).toBe('Opening the shared run…');
    bad.release();
    await expect.poll(() => notice(bad.page)).toMatch(/^This link could not be opened: the link is damaged.*ask whoever shared it for a fresh one. Nothing was changed\.$/);
    expect(await nodeLabels(bad.page)).toHaveLength(5);
    expect(bad.errors).toEqual([]);
    await bad.page.close();

    // Readable options (three nodes: the first frame shows them) but an action zod refuses: the run is not rebuilt.
    const { page, errors, release } = await openHeld(browser, linkTo({ seed: 1, nodes: 3 }, 800, [{ at: 0, events: 0, op: 'eval', args: [] }]), 3);
    expect(await nodeLabels(page)).toHaveLength(3);
    expect(await notice(page)).toBe('Opening the shared run at t = 800.0 ms…');
    release();
    await expect.poll(() => notice(page)).toMatch(/^This link could not be opened: actions\[0\].*Nothing was changed\.$/);
    await expect.poll(() => nodeLabels(page).then((ls) => ls.length)).toBe(5);
    for (const l of await nodeLabels(page)) expect(l).toMatch(/^n\d: follower, term 0, commit index 0, log length 0$/);
    expect(await page.getByTestId('now').textContent()).toContain('0.0 ms');
    expect(await page.evaluate(() => performance.getEntriesByName('wiber:shared-moment').length)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
