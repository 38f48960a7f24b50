// Seek and memory benchmarks: a long run with a workload in the page's driver, then seeks to points of it, and the heap it holds.
import { Driver } from '../src/store/driver';

export interface SeekFigure {
  name: string;
  runMs: number;
  events: number;
  /** Wall ms of each seek (median of 3 per target), by target. */
  seeks: Array<{ to: number; ms: number }>;
  worstMs: number;
  medianMs: number;
  checkpoints: { count: number; bytes: number; every: number };
  /** Heap (after GC) held by the run, and by its checkpoints alone (undefined without --expose-gc). */
  heapMb?: number;
  checkpointHeapMb?: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function heapMb(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return undefined;
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed / 1e6;
}

/** Seeks the way the page does (store/sim.ts seek): rewind when going back, then advance while seeking. */
function seek(d: Driver, to: number): number {
  const t0 = performance.now();
  if (to < d.now) d.rewind();
  d.beginBatch();
  d.setSeeking(true);
  d.advance(to);
  d.setSeeking(false);
  return performance.now() - t0;
}

/** A run of `minutes` at `rate` publishes per simulated second (10 publishers), then seeks across it. */
export function seekBenchmark(minutes: number, rate: number): SeekFigure {
  const before = heapMb();
  const d = new Driver({ seed: 1, nodes: 5 });
  if (rate > 0) d.startWorkload({ publishers: 10, rate: rate / 10, topics: 2 });
  const end = minutes * 60_000;
  const t0 = performance.now();
  d.advance(end);
  const runMs = performance.now() - t0;
  const events = d.seq;
  // Ten points spread over the run (not on checkpoint boundaries), the end, and just before it.
  const targets = [end - 10, end - 20, ...Array.from({ length: 10 }, (_, i) => Math.round(((i + 0.37) / 10) * end)), end];
  // Warm the code paths first (the page has done so by the time a learner seeks).
  for (const to of [end / 3, end / 2, end - 5]) seek(d, to);
  const seeks = targets.map((to) => ({ to, ms: median([seek(d, to), seek(d, to - 1), seek(d, to)]) }));
  const held = heapMb();
  const figure: SeekFigure = {
    name: `${minutes}-minute run, 5 nodes, ${rate > 0 ? `${rate} publishes/s` : 'no workload'}`,
    runMs,
    events,
    seeks,
    worstMs: Math.max(...seeks.map((s) => s.ms)),
    medianMs: median(seeks.map((s) => s.ms)),
    checkpoints: d.checkpointStats(),
  };
  if (before !== undefined && held !== undefined) {
    figure.heapMb = held - before;
    d.withoutCheckpoints();
    figure.checkpointHeapMb = held - heapMb()!;
  }
  d.dispose();
  return figure;
}
