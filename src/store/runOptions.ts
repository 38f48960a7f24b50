// The serializable options of one run (what a share link or export carries), their defaults, and the step to the engine's options.
import type { ClockSettings, ClusterOptions, NetworkSettings } from '../sim';

/** Everything that, with the action log, determines a run. Plain JSON: it goes into links and files. */
export interface RunOptions {
  seed: number;
  /** Ids n1..nN; ignored when `config` is given. */
  nodes?: number;
  /** cluster.yaml text. */
  config?: string;
  electionTimeoutMs?: [number, number];
  heartbeatMs?: number;
  startupGraceMs?: number;
  network?: Partial<NetworkSettings>;
  clocks?: Partial<ClockSettings>;
  rules?: { voteLogCheck?: boolean; commitCurrentTermOnly?: boolean; oneChangeAtATime?: boolean };
  /** Largest number of entries per AppendEntries (scenarios place entries one at a time). */
  maxEntriesPerMessage?: number;
  /** Snapshot after this many applied entries (§7); 0 or absent = never. */
  snapshotEvery?: number;
  /** How HISTORY is served (§8, thesis §6.4); absent = 'local'. */
  reads?: 'local' | 'readIndex' | 'lease';
  /** Thesis §9.6 extensions; absent = off. */
  raft?: { preVote?: boolean; checkQuorum?: boolean };
}

export const DEFAULT_RUN: RunOptions = { seed: 1, nodes: 5 };

/** Most actions a share link or run file may carry (kept here, away from the validator, for panels that warn). */
export const MAX_ACTIONS = 20_000;

export const DEFAULT_ELECTION_TIMEOUT_MS: [number, number] = [150, 300];
export const DEFAULT_HEARTBEAT_MS = 50;

/**
 * Events the page's clusters keep in their journal: a little more than the event feed shows, which a
 * seek rebuilds from it (a smaller journal is also cheaper to read back).
 */
export const FEED_JOURNAL = 10_000;

/**
 * The engine's options for a run: the UI always records violations (pause and show) rather than
 * throw, and keeps at least FEED_JOURNAL events in the journal (options from elsewhere, e.g. a
 * guide's cluster, may carry engine settings RunOptions does not list; they pass through).
 */
export function clusterOptions(run: RunOptions): ClusterOptions {
  const asked = (run as { journalLimit?: unknown }).journalLimit;
  const journalLimit = typeof asked === 'number' && asked > FEED_JOURNAL ? asked : FEED_JOURNAL;
  return { ...run, checkers: 'record', journalLimit } as ClusterOptions;
}

/** Drops keys whose value is undefined, so equal runs serialize equally. */
/** Whether `run` is the page's default run (seed 1, 5 nodes, nothing else set): playing it again gives the same run. */
export function isDefaultRun(run: RunOptions): boolean {
  const set = Object.entries(normalizeRun(run));
  return set.length === Object.keys(DEFAULT_RUN).length && set.every(([k, v]) => DEFAULT_RUN[k as keyof RunOptions] === v);
}

export function normalizeRun(run: RunOptions): RunOptions {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(run)) if (v !== undefined) out[k] = v;
  return out as unknown as RunOptions;
}

export function electionTimeoutOf(run: RunOptions): [number, number] {
  return run.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS;
}

/** True when a "break it" switch is off. */
export function rulesBroken(run: RunOptions): boolean {
  return run.rules?.voteLogCheck === false || run.rules?.commitCurrentTermOnly === false || run.rules?.oneChangeAtATime === false;
}
