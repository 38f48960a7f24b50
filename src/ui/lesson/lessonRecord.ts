// Turning what the teacher does in the page into lesson text: the run's options as setup header
// lines, the actions of a step as exact `at <time>ms #<event> <command>` scenario lines, and checks
// that hold at the moment a step ends.
import type { ActionRecord, NodeView } from '../../sim';
import { actionToCommand, optionsToHeader } from '../../sim/scenario';
import type { RunOptions } from '../../store/runOptions';
import { formatScenarioMs } from '../../store/time';

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

/** A recorded line: `at <time> #<events>` and what follows; the time is whatever the line says (ms or s). */
const RECORDED = /^(\s*at\s+)(\S+)(\s+#(\d+)\b.*)$/;

/** A time token of a scenario line in ms (`1234.5ms`, `2.5s`, `300`), undefined if it is not one. */
function tokenMs(token: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)(ms|s)?$/.exec(token);
  if (m === null) return undefined;
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : n;
}

/**
 * Scenario text as the editor shows it: each recorded line's time to 0.1 ms, as the rest of the page writes
 * it (`at 23.3ms #41 crash n1` for `at 23.336666666666673ms #41 crash n1`). Other lines are left alone.
 */
export function readableLines(exact: string): string {
  return exact
    .split('\n')
    .map((line) => {
      const m = RECORDED.exec(line);
      const ms = m === null ? undefined : tokenMs(m[2]);
      return m === null || ms === undefined ? line : `${m[1]}${formatScenarioMs(ms)}${m[3]}`;
    })
    .join('\n');
}

/**
 * The exact text behind an edit of `readableLines(exact)`: a recorded line whose shown time and event count
 * are those of a line of `exact` gets that line's exact time back, so replaying stays exact; a time the
 * teacher changed is kept as typed.
 */
export function exactLines(edited: string, exact: string): string {
  const behind = new Map<string, string>();
  for (const line of exact.split('\n')) {
    const m = RECORDED.exec(line);
    const ms = m === null ? undefined : tokenMs(m[2]);
    if (m !== null && ms !== undefined) behind.set(`${m[4]} ${formatScenarioMs(ms)}`, m[2]);
  }
  return edited
    .split('\n')
    .map((line) => {
      const m = RECORDED.exec(line);
      const ms = m === null ? undefined : tokenMs(m[2]);
      if (m === null || ms === undefined || formatScenarioMs(ms) !== m[2]) return line;
      const original = behind.get(`${m[4]} ${m[2]}`);
      return original === undefined ? line : `${m[1]}${original}${m[3]}`;
    })
    .join('\n');
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
