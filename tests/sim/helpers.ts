// Shared helpers for simulation tests, after MIT 6.824's config.go (checkOneLeader, nCommitted, one); every failure names the seed.
import { expect } from 'vitest';
import { createCluster, type Cluster, type ClusterOptions, type NodeView, type SimCluster, type SimEvent } from '../../src/sim/index';

/** A label for assertion messages: `what (seed N, t=123.4ms)`. */
export function at(c: Cluster, what: string): string {
  return `${what} (seed ${c.seed}, t=${Math.round(c.now * 10) / 10}ms)`;
}

/**
 * Runs `body` and, if it throws, rethrows the same error with the seed in front of its message
 * (unless it names it already), so any failure inside (an assertion, a CheckerViolation, a bug)
 * can be replayed.
 */
export function withSeed<T>(seed: number, body: () => T): T {
  try {
    return body();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    if (!e.message.includes(`seed ${seed}`)) e.message = `[seed ${seed}] ${e.message}`;
    throw e;
  }
}

const upAndConnected = (v: NodeView): boolean => v.up && v.connected;

/** Views of every node now. */
export function views(c: Cluster): NodeView[] {
  return c.nodeIds.map((id) => c.node(id));
}

/**
 * Like 6.824's checkOneLeader: waits (up to `withinMs`) until some up, connected node is leader,
 * fails if two up, connected nodes claim leadership of one term, and returns the leader of the
 * highest term.
 */
export function oneLeader(c: Cluster, withinMs = 2500): string {
  const found = c.runUntil(() => c.leader() !== undefined, withinMs);
  expect(found, at(c, `no leader within ${withinMs}ms`)).toBe(true);
  const byTerm = new Map<number, string[]>();
  for (const v of views(c)) {
    if (!upAndConnected(v) || v.role !== 'leader') continue;
    byTerm.set(v.term, [...(byTerm.get(v.term) ?? []), v.id]);
  }
  for (const [term, ids] of byTerm) {
    expect(ids.length, at(c, `term ${term} has ${ids.length} leaders: ${ids.join(', ')}`)).toBe(1);
  }
  const lastTerm = Math.max(...byTerm.keys());
  return byTerm.get(lastTerm)![0];
}

/** 6.824's checkTerms: every up, connected node agrees on the term; returns it. */
export function agreedTerm(c: Cluster): number {
  const terms = new Set(views(c).filter(upAndConnected).map((v) => v.term));
  expect(terms.size, at(c, `nodes disagree on the term: ${[...terms].join(', ')}`)).toBe(1);
  return [...terms][0];
}

/** 6.824's checkNoLeader: no up, connected node thinks it is leader. */
export function noLeader(c: Cluster, among: readonly string[] = c.nodeIds): void {
  for (const id of among) {
    const v = c.node(id);
    expect(v.up && v.connected && v.role === 'leader', at(c, `${id} is leader of term ${v.term}, expected none`)).toBe(false);
  }
}

/**
 * Like 6.824's nCommitted: how many nodes have applied (lastApplied >= index) an entry at `index`,
 * and its command. Fails if two of them hold different entries there.
 */
export function nCommitted(c: Cluster, index: number): { count: number; command: unknown; term?: number } {
  let count = 0;
  let seen: { term: number; command: unknown; by: string } | undefined;
  for (const v of views(c)) {
    if (!v.up || v.lastApplied < index) continue;
    const e = v.log[index - 1];
    if (seen !== undefined) {
      expect(
        { term: e.term, command: e.command },
        at(c, `index ${index}: ${v.id} applied ${JSON.stringify(e)}, ${seen.by} applied ${JSON.stringify(seen)}`),
      ).toEqual({ term: seen.term, command: seen.command });
    } else seen = { term: e.term, command: e.command, by: v.id };
    count++;
  }
  return { count, command: seen?.command, term: seen?.term };
}

/**
 * Like 6.824's one(): proposes `command` at the current leader and waits until `expectedNodes`
 * nodes have applied it, retrying at a new leader if the entry is lost. Returns its index.
 */
export function one(c: Cluster, command: string, expectedNodes: number, withinMs = 10_000): number {
  const deadline = c.now + withinMs;
  while (c.now < deadline) {
    const leader = c.leader();
    const placed = leader === undefined ? undefined : c.propose(leader, command);
    if (placed === undefined) {
      c.runFor(10);
      continue;
    }
    const done = (): boolean => {
      const r = nCommitted(c, placed.index);
      return r.count >= expectedNodes && r.command === command;
    };
    // Give this leader 2 s; if the entry has not reached enough nodes, try again.
    if (c.runUntil(done, Math.min(2000, deadline - c.now))) return placed.index;
  }
  throw new Error(at(c, `one(${JSON.stringify(command)}) did not reach ${expectedNodes} nodes within ${withinMs}ms`));
}

/** Fails with every recorded violation listed (for clusters made with `checkers: 'record'`). */
export function expectNoViolations(c: Cluster): void {
  const found = c.violations().map((v) => v.message);
  expect(found, at(c, 'checker violations')).toEqual([]);
}

/** Collects every event the cluster reports from now on. */
export function recordEvents(c: Cluster): SimEvent[] {
  const events: SimEvent[] = [];
  c.onEvent((e) => events.push(e));
  return events;
}

/** Steps one event at a time until `done()` holds; fails after `maxSteps`. */
export function stepUntil(c: Cluster, done: () => boolean, what: string, maxSteps = 100_000): void {
  for (let i = 0; i < maxSteps; i++) {
    if (done()) return;
    if (!c.step()) break;
  }
  expect(done(), at(c, `never saw: ${what}`)).toBe(true);
}

/** The commands of a node's log (1-based index i is element i - 1). */
export const commands = (v: NodeView): unknown[] => v.log.map((e) => e.command);

/** A small seeded generator for test-side choices (mulberry32), so tests never touch the engine's streams. */
export function testRng(seed: number): { next(): number; int(min: number, max: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T } {
  let s = (seed ^ 0x5bd1e995) >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

/** JSON with object keys sorted at every level, so two equal events compare equal however they were built. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** `c.runUntil`, but failing (instead of spinning forever) when virtual time stops advancing. */
export function until(c: Cluster, done: () => boolean, maxMs: number): boolean {
  let last = -1;
  let same = 0;
  return c.runUntil(() => {
    if (c.now !== last) {
      last = c.now;
      same = 0;
    } else if (++same > 10_000) {
      throw new Error(at(c, 'livelock: 10,000 events without virtual time advancing'));
    }
    return done();
  }, maxMs);
}

/** Runs `ms` of virtual time with the livelock guard of `until`. */
export const run = (c: Cluster, ms: number): void => void until(c, () => false, ms);

/**
 * A settled cluster: one leader that every other node follows in its term, still so 200 ms later.
 * `nodes` defaults to 3 (options may override).
 */
export function stable(seed: number, options: ClusterOptions = {}): { c: SimCluster; leader: string; followers: string[] } {
  const c = createCluster({ seed, nodes: 3, ...options });
  const settled = (): boolean => {
    const l = c.leader();
    if (l === undefined) return false;
    const term = c.node(l).term;
    return c.nodeIds.every((id) => id === l || (c.node(id).term === term && c.node(id).leaderId === l));
  };
  expect(until(c, settled, 3000), at(c, 'no settled leader within 3 s')).toBe(true);
  run(c, 200);
  expect(settled(), at(c, 'leadership changed while settling')).toBe(true);
  const leader = c.leader()!;
  return { c, leader, followers: c.nodeIds.filter((id) => id !== leader) };
}

/**
 * The seeds a sweep runs: SEED=<n> replays one; otherwise SEEDS from SEED_START (1). SEEDS defaults to
 * `fallback`, or to `full` (when given) with FULL=1: the long sweep, run locally.
 */
export function sweepSeeds(fallback: number, full = fallback): { start: number; count: number } {
  const envInt = (name: string, dflt: number): number => {
    const raw = process.env[name];
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer (got ${raw})`);
    return n;
  };
  const single = process.env.SEED !== undefined && process.env.SEED !== '' ? envInt('SEED', 1) : undefined;
  return { start: single ?? envInt('SEED_START', 1), count: single !== undefined ? 1 : envInt('SEEDS', process.env.FULL === '1' ? full : fallback) };
}
