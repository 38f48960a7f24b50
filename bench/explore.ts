// Explorer figures: distinct states, states/s and state-space sizes of the examples, and the time to the Figure 8 counterexample (printed, never asserted).
import { counterexample, EXAMPLES, FIGURE8_BOUNDS, figure8, startExplore, type Bounds } from '../src/sim/explore';

export interface ExploreFigure {
  name: string;
  states: number;
  transitions: number;
  depth: number;
  stopped: string;
  wallMs: number;
  statesPerSec: number;
  perDepth: number[];
  /** Moves of the counterexample, when one was found. */
  found?: number;
}

function measure(name: string, text: string, bounds: Partial<Bounds>): ExploreFigure {
  const t0 = performance.now();
  const ex = startExplore(text, bounds);
  while (!ex.search.done) ex.search.run(10_000);
  const wallMs = performance.now() - t0;
  const s = ex.search.stats;
  return {
    name, states: s.states, transitions: s.transitions, depth: s.depth, stopped: s.stopped ?? '', wallMs,
    statesPerSec: (s.states / wallMs) * 1000, perDepth: s.perDepth,
    ...(ex.search.found !== undefined ? { found: ex.search.found.moves.length } : {}),
  };
}

/** The figures: each example as the panel runs it, then state-space size by depth for fresh 2-, 3- and 5-node clusters. */
export function exploreBenchmarks(quick: boolean): ExploreFigure[] {
  const out: ExploreFigure[] = [];
  for (const e of EXAMPLES) {
    if (quick && e.id === 'figure8-on') continue;
    out.push(measure(`${e.title} (≤ ${e.bounds.maxDepth} moves)`, e.text, e.bounds));
  }
  const sizes: Array<[number, number]> = quick ? [[2, 8], [3, 6]] : [[2, 10], [3, 7], [5, 5], [5, 6]];
  for (const [nodes, depth] of sizes) {
    out.push(measure(`fresh ${nodes}-node cluster, terms ≤ 2 (≤ ${depth} moves)`, `seed 1\nnodes ${nodes}\nsync off\n`, { maxDepth: depth, maxTerm: 2 }));
  }
  return out;
}

/** Wall time from the start (scenario run included) to the replayed Figure 8 counterexample. */
export function timeToFigure8(): { wallMs: number; moves: number; states: number; confirmed: boolean } {
  const t0 = performance.now();
  const ex = startExplore(figure8(false), FIGURE8_BOUNDS);
  while (!ex.search.done) ex.search.run(10_000);
  const cx = counterexample(ex, ex.search.found!);
  return { wallMs: performance.now() - t0, moves: cx.steps.length, states: ex.search.stats.states, confirmed: cx.confirmed };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

export function printExplore(quick: boolean): void {
  console.log('\nInterleaving explorer (issue 14): breadth first, states told apart by a canonical key\n');
  const figures = exploreBenchmarks(quick);
  const rows = figures.map((f) => [f.name, fmt(f.states), fmt(f.transitions), fmt(f.wallMs), fmt(f.statesPerSec), f.found !== undefined ? `violation, ${f.found} moves` : f.stopped]);
  const head = ['exploration', 'states', 'moves made', 'wall ms', 'states/s', 'outcome'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('\nstate-space size by number of moves (distinct states first reached at each depth):');
  for (const f of figures) console.log(`  ${f.name}: ${f.perDepth.map(fmt).join(' ')}`);
  const t = timeToFigure8();
  console.log(`\ntime to the Figure 8 counterexample (commit rule off): ${fmt(t.wallMs)} ms — ${t.moves} moves, ${fmt(t.states)} states, confirmed on the engine: ${t.confirmed ? 'yes' : 'NO'}`);
}

// `npx tsx bench/explore.ts [--quick]` prints only these figures.
if (process.argv[1]?.endsWith('explore.ts')) printExplore(process.argv.includes('--quick'));
