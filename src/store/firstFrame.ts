// The page's first frame before the engine has loaded: the default run at t=0 worked out from its options alone (tests/store/firstFrame.test.ts checks it equals the engine's).
import type { ActionRecord, InFlight, NetworkSettings, NodeView, Violation } from '../sim';
import { Rng } from '../sim/rng';
import type { FeedItem, Mark } from './driver';
import type { MetricsSnapshot } from './metrics';
import { DEFAULT_ELECTION_TIMEOUT_MS, type RunOptions } from './runOptions';

/**
 * What the page reads from a run to draw it (the Driver has all of it): enough for the cluster view,
 * the panels of the first screen and the store's snapshot. Everything that changes a run needs the Driver.
 */
export interface RunView {
  readonly now: number;
  readonly seq: number;
  readonly horizon: number;
  readonly inPast: boolean;
  readonly lastStep: FeedItem[];
  readonly marks: Mark[];
  readonly marksVersion: number;
  readonly metrics: { snapshot(): MetricsSnapshot };
  views(fresh?: boolean): NodeView[];
  feedTail(n: number): FeedItem[];
  inFlight(): InFlight[];
  readonly cluster: {
    readonly nodeIds: readonly string[];
    readonly now: number;
    readonly network: NetworkSettings;
    leader(): string | undefined;
    groups(): Record<string, number>;
    cutLinks(): Array<[string, string]>;
    actions(): readonly ActionRecord[];
    actionCount(): number;
    violations(): readonly Violation[];
    findings(): readonly Violation[];
    members(): readonly string[];
    pendingChanges(): ReadonlyArray<{ op: 'add' | 'remove'; id: string; requestedAt: number }>;
  };
}

// The engine's defaults the first frame depends on (src/sim/cluster.ts, src/sim/engine.ts); the test compares them.
export const FIRST_FRAME_DEFAULTS = {
  clocks: { offsetMsMax: 200, driftPpmMax: 100 },
  network: { latencyMs: [5, 15], dropRate: 0, duplicateRate: 0, reorderRate: 0, reorderDelayMs: [10, 50] } as NetworkSettings,
};

function emptyMetrics(): MetricsSnapshot {
  return {
    sentByType: { RequestVote: 0, RequestVoteReply: 0, AppendEntries: 0, AppendEntriesReply: 0, other: 0 },
    sentSeries: [],
    bucketMs: 100,
    commitSeries: [],
    electionsStarted: 0,
    leadersElected: 0,
    electionTimes: [],
    leaderTimes: [],
    commitLatencies: [],
    dropped: 0,
    delivered: 0,
  };
}

/**
 * Run `run` at t=0 as the engine will hold it once built: every node a follower of term 0 with an
 * empty log, its election timer drawn from its own seeded stream ("timers:<id>") and its clock's
 * offset and drift from the "clocks" stream, in node order; nothing sent, no events.
 */
export function firstFrame(run: RunOptions): RunView {
  // Callers check the options first (plainRun in linkPeek.ts; the page's own run is always DEFAULT_RUN).
  if (run.config !== undefined) throw new Error('the first frame is not worked out for a cluster.yaml');
  const n = run.nodes ?? 5;
  const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  const root = Rng.fromSeed(run.seed);
  const clockRng = root.fork('clocks');
  const [min, max] = run.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS;
  const grace = run.startupGraceMs ?? 0;
  const offsetMsMax = run.clocks?.offsetMsMax ?? FIRST_FRAME_DEFAULTS.clocks.offsetMsMax;
  const driftPpmMax = run.clocks?.driftPpmMax ?? FIRST_FRAME_DEFAULTS.clocks.driftPpmMax;
  const network = { ...FIRST_FRAME_DEFAULTS.network };
  for (const [k, v] of Object.entries(run.network ?? {})) if (v !== undefined) (network as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...(v as number[])] : v;
  const views: NodeView[] = ids.map((id) => {
    const offsetMs = clockRng.between(-offsetMsMax, offsetMsMax);
    const driftPpm = clockRng.between(-driftPpmMax, driftPpmMax);
    const electionDeadline = Math.max(0, grace) + root.fork(`timers:${id}`).between(min, max);
    return {
      id,
      up: true,
      connected: true,
      role: 'follower',
      term: 0,
      votedFor: null,
      log: [],
      commitIndex: 0,
      lastApplied: 0,
      leaderId: null,
      lamport: 0,
      nextIndex: {},
      matchIndex: {},
      votes: [],
      members: ids,
      learners: [],
      configIndex: 0,
      committedMembers: ids,
      learner: false,
      removed: false,
      snapshot: null,
      preCandidate: false,
      transferee: null,
      leaseMs: 0,
      electionDeadline,
      // No sync round yet: the estimate is −(correction 0), and no round trip measured.
      clock: { localMs: offsetMs, correctedMs: offsetMs, offsetMs, driftPpm, rttMs: undefined, estimatedOffsetMs: -0, errorMs: offsetMs },
      suspects: [],
    };
  });
  const metrics = emptyMetrics();
  const groups = Object.fromEntries(ids.map((id) => [id, 0]));
  return {
    now: 0,
    seq: 0,
    horizon: 0,
    inPast: false,
    lastStep: [],
    marks: [],
    marksVersion: 0,
    metrics: { snapshot: () => metrics },
    views: () => views,
    feedTail: () => [],
    inFlight: () => [],
    cluster: {
      nodeIds: ids,
      now: 0,
      network,
      leader: () => undefined,
      groups: () => ({ ...groups }),
      cutLinks: () => [],
      actions: () => [],
      actionCount: () => 0,
      violations: () => [],
      findings: () => [],
      members: () => ids,
      pendingChanges: () => [],
    },
  };
}
