// The guide player's state, kept out of React: a chapter session at some step (built by replaying the
// chapter with sessionAt, so back and deep links are exact), the step's outcome, predict feedback,
// the challenge runner, and an immutable snapshot of the cluster to draw.
import {
  challengeRunner,
  ChapterSession,
  sessionAt,
  type Chapter,
  type Predict,
  type StepOutcome,
} from '../../guides/chapters';
import { CheckerViolation, type SimCluster } from '../../sim/cluster';
import { ScenarioError, type CompiledPredicate, type ScenarioRunner, type StepResult } from '../../sim/scenario';
import type { InFlight, NodeView, TopicRecord, Violation } from '../../sim/types';
import { fingerprint } from '../../store/fingerprint';

/** What the cluster looked like when the player last moved: plain data, safe to render. */
export interface ClusterSnap {
  readonly seed: number;
  readonly now: number;
  readonly events: number;
  readonly nodes: readonly NodeView[];
  readonly leader: string | undefined;
  readonly inFlight: readonly InFlight[];
  readonly groups: Readonly<Record<string, number>>;
  readonly cuts: ReadonlyArray<readonly [string, string]>;
  readonly violations: readonly Violation[];
  /** Documented consequences of a chosen setting (a retry stored again past the dedup window…): not broken guarantees. */
  readonly findings: readonly Violation[];
  /** The topics as one node (the leader, else the first up node) has applied them: the newest records of each. */
  readonly topics: { readonly node: string; readonly list: ReadonlyArray<{ readonly topic: string; readonly count: number; readonly recent: readonly TopicRecord[] }> } | undefined;
  /** The newest lines clients typed and received, oldest first. */
  readonly clientLines: ReadonlyArray<{ readonly client: string; readonly at: number; readonly events: number; readonly node: string; readonly dir: 'in' | 'out' | 'note'; readonly line: string }>;
  /** Equal fingerprints: identical clusters (the store's fingerprint of time, events and node state). */
  readonly fingerprint: string;
}

export function clusterFingerprint(c: SimCluster): string {
  return fingerprint(c.now, c.eventCount, c.nodeIds.map((id) => c.node(id)));
}

const RECENT_RECORDS = 5;
const CLIENT_LINES = 8;

export function snapCluster(c: SimCluster): ClusterSnap {
  const nodes = c.nodeIds.map((id) => c.node(id));
  const ref = c.leader() ?? nodes.find((v) => v.up)?.id;
  const topics =
    ref === undefined
      ? undefined
      : {
          node: ref,
          list: c.topics(ref).map((topic) => {
            const h = c.history(ref, topic);
            return { topic, count: h.length, recent: h.slice(-RECENT_RECORDS) };
          }),
        };
  const clientLines = c
    .clientIds()
    .flatMap((client) => c.clientLog(client).slice(-CLIENT_LINES).map((l) => ({ client, at: l.at, events: l.events, node: l.node, dir: l.dir, line: l.line })))
    // In the order they happened: by event (a stable sort keeps each client's own order, and lines of one
    // event, e.g. a crash closing two connections, by client). By time alone, one instant's lines went by client.
    .sort((a, b) => a.events - b.events)
    .slice(-CLIENT_LINES);
  return {
    seed: c.seed,
    now: c.now,
    events: c.eventCount,
    nodes,
    leader: c.leader(),
    inFlight: c.inFlight(),
    groups: c.groups(),
    cuts: c.cutLinks(),
    violations: c.violations().slice(),
    findings: c.findings().slice(),
    topics,
    clientLines,
    fingerprint: fingerprint(c.now, c.eventCount, nodes),
  };
}

/** The learner's answer to a predict question, judged against what the engine then did. */
export interface Feedback {
  readonly question: string;
  /** undefined: the learner skipped the question. */
  readonly guess: string | undefined;
  readonly answer: string | number | undefined;
  readonly right: boolean;
  readonly explain?: string;
  /** Rule questions: the answer is the rule's, not read from the run; `agrees` says whether this run did what it says. */
  readonly rule?: { readonly agrees: boolean | undefined };
}

export function judge(p: Predict, guess: string | undefined, answer: string | number | undefined, agrees?: boolean): Feedback {
  const g = guess?.trim();
  let right = false;
  if (g !== undefined && g !== '' && answer !== undefined) {
    if (p.kind === 'pick-a-number' || p.kind === 'pick-an-offset') right = Number(g) === Number(answer);
    else right = g === String(answer);
  }
  return {
    question: p.question,
    guess: g === '' ? undefined : g,
    answer,
    right,
    ...(p.explain !== undefined ? { explain: p.explain } : {}),
    ...(p.about === 'rule' ? { rule: { agrees } } : {}),
  };
}

export interface GoalResult {
  readonly ok: boolean;
  /** What the checker saw. */
  readonly detail: string;
  /** Set when the messaging check ran (it needs a healed, settled cluster). */
  readonly messaging?: 'ran' | string;
}

export interface ChallengeState {
  readonly runner: ScenarioRunner;
  /** What the learner ran in the guide, newest last. */
  readonly log: readonly StepResult[];
  readonly error?: string;
  readonly goal?: GoalResult;
}

export interface PlayerState {
  readonly chapter: Chapter;
  readonly seed: number;
  readonly session: ChapterSession;
  /** Steps done: 0 is the introduction, n the last step. */
  readonly position: number;
  /** The outcome of step `position` (absent at the introduction). */
  readonly outcome?: StepOutcome;
  readonly feedback?: Feedback;
  readonly challenge?: ChallengeState;
  readonly snap: ClusterSnap;
  /** Virtual time when step `position` began (its scenario's first command); `snap.now` at the introduction. */
  readonly stepStart: number;
}

function state(chapter: Chapter, seed: number, session: ChapterSession, position: number, extra: Partial<PlayerState> = {}): PlayerState {
  const runner = extra.challenge?.runner ?? session.runner;
  const snap = snapCluster(runner.cluster);
  return { chapter, seed, session, position, stepStart: snap.now, ...extra, snap };
}

/** When the session's next step begins: now, or 0 when it starts a fresh cluster. */
function startOfNext(session: ChapterSession): number {
  return session.chapter.steps[session.position]?.setup !== undefined ? 0 : session.runner.cluster.now;
}

/** The player at step `position` (0: the introduction), rebuilt exactly by replaying the chapter. */
export function openAt(chapter: Chapter, position: number, seed: number = chapter.seed): PlayerState {
  const p = Math.max(0, Math.min(position, chapter.steps.length));
  if (p === 0) return state(chapter, seed, new ChapterSession(chapter, seed), 0);
  const { session, outcomes } = sessionAt(chapter, p - 1, seed);
  const before = outcomes[outcomes.length - 1];
  // A failing step stops the replay early: show that step (and its failure), not a later one.
  if (before !== undefined && !before.ok) return state(chapter, seed, session, outcomes.length, { outcome: before });
  const stepStart = startOfNext(session);
  const outcome = session.next();
  return state(chapter, seed, session, outcomes.length + 1, { outcome, stepStart });
}

/** The challenge view: the chapter walked to its end, then the challenge's cluster (fresh or the live one). */
export function openChallenge(chapter: Chapter, seed: number = chapter.seed): PlayerState {
  const base = openAt(chapter, chapter.steps.length, seed);
  if (base.outcome !== undefined && !base.outcome.ok) return base;
  const runner = challengeRunner(chapter, seed, base.session.runner);
  runner.mark();
  return state(chapter, seed, base.session, base.position, { ...(base.outcome ? { outcome: base.outcome } : {}), challenge: { runner, log: [] } });
}

/** Runs the next step (mutates the session); `guess` is the learner's answer to its predict question. */
export function advance(s: PlayerState, guess: string | undefined): PlayerState {
  const step = s.chapter.steps[s.position];
  if (step === undefined || (s.outcome !== undefined && !s.outcome.ok)) return s;
  const stepStart = startOfNext(s.session);
  const outcome = s.session.next();
  const feedback = step.predict !== undefined && outcome.ok ? judge(step.predict, guess, outcome.answer, outcome.agrees) : undefined;
  return state(s.chapter, s.seed, s.session, s.position + 1, { outcome, stepStart, ...(feedback !== undefined ? { feedback } : {}) });
}

/** Whether a cluster is healed and caught up, so the messaging check ("every acknowledged publish is everywhere") is fair. */
export function settled(c: SimCluster): { ok: true } | { ok: false; why: string } {
  const up = c.nodeIds.map((id) => c.node(id)).filter((v) => v.up);
  const off = up.find((v) => !v.connected);
  if (off !== undefined) return { ok: false, why: `${off.id} is disconnected` };
  const groups = c.groups();
  if (new Set(up.map((v) => groups[v.id])).size > 1) return { ok: false, why: 'the network is partitioned' };
  if (c.cutLinks().length > 0) return { ok: false, why: 'some links are cut' };
  const applied = up.map((v) => v.lastApplied);
  const lo = Math.min(...applied);
  const hi = Math.max(...applied);
  if (lo !== hi) {
    const behind = up.find((v) => v.lastApplied === lo)!;
    return { ok: false, why: `${behind.id} has applied ${lo} entries, others ${hi}: let the cluster run a moment` };
  }
  return { ok: true };
}

/**
 * Checks a challenge's goal on a runner. Goals about a violation get one more chance: when the cluster
 * is healed and settled, the messaging check (lost acknowledged publishes) runs first, as the
 * chapter's own solution does with `check messaging`.
 */
export function checkGoal(runner: ScenarioRunner, goal: CompiledPredicate): GoalResult {
  const first = runner.check(goal);
  if (first.ok || !/^\s*violation\b/.test(goal.source)) return { ok: first.ok, detail: first.detail };
  const s = settled(runner.cluster);
  if (!s.ok) return { ok: false, detail: first.detail, messaging: `the messaging check needs a healed, settled cluster (${s.why})` };
  try {
    runner.cluster.checkMessaging();
  } catch (err) {
    if (!(err instanceof CheckerViolation)) throw err;
  }
  const again = runner.check(goal);
  return { ok: again.ok, detail: again.detail, messaging: 'ran' };
}

/** Runs the learner's scenario commands on the challenge cluster, then checks the goal (without the messaging check). */
export function runChallengeCommands(s: PlayerState, text: string): PlayerState {
  const ch = s.challenge;
  const goal = s.chapter.challenge?.goal;
  if (ch === undefined || goal === undefined) return s;
  let results: StepResult[] = [];
  let error: string | undefined;
  try {
    results = ch.runner.runText(text);
  } catch (err) {
    error = err instanceof ScenarioError ? err.message : err instanceof Error ? err.message : String(err);
  }
  const check = ch.runner.check(goal);
  const challenge: ChallengeState = {
    runner: ch.runner,
    log: [...ch.log, ...results].slice(-200),
    ...(error !== undefined ? { error } : {}),
    goal: { ok: check.ok, detail: check.detail },
  };
  return state(s.chapter, s.seed, s.session, s.position, { ...(s.outcome ? { outcome: s.outcome } : {}), challenge });
}

/** The Check button: the goal, with the messaging check when fair. */
export function checkChallenge(s: PlayerState): PlayerState {
  const ch = s.challenge;
  const goal = s.chapter.challenge?.goal;
  if (ch === undefined || goal === undefined) return s;
  const result = checkGoal(ch.runner, goal);
  return state(s.chapter, s.seed, s.session, s.position, { ...(s.outcome ? { outcome: s.outcome } : {}), challenge: { runner: ch.runner, log: ch.log, goal: result } });
}

/** The cluster the player shows now (the challenge's when in the challenge). */
export function liveCluster(s: PlayerState): SimCluster {
  return (s.challenge?.runner ?? s.session.runner).cluster;
}
