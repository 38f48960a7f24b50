// Where the engine finds its option validator: the zod schema (options.ts) loads with the headless API, and in the page only on demand.
import { MAX_NODES } from './config';
import type { ClusterOptions, NetworkSettings } from './types';

/**
 * Seeds the simulator supports: every safe integer, each its own run (the random streams take all
 * 53 bits, so −1 and 4294967295 are different runs). Beyond this, two seeds could be the same float.
 */
export const MIN_SEED = Number.MIN_SAFE_INTEGER;
export const MAX_SEED = Number.MAX_SAFE_INTEGER;
/** Events a journal may keep: each costs about 70 bytes whether used or not. */
export const MAX_JOURNAL = 2_000_000;

export interface Validator {
  /** Throws ConfigError naming the first invalid option. */
  validateOptions(options: unknown): void;
  /** Throws RangeError naming the first invalid setting. */
  validateNetworkChange(change: unknown): void;
}

let impl: Validator | undefined;

/** Makes the zod validator available to the engine (validateEager.ts does this for the headless API; tests may unset it). */
export function setValidator(v: Validator | undefined): void {
  impl = v;
}

/** True once the zod validator is there. */
export function validatorLoaded(): boolean {
  return impl !== undefined;
}

/** Loads the zod validator (a separate chunk in the page). */
export async function loadValidator(): Promise<void> {
  if (impl !== undefined) return;
  const m = await import('./options');
  setValidator({ validateOptions: m.validateOptions, validateNetworkChange: m.validateNetworkChange });
}

const isInt = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The few options the page's own first run uses, each with what it must be: a check the schema would pass too. */
const PLAIN: ReadonlyMap<string, (v: unknown) => boolean> = new Map(Object.entries({
  seed: (v: unknown) => isInt(v, MIN_SEED, MAX_SEED),
  nodes: (v: unknown) => isInt(v, 1, MAX_NODES),
  checkers: (v: unknown) => v === 'throw' || v === 'record' || v === false,
  journalLimit: (v: unknown) => isInt(v, 0, MAX_JOURNAL),
  recordActions: (v: unknown) => typeof v === 'boolean',
}));

/**
 * True when the options use only seed, nodes, checkers, journalLimit and recordActions, each valid:
 * options the schema is sure to accept (a test checks that), so the page's first cluster needs no zod.
 */
export function plainOptions(options: unknown): boolean {
  if (options === undefined) return true;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  for (const [k, v] of Object.entries(options)) {
    const ok = PLAIN.get(k);
    if (ok === undefined || (v !== undefined && !ok(v))) return false;
  }
  return true;
}

const NOT_LOADED = 'the option validator is not loaded yet (await loadValidator() first)';

/** Validates options with the zod schema; before it has loaded (the page), only plain options pass. */
export function checkOptions(options: unknown): asserts options is ClusterOptions {
  if (impl !== undefined) impl.validateOptions(options);
  else if (!plainOptions(options)) throw new Error(NOT_LOADED);
}

/** Validates a setNetwork change with the zod schema, which must be loaded. */
export function checkNetworkChange(change: unknown): asserts change is Partial<NetworkSettings> {
  if (impl === undefined) throw new Error(NOT_LOADED);
  impl.validateNetworkChange(change);
}
