// The interleaving explorer: runs a scenario's commands, then searches every order of deliveries and timers from there; a found run replays on the engine.
//
//   const ex = startExplore(text, { maxDepth: 20, maxTerm: 3 });
//   while (!ex.search.done) ex.search.run(1000);      // resumable: a worker reports progress between calls
//   if (ex.search.found) const cx = counterexample(ex, ex.search.found);   // exact `at` lines, a share-link run
import { parseScenario, ScenarioError, ScenarioRunner, toScenario, optionsToHeader } from '../scenario';
import type { ActionRecord, ClusterOptions } from '../types';
import { plainAction, type SimCluster } from '../cluster';
import { withoutAlive } from '../livenessNews';
import { applyMove, canon, copyWorld, DEFAULT_BOUNDS, describeMove, worldFrom, type Bounds, type Fixed, type Move, type World } from './model';
import { Search, type Found } from './search';

export { DEFAULT_BOUNDS, describeMove, stateKey, applyMove, movesOf, copyWorld, canon } from './model';
export type { Bounds, Move, World, Fixed } from './model';
export { Search } from './search';
export { EXAMPLES, FIGURE8_BOUNDS, figure8, type Example } from './examples';
export type { Found, SearchStats, StopReason } from './search';

/** The scenario cannot be explored: it does not parse (line given), or its commands fail. */
export class ExploreError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ExploreError';
  }
}

export interface Explore {
  readonly search: Search;
  readonly root: World;
  readonly fixed: Fixed;
  /** The cluster options of the scenario's header. */
  readonly options: ClusterOptions;
  /** Virtual time at which exploring begins (the end of the scenario's commands). */
  readonly at: number;
  /** What the explorer changed or left out, in words (shown beside the results). */
  readonly notes: readonly string[];
  readonly text: string;
}

/** Bounds with the defaults filled in and checked. */
export function checkBounds(b: Partial<Bounds>): Bounds {
  const out = { ...DEFAULT_BOUNDS, ...b };
  const int = (name: keyof Bounds, min: number, max: number): void => {
    const v = out[name] as number;
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max} (got ${String(v)})`);
  };
  int('maxDepth', 0, 200);
  int('maxTerm', 0, 1000);
  int('maxInFlight', 0, 1000);
  int('maxStates', 1, 50_000_000);
  int('drops', 0, 100);
  int('duplicates', 0, 100);
  int('crashes', 0, 100);
  if (!Array.isArray(out.proposals) || out.proposals.length > 100 || !out.proposals.every((p) => typeof p === 'string' && p.length > 0 && p.length <= 200)) {
    throw new RangeError('proposals must be up to 100 non-empty texts');
  }
  if (new Set(out.proposals).size !== out.proposals.length) throw new RangeError('proposals must differ from each other');
  if (out.timeouts !== null && (!Array.isArray(out.timeouts) || !out.timeouts.every((t) => typeof t === 'string'))) {
    throw new RangeError('timeouts must be a list of node ids (or null: every node)');
  }
  if (out.timeouts !== null && out.timeouts.length > 100) throw new RangeError(`timeouts takes at most 100 node ids (got ${out.timeouts.length})`);
  return out;
}

/** Runs the scenario's commands on the engine (checkers record, so a violation does not stop it). */
function runPrefix(text: string): { runner: ScenarioRunner; options: ClusterOptions; notes: string[] } {
  let parsed;
  try {
    parsed = parseScenario(text);
  } catch (err) {
    if (err instanceof ScenarioError) throw new ExploreError(err.message, err.line);
    throw err;
  }
  const options = parsed.options;
  if ((options.nodes ?? 5) > 7 || (options.config !== undefined && /(\n\s*-.*){8}/.test(options.config))) {
    throw new ExploreError('the explorer takes clusters of up to 7 nodes (3 to 5 is the useful range: every node multiplies the states)');
  }
  let runner: ScenarioRunner;
  try {
    runner = new ScenarioRunner({ ...options, checkers: 'record' });
  } catch (err) {
    throw new ExploreError(err instanceof Error ? err.message : String(err));
  }
  const results = runner.run(parsed.steps);
  const failed = results.find((r) => r.status === 'failed');
  if (failed !== undefined) {
    runner.dispose();
    throw new ExploreError(`the scenario's commands must run before exploring: ${failed.message ?? failed.source}`, failed.line);
  }
  const notes: string[] = [];
  const c = runner.cluster;
  // A lossy network draws loss and duplication for every message; here they are moves instead.
  const net = c.network;
  if (net.dropRate > 0 || net.duplicateRate > 0) {
    c.setNetwork({ dropRate: 0, duplicateRate: 0 });
    notes.push('the network\'s loss and duplication rates were set to 0 when exploring began: losses and duplicates are moves within their budgets');
  }
  return { runner, options, notes };
}

function timersByNode(c: SimCluster): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const t of c.runningTimers()) out.set(t.node, [...(out.get(t.node) ?? []), t.timer]);
  return out;
}

/**
 * Runs `text` (scenario-language: header lines, then any commands that set the scene), then sets
 * up a search of every interleaving from where the commands left the cluster.
 */
export function startExplore(text: string, bounds: Partial<Bounds> = {}, options: { exactKeys?: boolean } = {}): Explore {
  const b = checkBounds(bounds);
  const { runner, options: clusterOptions, notes } = runPrefix(text);
  const c = runner.cluster;
  const timers = timersByNode(c);
  const { world, fixed } = worldFrom(
    c.raftStates().map((s) => ({ ...s, timers: timers.get(s.id) ?? [] })),
    c.inFlight(),
    c.lastMessageId,
    (a, bb) => c.canReach(a, bb),
  );
  const unknown = (b.timeouts ?? []).filter((id) => !fixed.ids.includes(id));
  if (unknown.length > 0) throw new ExploreError(`timeouts names ${unknown.join(', ')}: the cluster's nodes are ${fixed.ids.join(', ')}`);
  if ((clusterOptions.snapshotEvery ?? 0) > 0 || world.nodes.some((n) => n.persistent.snapshot.lastIncludedIndex > 0)) {
    throw new ExploreError('the explorer does not take snapshots (snapshot-every, the snapshot command): it models Raft without the state machine they hold');
  }
  const other = c.inFlight().filter((m) => !['RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply'].includes(m.type)).length;
  if (other > 0) notes.push(`${other} message(s) in flight that are not Raft's (client requests, clock sync, pings) are never delivered while exploring: a client's PUB still on its way is not appended in any explored run`);
  if (c.violations().length > 0) notes.push(`the scenario's commands already broke a property: ${c.violations()[0].message}`);
  const at = c.now;
  runner.dispose();
  return { search: new Search(world, fixed, b, options), root: world, fixed, options: clusterOptions, at, notes, text };
}

export interface Step {
  readonly move: Move;
  /** The move in words, e.g. `deliver #7 n1→n3: RequestVote (term 2, log ends at 1/1)`. */
  readonly text: string;
}

export interface Counterexample {
  readonly steps: readonly Step[];
  /** The broken property, as the explorer's checker saw it. */
  readonly violation: string;
  /** The same run on the engine broke a property too (it always should: false means an explorer bug). */
  readonly confirmed: boolean;
  /** The engine's own report of it (property, time, seed). */
  readonly engineViolation?: string;
  /** The whole run as the engine recorded it: the scenario's actions, then one per move. */
  readonly actions: readonly ActionRecord[];
  /** Cluster options to rebuild it (the scenario's header). */
  readonly options: ClusterOptions;
  /** Scenario text that replays it exactly (`at <t>ms #<events> …` lines), ending in `expect violation`. */
  readonly scenario: string;
  /** Number of actions the scenario's own commands took (the moves' actions come after them). */
  readonly prefixActions: number;
  readonly at: number;
}

/** Replays a found run on the engine: the scenario's commands, then every move as an action at the same instant. */
export function counterexample(ex: Explore, found: Found): Counterexample {
  // Words for each move come from the explorer's own world, move by move.
  const steps: Step[] = [];
  let w = ex.root;
  for (const move of found.moves) {
    steps.push({ move, text: describeMove(w, ex.fixed, move) });
    const next = copyWorld(w, ex.fixed);
    applyMove(next, ex.fixed, move);
    w = next;
  }
  const { runner } = runPrefix(ex.text);
  const c = runner.cluster;
  const prefixActions = c.actionCount();
  playOnEngine(ex, c, found.moves);
  const v = c.violations();
  const actions = c.actions().map(plainAction); // plain: a found run crosses from the worker
  runner.dispose();
  const header = optionsToHeader({ ...ex.options, checkers: 'record' });
  const body = toScenario({}, actions).trimEnd();
  const scenario = [
    `# Found by the interleaving explorer: ${found.moves.length} moves after the scenario's commands.`,
    `# Broken: ${found.violation}`,
    ...header,
    ...(body.length > 0 ? [body] : []),
    'expect violation',
    '',
  ].join('\n');
  return {
    steps,
    violation: found.violation,
    confirmed: v.length > 0,
    ...(v.length > 0 ? { engineViolation: v[0].message } : {}),
    actions,
    options: ex.options,
    scenario,
    prefixActions,
    at: ex.at,
  };
}

/**
 * Runs the scenario's commands on a fresh engine, then makes `moves` there one by one as actions
 * (`each` sees the cluster after each). For tests and tools that compare the explorer with the engine.
 */
export function onEngine(ex: Explore, moves: readonly Move[], each?: (c: SimCluster, k: number) => void): void {
  const { runner } = runPrefix(ex.text);
  try {
    playOnEngine(ex, runner.cluster, moves, each);
  } finally {
    runner.dispose();
  }
}

/**
 * The engine's id of the message a move names. The engine numbers every message it sends, the
 * failure detector's pings and clock sync too (they may leave during a delivery), so its ids run
 * ahead of the explorer's: the message is found by what it is (sender, receiver, content, copy),
 * the n-th of equal ones for the n-th in the explorer. The detector's `alive` table riding on an
 * AppendEntries is not Raft's content: it is left out of the comparison.
 */
function engineId(c: SimCluster, w: World, ids: readonly string[], id: number, copy: boolean): number {
  const m = w.inflight.find((x) => x.id === id && x.copy === copy);
  if (m === undefined) return id;
  const sig = (from: string, to: string, payload: unknown): string => `${from}>${to}:${canon(payload)}`;
  const want = sig(ids[m.from], ids[m.to], m.payload);
  const rank = w.inflight.filter((x) => x.copy === copy && sig(ids[x.from], ids[x.to], x.payload) === want).sort((a, b) => a.id - b.id).indexOf(m);
  const found = c
    .inFlight()
    .filter((e) => e.duplicate === copy && !e.lost && sig(e.from, e.to, withoutAlive(e.payload)) === want)
    .sort((a, b) => a.id - b.id);
  return found[rank]?.id ?? id;
}

function playOnEngine(ex: Explore, c: SimCluster, moves: readonly Move[], each?: (c: SimCluster, k: number) => void): void {
  const ids = ex.fixed.ids;
  let w = ex.root;
  for (let k = 0; k < moves.length; k++) {
    const m = moves[k];
    const before = w;
    w = copyWorld(w, ex.fixed);
    applyMove(w, ex.fixed, m);
    switch (m.kind) {
      case 'deliver':
        c.deliver(engineId(c, before, ids, m.id, m.copy), m.copy);
        break;
      case 'fire':
        c.fire(ids[m.node], m.timer);
        break;
      case 'drop':
        c.dropMessage(engineId(c, before, ids, m.id, false));
        break;
      case 'duplicate':
        c.duplicate(engineId(c, before, ids, m.id, false));
        break;
      case 'crash':
        c.crash(ids[m.node]);
        break;
      case 'restart':
        c.restart(ids[m.node]);
        break;
      case 'propose':
        c.propose(ids[m.node], m.command);
        break;
    }
    each?.(c, k);
  }
}
