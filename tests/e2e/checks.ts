// Shared browser checks for the layout tests: window sizes, the in-page layout audit and axe-core.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** The widths every screen is held to (phone, small phone, tablet, laptop, desktop). */
export const WIDTHS = [320, 390, 768, 1280, 1920] as const;

export function viewportFor(width: number): { width: number; height: number } {
  return { width, height: width <= 400 ? 844 : width <= 800 ? 1024 : width <= 1300 ? 800 : 1080 };
}

/** Tablets and phones get 44 px targets (the page's touch sizing starts at 1024 px, see src/ui/useMedia.ts). */
export const minTarget = (width: number): number => (width <= 1024 ? 44 : 24);

const AUDIT = fileURLToPath(new URL('./audit.page.js', import.meta.url));
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function inject(page: Page, global: string, path: string): Promise<void> {
  if (!(await page.evaluate((g) => g in window, global))) await page.addScriptTag({ path });
}

/** Sideways overflow and too small, unreachable or covered controls on the page as it is now. */
export async function layoutProblems(page: Page, where: string): Promise<string[]> {
  await inject(page, 'wiberAudit', AUDIT);
  const width = page.viewportSize()!.width;
  const r = await page.evaluate((min) => (window as unknown as { wiberAudit: { layout(min: number): { problems: string[]; count: number } } }).wiberAudit.layout(min), minTarget(width));
  if (r.count === 0) return [`${where} @${width}: no interactive element found (is the page there?)`];
  return r.problems.map((p) => `${where} @${width}: ${p}`);
}

/** SVG drawings' text (which axe-core leaves out) with less than 4.5:1 contrast against what is painted under it. */
export async function svgContrastProblems(page: Page, where: string, selector = 'svg.cv, svg.st', expectSome = true): Promise<string[]> {
  await inject(page, 'wiberAudit', AUDIT);
  const r = await page.evaluate((sel) => (window as unknown as { wiberAudit: { svgTextContrast(min: number, sel: string): { problems: string[]; count: number } } }).wiberAudit.svgTextContrast(4.5, sel), selector);
  const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? '?');
  const width = page.viewportSize()!.width;
  const out = r.problems.map((p) => `${where} @${width} ${theme}: SVG text ${p}`);
  if (expectSome && r.count === 0) out.push(`${where} @${width} ${theme}: no SVG text found in ${selector}`);
  return out;
}

/**
 * Waits until the page's layout has settled: the window has the width asked for (when given), no
 * lazily loaded part is still loading, and the geometry the checks read (page size, the toolbar, the main
 * areas, every SVG drawing) is the same over two rounds of a frame and a task. A fixed number of frames is
 * not enough on a loaded machine: a ResizeObserver's React update (the timeline's and the diagrams'
 * widths) runs in a task that Chromium may put after the next frame. Gives up after `timeoutMs` and
 * lets the check report what it sees.
 */
export async function settle(page: Page, width?: number, timeoutMs = 5000): Promise<void> {
  await page.evaluate(
    async ([want, limit]) => {
      const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
      // A message task runs after the tasks posted before it (React's scheduler posts its work the same way).
      const task = () =>
        new Promise<void>((r) => {
          const c = new MessageChannel();
          c.port1.onmessage = () => r();
          c.port2.postMessage(0);
        });
      const geometry = (): string => {
        const d = document.documentElement;
        const parts = [innerWidth, innerHeight, d.scrollWidth, d.scrollHeight, document.body.scrollWidth, document.querySelectorAll('.guide-loading, [aria-busy="true"]').length];
        for (const el of document.querySelectorAll('.toolbar, .main, .stage, .side, .bottom, .timeline, .guide-layer, dialog[open], .menu-pop:not([hidden]), svg')) {
          const r = el.getBoundingClientRect();
          parts.push(Math.round(r.left), Math.round(r.top), Math.round(r.width), Math.round(r.height));
        }
        return parts.join(',');
      };
      const end = performance.now() + limit;
      let last = '';
      let same = 0;
      while (performance.now() < end) {
        await frame();
        await task();
        const g = geometry();
        const loading = document.querySelector('.guide-loading, [aria-busy="true"]') !== null;
        if (g === last && (want === 0 || innerWidth === want) && !loading) {
          if (++same >= 2) return;
        } else same = 0;
        last = g;
      }
    },
    [width ?? 0, timeoutMs] as const,
  );
}

/** Runs the same check at each width (one page load; the viewport is resized). */
export async function atWidths(page: Page, widths: readonly number[], check: (width: number) => Promise<string[]>): Promise<string[]> {
  const out: string[] = [];
  for (const w of widths) {
    await page.setViewportSize(viewportFor(w));
    await settle(page, w);
    out.push(...(await check(w)));
  }
  return out;
}

interface AxeNode {
  target: string[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * axe-core's serious and critical violations (WCAG 2.2 A/AA and best practices, contrast included).
 * `contrastOnly` runs just the colour-contrast rule (the one rule a theme change can break); `within`
 * limits the check to one part of the page (a CSS selector).
 */
export async function axeProblems(page: Page, where: string, contrastOnly = false, within?: string): Promise<string[]> {
  await inject(page, 'axe', AXE);
  const violations = await page.evaluate(async ([onlyContrast, part]) => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const runOnly = onlyContrast ? { type: 'rule', values: ['color-contrast'] } : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] };
    const r = await axe.run(part ? { include: [part] } : document, { resultTypes: ['violations'], runOnly });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4).map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, [contrastOnly, within] as const);
  const theme = await page.evaluate(() => document.documentElement.dataset.theme ?? '?');
  const width = page.viewportSize()!.width;
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where} @${width} ${theme}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)}`).join(' | ')}`);
}

/** Sets the theme the way a user does (the remembered choice), without reloading. */
export async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.evaluate((t) => {
    localStorage.setItem('wiber-theme', t);
    document.documentElement.dataset.theme = t;
  }, theme);
}
