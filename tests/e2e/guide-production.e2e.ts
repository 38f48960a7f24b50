// A chapter of "Raft as production systems run it" walked in real Chromium as a learner would: every
// step through Next, each rule question answered with the chapter's answer (the page must say it was
// right and show no failed step), the read mode's stale read named by the checker on the page, and
// the challenge solved by typing its solution into the challenge box.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasBrowser, launch, openPage } from './browser';
import { chapters } from './guideFiles';


const where = (page: Page) => page.getByTestId('guide-where');
const plain = (s: string) => s.replace(/[*`_]/g, '');

describe.skipIf(!hasBrowser)('a production-Raft chapter in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(['reads', 'transfer'])('walks the %s chapter step by step, answers every question right, and solves the challenge', async (id) => {
    const chapter = chapters.find((c) => c.id === id)!;
    const n = chapter.steps.length;
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.goto(`${inject('baseUrl')}#guide/${id}`);
    await page.locator('.guide-layer').waitFor();
    await expect.poll(() => page.locator('.guide-title').textContent()).toBe(`Chapter ${chapter.order}: ${plain(chapter.title)}`);

    let answered = 0;
    for (let k = 0; k < n; k++) {
      const step = chapter.steps[k];
      const p = step.predict;
      if (p !== undefined) {
        // The question is asked before the step runs: pick the chapter's answer and check it.
        expect(await page.locator('.guide-question-text').textContent()).toBe(plain(p.question));
        await page.getByRole('group', { name: 'Choices' }).getByRole('button', { name: plain(String(p.correct)), exact: true }).click();
        await page.getByRole('button', { name: 'Check my answer' }).click();
        await expect.poll(() => page.getByTestId('guide-feedback').textContent(), { message: `${id} step ${k + 1}` }).toMatch(/Right! You said/);
        answered++;
      } else {
        await page.locator('.guide-nav button', { hasText: /^(Start →|Next →)$/ }).click();
      }
      await expect.poll(() => where(page).textContent(), { message: `${id} step ${k + 1}` }).toBe(`Step ${k + 1} of ${n}`);
      expect(await page.locator('.guide-step-title').textContent()).toBe(`Step ${k + 1}: ${plain(step.title)}`);
      expect(await page.getByTestId('guide-failure').count(), `${id} step ${k + 1} failed on the page`).toBe(0);
    }
    expect(answered).toBe(chapter.steps.filter((s) => s.predict !== undefined).length);
    expect(answered).toBeGreaterThanOrEqual(3);

    // The challenge: type one solution, run it, and ask the checkers.
    await page.getByRole('button', { name: 'Take the challenge →' }).click();
    await expect.poll(() => page.locator('.guide-step-title').textContent()).toBe(`Challenge: ${plain(chapter.challenge!.title)}`);
    await page.getByRole('textbox', { name: 'Scenario commands' }).fill(chapter.challenge!.solution.text);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => page.getByTestId('guide-goal').textContent(), { timeout: 30_000 }).toMatch(/^Challenge complete!/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
