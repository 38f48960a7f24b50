// Every guide step on every screen: no sideways scrolling, every control ≥ 24 px (44 on touch) and
// uncovered at 320–1920 px, and axe-core finds no serious or critical problem in the guide: all rules in
// light, and contrast (the rule a theme changes) in dark; SVG text (axe leaves it out) keeps 4.5:1 in both. Two pages walk the chapters with Next.
// The chapter list and each chapter's introduction are checked at all five widths; each step at 1280 and
// 390 px and one of the other three in turn (step n: 320, 768 or 1920 by n mod 3), so every width
// still meets every chapter; dark contrast on the introductions and odd steps. FULL=1 checks every
// step at all five widths and in dark (about 1.5× as long).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { WIDTHS, atWidths, axeProblems, layoutProblems, setTheme, svgContrastProblems, viewportFor } from './checks';
import { hasBrowser, launch, openPage } from './browser';
import { chapters } from './guideFiles';


/** Next, whatever it is called at this step (Start, Next, or Skip the question when a question is asked). */
const nextButton = (page: Page) => page.locator('.guide-nav button', { hasText: /^(Start →|Next →|Skip the question)$/ });

/** Widths in an order that ends where the next step starts (1280 px), saving a resize per step. */
const ORDER = [...WIDTHS.filter((w) => w !== 1280), 1280];
const FULL = process.env.FULL === '1';
/** The widths besides 1280 and 390 that steps take in turn. */
const ROTATING = WIDTHS.filter((w) => w !== 1280 && w !== 390);

/** The widths step n (0 for an introduction or the list: all of them) is checked at, ending at 1280. */
function widthsFor(n: number): readonly number[] {
  if (FULL || n === 0) return ORDER;
  return [ROTATING[n % ROTATING.length], 390, 1280];
}

/**
 * The layout checks at the step's widths, then axe (all rules in light, contrast in dark on odd steps);
 * `phone` adds dark contrast at 390 px (the phone's own controls).
 */
async function checkStep(page: Page, where: string, phone = false, n = 0): Promise<string[]> {
  const out = await atWidths(page, widthsFor(n), () => layoutProblems(page, where));
  out.push(...(await axeProblems(page, where, false, '.guide-layer')));
  // The guide's drawings (ring, log grid, diagram) are SVG text, which axe leaves out.
  out.push(...(await svgContrastProblems(page, where, '.guide-layer svg', false)));
  // Dark (contrast only) on the list, each introduction and every other step (FULL=1: every step).
  if (!FULL && n % 2 === 0 && n > 0) return out;
  await setTheme(page, 'dark');
  out.push(...(await axeProblems(page, where, true, '.guide-layer')));
  out.push(...(await svgContrastProblems(page, where, '.guide-layer svg', false)));
  if (phone) {
    await page.setViewportSize(viewportFor(390));
    out.push(...(await axeProblems(page, where, true, '.guide-layer')));
    await page.setViewportSize(viewportFor(1280));
  }
  await setTheme(page, 'light');
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
      problems.push(...(await checkStep(page, `${c.id} introduction`, true)));
      for (let n = 1; n <= c.steps.length; n++) {
        await nextButton(page).click();
        await expect.poll(() => page.getByTestId('guide-where').textContent(), { message: `${c.id} step ${n}` }).toBe(`Step ${n} of ${c.steps.length}`);
        problems.push(...(await checkStep(page, `${c.id} step ${n}`, false, n)));
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
    const problems = await checkStep(page, 'chapter list', true);
    await page.close();
    // Two pages walk half the chapters each (the browser renders them on both cores).
    const halves = await Promise.all([walk(chapters.filter((_, i) => i % 2 === 0)), walk(chapters.filter((_, i) => i % 2 === 1))]);
    const steps = halves.reduce((n, h) => n + h.steps, 0);
    const at = FULL ? WIDTHS.join(', ') : `1280, 390 and one of ${ROTATING.join('/')} in turn (introductions at all of ${WIDTHS.join(', ')}; FULL=1 for all)`;
    console.log(`[guide layout] ${chapters.length} chapters, ${steps} steps checked at ${at} px; axe light and contrast dark (${FULL ? 'every step' : 'odd steps and introductions'}) @1280 (and dark @390 on each introduction)`);
    expect([...problems, ...halves.flatMap((h) => h.problems)]).toEqual([]);
    expect([...errors, ...halves.flatMap((h) => h.errors)]).toEqual([]);
  }, 900_000);
});
