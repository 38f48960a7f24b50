// The page loads in real Chromium, runs a 5-node cluster, elects one leader and pauses on request.
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

  it('shows five nodes and elects exactly one leader while playing', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.locator('svg.cv g.node').first().waitFor();
    expect(await page.locator('svg.cv g.node').count()).toBe(5);
    await page
      .locator('svg.cv g.node.leader')
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(async (e: unknown) => {
        await page.screenshot({ path: '/tmp/e2e-fail.png' });
        throw new Error(`${String(e)}\nerrors: ${errors.join('\n')}`);
      });
    expect(await page.locator('svg.cv g.node.leader').count()).toBe(1);
    expect(await page.locator('svg.cv g.node.leader').getAttribute('aria-label')).toMatch(/leader, term [1-9]\d*/);
    await page.getByRole('button', { name: 'Pause' }).click();
    const t1 = await page.getByTestId('now').textContent();
    await page.waitForTimeout(300);
    expect(await page.getByTestId('now').textContent()).toBe(t1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
