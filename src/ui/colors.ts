// Colours that are data (terms, partition groups), shared by the inspector, the diagrams and exports.

const TERM_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#8cd17d'];

/** Which of the term colours a term gets (see termColor). */
function termSlot(term: number): number {
  return (((term - 1) % TERM_COLORS.length) + TERM_COLORS.length) % TERM_COLORS.length;
}

/** A stable colour per term (term 0 is the empty log's sentinel and never shown). */
export function termColor(term: number): string {
  return TERM_COLORS[termSlot(term)];
}

let termRules: HTMLStyleElement | null = null;

/**
 * The class that gives an element the custom properties --term (the term's colour) and --ink (black or
 * white on it); the rules are added to the page once (constants only). A class per colour lets the
 * browser share one style among all the cells of a term, where an inline style each made it work out
 * every cell's style anew.
 */
export function termClass(term: number): string {
  if (termRules === null && typeof document !== 'undefined') {
    termRules = document.createElement('style');
    termRules.textContent = TERM_COLORS.map((c, i) => `.term-${i}{--term:${c};--ink:${termInk(i + 1)}}`).join('');
    document.head.appendChild(termRules);
  }
  return `term-${termSlot(term)}`;
}

function luminance(hex: string): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/** Black or white, whichever reads better on termColor(term) (WCAG contrast). */
export function termInk(term: number): string {
  const l = luminance(termColor(term));
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
}

/** A colour per node (by position), for charts with one line per node. */
export function nodeColor(index: number): string {
  return TERM_COLORS[((index % TERM_COLORS.length) + TERM_COLORS.length) % TERM_COLORS.length];
}
