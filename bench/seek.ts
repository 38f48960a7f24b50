// Seek and memory benchmarks: a long run with a workload in the page's driver, then seeks to points of it, and the heap it holds.
import { CHECKPOINT_BUDGET, Driver } from '../src/store/driver';

export interface SeekFigure {
  name: string;
  runMs: number;
  events: number;
  /** Wall ms and CPU ms of each seek (median of 3 per target), and the engine events it replayed, by target. */
  seeks: Array<{ to: number; ms: number; cpuMs: number; replayed: number }>;
  worstMs: number;
  medianMs: number;
  /** The same in CPU time of this process (steadier than wall time on a shared machine). */
  worstCpuMs: number;
  medianCpuMs: number;
  /** Engine events replayed by a seek: the most and the median (no clock involved: the same on every machine). */
  worstReplayed: number;
  medianReplayed: number;
  /** Seeks across the whole run (from near its start to near its end and back): a restore costs in proportion to how far it moves the state. */
  far: Array<{ from: number; to: number; ms: number; cpuMs: number; replayed: number }>;
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
function seek(d: Driver, to: number): { ms: number; cpuMs: number; replayed: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (to < d.now) d.rewind();
  d.beginBatch();
  d.setSeeking(true);
  d.advance(to);
  d.setSeeking(false);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, cpuMs: (c.user + c.system) / 1000, replayed: d.lastAdvanceEvents };
}

/** A run of `minutes` at `rate` publishes per simulated second (10 publishers), then seeks across it. */
export function seekBenchmark(minutes: number, rate: number): SeekFigure {
  const before = heapMb();
  const d = new Driver({ seed: 1, nodes: 5 });
  // For experiments: another checkpoint budget (MB, as estimated).
  if (process.env.BUDGET_MB !== undefined) d.checkpointBudget = Number(process.env.BUDGET_MB) * 1e6;
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
  const seeks = targets.map((to) => {
    const runs = [seek(d, to), seek(d, to - 1), seek(d, to)];
    return { to, ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), replayed: Math.max(...runs.map((r) => r.replayed)) };
  });
  // The longest moves: from near the start to near the end and back (each from a fresh position, median of 3).
  const far = [[1_000, end - 10], [end - 10, 1_000], [end / 10, end - 30]].map(([from, to]) => {
    const runs = [0, 1, 2].map(() => {
      seek(d, from);
      return seek(d, to);
    });
    return { from, to, ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), replayed: Math.max(...runs.map((r) => r.replayed)) };
  });
  const held = heapMb();
  const figure: SeekFigure = {
    name: `${minutes}-minute run, 5 nodes, ${rate > 0 ? `${rate} publishes/s` : 'no workload'}`,
    runMs,
    events,
    seeks,
    worstMs: Math.max(...seeks.map((s) => s.ms)),
    medianMs: median(seeks.map((s) => s.ms)),
    worstCpuMs: Math.max(...seeks.map((s) => s.cpuMs)),
    medianCpuMs: median(seeks.map((s) => s.cpuMs)),
    worstReplayed: Math.max(...seeks.map((s) => s.replayed)),
    medianReplayed: median(seeks.map((s) => s.replayed)),
    far,
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

if (process.argv[1]?.endsWith('seek.ts')) {
  const minutes = Number(process.argv[2] ?? 10);
  const budget = Number(process.env.BUDGET_MB ?? CHECKPOINT_BUDGET / 1e6);
  for (const rate of process.argv.slice(3).map(Number)) {
    const s = seekBenchmark(minutes, rate);
    const goal = rate > 0 ? 50 : 20;
    const farCpu = Math.max(...s.far.map((x) => x.cpuMs));
    const farMs = Math.max(...s.far.map((x) => x.ms));
    console.log(s.name, `run ${s.runMs.toFixed(0)} ms, ${s.events} events`);
    console.log(`  seek (13 targets, median of 3)  wall worst ${s.worstMs.toFixed(1)} / median ${s.medianMs.toFixed(1)} ms; cpu worst ${s.worstCpuMs.toFixed(1)} / median ${s.medianCpuMs.toFixed(1)} ms   goal: <= ${goal} ms`);
    console.log(`  seek across the whole run        wall worst ${farMs.toFixed(1)} ms; cpu worst ${farCpu.toFixed(1)} ms   goal: <= ${goal} ms`);
    console.log(`  engine events a seek replays     worst ${s.worstReplayed}, median ${s.medianReplayed}   (the same on every machine)`);
    console.log(`  checkpoints                      ${s.checkpoints.count}, every ${s.checkpoints.every} events`);
    console.log(`  checkpoint memory                estimated ${(s.checkpoints.bytes / 1e6).toFixed(1)} MB, measured ${s.checkpointHeapMb?.toFixed(1) ?? '? (run with --expose-gc)'} MB   bound: <= ${budget} MB estimated`);
    console.log(`  heap held (run + checkpoints)    ${s.heapMb?.toFixed(1) ?? '?'} MB   goal: <= 64 MB at 100 publishes/s`);
    console.log('  by target (to: wall/cpu ms/events): ' + s.seeks.map((x) => `${x.to}:${x.ms.toFixed(0)}/${x.cpuMs.toFixed(0)}ms/${x.replayed}ev`).join(' '));
    console.log('  across the run: ' + s.far.map((x) => `${x.from}->${x.to}: wall ${x.ms.toFixed(1)} / cpu ${x.cpuMs.toFixed(1)} ms, ${x.replayed} ev`).join('; '));
  }
}
