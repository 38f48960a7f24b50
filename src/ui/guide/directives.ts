// What a guide step asks its view to show: the step's ```view (the panels it opens, a node for the
// inspector, what the step button watches) and its pending question's `visible:` panels (messages in
// flight with their arrival times, election timers, clocks, …), as the panels of the guide view.
import type { Chapter, StepOutcome, Watch } from '../../guides/chapters';

/** The guide view's panels besides the ring and the log grid, which every step shows. */
export type PanelId = 'nodes' | 'inflight' | 'spacetime' | 'inspector' | 'clocks' | 'history' | 'replies' | 'detector' | 'checks';

export const PANELS: ReadonlyArray<{ readonly id: PanelId; readonly label: string }> = [
  { id: 'nodes', label: 'Nodes & timers' },
  { id: 'inflight', label: 'Messages in flight' },
  { id: 'spacetime', label: 'Space-time diagram' },
  { id: 'inspector', label: 'Inspector' },
  { id: 'clocks', label: 'Clocks' },
  { id: 'history', label: 'Topics' },
  { id: 'replies', label: 'Client lines' },
  { id: 'detector', label: 'Failure detector' },
  { id: 'checks', label: 'Checkers' },
];

/** Open when the learner has not chosen otherwise. */
export const DEFAULT_PANELS: readonly PanelId[] = ['nodes', 'inflight'];

/** A chapter's panel names (and a few spellings of them) as the view's panels; the log grid is always shown. */
const PANEL_OF: Readonly<Record<string, PanelId | 'always'>> = {
  'log-grid': 'always',
  inflight: 'inflight',
  timers: 'nodes',
  spacetime: 'spacetime',
  clocks: 'clocks',
  history: 'history',
  replies: 'replies',
  inspector: 'inspector',
  detector: 'detector',
  checks: 'checks',
  nodes: 'nodes',
  'space-time': 'spacetime',
};

export function panelsOf(names: readonly string[] | undefined): PanelId[] {
  const out = new Set<PanelId>();
  for (const name of names ?? []) {
    const p = PANEL_OF[name];
    if (p !== undefined && p !== 'always') out.add(p);
  }
  return [...out];
}

export interface StepViewNow {
  /** Panels this step opens (added to the learner's own choice). */
  readonly panels: readonly PanelId[];
  /** The node the inspector shows. */
  readonly inspect?: string;
  /** What Step moves to here. */
  readonly watch: Watch;
}

/**
 * The view at `position` (steps done): the shown step's view (with the node its `inspect` resolved to
 * in `outcome`) and the `visible` panels of the question asked now (the next step's, asked before it runs).
 */
export function viewAt(chapter: Chapter, position: number, outcome?: StepOutcome): StepViewNow {
  const shown = position > 0 ? chapter.steps[position - 1] : undefined;
  const next = chapter.steps[position];
  const panels = [...new Set([...panelsOf(shown?.view.show), ...panelsOf(next?.predict?.visible)])];
  const inspect = outcome?.inspect;
  const watch = shown?.view.watch ?? chapter.steps[0]?.view.watch ?? 'raft';
  return { panels, ...(inspect !== undefined ? { inspect } : {}), watch };
}
