// A share link's first frame before zod and the engine have loaded: a small, bounded structural read of the link's
// run options and moment, only to draw that run at t=0 (firstFrame.ts). It decides nothing: the whole link is
// validated by zod (share.ts) before the run is rebuilt, and on any doubt here the page draws its default first frame.
import { canCompress, fromBase64Url, inflateBounded, isRunHash, MAX_HASH } from './linkCodec';
import type { RunOptions } from './runOptions';

/** Options a first frame can be worked out for (each one tested equal to the engine at t=0); any other key: no first frame. */
const PREVIEW_KEYS = new Set(['seed', 'nodes', 'electionTimeoutMs', 'heartbeatMs', 'startupGraceMs', 'network', 'clocks', 'rules', 'raft', 'reads', 'maxEntriesPerMessage', 'snapshotEvery']);
/** Most nodes a first frame is worked out for (the ones the test compares with the engine). */
export const PREVIEW_MAX_NODES = 16;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const pairOk = (v: unknown, min: number): boolean => Array.isArray(v) && v.length === 2 && finite(v[0]) && finite(v[1]) && v[0] >= min && v[0] <= v[1];

/**
 * True for the runs whose t=0 this module can work out: a seed, a number of nodes (no cluster.yaml) and
 * the options that shape t=0 (timeouts, network, clock bounds), each in the engine's range; options that
 * change nothing at t=0 (rules, Raft extensions, heartbeat…) are allowed as they are.
 */
export function plainRun(run: RunOptions): boolean {
  const r = run as unknown as Record<string, unknown>;
  const keys = Object.keys(r).filter((k) => r[k] !== undefined);
  if (!keys.every((k) => PREVIEW_KEYS.has(k))) return false;
  if (!Number.isSafeInteger(run.seed)) return false;
  if (run.nodes !== undefined && !(Number.isInteger(run.nodes) && run.nodes >= 1 && run.nodes <= PREVIEW_MAX_NODES)) return false;
  if (run.electionTimeoutMs !== undefined && !pairOk(run.electionTimeoutMs, 1)) return false;
  if (run.startupGraceMs !== undefined && !(finite(run.startupGraceMs) && run.startupGraceMs >= 0)) return false;
  const net = run.network as Record<string, unknown> | undefined;
  if (net !== undefined) {
    if (typeof net !== 'object' || net === null) return false;
    for (const [k, v] of Object.entries(net)) {
      if (v === undefined) continue;
      if (k === 'latencyMs' || k === 'reorderDelayMs') {
        if (!pairOk(v, 0)) return false;
      } else if (k === 'dropRate' || k === 'duplicateRate' || k === 'reorderRate') {
        if (!(finite(v) && v >= 0 && v <= 1)) return false;
      } else return false;
    }
  }
  const clocks = run.clocks as Record<string, unknown> | undefined;
  if (clocks !== undefined) {
    if (typeof clocks !== 'object' || clocks === null) return false;
    if (clocks.offsetMsMax !== undefined && !(finite(clocks.offsetMsMax) && clocks.offsetMsMax >= 0)) return false;
    if (clocks.driftPpmMax !== undefined && !(finite(clocks.driftPpmMax) && clocks.driftPpmMax >= 0 && clocks.driftPpmMax < 1e6)) return false;
  }
  return true;
}

/** What a link's first frame may show: its run's options (null: draw the default run) and its moment (null: unknown). */
export interface LinkPeek {
  run: RunOptions | null;
  t: number | null;
}

/** Same bounds as share.ts (the longest run a link may ask for, the most it may unpack to). */
const MAX_RUN_MS = 3_600_000;
const MAX_TEXT = 5_000_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
const int = (v: unknown, min: number, max: number): v is number => num(v, min, max) && Number.isInteger(v);
const pair = (v: unknown, min: number): v is [number, number] => Array.isArray(v) && v.length === 2 && num(v[0], min, MAX_RUN_MS) && num(v[1], min, MAX_RUN_MS);

/** A fresh copy of an object whose keys are all in `check` and pass it; null otherwise. */
function only(v: unknown, check: Record<string, (x: unknown) => boolean>): Obj | null {
  if (!isObj(v)) return null;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (!Object.hasOwn(check, k) || !check[k](x)) return null;
    out[k] = Array.isArray(x) ? [...(x as unknown[])] : x;
  }
  return out;
}

const bool = (x: unknown): boolean => typeof x === 'boolean';
const oneOf = (...names: string[]) => (x: unknown): boolean => typeof x === 'string' && names.includes(x);

/** The run options of a link, copied and checked key by key (any unknown key or value out of range: null). */
export function peekRun(v: unknown): RunOptions | null {
  if (!isObj(v)) return null;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    let y: unknown = x;
    switch (k) {
      case 'seed':
        if (!Number.isSafeInteger(x)) return null;
        break;
      case 'nodes':
        if (!int(x, 1, 50)) return null;
        break;
      case 'electionTimeoutMs':
        if (!pair(x, 1) || x[0] > x[1]) return null;
        y = [...x];
        break;
      case 'heartbeatMs':
        if (!num(x, 0.1, MAX_RUN_MS)) return null;
        break;
      case 'startupGraceMs':
        if (!num(x, 0, MAX_RUN_MS)) return null;
        break;
      case 'maxEntriesPerMessage':
        if (!int(x, 1, 10_000)) return null;
        break;
      case 'snapshotEvery':
        if (!int(x, 0, 1e9)) return null;
        break;
      case 'reads':
        if (!oneOf('local', 'readIndex', 'lease')(x)) return null;
        break;
      case 'network':
        y = only(x, {
          latencyMs: (p) => pair(p, 0),
          reorderDelayMs: (p) => pair(p, 0),
          dropRate: (p) => num(p, 0, 1),
          duplicateRate: (p) => num(p, 0, 1),
          reorderRate: (p) => num(p, 0, 1),
        });
        break;
      case 'clocks':
        y = only(x, {
          offsetMsMax: (p) => num(p, 0, 1e7),
          driftPpmMax: (p) => num(p, 0, 1e6),
          sync: oneOf('ntp', 'cristian', 'berkeley', 'off'),
          syncIntervalMs: (p) => num(p, 1, MAX_RUN_MS),
        });
        break;
      case 'rules':
        y = only(x, { voteLogCheck: bool, commitCurrentTermOnly: bool, oneChangeAtATime: bool });
        break;
      case 'raft':
        y = only(x, { preVote: bool, checkQuorum: bool });
        break;
      default:
        // cluster.yaml (it needs the YAML parser) and anything unknown: the default first frame.
        return null;
    }
    if (y === null) return null;
    out[k] = y;
  }
  const run = out as unknown as RunOptions;
  return typeof out.seed === 'number' && plainRun(run) ? run : null;
}

/**
 * Reads a run link's options and moment for its first frame, or null when the hash is no run link.
 * Damaged, oversized or unusual links give `{ run: null }` (the default first frame); zod has the last word.
 */
export async function peekLink(hash: string): Promise<LinkPeek | null> {
  if (!isRunHash(hash)) return null;
  const none: LinkPeek = { run: null, t: null };
  if (hash.length > MAX_HASH) return none;
  let bytes: Uint8Array | null;
  try {
    bytes = fromBase64Url(hash.slice(3));
  } catch {
    return none;
  }
  if (hash[1] === 'z') bytes = canCompress() ? await inflateBounded(bytes, MAX_TEXT) : null;
  if (bytes === null || bytes.length > MAX_TEXT) return none;
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return none;
  }
  if (!isObj(v) || v.format !== 'wiber-sim-run' || v.version !== 1) return none;
  return { run: peekRun(v.run), t: num(v.t, 0, MAX_RUN_MS) ? v.t : null };
}
