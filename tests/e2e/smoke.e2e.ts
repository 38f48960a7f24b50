// The page loads in real Chromium, runs a 5-node cluster and shows a leader with its term.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasBrowser, launch, openPage } from './browser';

describe.skipIf(!hasBrowser)('the simulator page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows five nodes and elects exactly one leader', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.getByRole('list', { name: 'Nodes' }).waitFor();
    expect(await page.locator('[data-testid^="node-"]').count()).toBe(5);
    await page.locator('.node.role-leader').first().waitFor({ timeout: 20_000 }).catch(async (e: unknown) => {
      await page.screenshot({ path: '/tmp/e2e-fail.png' });
      throw new Error(`${String(e)}\nerrors: ${errors.join('\n')}`);
    });
    expect(await page.locator('.node.role-leader').count()).toBe(1);
    const term = await page.locator('.node.role-leader .term').textContent();
    expect(term).toMatch(/term [1-9]\d*/);
    await page.getByRole('button', { name: 'Pause' }).click();
    const t1 = await page.getByTestId('now').textContent();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('now').textContent()).toBe(t1);
    expect(errors).toEqual([]);
  });
});
