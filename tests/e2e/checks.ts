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

/** Runs the same check at each width (one page load; the viewport is resized). */
export async function atWidths(page: Page, widths: readonly number[], check: (width: number) => Promise<string[]>): Promise<string[]> {
  const out: string[] = [];
  for (const w of widths) {
    await page.setViewportSize(viewportFor(w));
    // Two frames: ResizeObservers and media-query listeners settle.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
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
