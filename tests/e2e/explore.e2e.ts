// The explorer in Chromium: its Web Worker finds Figure 8 with the commit rule off, the run opens in the simulator move by move, Stop stops a long search.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasBrowser, launch, openPage } from './browser';

const SHOTS = process.env.EXPLORE_SHOTS;

describe.skipIf(!hasBrowser)('the interleaving explorer in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('finds the Figure 8 counterexample in a worker and steps through it in the simulator', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'), { width: 1400, height: 900 });
    await page.locator('svg.cv g.node').first().waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('tab', { name: 'Explore' }).click();
    await page.getByLabel('Example').selectOption('figure8-off');
    await page.getByRole('button', { name: 'Explore', exact: true }).click();
    // Progress shows while the worker searches (the page stays responsive: the Stop button is enabled).
    await page.getByTestId('explore-stats').waitFor();
    const verdict = page.getByTestId('explore-verdict');
    await verdict.waitFor({ timeout: 120_000 });
    expect(await verdict.textContent()).toMatch(/Broken: Leader Completeness: n5 became leader of term 4/);
    expect(await page.getByTestId('explore-stats').textContent()).toMatch(/Done: depth 8 of 12 · [\d,]+ distinct states/);
    const steps = page.locator('.explore-steps li');
    expect(await steps.count()).toBe(8);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/explore-found.png` });
    // The start, then move after move, open in the simulator.
    await page.getByRole('button', { name: 'Open the start' }).click();
    await page.getByTestId('explore-shown').waitFor();
    expect(await page.getByTestId('explore-shown').textContent()).toMatch(/after 0 of 8 moves/);
    for (let k = 1; k <= 8; k++) {
      await page.getByRole('button', { name: 'Next move ▸' }).click();
      await page.getByText(`after ${k} of 8 moves`).waitFor();
    }
    // After the last move n5 leads term 4 without A, while n1, cut off, still leads term 3 having committed A.
    const leaders = await page.locator('svg.cv g.node.leader').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    expect(leaders.some((l) => /^n5: leader, term 4\b/.test(l)), leaders.join(' | ')).toBe(true);
    expect(leaders.some((l) => /^n1: leader, term 3, commit index 2\b/.test(l)), leaders.join(' | ')).toBe(true);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/explore-stepped.png` });
    await page.getByRole('button', { name: 'Share link' }).click();
    const link = await page.getByLabel('Link to the whole run').inputValue();
    expect(link).toMatch(/#z=|#j=/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reports a scenario error with its line, and Stop ends a long search', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'), { width: 1280, height: 800 });
    await page.getByRole('tab', { name: 'Explore' }).click();
    await page.getByLabel('Scenario (header, then the commands that set the scene)').fill('nodes 3\ncrsh n1\n');
    await page.getByRole('button', { name: 'Explore', exact: true }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/line 2: unknown command 'crsh'/);
    await page.getByLabel('Example').selectOption('election-3');
    await page.getByRole('textbox', { name: 'Moves' }).fill('30');
    await page.getByRole('button', { name: 'Explore', exact: true }).click();
    await page.getByText(/Exploring: depth/).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    expect(await page.getByTestId('explore-stats').textContent()).toMatch(/^Stopped by you/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
