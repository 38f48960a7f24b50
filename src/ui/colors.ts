// Colours that are data (terms, partition groups), shared by the inspector, the diagrams and exports.

const TERM_COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#8cd17d'];

/** A stable colour per term (term 0 is the empty log's sentinel and never shown). */
export function termColor(term: number): string {
  return TERM_COLORS[(((term - 1) % TERM_COLORS.length) + TERM_COLORS.length) % TERM_COLORS.length];
}

/** A colour per node (by position), for charts with one line per node. */
export function nodeColor(index: number): string {
  return TERM_COLORS[((index % TERM_COLORS.length) + TERM_COLORS.length) % TERM_COLORS.length];
}
