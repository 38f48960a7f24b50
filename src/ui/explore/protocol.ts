// What the explorer's worker and the panel say to each other, and the chunked loop both the worker and the in-page fallback run.
import { counterexample, ExploreError, startExplore, type Bounds, type SearchStats } from '../../sim/explore';
import type { ActionRecord, ClusterOptions } from '../../sim';

export interface StartMessage {
  readonly type: 'start';
  readonly text: string;
  readonly bounds: Partial<Bounds>;
}

/** A found run, as plain data (it crosses from the worker). */
export interface FoundRun {
  /** Each move in words. */
  readonly steps: readonly string[];
  readonly violation: string;
  /** The engine broke a property too when the run was replayed on it. */
  readonly confirmed: boolean;
  readonly scenario: string;
  readonly actions: readonly ActionRecord[];
  readonly options: ClusterOptions;
  /** Actions the scenario's own commands took; each move adds one after them. */
  readonly prefixActions: number;
  /** Virtual time of every move. */
  readonly at: number;
}

export type Report =
  | { readonly type: 'progress'; readonly stats: SearchStats; readonly elapsedMs: number }
  | { readonly type: 'done'; readonly stats: SearchStats; readonly elapsedMs: number; readonly notes: readonly string[]; readonly found?: FoundRun }
  | { readonly type: 'error'; readonly message: string; readonly line?: number };

/**
 * Runs one exploration in slices of about `sliceMs`, reporting after each; `pause` lets the host
 * breathe between slices (a worker's message queue, the page's frames). Never throws: errors are reported.
 */
export async function explore(start: StartMessage, report: (r: Report) => void, pause: () => Promise<void>, now: () => number, sliceMs = 100): Promise<void> {
  const t0 = now();
  let ex;
  try {
    ex = startExplore(start.text, start.bounds);
  } catch (err) {
    if (err instanceof ExploreError) report({ type: 'error', message: err.message, ...(err.line !== undefined ? { line: err.line } : {}) });
    else report({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    return;
  }
  let budget = 200;
  while (!ex.search.done) {
    const s0 = now();
    ex.search.run(budget);
    const took = now() - s0;
    // Aim each slice at sliceMs, whatever this machine's speed.
    budget = Math.max(20, Math.min(200_000, Math.round(budget * (took > 0 ? Math.min(4, sliceMs / took) : 4))));
    report({ type: 'progress', stats: ex.search.stats, elapsedMs: now() - t0 });
    await pause();
  }
  const found = ex.search.found;
  let run: FoundRun | undefined;
  if (found !== undefined) {
    const cx = counterexample(ex, found);
    run = {
      steps: cx.steps.map((s) => s.text),
      violation: cx.violation,
      confirmed: cx.confirmed,
      scenario: cx.scenario,
      actions: cx.actions,
      options: cx.options,
      prefixActions: cx.prefixActions,
      at: cx.at,
    };
  }
  report({ type: 'done', stats: ex.search.stats, elapsedMs: now() - t0, notes: ex.notes, ...(run !== undefined ? { found: run } : {}) });
}
