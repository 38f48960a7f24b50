// Turning what the teacher does in the page into lesson text: the run's options as setup header
// lines, the actions of a step as exact `at <time>ms #<event> <command>` scenario lines, and checks
// that hold at the moment a step ends.
import type { ActionRecord, NodeView } from '../../sim';
import { actionToCommand, optionsToHeader } from '../../sim/scenario';
import type { RunOptions } from '../../store/runOptions';

/** The seed and the header lines (without the seed) that recreate a run's cluster. */
export function setupOf(run: RunOptions): { seed: number; setup: string } {
  const rest: Record<string, unknown> = { ...run };
  delete rest.seed;
  delete rest.checkers;
  delete rest.journalLimit;
  for (const [k, v] of Object.entries(rest)) if (v === undefined) delete rest[k];
  return { seed: run.seed, setup: optionsToHeader(rest).join('\n') };
}

export interface Moment {
  /** Virtual ms. */
  readonly at: number;
  /** Events processed by then. */
  readonly events: number;
}

const num = (x: number): string => String(x);

/**
 * Scenario lines that replay `actions` exactly where they were taken and then run on to `end` (the
 * moment the step was closed). Same seed and setup ⇒ the lesson's cluster is the page's.
 */
export function stepLines(actions: readonly ActionRecord[], end: Moment): string {
  const lines = actions.map((a) => `at ${num(a.at)}ms #${a.events} ${actionToCommand(a)}`);
  lines.push(`at ${num(end.at)}ms #${end.events}`);
  return lines.join('\n');
}

/** `expect` lines true of the cluster now: who leads (or that nobody does), crashed nodes, the leader's term and commit index. */
export function suggestChecks(nodes: readonly NodeView[]): string {
  const out: string[] = [];
  const leaders = nodes.filter((n) => n.up && n.role === 'leader');
  const top = Math.max(0, ...leaders.map((l) => l.term));
  const leader = leaders.find((l) => l.term === top);
  if (leader === undefined) out.push('expect no leader');
  else {
    out.push(`expect leader ${leader.id}`, `expect ${leader.id} term = ${leader.term}`, `expect ${leader.id} commit = ${leader.commitIndex}`);
  }
  for (const n of nodes) if (!n.up) out.push(`expect ${n.id} down`);
  return out.join('\n');
}
