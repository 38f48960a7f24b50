// Teachers' tools in real Chromium: write a two-step lesson by playing with the cluster, share it as a
// link, open the link in a fresh page and walk it (question included); damaged links and lessons with a
// bad line show a clear error with that line; lesson text is shown as text (no script, no image); the
// branch tree after a fork (switching branches); the side-by-side comparison of two branches and of two
// seeds. SCREENSHOTS=1 saves the editor, the lesson, the error, the branch tree and the comparison.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { encodeLessonHash, lessonToMarkdown, type Lesson } from '../../src/ui/lesson/lessonFormat';
import { hasBrowser, launch, openPage } from './browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious or critical axe-core violations inside `selector`, in light and dark. */
async function axe(page: Page, selector: string): Promise<string[]> {
  const out: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
    const bad = await page.evaluate(async (sel) => {
      const w = window as unknown as { axe: { run: (el: Element) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } };
      const r = await w.axe.run(document.querySelector(sel)!);
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    }, selector);
    out.push(...bad.map((b) => `${colorScheme}: ${b}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return out;
}

const SHOTS = process.env.SCREENSHOTS ? (process.env.SCREENSHOT_DIR ?? 'docs/screenshots') : undefined;

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS === undefined) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name) });
}

async function fresh(browser: Browser, hash = ''): Promise<{ page: Page; errors: string[] }> {
  const r = await openPage(browser, `${inject('baseUrl')}${hash}`, { width: 1440, height: 900 });
  await r.page.locator('svg.cv g.node').first().waitFor({ state: 'attached', timeout: 30_000 });
  if (hash !== '') return r;
  const pause = r.page.getByRole('button', { name: 'Pause' });
  if (await pause.isVisible()) await pause.click();
  return r;
}

const now = async (page: Page): Promise<number> => Number(((await page.getByTestId('now').textContent()) ?? '').replace(/[^\d.]/g, '')) * ((await page.getByTestId('now').textContent())?.includes(' s') ? 1000 : 1);

const hostile: Lesson = {
  title: 'Hostile text',
  summary: 'Text that looks like HTML',
  intro: '',
  seed: 1,
  setup: 'nodes 3',
  steps: [
    {
      title: 'Nothing runs',
      text: 'Look: <script>window.__pwned = 1</script> and <img src="x" onerror="window.__pwned = 2"> and ![a picture](https://example.invalid/x.png) end.',
      scenario: 'run until leader within 2s',
      checks: 'expect leader',
    },
  ],
};

describe.skipIf(!hasBrowser)('lessons, branches and comparisons in the page', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a two-step lesson written in the page is shared as a link, opened in a fresh page and walked', async () => {
    const { page, errors } = await fresh(browser);
    // The Lesson tab appears only for teachers: the guides' list opens it.
    expect(await page.getByRole('tab', { name: 'Lesson' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Guides' }).click();
    await page.getByTestId('lesson-write').click();
    // From the keyboard: the button goes away with the form it opens, and the focus lands on the form's first field.
    await page.getByTestId('lesson-start').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lesson-title');
    await page.getByTestId('lesson-title').fill('When the leader crashes');
    // Step 1: run to the first leader.
    await page.getByRole('button', { name: 'Next leader' }).click();
    await expect.poll(() => page.getByTestId('lesson-recorded').textContent()).toMatch(/No action yet .* to now \(t = [1-9]/);
    await page.getByLabel('Step title').fill('A leader is elected');
    await page.getByLabel(/^What happened/).fill('One node won a **majority** of votes.');
    await page.getByRole('button', { name: 'Suggest checks from now' }).click();
    expect(await page.getByLabel(/^Checks \(expect/).inputValue()).toMatch(/^expect leader n\d/);
    await page.getByTestId('lesson-add-step').click();
    await expect.poll(() => page.locator('.lesson-steps > li').count()).toBe(1);
    // Step 2: crash the leader (Shift+X), run to the next one.
    await page.getByRole('button', { name: 'Next leader' }).focus();
    await page.keyboard.press('Shift+X');
    await page.getByRole('button', { name: 'Next leader' }).click();
    await expect.poll(() => page.getByTestId('lesson-pending-lines').textContent()).toMatch(/^at [\d.]+ms #\d+ crash n\d\nat [\d.]+ms #\d+$/);
    await page.getByLabel('Step title').fill('The leader crashes');
    await page.getByLabel(/^What happened/).fill('The others noticed the silence and elected a new leader in a higher term.');
    await page.getByLabel(/^Checks \(expect/).fill('expect leader\nexpect leaders count = 1');
    await page.getByRole('button', { name: 'Add a question to ask before this step' }).click();
    await page.getByLabel('Question', { exact: true }).fill('Will the cluster elect a new leader?');
    await page.getByLabel('Holds after the step when the answer is right').fill('leader');
    await page.getByLabel('Explanation shown after answering').fill('Four of five nodes are still up: a majority.');
    await page.getByTestId('lesson-add-step').click();
    await expect.poll(() => page.getByTestId('lesson-status').textContent()).toMatch(/The lesson loads: 2 steps/);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect.poll(() => page.getByTestId('lesson-check').textContent()).toMatch(/every check holds/);
    await shot(page, 'lesson-editor.png');
    expect(await axe(page, '.side')).toEqual([]);

    // Preview in the guide player, then back.
    await page.getByTestId('lesson-preview').click();
    await page.locator('.lesson-layer .guide-player').waitFor();
    expect(await page.locator('.lesson-bar').textContent()).toContain('Preview of your lesson');
    await page.getByRole('button', { name: 'Back to the editor' }).click();
    await expect.poll(() => page.locator('.lesson-layer').count()).toBe(0);
    // Escape closes the preview too (as it closes the guide and the comparison), back to the Preview button.
    await page.getByTestId('lesson-preview').click();
    await page.locator('.lesson-layer .guide-player').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.lesson-layer').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('lesson-preview');

    // Other tabs and back: the draft stays, the page stays up.
    await page.getByRole('tab', { name: 'Faults' }).click();
    await page.getByRole('tab', { name: 'Lesson' }).click();
    await expect.poll(() => page.locator('.lesson-steps > li').count()).toBe(2);
    await page.getByTestId('lesson-link-button').click();
    const link = await page.getByTestId('lesson-link').inputValue();
    expect(link).toMatch(/#lesson=z[\w-]+$/);
    expect(errors).toEqual([]);

    // A fresh page (a new browser context: no stored draft) opens the link and walks the lesson.
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const learner = await ctx.newPage();
    const learnerErrors: string[] = [];
    learner.on('pageerror', (e) => learnerErrors.push(e.message));
    await learner.goto(link);
    await learner.locator('.lesson-layer .guide-player').waitFor({ timeout: 30_000 });
    expect(await learner.locator('.guide-title').textContent()).toContain('When the leader crashes');
    expect(await learner.getByTestId('guide-where').textContent()).toBe('Introduction');
    await learner.getByRole('button', { name: 'Start →' }).click();
    await expect.poll(() => learner.getByTestId('guide-where').textContent()).toBe('Step 1 of 2');
    expect(await learner.locator('.guide-step-title').textContent()).toContain('A leader is elected');
    expect(await learner.locator('.guide-text strong', { hasText: 'majority' }).count()).toBe(1);
    // The question of step 2 is asked before it runs.
    await learner.getByText('Will the cluster elect a new leader?').waitFor();
    await learner.getByRole('group', { name: 'Choices' }).getByRole('button', { name: 'Yes' }).click();
    await learner.getByRole('button', { name: 'Check my answer' }).click();
    await expect.poll(() => learner.getByTestId('guide-where').textContent()).toBe('Step 2 of 2');
    expect(await learner.getByTestId('guide-feedback').textContent()).toMatch(/Right!/);
    expect(await learner.locator('.guide-text').textContent()).toContain('elected a new leader in a higher term');
    expect(await learner.getByTestId('guide-failure').count()).toBe(0);
    await shot(learner, 'lesson-shared.png');
    expect(await axe(learner, '.lesson-layer')).toEqual([]);
    expect(learnerErrors).toEqual([]);
    await ctx.close();
    await page.close();
  });

  it('a damaged link and a lesson with a bad line show a clear error and change nothing', async () => {
    const { page } = await fresh(browser, '#lesson=zAAAA');
    await page.getByTestId('lesson-error').waitFor();
    expect(await page.getByTestId('lesson-error').textContent()).toMatch(/could not be opened.*damaged/);
    await page.getByRole('button', { name: 'Back to the simulator' }).click();
    await expect.poll(() => page.locator('.lesson-layer').count()).toBe(0);

    const bad = lessonToMarkdown({ ...hostile, steps: [{ ...hostile.steps[0], scenario: 'run until leader within 2s\ncrush n1' }] });
    await page.goto(`${inject('baseUrl')}${await encodeLessonHash(bad)}`);
    await page.getByTestId('lesson-error').waitFor();
    const text = await page.getByTestId('lesson-error').textContent();
    const line = bad.split('\n').findIndex((l) => l === 'crush n1') + 1;
    expect(text).toContain(`lesson.md line ${line}:`);
    expect(text).toMatch(/crush/);
    expect(await page.getByTestId('lesson-error-line').textContent()).toBe(`${line}crush n1`);
    await shot(page, 'lesson-error.png');
    expect(await axe(page, '.lesson-layer')).toEqual([]);
    // A good link pasted over it (here a guide's) opens in view: the old error does not stay on top of it.
    await page.evaluate(() => {
      location.hash = '#guide/election/3';
    });
    await expect.poll(() => page.locator('.lesson-layer').count()).toBe(0);
    await page.locator('.guide-layer').waitFor();
    await page.close();
  });

  it('lesson text is shown as text: no script runs, no image loads', async () => {
    const requests: string[] = [];
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${inject('baseUrl')}${await encodeLessonHash(lessonToMarkdown(hostile))}`);
    await page.locator('.lesson-layer .guide-player').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Start →' }).click();
    await expect.poll(() => page.getByTestId('guide-where').textContent()).toBe('Step 1 of 1');
    const article = page.locator('.guide-text');
    expect(await article.textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await article.textContent()).toContain('<img src="x" onerror="window.__pwned = 2">');
    expect(await article.locator('script, img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(requests.filter((u) => u.includes('example.invalid'))).toEqual([]);
    await ctx.close();
  });

  it('a fork keeps its branch: the tree shows both, a click switches, and two branches compare side by side', async () => {
    const { page, errors } = await fresh(browser);
    await page.getByRole('button', { name: 'Next leader' }).click();
    await page.getByRole('button', { name: 'Next leader' }).focus();
    await page.keyboard.press('Shift+X');
    await page.getByRole('button', { name: 'Next leader' }).click();
    const end = await now(page);
    // Back before the first leader, and act differently: crash n1 at the first election.
    // Below 1720 px "To start" is folded into the toolbar's Run menu.
    if (!(await page.getByRole('button', { name: 'To start' }).isVisible())) await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByRole('button', { name: 'To start' }).click();
    await page.getByRole('button', { name: 'Next election' }).click();
    await page.getByRole('tab', { name: 'Faults' }).click();
    await page.getByRole('button', { name: 'Crash n1' }).click();
    await page.locator('.branches').waitFor();
    expect(await page.locator('.branch-btn').count()).toBe(2);
    expect(await page.locator('.branch-btn.current').textContent()).toMatch(/^↳ Branch 2: crash n1 at /);
    await page.getByRole('button', { name: 'Next leader' }).click();
    await shot(page, 'branches.png');
    expect(await axe(page, '.branches')).toEqual([]);
    // Switch back to the first run: replayed, its end restored.
    const t = await now(page);
    await page.locator('.branch-btn[data-branch="1"]').click();
    await expect.poll(() => page.locator('.branch-btn.current').getAttribute('data-branch')).toBe('1');
    await expect.poll(() => now(page)).toBeCloseTo(Math.min(t, end), -1);
    await page.getByRole('button', { name: 'Next leader' }).focus();
    await page.keyboard.press('End');
    await expect.poll(() => now(page)).toBeCloseTo(end, -1);

    await page.getByTestId('compare-open').click();
    await page.getByTestId('compare-view').waitFor();
    await page.getByTestId('compare-run').click();
    await page.getByTestId('compare-summary').waitFor();
    expect(await page.getByTestId('compare-summary').textContent()).toMatch(/first differ at t = /);
    // The first differing event is marked in both panes: branch 2's is the crash of n1, branch 1's is something else at that moment.
    const a = await page.getByTestId('compare-pane-a').getByTestId('cmp-first-diff-row').textContent();
    const b = await page.getByTestId('compare-pane-b').getByTestId('cmp-first-diff-row').textContent();
    expect(b).toMatch(/crash n1/);
    expect(a).not.toBe(b);
    expect(await page.locator('.cmp-summary td.cmp-differs').count()).toBeGreaterThan(0);
    // Said to a screen reader too: the result in the status region (there before it), each differing cell in words.
    expect(await page.getByTestId('compare-announce').textContent()).toMatch(/^The runs (agree on their first \d+ .*events?, then first differ|differ from their first .*event), at t = |first differ at t = /);
    expect(await page.locator('.cmp-summary td.cmp-differs').first().textContent()).toMatch(/\(differs\)$/);
    await shot(page, 'compare-branches.png');
    expect(await axe(page, '.compare-layer')).toEqual([]);
    // One slider moves both runs.
    await page.getByTestId('compare-slider').fill('0');
    await expect.poll(() => page.getByTestId('compare-t').textContent()).toBe('0.0 ms');
    expect(await page.locator('.cmp-pane td.cmp-differs').count()).toBe(0);

    // The same run on two seeds.
    await page.getByRole('radio', { name: 'This run on two seeds' }).check();
    await page.getByTestId('compare-run').click();
    await expect.poll(() => page.locator('.cmp-pane h2').first().textContent()).toMatch(/seed 1$/);
    expect(await page.getByTestId('compare-summary').textContent()).toMatch(/(first differ at|differ from their first (\w+ )?event, at) t = /);
    await page.getByRole('button', { name: 'Close the comparison' }).click();
    await expect.poll(() => page.getByTestId('compare-view').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
