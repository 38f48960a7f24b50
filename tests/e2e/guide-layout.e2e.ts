// Every guide step on every screen: no sideways scrolling, every control ≥ 24 px (44 on touch) and
// uncovered at 320–1920 px, and axe-core finds no serious or critical problem: all rules in light at
// 1280 px, and contrast (the rule a theme changes) in dark at 390 px. One page walks each chapter with
// its Next button.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadChapters } from '../../src/guides/chapters';
import { WIDTHS, atWidths, axeProblems, layoutProblems, setTheme, viewportFor } from './checks';
import { hasBrowser, launch, openPage } from './browser';

const GUIDES = join(__dirname, '../../guides');
const chapters = loadChapters(
  Object.fromEntries(
    readdirSync(GUIDES)
      .filter((f) => f.endsWith('.md'))
      .map((f) => [`/guides/${f}`, readFileSync(join(GUIDES, f), 'utf8')]),
  ),
);

/** Next, whatever it is called at this step (Start, Next, or Skip the question when a question is asked). */
const nextButton = (page: Page) => page.locator('.guide-nav button', { hasText: /^(Start →|Next →|Skip the question)$/ });

async function checkStep(page: Page, where: string): Promise<string[]> {
  const out = await atWidths(page, WIDTHS, () => layoutProblems(page, where));
  await page.setViewportSize(viewportFor(1280));
  await setTheme(page, 'light');
  out.push(...(await axeProblems(page, where)));
  await page.setViewportSize(viewportFor(390));
  await setTheme(page, 'dark');
  out.push(...(await axeProblems(page, where, true)));
  await page.setViewportSize(viewportFor(1280));
  return out;
}

describe.skipIf(!hasBrowser)('every guide step on every screen', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Walks chapters in one page: the introduction, then every step with the Next button. */
  async function walk(list: typeof chapters): Promise<{ problems: string[]; errors: string[]; steps: number }> {
    const { page, errors } = await openPage(browser, inject('baseUrl'), viewportFor(1280));
    const problems: string[] = [];
    let steps = 0;
    for (const c of list) {
      await page.goto(`${inject('baseUrl')}#guide/${c.id}`);
      await page.locator('.guide-layer').waitFor();
      await page.getByTestId('guide-where').waitFor();
      problems.push(...(await checkStep(page, `${c.id} introduction`)));
      for (let n = 1; n <= c.steps.length; n++) {
        await nextButton(page).click();
        await expect.poll(() => page.getByTestId('guide-where').textContent(), { message: `${c.id} step ${n}` }).toBe(`Step ${n} of ${c.steps.length}`);
        problems.push(...(await checkStep(page, `${c.id} step ${n}`)));
        steps++;
      }
    }
    await page.close();
    return { problems, errors, steps };
  }

  it('the chapter list, each chapter’s introduction and every step hold the layout and accessibility checks', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'), viewportFor(1280));
    await page.goto(`${inject('baseUrl')}#guide`);
    await page.locator('.guide-layer').waitFor();
    await page.locator('.guide-card').first().waitFor();
    const problems = await checkStep(page, 'chapter list');
    await page.close();
    // Two pages walk half the chapters each (the browser renders them on both cores).
    const halves = await Promise.all([walk(chapters.filter((_, i) => i % 2 === 0)), walk(chapters.filter((_, i) => i % 2 === 1))]);
    const steps = halves.reduce((n, h) => n + h.steps, 0);
    console.log(`[guide layout] ${chapters.length} chapters, ${steps} steps checked at ${WIDTHS.join(', ')} px; axe light @1280 and contrast dark @390`);
    expect([...problems, ...halves.flatMap((h) => h.problems)]).toEqual([]);
    expect([...errors, ...halves.flatMap((h) => h.errors)]).toEqual([]);
  }, 900_000);
});
