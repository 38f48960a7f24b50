// Saving and sharing runs: the zod schema of a run (options + action log + time), URL-hash and JSON encodings, and a fingerprint of the state.
import { z } from 'zod';
import { MAX_NODES, MAX_SEED, MIN_SEED, type ActionRecord } from '../sim';
import { MAX_ACTIONS, normalizeRun, type RunOptions } from './runOptions';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../sim/validateEager';

export const RUN_FORMAT = 'wiber-sim-run';
export const RUN_VERSION = 1;
/** Longest run a file or link may ask to rebuild (virtual ms): keeps a hostile file from freezing the tab. */
export const MAX_RUN_MS = 3_600_000;
export { MAX_ACTIONS };
export const MAX_IMPORT_BYTES = 5_000_000;

const nodeId = z.string().min(1).max(200);
const ms = z.number().min(0).max(MAX_RUN_MS);
const pair = z.tuple([ms, ms]);
const rate = z.number().min(0).max(1);

const networkSchema = z
  .object({ latencyMs: pair, dropRate: rate, duplicateRate: rate, reorderRate: rate, reorderDelayMs: pair })
  .partial()
  .strict();

const clocksSchema = z
  .object({
    offsetMsMax: z.number().min(0).max(1e7),
    driftPpmMax: z.number().min(0).max(1e6),
    sync: z.enum(['ntp', 'cristian', 'berkeley', 'off']),
    syncIntervalMs: z.number().min(1).max(MAX_RUN_MS),
  })
  .partial()
  .strict();

export const runSchema = z
  .object({
    seed: z.number().int().min(MIN_SEED).max(MAX_SEED),
    nodes: z.number().int().min(1).max(MAX_NODES).optional(),
    config: z.string().max(100_000).optional(),
    electionTimeoutMs: z.tuple([z.number().min(1).max(MAX_RUN_MS), z.number().min(1).max(MAX_RUN_MS)]).optional(),
    heartbeatMs: z.number().min(0.1).max(MAX_RUN_MS).optional(),
    startupGraceMs: ms.optional(),
    network: networkSchema.optional(),
    clocks: clocksSchema.optional(),
    rules: z.object({ voteLogCheck: z.boolean(), commitCurrentTermOnly: z.boolean(), oneChangeAtATime: z.boolean() }).partial().strict().optional(),
    maxEntriesPerMessage: z.number().int().min(1).max(10_000).optional(),
    snapshotEvery: z.number().int().min(0).max(1e9).optional(),
    reads: z.enum(['local', 'readIndex', 'lease']).optional(),
    raft: z.object({ preVote: z.boolean(), checkQuorum: z.boolean() }).partial().strict().optional(),
  })
  .strict();

/** A console line or message may be as long as the protocol allows (65,536), plus a line terminator. */
const LINE = 65_538;
const base = { at: ms, events: z.number().int().min(0).max(1e12) };
const one = (op: string) => z.object({ ...base, op: z.literal(op), args: z.tuple([nodeId]) }).strict();
const clockChange = z
  .object({ offsetMs: z.number().min(-1e9).max(1e9), driftPpm: z.number().min(-1e6).max(1e6), stepMs: z.number().min(-1e9).max(1e9) })
  .partial()
  .strict();

export const actionSchema = z.discriminatedUnion('op', [
  one('crash'),
  one('restart'),
  one('disconnect'),
  one('reconnect'),
  one('timeout'),
  z.object({ ...base, op: z.literal('partition'), args: z.tuple([z.array(z.array(nodeId).max(MAX_NODES)).max(MAX_NODES)]) }).strict(),
  z.object({ ...base, op: z.literal('heal'), args: z.tuple([]) }).strict(),
  z.object({ ...base, op: z.literal('cutLink'), args: z.tuple([nodeId, nodeId]) }).strict(),
  z.object({ ...base, op: z.literal('restoreLink'), args: z.tuple([nodeId, nodeId]) }).strict(),
  z.object({ ...base, op: z.literal('setNetwork'), args: z.tuple([networkSchema]) }).strict(),
  z.object({ ...base, op: z.literal('setClock'), args: z.tuple([nodeId, clockChange]) }).strict(),
  z.object({ ...base, op: z.literal('dropMessage'), args: z.tuple([z.number().int().min(0).max(1e12)]) }).strict(),
  z.object({ ...base, op: z.literal('deliver'), args: z.union([z.tuple([z.number().int().min(1).max(1e12)]), z.tuple([z.number().int().min(1).max(1e12), z.boolean()])]) }).strict(),
  z.object({ ...base, op: z.literal('fire'), args: z.tuple([nodeId, z.string().min(1).max(40)]) }).strict(),
  z.object({ ...base, op: z.literal('duplicate'), args: z.tuple([z.number().int().min(1).max(1e12)]) }).strict(),
  z.object({ ...base, op: z.literal('addNode'), args: z.tuple([z.object({ id: nodeId, host: z.string().max(200), port: z.number().int().min(1).max(65_535) }).partial().strict()]) }).strict(),
  one('removeNode'),
  one('transferLeadership'),
  one('snapshot'),
  z.object({ ...base, op: z.literal('propose'), args: z.tuple([nodeId, z.string().max(10_000)]) }).strict(),
  z.object({ ...base, op: z.literal('command'), args: z.tuple([nodeId, z.string().max(LINE), z.object({ client: z.string().max(32) }).partial().strict()]) }).strict(),
  z.object({ ...base, op: z.literal('resetConnection'), args: z.tuple([z.string().max(32), nodeId]) }).strict(),
  z.object({ ...base, op: z.literal('subscribe'), args: z.tuple([nodeId, z.string().max(200), z.object({ client: z.string().max(32) }).partial().strict()]) }).strict(),
  z
    .object({
      ...base,
      op: z.literal('publish'),
      args: z.tuple([z.string().max(200), z.string().max(LINE), z.object({ id: z.string().max(200), via: nodeId, client: z.string().max(32) }).partial().strict()]),
    })
    .strict(),
]);

export const savedRunSchema = z
  .object({
    format: z.literal(RUN_FORMAT),
    version: z.literal(RUN_VERSION),
    run: runSchema,
    actions: z.array(actionSchema).max(MAX_ACTIONS),
    t: ms,
    fingerprint: z.string().max(64).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (let i = 1; i < v.actions.length; i++) {
      const a = v.actions[i - 1];
      const b = v.actions[i];
      if (b.events < a.events || b.at < a.at) {
        ctx.addIssue({ code: 'custom', path: ['actions', i], message: 'actions must be in the order they happened' });
        return;
      }
    }
  });

export interface SavedRun {
  format: typeof RUN_FORMAT;
  version: typeof RUN_VERSION;
  run: RunOptions;
  actions: ActionRecord[];
  /** Virtual time to open the run at. */
  t: number;
  fingerprint?: string;
}

export type Parsed = { ok: true; saved: SavedRun } | { ok: false; error: string };

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'it does not match the expected format';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
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

export function savedRun(run: RunOptions, actions: readonly ActionRecord[], t: number, fingerprint?: string): SavedRun {
  return {
    format: RUN_FORMAT,
    version: RUN_VERSION,
    run: normalizeRun(run),
    actions: actions.map((a) => ({ at: a.at, events: a.events, op: a.op, args: a.args })),
    t,
    ...(fingerprint ? { fingerprint } : {}),
  };
}

// ---- URL hash ----

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream as unknown as ReadableWritablePair<Uint8Array, Uint8Array>));
  return new Uint8Array(await out.arrayBuffer());
}

export const canCompress = (): boolean => typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

/** The hash fragment for a run: `#z=` deflated JSON where the browser can compress, `#j=` plain JSON otherwise. */
export async function encodeHash(saved: SavedRun): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(saved));
  if (canCompress()) return `#z=${toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
  return `#j=${toBase64Url(bytes)}`;
}

/** Whether a hash looks like a run link at all (anything else is left alone). */
export function isRunHash(hash: string): boolean {
  return /^#[zj]=/.test(hash);
}

const MAX_HASH = 4_000_000;

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
      bytes = await pipe(bytes, new DecompressionStream('deflate-raw'));
      if (bytes.length > MAX_IMPORT_BYTES) return { ok: false, error: 'the link unpacks to too much data' };
    }
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, error: 'the link is damaged (it does not unpack)' };
  }
  return parseSavedText(text);
}
