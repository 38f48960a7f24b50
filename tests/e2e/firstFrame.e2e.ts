// The page's first frame is drawn before the engine has loaded (issue 11): it must look exactly like the engine's t=0, and a learner's clicks and keys meanwhile must wait for the engine, not be lost.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasBrowser, launch } from './browser';

/** Opens the page with the engine's chunk held back until `release` is called. */
async function openHeld(browser: Browser): Promise<{ page: Page; errors: string[]; release: () => void }> {
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
  await page.goto(inject('baseUrl'));
  await page.locator('svg.cv g.node').nth(4).waitFor();
  return { page, errors, release };
}

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
});
