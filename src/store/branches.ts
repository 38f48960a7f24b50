// The run's branches as a tree: acting in the past of a run forks it, and the future it had is kept
// as a branch instead of being thrown away. Each branch is a whole run (options + action log + how far
// it was played); switching to one replays it. A new run (not a switch) starts a new tree, and offers
// the one it replaced back (a single run with actions or time on it is a tree of one).
import { create } from 'zustand';
import type { ActionRecord } from '../sim';
import type { Driver, Mark } from './driver';
import { useForked } from './forked';
import { isDefaultRun, type RunOptions } from './runOptions';
import type { RunningWorkload } from './workload';
import { finishTask, formatMs, getDriver, newRun, onFork, onForkUndone, onRunReplaced, seek, useSim } from './sim';

export interface Branch {
  readonly id: number;
  /** The branch this one forked from (null: the root). */
  readonly parent: number | null;
  /** Virtual time of the fork (0 for the root). */
  readonly forkAt: number;
  /** Actions done before the fork's own action (the branch's actions after these are its own). */
  readonly forkActions: number;
  /** What was done differently at the fork. */
  readonly label: string;
  readonly run: RunOptions;
  /** The branch's whole action log (shared prefix included); for the current branch, as of the last save. */
  readonly actions: readonly ActionRecord[];
  /** How far the branch was played (its known end). */
  readonly end: number;
  /** A few timeline marks (leaders, crashes, violations) to draw on its line. */
  readonly marks: readonly Mark[];
  /** The workload running at the branch's known end, where its schedule stood (switching back carries it on, as a share link does). */
  readonly workload?: RunningWorkload;
}

export interface BranchState {
  branches: readonly Branch[];
  current: number;
}

const MAX_MARKS = 400;

function marksOf(d: Driver): Mark[] {
  return d.marks.filter((m) => m.kind === 'leader' || m.kind === 'crash' || m.kind === 'violation').slice(0, MAX_MARKS);
}

function root(run: RunOptions): Branch {
  return { id: 1, parent: null, forkAt: 0, forkActions: 0, label: 'the first run', run, actions: [], end: 0, marks: [] };
}

export const useBranches = create<BranchState>(() => ({ branches: [root(useSim.getState().run)], current: 1 }));
useBranches.subscribe((s) => {
  if (useForked.getState().forked !== s.branches.length > 1) useForked.setState({ forked: s.branches.length > 1 });
});

/**
 * Set while a switch replays a branch: the run change that follows is the switch, not a new run
 * (`tree`: a whole tree put back, see `replaced`).
 */
let switching: { id: number; seekTo: number; tree?: readonly Branch[] } | null = null;
let lastRunId = useSim.getState().runId;
/**
 * The tree a new run is about to replace, saved from the old driver while it is whole: any run with something to
 * lose (a tree of branches, an action, or time past 0 on a run of the learner's own settings: the default run with
 * no action is the page's own, played on load and by guides' hand-offs, and comes back by playing it). A single run
 * is a tree of one.
 */
let leaving: { branches: Branch[]; current: number; at: number; seed: number; actions: number } | null = null;

onRunReplaced((old) => {
  const s = useBranches.getState();
  const actions = old?.knownActions().count ?? 0;
  const worth = old !== null && (s.branches.length > 1 || actions > 0 || (old.now > 0 && !isDefaultRun(old.run)));
  leaving = switching === null && old !== null && worth ? { branches: withSaved(s.branches, s.current, old), current: s.current, at: old.now, seed: old.run.seed, actions } : null;
});

useSim.subscribe((s) => {
  if (s.runId === lastRunId) return;
  lastRunId = s.runId;
  const sw = switching;
  switching = null;
  if (sw !== null) {
    useBranches.setState(sw.tree !== undefined ? { branches: sw.tree, current: sw.id } : { current: sw.id });
    if (sw.tree !== undefined) useForked.setState({ replaced: null });
    // After the swap, outside the store's own update: back to the moment the learner was looking at.
    if (sw.seekTo < getDriver().now) queueMicrotask(() => seek(sw.seekTo));
    return;
  }
  useBranches.setState({ branches: [root(s.run)], current: 1 });
  // A new run (a link, New run, a lesson's cluster…) dropped the learner's run (a tree of branches, or one with
  // actions or time on it): the page offers it back while the new run is shown.
  const tree = leaving;
  leaving = null;
  useForked.setState({
    replaced: tree === null ? null : { runId: s.runId, branches: tree.branches.length, seed: tree.seed, actions: tree.actions, at: tree.at, restore: () => restoreTree(tree) },
  });
});

/** Puts back a tree of branches (or a single run) a new run replaced, showing the branch and moment the learner had left. */
function restoreTree(tree: { branches: readonly Branch[]; current: number; at: number }): string | undefined {
  const b = tree.branches.find((x) => x.id === tree.current);
  if (b === undefined) return `there is no branch ${tree.current}`;
  finishTask();
  switching = { id: tree.current, seekTo: Math.min(tree.at, b.end), tree: tree.branches };
  const err = newRun(b.run, b.actions, b.end, undefined, b.workload);
  if (err !== undefined) switching = null;
  return err;
}

/** Describes an action in a few words (`crash n3`, `PUB orders`). */
export function describeAction(op: string, args: readonly unknown[]): string {
  const a = args.map((x) => (typeof x === 'string' ? x : ''));
  switch (op) {
    case 'partition':
      return `partition ${(args[0] as string[][]).map((g) => g.join(' ')).join(' | ')}`;
    case 'cutLink':
      return `cut ${a[0]}–${a[1]}`;
    case 'restoreLink':
      return `restore ${a[0]}–${a[1]}`;
    case 'setNetwork':
      return 'network change';
    case 'setClock':
      return `clock of ${a[0]}`;
    case 'dropMessage':
      return `drop message #${String(args[0])}`;
    case 'propose':
      return `propose on ${a[0]}`;
    case 'publish':
      return `publish to ${a[0]}`;
    case 'command':
      return `${a[1].split(' ')[0] ?? 'command'} at ${a[0]}`;
    case 'workload':
      return 'start a workload';
    case 'heal':
      return 'heal';
    default:
      return a[0] ? `${op} ${a[0]}` : op;
  }
}

function withSaved(branches: readonly Branch[], id: number, d: Driver): Branch[] {
  return branches.map((b) => (b.id === id ? { ...b, actions: d.allActions(), end: Math.max(d.horizon, d.now), marks: marksOf(d), workload: d.workloadState() ?? undefined } : b));
}

onFork((d, op, args) => {
  const s = useBranches.getState();
  const at = d.now;
  const branches = withSaved(s.branches, s.current, d);
  // The new branch hangs off the branch that owns this moment: a fork before the current branch's own
  // fork action was done (even at the same instant) belongs to its ancestor.
  const done = d.cluster.actionCount();
  let parent = branches.find((b) => b.id === s.current)!;
  while (parent.parent !== null && done <= parent.forkActions) parent = branches.find((b) => b.id === parent.parent)!;
  const id = Math.max(...branches.map((b) => b.id)) + 1;
  const child: Branch = { id, parent: parent.id, forkAt: at, forkActions: done, label: describeAction(op, args), run: parent.run, actions: [], end: at, marks: [] };
  beforeFork = s;
  useBranches.setState({ branches: [...branches, child], current: id });
});

/** The tree as it was before the last fork: an action the engine refused did not fork the run after all. */
let beforeFork: BranchState | null = null;
onForkUndone(() => {
  if (beforeFork !== null) useBranches.setState({ branches: beforeFork.branches, current: beforeFork.current });
  beforeFork = null;
});

/** The branches with the current one's log and end as they are now. */
export function savedBranches(): Branch[] {
  const s = useBranches.getState();
  return withSaved(s.branches, s.current, getDriver());
}

/** Replays branch `id` and shows it at the same moment (or its end, if it ends sooner). Returns an error text. */
export function switchBranch(id: number): string | undefined {
  const s = useBranches.getState();
  if (id === s.current) return undefined;
  const branches = savedBranches();
  const b = branches.find((x) => x.id === id);
  if (b === undefined) return `there is no branch ${id}`;
  finishTask();
  const now = getDriver().now;
  useBranches.setState({ branches });
  switching = { id, seekTo: Math.min(now, b.end) };
  const err = newRun(b.run, b.actions, b.end, undefined, b.workload);
  if (err !== undefined) switching = null;
  return err;
}

/** A branch's name in lists: `Branch 3: crash n2 at 1.2043 s`. */
export function branchName(b: Branch): string {
  return b.parent === null ? `Branch ${b.id}: the first run` : `Branch ${b.id}: ${b.label} at ${formatMs(b.forkAt)}`;
}

/** For tests: forget every branch and start a tree on the current run. */
export function resetBranches(): void {
  switching = null;
  leaving = null;
  useForked.setState({ replaced: null });
  lastRunId = useSim.getState().runId;
  useBranches.setState({ branches: [root(useSim.getState().run)], current: 1 });
}
