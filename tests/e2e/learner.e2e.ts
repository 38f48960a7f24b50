// What a learner meets in real Chromium: the first visit's welcome and slow-motion first election, the
// help dialog holding the keyboard focus, the console following its replies and saying when the run is
// paused, a guide's actions credited to the guide, feed times in the header's units.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasBrowser, launch, openPage, openPhone } from './browser';

const speed = (page: Page) => page.getByRole('combobox', { name: 'Speed' }).evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent);

describe.skipIf(!hasBrowser)('what a learner meets', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a first visit: a welcome saying where to start, then the first election in slow motion (§5.2)', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'), undefined, { firstVisit: true });
    const welcome = page.getByRole('region', { name: 'Welcome to Wiber Sim' });
    await welcome.waitFor();
    expect(await welcome.textContent()).toMatch(/Raft/);
    // Nothing runs behind the welcome.
    expect(await page.getByRole('button', { name: 'Play', exact: true }).count()).toBe(1);
    // Pressed from the keyboard: the welcome goes away with the button, and the focus lands on Play/Pause, not on the page.
    await page.getByRole('button', { name: 'Free play: watch the first election' }).focus();
    await page.keyboard.press('Enter');
    expect(await welcome.count()).toBe(0);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('togglePlay');
    expect(await speed(page)).toBe('1/30×');
    // A candidate appears: the speed drops and the notice says what is happening.
    await expect.poll(() => speed(page), { timeout: 30_000 }).toBe('1/300×');
    expect(await page.getByTestId('notice').textContent()).toMatch(/Slow motion \(1\/300×\) for your first election: at t=[\d.]+ ms, n\d's election timer ran out/);
    await expect.poll(() => page.locator('svg.cv g.node.candidate').count()).toBeGreaterThan(0);
    // A leader: back to the speed before.
    await expect.poll(() => speed(page), { timeout: 60_000 }).toBe('1/30×');
    expect(await page.getByTestId('notice').textContent()).toMatch(/At t=[\d.]+ ms, n\d won votes from a majority and became the leader of term 1/);
    expect(await page.locator('svg.cv g.node.leader').count()).toBe(1);
    // Remembered: the next visit goes straight to the simulator, playing.
    await page.reload();
    await page.locator('svg.cv g.node').first().waitFor();
    expect(await page.getByRole('region', { name: 'Welcome to Wiber Sim' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();

    const second = await openPage(browser, inject('baseUrl'), undefined, { firstVisit: true });
    await second.page.getByRole('button', { name: 'Start the guide: chapter 1' }).click();
    await second.page.locator('.guide-layer').waitFor();
    expect(await second.page.evaluate(() => location.hash)).toMatch(/^#guide\/why-consensus/);
    expect(second.errors).toEqual([]);
    await second.page.close();
  });

  it('a page opens at its top with the focus on nothing: on a phone the welcome and Play are on screen, and the first Tab is the skip link', async () => {
    for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
      const { page, errors } = await openPage(browser, inject('baseUrl'), viewport, { firstVisit: true });
      await page.getByRole('region', { name: 'Welcome to Wiber Sim' }).waitFor();
      await page.locator('svg.cv g.node').first().waitFor();
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => [window.scrollY, document.activeElement?.tagName]), `${viewport.width} px`).toEqual([0, 'BODY']);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/^Skip to/);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('on a phone, a tapped node says where its details are, and the line goes there', async () => {
    const { page, context } = await openPhone(browser, inject('baseUrl'));
    await page.locator('svg.cv g.node').first().waitFor();
    // Paused: while playing, the narration above the panels grows and moves them down.
    await page.getByRole('button', { name: 'Pause' }).tap();
    await page.locator('svg.cv g.node[data-node="n2"]').tap();
    const jump = page.getByRole('button', { name: 'n2 selected: its details ↓' });
    expect((await jump.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await jump.tap();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('side-panel-inspect');
    // Scrolled to it (smoothly, where the page scrolls smoothly).
    await expect.poll(async () => Math.abs((await page.locator('#side-panel-inspect').boundingBox())!.y) < 60).toBe(true);
    expect(await page.locator('#side-panel-inspect').textContent()).toMatch(/^n2/);
    await context.close();
  });

  it('the help dialog keeps the keyboard focus inside it and gives it back on close', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.locator('svg.cv g.node').first().waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    const help = page.getByRole('button', { name: 'Keyboard shortcuts' });
    await help.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    const inside = () => page.evaluate(() => !!document.activeElement?.closest('dialog[open]'));
    expect(await inside()).toBe(true);
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      expect(await inside()).toBe(true);
    }
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await inside()).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('help');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the console follows new replies, says when a line waits for a paused run, and times read like the header', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.locator('svg.cv g.node').first().waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Next leader' }).click();
    await page.locator('svg.cv g.node.leader').waitFor();
    await page.getByRole('tab', { name: 'Client' }).click();
    const line = page.getByRole('textbox', { name: 'Protocol line' });
    await line.fill('PING');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    // Paused: the line waits, and the console says why.
    const paused = page.getByTestId('console-paused');
    await paused.waitFor();
    expect(await paused.textContent()).toMatch(/The run is paused: n\d answers only when simulated time moves on/);
    await paused.getByRole('button', { name: '▶ Play' }).click();
    await expect.poll(() => page.getByTestId('transcript').textContent()).toMatch(/PONG/);
    expect(await paused.count()).toBe(0);
    // Many lines: the newest stays in view.
    const lastInView = () =>
      page.getByTestId('transcript').evaluate((box) => {
        const last = box.lastElementChild!.getBoundingClientRect();
        const r = box.getBoundingClientRect();
        return box.scrollHeight > box.clientHeight && last.bottom <= r.bottom + 1 && last.top >= r.top - 1;
      });
    for (let i = 0; i < 14; i++) {
      await line.fill(`PUB demo message ${i}`);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
    }
    await expect.poll(() => page.getByTestId('transcript').textContent(), { timeout: 20_000 }).toMatch(/message 13.*OK/);
    await expect.poll(lastInView).toBe(true);
    await page.getByRole('button', { name: 'Pause' }).click();
    // Feed times: "162.7 ms" under a second, "2.6242 s" (or "3.0 s") above, as the header counts.
    const times = await page.locator('.feed-list .ev-t').allTextContents();
    expect(times.length).toBeGreaterThan(5);
    for (const t of times) expect(t).toMatch(/^(\d{1,3}\.\d ms|\d+\.\d{1,4} s)$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('after "Try it yourself", the feed credits the guide’s actions to the guide, yours to you', async () => {
    const { page, errors } = await openPage(browser, inject('baseUrl'));
    await page.goto(`${inject('baseUrl')}#guide/glance/3`);
    await page.locator('.guide-layer').waitFor();
    await page.getByRole('button', { name: 'Try it yourself' }).click();
    await page.locator('.guide-freeplay').waitFor();
    const feed = page.getByRole('list', { name: 'Events, oldest first' });
    await expect.poll(() => feed.textContent()).toMatch(/The guide typed “PUB orders hello” at n\d/);
    expect(await feed.textContent()).not.toMatch(/You typed/);
    await page.getByRole('tab', { name: 'Client' }).click();
    await page.getByRole('textbox', { name: 'Protocol line' }).fill('PING');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => feed.textContent()).toMatch(/You typed “PING” at n\d/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
