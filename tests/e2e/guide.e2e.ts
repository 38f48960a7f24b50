// The guides in real Chromium: every chapter opens by deep link and steps forward and back (back
// restores the very same cluster), one predict question answered right and one wrong, a cluster taken
// over to free play and the guide restored. Skipped until the page mounts the guide (GuideHost);
// GUIDE_MOUNTED=1 makes a missing guide a failure instead. SCREENSHOTS=1 also saves each chapter's
// first and last step.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadChapters, sessionAt } from '../../src/guides/chapters';
import { hasBrowser, launch, openPage } from './browser';

const GUIDES = join(__dirname, '../../guides');
const chapters = loadChapters(
  Object.fromEntries(
    readdirSync(GUIDES)
      .filter((f) => f.endsWith('.md'))
      .map((f) => [`/guides/${f}`, readFileSync(join(GUIDES, f), 'utf8')]),
  ),
);
const SHOTS = process.env.SCREENSHOTS ? (process.env.SCREENSHOT_DIR ?? 'docs/screenshots') : undefined;

/** Whether the built page shows the guide for a `#guide` link. */
async function pageHasGuide(url: string): Promise<boolean> {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${url}#guide`);
    await page.locator('svg.cv g.node').first().waitFor({ timeout: 30_000 });
    return (await page.locator('.guide-layer').count()) > 0 || (await page.getByRole('button', { name: 'Guides' }).count()) > 0;
  } finally {
    await browser.close();
  }
}

const mounted = hasBrowser && (process.env.GUIDE_MOUNTED === '1' || (await pageHasGuide(inject('baseUrl'))));

const where = (page: Page) => page.getByTestId('guide-where');
const fingerprint = async (page: Page): Promise<string> => (await page.getByTestId('guide-cluster').getAttribute('data-fingerprint')) ?? '';
/** Next, whatever it is called at this step (Start, Next, or Skip the question when a question is asked). */
const nextButton = (page: Page) => page.locator('.guide-nav button', { hasText: /^(Start →|Next →|Skip the question)$/ });

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${inject('baseUrl')}${hash}`);
  await page.locator('.guide-layer').waitFor();
}

describe.skipIf(!mounted)('the guides in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens each chapter by deep link, goes forward and back (back restores the same cluster)', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    for (const c of chapters) {
      const n = c.steps.length;
      await open(page, `#guide/${c.id}/1`);
      await expect.poll(() => where(page).textContent(), { message: c.id }).toBe(`Step 1 of ${n}`);
      expect(await page.locator('.guide-step-title').textContent()).toBe(`Step 1: ${c.steps[0].title}`);
      expect(await page.getByTestId('guide-failure').count()).toBe(0);
      const fp1 = await fingerprint(page);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/guide-${c.id}-first.png` });

      await nextButton(page).click();
      await expect.poll(() => where(page).textContent()).toBe(`Step 2 of ${n}`);
      expect(await page.evaluate(() => location.hash)).toBe(`#guide/${c.id}/2`);
      expect(await fingerprint(page)).not.toBe(fp1);

      await page.getByRole('button', { name: '← Back' }).click();
      await expect.poll(() => where(page).textContent()).toBe(`Step 1 of ${n}`);
      expect(await fingerprint(page)).toBe(fp1);

      await page.getByRole('navigation', { name: 'Steps' }).getByRole('link', { name: String(n), exact: true }).click();
      await expect.poll(() => where(page).textContent()).toBe(`Step ${n} of ${n}`);
      expect(await page.getByTestId('guide-failure').count()).toBe(0);
      if (SHOTS) await page.screenshot({ path: `${SHOTS}/guide-${c.id}-last.png` });
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('judges one predict answer right and one wrong against what the engine did', async () => {
    const election = chapters.find((c) => c.id === 'election')!;
    const answers = sessionAt(election, 2).outcomes.map((o) => String(o.answer));
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await open(page, '#guide/election');
    await page.getByRole('group', { name: 'Pick a node' }).getByRole('button', { name: answers[0], exact: true }).click();
    await page.getByRole('button', { name: 'Check my answer' }).click();
    await expect.poll(() => page.getByTestId('guide-feedback').textContent()).toMatch(new RegExp(`^.*Right! You said ${answers[0]}`));

    // The wrong one is picked in the cluster view.
    const wrong = ['n1', 'n2', 'n3', 'n4', 'n5'].find((id) => id !== answers[1])!;
    await page.locator(`.guide-ring g.gnode[data-node="${wrong}"]`).click();
    await page.getByRole('button', { name: 'Check my answer' }).click();
    await expect.poll(() => page.getByTestId('guide-feedback').textContent()).toMatch(new RegExp(`Not quite\\. You said ${wrong}; the engine’s answer was ${answers[1]}`));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes the cluster over to free play and returns to the same step', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await open(page, '#guide/election/6');
    await expect.poll(() => where(page).textContent()).toBe('Step 6 of 10');
    const fp = await fingerprint(page);
    const now = await page.getByTestId('guide-now').textContent();
    await page.getByRole('button', { name: 'Try it yourself' }).click();
    await page.locator('.guide-freeplay').waitFor();
    expect(await page.locator('.guide-layer').count()).toBe(0);
    expect(await page.getByTestId('now').textContent()).toBe(now);
    expect(await page.locator('svg.cv g.node').count()).toBe(5);
    // Play with it a little.
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForTimeout(300);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Return to the guide' }).click();
    await page.locator('.guide-layer').waitFor();
    await expect.poll(() => where(page).textContent()).toBe('Step 6 of 10');
    expect(await fingerprint(page)).toBe(fp);
    expect(await page.evaluate(() => location.hash)).toBe('#guide/election/6');
    expect(errors).toEqual([]);
    await page.close();
  });
});
