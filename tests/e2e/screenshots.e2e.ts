// Takes the README/issue screenshots (SCREENSHOTS=1 npm run e2e; skipped otherwise): the main page and a
// guide step at 390, 1280 and 1920 px in light and dark, the first visit's welcome, and each panel, the
// dialogs and 50 nodes at 1280 and 1920 px.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasBrowser, launch, openPage } from './browser';
import { setTheme, viewportFor } from './checks';

const DIR = process.env.SCREENSHOT_DIR ?? 'docs/screenshots';

/** Runs to the next leader (a button on wide screens, an item of the "Next" menu on phones). */
async function nextLeader(page: Page): Promise<void> {
  const menu = page.getByRole('button', { name: 'Run to the next…' });
  if (await menu.count()) await menu.click();
  await page.getByRole('button', { name: 'Next leader' }).click();
}

/** A leader, three commands, a crashed follower, the leader selected. */
async function stage(page: Page): Promise<void> {
  await page.locator('svg.cv g.node').first().waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await nextLeader(page);
  await page.locator('svg.cv g.node.leader').waitFor();
  await page.getByRole('tab', { name: 'Client' }).click();
  for (const cmd of ['set x=1', 'set y=2', 'set z=3']) {
    await page.getByRole('textbox', { name: 'Command' }).fill(cmd);
    await page.getByRole('button', { name: 'Propose', exact: true }).click();
    await page.keyboard.press('ArrowRight');
  }
  const label = await page.locator('svg.cv g.node.leader').getAttribute('aria-label');
  const leader = label!.split(':')[0];
  const victim = leader === 'n2' ? 'n3' : 'n2';
  await page.getByRole('tab', { name: 'Faults' }).click();
  await page.getByRole('button', { name: `Crash ${victim}` }).click();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('s');
  await page.locator(`svg.cv g.node[data-node="${leader}"]`).click();
  // The node's view loads on first use: shoot it, not "Loading…".
  await page.getByRole('region', { name: `Node ${leader}` }).waitFor();
}

describe.skipIf(!hasBrowser || !process.env.SCREENSHOTS)('screenshots', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    mkdirSync(DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the main page and a guide step at 390, 1280 and 1920 px, light and dark; the welcome', async () => {
    for (const w of [390, 1280, 1920]) {
      const first = await openPage(browser, inject('baseUrl'), viewportFor(w), { firstVisit: true });
      await first.page.getByTestId('welcome').waitFor();
      await first.page.screenshot({ path: `${DIR}/welcome-${w}.png` });
      await first.page.close();
      const { page } = await openPage(browser, inject('baseUrl'), viewportFor(w));
      await stage(page);
      // A full-page capture paints below the viewport, where the feed's rows skip painting until scrolled to
      // (content-visibility: auto): show them as a learner who scrolls there sees them.
      if (w < 1100) await page.addStyleTag({ content: '.feed-list li { content-visibility: visible !important; }' });
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(page, theme);
        await page.screenshot({ path: `${DIR}/main-${theme}-${w}.png`, fullPage: w < 1100 });
      }
      await page.goto(`${inject('baseUrl')}#guide/election/2`);
      await page.locator('.guide-layer').waitFor();
      await page.getByTestId('guide-where').waitFor();
      for (const theme of ['light', 'dark'] as const) {
        await setTheme(page, theme);
        // The guide fills the window (and scrolls inside it).
        await page.screenshot({ path: `${DIR}/guide-${theme}-${w}.png` });
        if (w < 500) {
          // On a phone the cluster comes after the text: scrolled to it.
          await page.locator('.guide-ring').scrollIntoViewIfNeeded();
          await page.screenshot({ path: `${DIR}/guide-${theme}-${w}-cluster.png` });
          await page.locator('.guide-layer h2, .guide-layer h3').first().scrollIntoViewIfNeeded();
        }
      }
      await page.close();
    }
  });

  for (const [w, h] of [
    [1280, 800],
    [1920, 1080],
  ] as const) {
    it(`each panel at ${w}×${h}`, async () => {
      const { page } = await openPage(browser, inject('baseUrl'), { width: w, height: h });
      await stage(page);
      await page.screenshot({ path: `${DIR}/inspect-${w}.png` });
      // The leader's failure detector, one row per peer (the crashed follower's news growing old).
      await page.locator('.detector').scrollIntoViewIfNeeded();
      await page.locator('.side').screenshot({ path: `${DIR}/inspect-detector-${w}.png` });
      await page.locator('.side-body:not([hidden])').evaluate((e) => e.scrollTo(0, 0));
      await page.getByRole('tab', { name: 'Space-time diagram' }).click();
      await page.locator('svg.st circle.st-pt').nth(-12).dispatchEvent('click');
      await page.screenshot({ path: `${DIR}/spacetime-${w}.png` });
      await page.getByRole('tab', { name: 'Clocks' }).click();
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      await page.getByRole('tab', { name: 'Client' }).click();
      for (const line of ['SUB demo', 'PUB demo hello', 'PUB demo world', 'HISTORY demo 10']) {
        await page.getByRole('textbox', { name: 'Protocol line' }).fill(line);
        await page.getByRole('button', { name: 'Send', exact: true }).click();
        await page.keyboard.press('Shift+ArrowRight');
      }
      await page.screenshot({ path: `${DIR}/client-clocks-${w}.png` });
      await page.getByRole('tab', { name: 'Events' }).click();
      await page.getByRole('tab', { name: 'Faults' }).click();
      await page.getByRole('button', { name: 'Minority | majority' }).click();
      await page.getByRole('button', { name: /^Partition: / }).click();
      await page.keyboard.press('Shift+ArrowRight');
      await page.keyboard.press('Shift+ArrowRight');
      await page.screenshot({ path: `${DIR}/faults-${w}.png` });
      await page.getByRole('tab', { name: 'Metrics' }).click();
      await page.getByRole('heading', { name: 'Commit latency' }).waitFor();
      await page.screenshot({ path: `${DIR}/metrics-${w}.png` });
      await page.getByRole('tab', { name: 'Config' }).click();
      await page.getByRole('radio', { name: /cluster\.yaml/ }).check();
      await page.getByRole('textbox', { name: 'cluster.yaml' }).fill('nodes:\n  - id: a\n    host: localhost\n    port: 70000\n');
      await page.screenshot({ path: `${DIR}/config-${w}.png` });
      await page.getByRole('tab', { name: 'Checks' }).click();
      await page.getByRole('button', { name: 'Figure 8 (commit by counting)' }).click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${DIR}/violation-${w}.png` });
      await page.keyboard.press('?');
      await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
      await page.screenshot({ path: `${DIR}/shortcuts-${w}.png` });
      await page.keyboard.press('Escape');
      await page.getByRole('tab', { name: 'Events' }).click();
      await page.locator('.feed-list .rule').last().click();
      await page.locator('dialog.reference').waitFor();
      await page.screenshot({ path: `${DIR}/reference-${w}.png` });
      await page.close();

      const { page: many } = await openPage(browser, inject('baseUrl'), { width: w, height: h });
      await many.locator('svg.cv g.node').first().waitFor();
      await many.getByRole('tab', { name: 'Config' }).click();
      await many.getByRole('spinbutton', { name: 'Number of nodes' }).fill('50');
      await many.getByRole('button', { name: 'Apply and start a new run' }).click();
      await many.waitForTimeout(9000);
      await many.getByRole('button', { name: 'Pause' }).click();
      await many.screenshot({ path: `${DIR}/nodes50-${w}.png` });
      await many.getByRole('button', { name: 'Zoom in' }).click();
      await many.getByRole('button', { name: 'Zoom in' }).click();
      await many.screenshot({ path: `${DIR}/nodes50-zoomed-${w}.png` });
      await many.close();
    });
  }
});
