// Launches Debian's Chromium through playwright-core with flags that behave on a closed network.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** In CI the browser must be there; locally the browser tests skip with a reason when it is not. */
export const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: .ci/run must install it`);

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/**
 * Opens a page that fails the test on any uncaught error or console error. It opens as a returning
 * visitor (the first-visit welcome already seen) unless `firstVisit` is set.
 */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }, options: { firstVisit?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport, colorScheme: options.colorScheme });
  if (!options.firstVisit) await page.addInitScript(() => window.localStorage.setItem('wiber-welcomed', '1'));
  // E2E_CPU_THROTTLE=<n>: the page's CPU n times slower (flushes out tests that assume a timing).
  const throttle = Number(process.env.E2E_CPU_THROTTLE ?? 1);
  if (throttle > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: throttle });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, errors };
}

/** A page on a phone (390 × 844 by default, touch, welcome seen), with the errors it throws; close its context when done. */
export async function openPhone(browser: Browser, url: string, viewport = { width: 390, height: 844 }): Promise<{ page: Page; errors: string[]; context: BrowserContext }> {
  const context = await browser.newContext({ viewport, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.addInitScript(() => window.localStorage.setItem('wiber-welcomed', '1'));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url);
  return { page, errors, context };
}
