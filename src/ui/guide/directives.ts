// What a guide step asks its view to show: the step's `view:` directive (space-time diagram,
// inspector on a node, log grid) and its pending question's `visible:` list (messages in flight with
// their arrival times, election timers, clocks, history), turned into the panels to open.
import type { Chapter } from '../../guides/chapters';

/** The guide view's panels besides the ring and the log grid, which every step shows. */
export type PanelId = 'nodes' | 'inflight' | 'spacetime' | 'inspector' | 'clocks';

export const PANELS: ReadonlyArray<{ readonly id: PanelId; readonly label: string }> = [
  { id: 'nodes', label: 'Nodes' },
  { id: 'inflight', label: 'Messages in flight' },
  { id: 'spacetime', label: 'Space-time diagram' },
  { id: 'inspector', label: 'Inspector' },
  { id: 'clocks', label: 'Clocks' },
];

/** Open when the learner has not chosen otherwise. */
export const DEFAULT_PANELS: readonly PanelId[] = ['nodes', 'inflight'];

export interface StepView {
  /** Panels this step opens (added to the learner's own choice). */
  readonly panels: readonly PanelId[];
  /** The node the inspector shows (`view: inspector n3`). */
  readonly inspect?: string;
}

const WORDS: Readonly<Record<string, PanelId | 'always'>> = {
  spacetime: 'spacetime',
  'space-time': 'spacetime',
  inspector: 'inspector',
  inspect: 'inspector',
  inflight: 'inflight',
  'in-flight': 'inflight',
  messages: 'inflight',
  timers: 'nodes',
  nodes: 'nodes',
  table: 'nodes',
  clocks: 'clocks',
  // Topics, client lines and the log grid show whenever there is something in them.
  history: 'always',
  topics: 'always',
  'log-grid': 'always',
  logs: 'always',
};

/** Reads a directive's value: a string ("spacetime", "inspector n3", "inflight, timers") or a list of them. */
export function parseDirective(value: unknown): StepView {
  const items: string[] = [];
  if (typeof value === 'string') items.push(...value.split(','));
  else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') items.push(...v.split(','));
  const panels = new Set<PanelId>();
  let inspect: string | undefined;
  for (const raw of items) {
    const [word, arg] = raw.trim().toLowerCase().split(/\s+/);
    const panel = WORDS[word ?? ''];
    if (panel === undefined || panel === 'always') continue;
    panels.add(panel);
    if (panel === 'inspector' && arg !== undefined && /^[a-z][\w-]*$/.test(arg)) inspect = arg;
  }
  return { panels: [...panels], ...(inspect !== undefined ? { inspect } : {}) };
}

function field(x: unknown, name: string): unknown {
  return typeof x === 'object' && x !== null ? (x as Record<string, unknown>)[name] : undefined;
}

/**
 * The view at `position` (steps done): the shown step's `view:` and the `visible:` of the question
 * asked now (the next step's predict, asked before it runs).
 */
export function viewAt(chapter: Chapter, position: number): StepView {
  const shown = position > 0 ? chapter.steps[position - 1] : undefined;
  const next = chapter.steps[position];
  const a = parseDirective(field(shown, 'view'));
  const b = parseDirective(field(next?.predict, 'visible'));
  const inspect = b.inspect ?? a.inspect;
  return { panels: [...new Set([...a.panels, ...b.panels])], ...(inspect !== undefined ? { inspect } : {}) };
}
