// Validation of ClusterOptions with one zod schema (a bad option throws ConfigError naming its path), and warnings for valid but unworkable settings.
// The engine reaches the schema through validate.ts, so the page loads zod only when options come from outside.
// zod/mini: the same checks as classic zod at a third of the size (this loads with every option from outside).
import * as z from 'zod/mini';
import { ConfigError, MAX_NODES } from './config';
import type { ClusterOptions, NetworkSettings } from './types';
import { MAX_JOURNAL, MAX_SEED, MIN_SEED } from './validate';

/**
 * The longest message delay a network may have (latency, and a reordered message's extra delay): a minute, past
 * every timer of the protocol. (An hour's latency held a backlog of 70,000 messages in flight that every view drew.)
 */
export const MAX_DELAY_MS = 60_000;

export { MAX_JOURNAL, MAX_SEED, MIN_SEED };

/** What each option must be, by path: the text of its error (`<path> must be <this> (got …)`). */
const MUST: Readonly<Record<string, string>> = {
  seed: `a whole number from ${MIN_SEED} to ${MAX_SEED}`,
  nodes: `a whole number from 1 to ${MAX_NODES}`,
  config: 'cluster.yaml text (a string)',
  electionTimeoutMs: 'a pair [min, max] of finite numbers with 1 <= min <= max',
  heartbeatMs: 'a finite number of ms of at least 0.1',
  startupGraceMs: 'a finite, non-negative number of ms',
  network: 'an object with latencyMs, dropRate, duplicateRate, reorderRate, reorderDelayMs',
  'network.latencyMs': `a pair [min, max] of numbers of ms with 0 <= min <= max <= ${MAX_DELAY_MS} (a message slower than a minute outlasts every timer)`,
  'network.dropRate': 'a number from 0 to 1',
  'network.duplicateRate': 'a number from 0 to 1',
  'network.reorderRate': 'a number from 0 to 1',
  'network.reorderDelayMs': `a pair [min, max] of numbers of ms with 0 <= min <= max <= ${MAX_DELAY_MS}`,
  clocks: 'an object with offsetMsMax, driftPpmMax, sync, syncIntervalMs, countSelf',
  'clocks.offsetMsMax': 'a number of ms from 0 to 10,000,000',
  'clocks.driftPpmMax': 'a number of ppm from 0 to less than 1000000',
  'clocks.sync': "one of 'ntp', 'cristian', 'berkeley', 'off'",
  'clocks.syncIntervalMs': 'a finite number of ms of at least 1',
  'clocks.countSelf': 'true or false',
  detector: 'an object with suspectAfterMs, kind, phiThreshold, mode',
  'detector.suspectAfterMs': 'a finite number of ms of at least 1',
  'detector.kind': "one of 'timeout', 'phi', 'off'",
  'detector.phiThreshold': 'a finite number above 0',
  'detector.mode': "one of 'gossip', 'direct'",
  rules: 'an object with voteLogCheck, commitCurrentTermOnly, oneChangeAtATime',
  'rules.voteLogCheck': 'true or false',
  'rules.commitCurrentTermOnly': 'true or false',
  'rules.oneChangeAtATime': 'true or false',
  checkers: "'throw', 'record' or false",
  journalLimit: `a whole number from 0 to ${MAX_JOURNAL}`,
  recordActions: 'true or false',
  broker: 'an object with dedupWindow, dedup, maxDelayMs, commitTimeoutMs, retain',
  'broker.dedupWindow': 'a whole, non-negative number of ids per topic',
  'broker.dedup': "true, false, 'window' or 'sessions'",
  'broker.maxDelayMs': 'a finite, non-negative number of ms',
  'broker.commitTimeoutMs': 'a finite number of ms above 0',
  'broker.retain': 'a whole number of records of at least 1 (or Infinity: keep all)',
  maxEntriesPerMessage: 'a whole number from 1 to 1000000',
  maxInflight: 'a whole number from 1 to 1000000',
  snapshotEvery: 'a whole, non-negative number of applied entries (0: never)',
  reads: "one of 'local', 'readIndex', 'lease'",
  raft: 'an object with preVote, checkQuorum',
  'raft.preVote': 'true or false',
  'raft.checkQuorum': 'true or false',
};


const num = (min: number) => z.number().check(z.gte(min));
const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const ms = num(0);
const pair = (min: number) => z.tuple([num(min), num(min)]).check(z.refine(([a, b]) => a <= b));
/** A message delay: from 0 to MAX_DELAY_MS. */
const delay = z.tuple([num(0).check(z.lte(MAX_DELAY_MS)), num(0).check(z.lte(MAX_DELAY_MS))]).check(z.refine(([a, b]) => a <= b));
const rate = z.number().check(z.gte(0), z.lte(1));
const bool = z.boolean();

const networkSchema = z.partial(
  z.strictObject({
    latencyMs: delay,
    dropRate: rate,
    duplicateRate: rate,
    reorderRate: rate,
    reorderDelayMs: delay,
  }),
);

/** Every option of `createCluster`; unknown keys are refused (a misspelt option would otherwise be silently ignored). */
export const clusterOptionsSchema = z.partial(
  z.strictObject({
    seed: int(MIN_SEED, MAX_SEED),
    nodes: int(1, MAX_NODES),
    config: z.string(),
    electionTimeoutMs: pair(1),
    heartbeatMs: num(0.1),
    startupGraceMs: ms,
    network: networkSchema,
    clocks: z.partial(
      z.strictObject({
        // As far as a share link carries (src/store/share.ts): a run the page makes, it can share.
        offsetMsMax: z.number().check(z.gte(0), z.lte(1e7)),
        driftPpmMax: z.number().check(z.gte(0), z.lt(1e6)),
        sync: z.enum(['ntp', 'cristian', 'berkeley', 'off']),
        syncIntervalMs: num(1),
        countSelf: bool,
      }),
    ),
    detector: z.partial(
      z.strictObject({
        suspectAfterMs: num(1),
        kind: z.enum(['timeout', 'phi', 'off']),
        phiThreshold: z.number().check(z.gt(0)),
        mode: z.enum(['gossip', 'direct']),
      }),
    ),
    rules: z.partial(z.strictObject({ voteLogCheck: bool, commitCurrentTermOnly: bool, oneChangeAtATime: bool })),
    checkers: z.union([z.literal('throw'), z.literal('record'), z.literal(false)]),
    journalLimit: int(0, MAX_JOURNAL),
    recordActions: bool,
    broker: z.partial(
      z.strictObject({
        dedupWindow: int(0, Number.MAX_SAFE_INTEGER),
        dedup: z.union([z.boolean(), z.literal('window'), z.literal('sessions')]),
        maxDelayMs: ms,
        commitTimeoutMs: z.number().check(z.gt(0)),
        retain: z.union([int(1, Number.MAX_SAFE_INTEGER), z.literal(Infinity)]),
      }),
    ),
    maxEntriesPerMessage: int(1, 1_000_000),
    maxInflight: int(1, 1_000_000),
    snapshotEvery: int(0, Number.MAX_SAFE_INTEGER),
    reads: z.enum(['local', 'readIndex', 'lease']),
    raft: z.partial(z.strictObject({ preVote: bool, checkQuorum: bool })),
  }),
);

/** A value as a learner would write it: NaN, Infinity and strings stay recognisable. */
function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
    return text.length > 60 ? `${text.slice(0, 60)}…` : text;
  } catch {
    return typeof value;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The first problem of a failed parse as one sentence naming the option path. */
function describe(root: unknown, issue: z.core.$ZodIssue, prefix: string): string {
  const keys = issue.path.filter((k): k is string => typeof k === 'string');
  if (issue.code === 'unrecognized_keys') {
    const at = [prefix, ...keys].filter((s) => s !== '').join('.');
    const known = Object.keys(MUST)
      .filter((p) => p.split('.').length === keys.length + (prefix === '' ? 1 : 2) && p.startsWith(at === '' ? '' : `${at}.`))
      .map((p) => p.split('.').pop()!);
    return `unknown option ${issue.keys.map((k) => (at === '' ? k : `${at}.${k}`)).join(', ')} (known: ${known.join(', ')})`;
  }
  const path = [prefix, ...keys].filter((s) => s !== '').join('.');
  // Tuple elements and refinements report below or at the option: name the option itself.
  const must = MUST[path] ?? 'valid';
  return `${path} must be ${must} (got ${show(valueAt(root, keys))})`;
}

/** Throws ConfigError naming the first invalid option (`network.dropRate must be a number from 0 to 1 (got 1.5)`). */
export function validateOptions(options: unknown): asserts options is ClusterOptions {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`cluster options must be an object (got ${show(options)})`);
  }
  const r = clusterOptionsSchema.safeParse(options);
  if (!r.success) throw new ConfigError(describe(options, r.error.issues[0], ''));
}

/** The network settings a running cluster may change (RangeError: the call's argument is wrong, not a config). */
export function validateNetworkChange(change: unknown): asserts change is Partial<NetworkSettings> {
  if (typeof change !== 'object' || change === null || Array.isArray(change)) throw new RangeError(`setNetwork needs an object (got ${show(change)})`);
  const r = networkSchema.safeParse(change);
  if (!r.success) throw new RangeError(`setNetwork: ${describe(change, r.error.issues[0], 'network')}`);
  // An empty change would be an action that does nothing and cannot be written as a scenario line.
  if (!Object.values(change).some((v) => v !== undefined)) {
    throw new RangeError('setNetwork needs at least one of latencyMs, dropRate, duplicateRate, reorderRate, reorderDelayMs');
  }
}

// ---------------------------------------------------------------------------------------------
// Warnings: valid settings that cannot work as a learner expects, each with the reason
// ---------------------------------------------------------------------------------------------

export interface OptionWarning {
  /** The option path the warning is about. */
  readonly option: string;
  /** One sentence: what happens, and why. */
  readonly text: string;
}

/**
 * Settings that pass validation but make a run behave in a way a learner would not expect. The page
 * shows them next to the settings; nothing here changes a run.
 */
export function warnings(options: ClusterOptions): OptionWarning[] {
  const out: OptionWarning[] = [];
  const [min, max] = options.electionTimeoutMs ?? [150, 300];
  const heartbeat = options.heartbeatMs ?? 50;
  const latencyMax = options.network?.latencyMs?.[1] ?? 15;
  if (heartbeat >= min) {
    out.push({
      option: 'heartbeatMs',
      text: `The heartbeat (${heartbeat} ms) is not shorter than the shortest election timeout (${min} ms): a follower can time out before the leader's next heartbeat arrives and start an election against a healthy leader, so leaders keep changing (Raft needs broadcast time ≪ election timeout, §5.6).`,
    });
  }
  if (min === max) {
    out.push({
      option: 'electionTimeoutMs',
      text: `The election timeout has equal bounds (${min} ms): every follower times out at the same moment, so candidates split the vote again and again. Raft draws each timeout at random from a range so that usually one node times out first (§5.2).`,
    });
  }
  if (2 * latencyMax >= min) {
    out.push({
      option: 'network.latencyMs',
      text: `A round trip can take ${2 * latencyMax} ms, not less than the shortest election timeout (${min} ms): votes and heartbeats may arrive after timers fire, so elections can repeat without end (§5.6).`,
    });
  }
  if ((options.network?.dropRate ?? 0) >= 1) {
    out.push({ option: 'network.dropRate', text: 'Every message is lost (loss rate 1): no node ever hears another, so no leader can be elected.' });
  }
  const broker = options.broker ?? {};
  if ((broker.dedup === undefined || broker.dedup === true || broker.dedup === 'window') && broker.dedupWindow === 0) {
    out.push({ option: 'broker.dedupWindow', text: 'A dedup window of 0 ids remembers nothing: every retry of a publish is stored again, as with dedup off.' });
  }
  const suspect = options.detector?.suspectAfterMs;
  if (suspect !== undefined && options.detector?.kind !== 'off' && suspect <= 2 * latencyMax) {
    out.push({
      option: 'detector.suspectAfterMs',
      text: `Suspecting a peer after ${suspect} ms of silence, with one-way latency up to ${latencyMax} ms, suspects healthy peers whenever a ping is a little late: expect many false suspicions.`,
    });
  }
  return out;
}
