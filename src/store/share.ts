// Saving and sharing runs: the zod schema of a run (options + action log + time), URL-hash and JSON encodings, and a fingerprint of the state.
// zod/mini with its English messages: the same checks as classic zod at a third of the size (this loads with every link and run file).
import * as z from 'zod/mini';
import { MAX_NODES, MAX_SEED, MIN_SEED, type ActionRecord } from '../sim';
import { canCompress, inflateLimited, isRunHash, MAX_HASH, pipe, toBase64Url, fromBase64Url } from './linkCodec';
import { MAX_ACTIONS, normalizeRun, type RunOptions } from './runOptions';
import { WORKLOAD_LIMITS, spacingOf, type RunningWorkload } from './workload';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../sim/validateEager';
import { MAX_HOST_CHARS } from '../sim/config';
import { MAX_COMMAND_CHARS } from '../sim/cluster';

z.config(z.locales.en());

export const RUN_FORMAT = 'wiber-sim-run';
export const RUN_VERSION = 1;
/** Longest run a file or link may ask to rebuild (virtual ms): keeps a hostile file from freezing the tab. */
export const MAX_RUN_MS = 3_600_000;
export { MAX_ACTIONS };
export const MAX_IMPORT_BYTES = 5_000_000;
/** Most entries between automatic snapshots a link may hold (the Config form keeps to it). */
export const MAX_SNAPSHOT_EVERY = 1_000_000_000;

const str = (max: number) => z.string().check(z.maxLength(max));
const nodeId = z.string().check(z.minLength(1), z.maxLength(200));
const range = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));
const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
const ms = range(0, MAX_RUN_MS);
const pair = z.tuple([ms, ms]);
const rate = range(0, 1);
const bool = z.boolean();

const networkSchema = z.partial(z.strictObject({ latencyMs: pair, dropRate: rate, duplicateRate: rate, reorderRate: rate, reorderDelayMs: pair }));

const clocksSchema = z.partial(
  z.strictObject({
    offsetMsMax: range(0, 1e7),
    driftPpmMax: range(0, 1e6),
    sync: z.enum(['ntp', 'cristian', 'berkeley', 'off']),
    syncIntervalMs: range(1, MAX_RUN_MS),
  }),
);

export const runSchema = z.strictObject({
  seed: int(MIN_SEED, MAX_SEED),
  nodes: z.optional(int(1, MAX_NODES)),
  config: z.optional(str(100_000)),
  electionTimeoutMs: z.optional(z.tuple([range(1, MAX_RUN_MS), range(1, MAX_RUN_MS)])),
  heartbeatMs: z.optional(range(0.1, MAX_RUN_MS)),
  startupGraceMs: z.optional(ms),
  network: z.optional(networkSchema),
  clocks: z.optional(clocksSchema),
  rules: z.optional(z.partial(z.strictObject({ voteLogCheck: bool, commitCurrentTermOnly: bool, oneChangeAtATime: bool }))),
  maxEntriesPerMessage: z.optional(int(1, 10_000)),
  snapshotEvery: z.optional(int(0, MAX_SNAPSHOT_EVERY)),
  reads: z.optional(z.enum(['local', 'readIndex', 'lease'])),
  raft: z.optional(z.partial(z.strictObject({ preVote: bool, checkQuorum: bool }))),
});

/** A console line or message may be as long as the protocol allows (65,536), plus a line terminator. */
const LINE = 65_538;
const base = { at: ms, events: int(0, 1e12) };
const action = <Op extends string, A extends z.ZodMiniType>(op: Op, args: A) => z.strictObject({ ...base, op: z.literal(op), args });
const one = (op: string) => action(op, z.tuple([nodeId]));
const clockChange = z.partial(z.strictObject({ offsetMs: range(-1e9, 1e9), driftPpm: range(-1e6, 1e6), stepMs: range(-1e9, 1e9) }));

export const actionSchema = z.discriminatedUnion('op', [
  one('crash'),
  one('restart'),
  one('disconnect'),
  one('reconnect'),
  one('timeout'),
  action('partition', z.tuple([z.array(z.array(nodeId).check(z.maxLength(MAX_NODES))).check(z.maxLength(MAX_NODES))])),
  action('heal', z.tuple([])),
  action('cutLink', z.tuple([nodeId, nodeId])),
  action('restoreLink', z.tuple([nodeId, nodeId])),
  action('setNetwork', z.tuple([networkSchema])),
  action('setClock', z.tuple([nodeId, clockChange])),
  action('dropMessage', z.tuple([int(0, 1e12)])),
  action('deliver', z.union([z.tuple([int(1, 1e12)]), z.tuple([int(1, 1e12), bool])])),
  action('fire', z.tuple([nodeId, z.string().check(z.minLength(1), z.maxLength(40))])),
  action('duplicate', z.tuple([int(1, 1e12)])),
  action('addNode', z.tuple([z.partial(z.strictObject({ id: nodeId, host: z.string().check(z.minLength(1), z.maxLength(MAX_HOST_CHARS)), port: int(1, 65_535) }))])),
  one('removeNode'),
  one('transferLeadership'),
  one('snapshot'),
  action('propose', z.tuple([nodeId, str(MAX_COMMAND_CHARS)])),
  action('command', z.tuple([nodeId, str(LINE), z.partial(z.strictObject({ client: str(32) }))])),
  action('resetConnection', z.tuple([str(32), nodeId])),
  action('subscribe', z.tuple([nodeId, str(200), z.partial(z.strictObject({ client: str(32) }))])),
  action('publish', z.tuple([str(200), str(LINE), z.partial(z.strictObject({ id: str(200), via: nodeId, client: str(32) }))])),
]);

export const savedRunSchema = z
  .strictObject({
    format: z.literal(RUN_FORMAT),
    version: z.literal(RUN_VERSION),
    run: runSchema,
    actions: z.array(actionSchema).check(z.maxLength(MAX_ACTIONS)),
    t: ms,
    fingerprint: z.optional(str(64)),
    /** A workload running at `t`, where its schedule stood: the opened run goes on publishing exactly as the shared one would. */
    workload: z.optional(
      z.strictObject({
        config: z.strictObject({ publishers: int(WORKLOAD_LIMITS.publishers.min, WORKLOAD_LIMITS.publishers.max), rate: range(WORKLOAD_LIMITS.rate.min, WORKLOAD_LIMITS.rate.max), topics: int(WORKLOAD_LIMITS.topics.min, WORKLOAD_LIMITS.topics.max) }),
        startAt: ms,
        n: int(0, 1e9),
      }),
    ),
  })
  .check(
    z.superRefine((v, ctx) => {
      // The page's own links have the workload's next message at the run's time or after: one due long
      // before it (an edited link) would send the whole backlog at one instant.
      if (v.workload !== undefined) {
        const w = v.workload;
        const spacing = spacingOf(w.config);
        const next = w.startAt + w.n * spacing;
        if (next < v.t - spacing - 1e-6) {
          ctx.addIssue({ code: 'custom', path: ['workload'], message: `its next message is due at ${Math.round(next)} ms, before the run's time ${Math.round(v.t)} ms (the link was edited or damaged)` });
          return;
        }
      }
      for (let i = 1; i < v.actions.length; i++) {
        const a = v.actions[i - 1];
        const b = v.actions[i];
        if (b.events < a.events || b.at < a.at) {
          ctx.addIssue({ code: 'custom', path: ['actions', i], message: 'actions must be in the order they happened' });
          return;
        }
      }
    }),
  );

export interface SavedRun {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  run: RunOptions;
  actions: ActionRecord[];
  /** Virtual time to open the run at. */
  t: number;
  fingerprint?: string;
  workload?: RunningWorkload;
}

export type Parsed = { ok: true; saved: SavedRun } | { ok: false; error: string };

function issueText(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'it does not match the expected format' : issueWords(issue);
}

/** The parts of a zod issue (classic or mini) that issueWords reads. */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly maximum?: number | bigint;
  readonly minimum?: number | bigint;
  readonly origin?: string;
  readonly values?: readonly unknown[];
}

/**
 * A validation issue of a link or file in a reader's words where they can act on it (another version of the page,
 * a field this page does not know, a text too long); otherwise the field's path and the validator's message.
 */
export function issueWords(issue: Issue): string {
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const last = issue.path.at(-1);
  const expected = issue.values?.map((v) => JSON.stringify(v)).join(' or ') ?? '?';
  if (issue.code === 'invalid_value' && issue.path.length === 1 && last === 'version') return `it was made by another version of Wiber Sim (this page reads version ${expected})`;
  if (issue.code === 'invalid_value' && issue.path.length === 1 && last === 'format') return `it holds another kind of data (here this page reads format ${expected})`;
  if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
    return `it holds ${issue.keys.length === 1 ? 'a field' : 'fields'} this page does not know (${issue.keys.map((k) => `'${k}'`).join(', ')}${path ? ` in ${path}` : ''})`;
  }
  if ((issue.code === 'too_big' || issue.code === 'too_small') && issue.origin === 'string') {
    const bound = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum).toLocaleString('en-US');
    return issue.code === 'too_big' ? `${path || 'the text'} is too long (the limit is ${bound} characters)` : `${path || 'the text'} is empty or too short (at least ${bound} characters)`;
  }
  return `${path ? `${path}: ` : ''}${issue.message}`;
}

/** Validates an already parsed value. */
export function parseSaved(value: unknown): Parsed {
  const r = savedRunSchema.safeParse(value);
  if (!r.success) return { ok: false, error: issueText(r.error) };
  return { ok: true, saved: r.data as unknown as SavedRun };
}

/** Validates the text of a run file. */
export function parseSavedText(text: string): Parsed {
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, error: `the file is too large (${text.length} characters; the limit is ${MAX_IMPORT_BYTES})` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `it is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  return parseSaved(value);
}

export function savedRun(run: RunOptions, actions: readonly ActionRecord[], t: number, fingerprint?: string, workload?: RunningWorkload | null): SavedRun {
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    run: normalizeRun(run),
    actions: actions.map((a) => ({ at: a.at, events: a.events, op: a.op, args: a.args })),
    t,
    ...(fingerprint ? { fingerprint } : {}),
    ...(workload ? { workload: { config: { ...workload.config }, startAt: workload.startAt, n: workload.n } } : {}),
  };
}

// ---- URL hash ----

export { canCompress, fromBase64Url, isRunHash, pipe, toBase64Url };

/** The hash fragment for a run: `#z=` deflated JSON where the browser can compress, `#j=` plain JSON otherwise. */
export async function encodeHash(saved: SavedRun): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(saved));
  if (canCompress()) return `#z=${toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
  return `#j=${toBase64Url(bytes)}`;
}


export async function decodeHash(hash: string): Promise<Parsed> {
  if (!isRunHash(hash)) return { ok: false, error: 'the link carries no run' };
  if (hash.length > MAX_HASH) return { ok: false, error: 'the link is too long' };
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(hash.slice(3));
  } catch {
    return { ok: false, error: 'the link is damaged (not base64url)' };
  }
  let text: string;
  try {
    if (hash[1] === 'z') {
      if (!canCompress()) return { ok: false, error: 'this browser cannot read compressed links' };
      const out = await inflateLimited(bytes, MAX_IMPORT_BYTES);
      if (out === 'too big') return { ok: false, error: 'the link unpacks to too much data' };
      if (out === 'damaged') return { ok: false, error: 'the link is damaged (it does not unpack)' };
      bytes = out;
    }
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, error: 'the link is damaged (it does not unpack)' };
  }
  return parseSavedText(text);
}
