// The guides in real Chromium: every chapter opens by deep link and steps forward and back (back
// restores the very same cluster), one predict question answered right and one wrong, a cluster taken
// over to free play and the guide restored; the step bar steps a guide step event by event and the log
// grid follows; the guide on a phone (nothing covers the answer buttons or the nodes, nothing clipped)
// and no sideways scrolling from 320 to 1920 px. Skipped until the page mounts the guide (GuideHost);
// GUIDE_MOUNTED=1 makes a missing guide a failure instead. SCREENSHOTS=1 also saves each chapter's
// first and last step, and a guide step at 390, 1280 and 1920 px.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { sessionAt } from '../../src/guides/chapters';
import { hasBrowser, launch, openPage } from './browser';
import { chapters } from './guideFiles';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.SCREENSHOTS ? (process.env.SCREENSHOT_DIR ?? 'docs/screenshots') : undefined;

/** Whether the built page shows the guide for a `#guide` link. */
async function pageHasGuide(url: string): Promise<boolean> {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${url}#guide`);
    await page.locator('svg.cv g.node').first().waitFor({ state: 'attached', timeout: 30_000 });
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

/** The grid's rows as the page draws them: per node, its cells' terms and its commit index. */
async function gridRows(page: Page): Promise<Record<string, { terms: string; commit: number }>> {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLTableRowElement>('[data-testid="log-grid"] tbody tr')].map((tr) => [
        tr.dataset.node!,
        { terms: [...tr.querySelectorAll<HTMLElement>('td.lg-cell[data-term]')].map((td) => td.dataset.term).join(' '), commit: Number(tr.dataset.commit) },
      ]),
    ),
  );
}

/**
 * Sideways overflow in the guide: the layer or one of its columns wider than its box, or an element past
 * the window's edge, except inside the boxes made to scroll sideways (the log grid, wide tables, code).
 */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const layer = document.querySelector('.guide-layer')!;
    for (const box of [layer, ...layer.querySelectorAll('.guide-player, .guide-body, .guide-scroll, .guide-text, .guide-view, .guide-nav, .guide-head, .guide-steps')]) {
      if (box.scrollWidth > box.clientWidth + 1) out.push(`${box.className}: scrollWidth ${box.scrollWidth} > ${box.clientWidth}`);
    }
    const scroller = (el: Element): boolean => el.closest('.loggrid-wrap, .guide-table-wrap, pre, .guide-narration') !== null;
    for (const el of layer.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if ((r.right > innerWidth + 0.5 || r.left < -0.5) && !scroller(el)) out.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.left)}–${Math.round(r.right)}`);
    }
    scrollTo(500, 0);
    if (scrollX !== 0) out.push(`the window scrolls sideways to ${scrollX}`);
    return out.slice(0, 10);
  });
}

/** What a tap at the centre of `selector`'s n-th match hits, once it is scrolled to the middle of its box. */
async function hits(page: Page, selector: string, n = 0): Promise<boolean> {
  const el = page.locator(selector).nth(n);
  await el.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  return el.evaluate((e) => {
    const r = e.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === e || e.contains(hit));
  });
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
    // The right one by keyboard: the nav bar comes right after the question in Tab order (before the view's controls).
    const picks = page.getByRole('group', { name: 'Pick a node' }).getByRole('button');
    await picks.filter({ hasText: new RegExp(`^${answers[0]}$`) }).focus();
    await page.keyboard.press('Enter');
    const after = (await picks.count()) - (await picks.allTextContents()).indexOf(answers[0]) - 1;
    let tabs = 0;
    while (tabs < 40 && (await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))) !== 'Check my answer') {
      await page.keyboard.press('Tab');
      tabs++;
    }
    expect(tabs, 'Tabs from the answer to Check my answer: the rest of the answers, Back (when enabled), Check').toBeLessThanOrEqual(after + 2);
    await page.keyboard.press('Enter');
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
    await expect.poll(() => page.getByTestId('now').textContent()).not.toBe(now);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Return to the guide' }).click();
    await page.locator('.guide-layer').waitFor();
    await expect.poll(() => where(page).textContent()).toBe('Step 6 of 10');
    expect(await fingerprint(page)).toBe(fp);
    expect(await page.evaluate(() => location.hash)).toBe('#guide/election/6');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('steps through a guide step with the button: each event explained, the log grid following the engine', async () => {
    const replication = chapters.find((c) => c.id === 'replication')!;
    const { session } = sessionAt(replication, 2);
    const c = session.runner.cluster;
    const engine = Object.fromEntries(c.nodeIds.map((id) => [id, { terms: c.node(id).log.map((e) => e.term).join(' '), commit: c.node(id).commitIndex }]));
    const leader = c.leader()!;
    session.runner.dispose();

    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await open(page, '#guide/replication/2');
    await expect.poll(() => where(page).textContent()).toBe(`Step 2 of ${replication.steps.length}`);
    expect(await gridRows(page)).toEqual(engine);
    expect(engine[leader].commit).toBe(1);
    const step = page.getByTestId('guide-stepbar').getByRole('button', { name: 'Step', exact: true });
    const narration = page.getByTestId('guide-narration');
    // Raft events only: each press is one delivery or timer with its sentence, until the leader commits entry 2.
    for (let i = 0; i < 40 && (await gridRows(page))[leader].commit < 2; i++) {
      const before = Number(await page.getByTestId('guide-cluster').getAttribute('data-events'));
      await step.click();
      await expect.poll(async () => Number(await page.getByTestId('guide-cluster').getAttribute('data-events'))).toBeGreaterThan(before);
      expect(await narration.locator('li.latest').count()).toBeGreaterThan(0);
      expect(await narration.locator('li.latest .rule').count()).toBeGreaterThan(0);
    }
    const rows = await gridRows(page);
    expect(rows[leader]).toEqual({ terms: engine[leader].terms, commit: 2 });
    expect(await narration.textContent()).toMatch(new RegExp(`${leader} committed up to index 2`));
    expect(await page.getByTestId('guide-explored').textContent()).toMatch(/past this step/);
    // The keys do the same: E runs to the next election (none comes while the leader is healthy: said so).
    await page.locator('.guide-step-title').focus();
    await page.keyboard.press('s');
    await expect.poll(() => narration.locator('li.latest').count()).toBeGreaterThan(0);
    // Back to the step's own moment: the grid is the engine's again.
    await page.getByRole('button', { name: '↺ Back to the step' }).click();
    await expect.poll(() => gridRows(page)).toEqual(engine);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Escape closes the guide (not while a field has the focus); Back and the chapter list return to the step', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await open(page, '#guide/election/3');
    await expect.poll(() => where(page).textContent()).toBe('Step 3 of ' + chapters.find((c) => c.id === 'election')!.steps.length);
    // Typed in a field, Escape is the field's: the guide stays.
    const field = page.locator('.guide-layer select:visible, .guide-layer input[type=text]:visible').first();
    expect(await field.count()).toBe(1);
    await field.focus();
    await page.keyboard.press('Escape');
    await page.waitForTimeout(100);
    expect(await page.locator('.guide-layer').count()).toBe(1);
    await page.locator('.guide-step-title').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.guide-layer').count()).toBe(0);
    expect(await page.evaluate(() => location.hash)).toBe('');
    // The focus goes back to the Guides button the learner came from, not to the page's body.
    await expect.poll(() => page.evaluate(() => document.activeElement?.hasAttribute('data-guides') ?? false)).toBe(true);
    await page.goBack();
    await page.locator('.guide-layer').waitFor();
    await expect.poll(() => where(page).textContent()).toMatch(/^Step 3 of/);
    // Escape closes the chapter list too; the list offers to continue where the learner was.
    await page.getByRole('button', { name: 'Close the guide' }).click();
    await page.getByRole('button', { name: 'Guides', exact: true }).first().click();
    await page.locator('.guide-layer').waitFor();
    expect(await page.getByRole('link', { name: /Continue at step 3/ }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.guide-layer').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('on a small phone (320 × 640) the header scrolls away with the step; the nav bar stays at the bottom; Next starts at the top', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'), { width: 320, height: 640 });
    await open(page, '#guide/election/3');
    await expect.poll(() => where(page).textContent()).toMatch(/^Step 3 of/);
    const box = (sel: string) => page.locator(sel).first().evaluate((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; });
    await page.locator('.guide-player').evaluate((e) => { e.scrollTop = 400; });
    expect((await box('.guide-head')).bottom, 'the header has scrolled away').toBeLessThan(0);
    expect((await box('.guide-nav')).bottom).toBeCloseTo(640, 0);
    await page.locator('.guide-player').evaluate((e) => { e.scrollTop = e.scrollHeight; });
    // At the end, the last panel ends above the nav bar (nothing under it).
    const view = await box('.guide-view');
    expect(view.bottom).toBeLessThanOrEqual((await box('.guide-nav')).top + 1);
    await nextButton(page).click();
    await expect.poll(() => where(page).textContent()).toMatch(/^Step 4 of/);
    expect(await page.locator('.guide-player').evaluate((e) => e.scrollTop)).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('works on a phone (390 × 844): text above the cluster, the nav bar covers nothing, tapping n1 picks n1', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'), { width: 390, height: 844 });
    await open(page, '#guide/election');
    await page.locator('.guide-ring').waitFor();
    // The chapter title is whole: wrapped, never cut.
    const title = await page.locator('.guide-title').evaluate((h) => ({ sw: h.scrollWidth, cw: h.clientWidth, right: h.getBoundingClientRect().right, text: h.textContent }));
    const election = chapters.find((c) => c.id === 'election')!;
    expect(title.text).toBe(`Chapter ${election.order}: ${election.title}`);
    expect(title.sw).toBeLessThanOrEqual(title.cw);
    expect(title.right).toBeLessThanOrEqual(390);
    // The steps are reachable: a menu of them, whole on screen.
    const jump = page.getByRole('combobox', { name: 'Go to' });
    expect(await jump.isVisible()).toBe(true);
    const jr = (await jump.boundingBox())!;
    expect(jr.x + jr.width).toBeLessThanOrEqual(390);
    // The text comes first and the cluster under it: no overlap.
    const text = (await page.locator('.guide-text').boundingBox())!;
    const view = (await page.locator('.guide-view').boundingBox())!;
    expect(text.y + text.height).toBeLessThanOrEqual(view.y + 0.5);
    // The nav bar is a footer under the scrolling column, not over it.
    const nav = (await page.locator('.guide-nav').boundingBox())!;
    const scroller = (await page.locator('.guide-scroll').boundingBox())!;
    expect(scroller.y + scroller.height).toBeLessThanOrEqual(nav.y + 0.5);
    expect(nav.y + nav.height).toBeLessThanOrEqual(844 + 0.5);
    // Every answer button and every node hits itself at its centre.
    const answers = page.getByRole('group', { name: 'Pick a node' }).getByRole('button');
    for (let i = 0; i < (await answers.count()); i++) expect(await hits(page, '[role="group"][aria-label="Pick a node"] button', i), `answer ${i}`).toBe(true);
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) expect(await hits(page, `.guide-ring g.gnode[data-node="${id}"] .gbody`), id).toBe(true);
    for (const name of ['← Back', 'Check my answer', 'Skip the question', 'Try it yourself']) {
      const b = page.locator('.guide-nav').getByRole('button', { name, exact: true });
      const r = (await b.boundingBox())!;
      expect(r.height, name).toBeGreaterThanOrEqual(44);
      expect(r.x + r.width, name).toBeLessThanOrEqual(390);
    }
    // A tap on n1 picks n1.
    await page.locator('.guide-ring g.gnode[data-node="n1"] .gbody').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    const n1 = (await page.locator('.guide-ring g.gnode[data-node="n1"] .gbody').boundingBox())!;
    await page.mouse.click(n1.x + n1.width / 2, n1.y + n1.height / 2);
    await expect.poll(() => page.locator('.guide-ring g.gnode[data-node="n1"]').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Check my answer' }).isEnabled()).toBe(true);
    expect(await overflowing(page)).toEqual([]);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/guide-phone-390.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('never scrolls sideways, from 320 to 1920 px', async () => {
    const steps = ['#guide/election', '#guide/safety/10', '#guide/pubsub/5', '#guide/failure-detection/4'];
    for (const width of [320, 390, 768, 1280, 1920]) {
      const { page, errors } = await openPage(browser, inject('baseUrl'), { width, height: width < 800 ? 844 : 900 });
      await open(page, '#guide');
      await page.locator('.guide-card').first().waitFor();
      expect(await overflowing(page), `the chapter list at ${width} px`).toEqual([]);
      for (const hash of steps) {
        await open(page, hash);
        await page.locator('.guide-ring').waitFor();
        // With every panel open, the widest the view gets.
        const chips = page.getByRole('group', { name: 'Show panels' });
        for (const name of await chips.getByRole('button', { pressed: false }).allTextContents()) await chips.getByRole('button', { name, exact: true }).click();
        await page.getByTestId('guide-stepbar').getByRole('button', { name: 'Step', exact: true }).click();
        expect(await overflowing(page), `${hash} at ${width} px`).toEqual([]);
      }
      if (SHOTS && [390, 1280, 1920].includes(width)) await page.screenshot({ path: `${SHOTS}/guide-step-${width}.png` });
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('has no serious or critical accessibility violation with every panel open, light and dark, phone and desktop', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [390, 1280]) {
        const page = await browser.newPage({ viewport: { width, height: 844 }, colorScheme });
        for (const hash of ['#guide/election/1', '#guide/safety/10']) {
          await open(page, hash);
          await page.locator('.guide-ring').waitFor();
          const chips = page.getByRole('group', { name: 'Show panels' });
          for (const name of await chips.getByRole('button', { pressed: false }).allTextContents()) await chips.getByRole('button', { name, exact: true }).click();
          await page.getByTestId('guide-stepbar').getByRole('button', { name: 'Step', exact: true }).click();
          await page.addScriptTag({ content: AXE });
          const bad = await page.evaluate(async () => {
            const w = window as unknown as { axe: { run: (el: Element) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } };
            const r = await w.axe.run(document.querySelector('.guide-layer')!);
            return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
          });
          expect(bad, `${hash} ${colorScheme} ${width} px`).toEqual([]);
        }
        await page.close();
      }
    }
  });
});
