// Two runs side by side, headless: replays each (a branch's options and action log, or one scenario on
// two seeds), records their journals, finds the first event where they differ, and rebuilds either run
// at any moment (a cursor that moves forward cheaply and replays when it must go back).
import { SimCluster } from '../../sim/cluster';
import { isReplayable } from '../../sim/replay';
import type { ActionRecord, ClusterOptions, NodeView, SimEvent } from '../../sim';
import { watched, type StepKind } from '../../store/stepKinds';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../../sim/validateEager';

export interface RunSpec {
  readonly label: string;
  readonly options: ClusterOptions;
  readonly actions: readonly ActionRecord[];
  /** Play until this virtual time. */
  readonly end: number;
  /**
   * Apply each action at its time rather than at its exact event number (another seed's run has other
   * events: only the times carry over).
   */
  readonly byTime?: boolean;
}

/** A journal event, as compared and listed. */
export interface Row {
  /** 0-based position in the run's journal. */
  readonly i: number;
  readonly at: number;
  readonly kind: string;
  readonly text: string;
}

/**
 * Simulated time times nodes that Compare replays at most per run: it replays both runs at once (and again for the
 * states it shows), so a one-hour run on 50 nodes held the page for 37 s. 20,000,000 node-ms: 400 s on 50 nodes, 67 min on 5.
 */
export const MAX_COMPARE_NODE_MS = 20_000_000;

/** The two runs ended at MAX_COMPARE_NODE_MS on `nodes` at most; `at` when that cut them (the longer went on to `longest`). */
export function capRuns(a: RunSpec, b: RunSpec, nodes: number): { specs: [RunSpec, RunSpec]; at?: number; longest: number } {
  const cap = MAX_COMPARE_NODE_MS / Math.max(1, nodes);
  const longest = Math.max(a.end, b.end);
  const cut = (s: RunSpec): RunSpec => (s.end > cap ? { ...s, end: cap } : s);
  return longest > cap ? { specs: [cut(a), cut(b)], at: cap, longest } : { specs: [a, b], longest };
}

/** Events kept per run (longer runs are compared over this prefix). */
export const MAX_ROWS = 300_000;

export function rowText(e: SimEvent): string {
  const parts: string[] = [e.kind];
  if (e.type !== undefined) parts.push(e.type);
  // A vote names its voter as the node and the candidate as `to`: "vote n1→n4", not "vote n1 ?→n4".
  const from = e.from ?? (e.to !== undefined ? e.node : undefined);
  if (e.node !== undefined && from !== e.node) parts.push(e.node);
  if (from !== undefined || e.to !== undefined) parts.push(`${from ?? '?'}→${e.to ?? '?'}`);
  if (e.role !== undefined) parts.push(e.role);
  if (e.term !== undefined) parts.push(`term ${e.term}`);
  if (e.index !== undefined) parts.push(`index ${e.index}`);
  if (e.detail !== undefined && e.detail !== '') parts.push(`(${e.detail})`);
  return parts.join(' ');
}

/**
 * Steps a fresh cluster of `spec` forward through its actions; `to(t)` or `toEvent(i)` move on,
 * and a move backwards starts again from time 0 (runs are deterministic, so this is the same run).
 */
export class RunCursor {
  cluster!: SimCluster;
  private next = 0;
  private count = 0;
  private stop: () => boolean = () => false;
  private off: () => void = () => undefined;
  /** Receives each journal event (the recorder). */
  onRow: ((e: SimEvent, i: number) => void) | null = null;

  constructor(readonly spec: RunSpec) {
    this.reset();
  }

  private reset(): void {
    this.off();
    this.cluster = new SimCluster({ ...this.spec.options, checkers: 'record' });
    this.next = 0;
    this.count = 0;
    this.off = this.cluster.onEvent((e) => {
      this.onRow?.(e, this.count);
      this.count++;
    });
  }

  /** Journal events so far. */
  get events(): number {
    return this.count;
  }

  /** Runs on (never back) until `done` or time `until`; the actions due on the way are taken. */
  private run(done: () => boolean, until: number): void {
    this.stop = done;
    const c = this.cluster;
    const actions = this.spec.actions;
    while (this.next < actions.length && !this.stop()) {
      const a = actions[this.next];
      if (a.at > until) break;
      if (this.spec.byTime) {
        c.runUntil(this.stop, Math.max(0, a.at - c.now));
        if (this.stop()) return;
      } else {
        const due = (): boolean => this.stop() || c.eventCount >= a.events;
        c.runUntil(due, Math.max(0, a.at - c.now));
        if (this.stop()) return;
        c.advanceTo(a.events, a.at);
      }
      if (!isReplayable(a.op)) throw new Error(`cannot replay the action '${a.op}'`);
      (c as unknown as Record<string, (...args: unknown[]) => unknown>)[a.op](...a.args);
      this.next++;
    }
    if (!this.stop() && until > c.now) c.runUntil(this.stop, until - c.now);
  }

  /** The cluster at virtual time `t` (every event at or before it done). */
  to(t: number): SimCluster {
    if (t < this.cluster.now) this.reset();
    this.run(() => false, t);
    return this.cluster;
  }

  /** The cluster right after journal event `i` (0-based): after the engine event that wrote it (one engine event can write several). */
  toEvent(i: number): SimCluster {
    if (this.count > i + 1) this.reset();
    this.run(() => this.count > i, this.spec.end);
    return this.cluster;
  }

  dispose(): void {
    this.off();
  }
}

export interface Recorded {
  readonly spec: RunSpec;
  readonly rows: Row[];
  /** The journal had more events than MAX_ROWS. */
  readonly truncated: boolean;
  readonly end: number;
  /** Each kept row's time and text, compared position by position with the other run's. */
  readonly keys: string[];
  /** The layer of events kept ('all': every event; 'raft': elections, votes, Raft messages, commits and people's actions). */
  readonly kind: StepKind;
}

/** Replays a run to its end, keeping its journal (only the events of layer `kind`). Throws when the run cannot be replayed. */
export function record(spec: RunSpec, kind: StepKind = 'all', maxRows = MAX_ROWS): Recorded {
  const cur = new RunCursor(spec);
  const rows: Row[] = [];
  const keys: string[] = [];
  let truncated = false;
  cur.onRow = (e, i) => {
    if (!watched(kind, e)) return;
    if (rows.length >= maxRows) {
      truncated = true;
      return;
    }
    const text = rowText(e);
    rows.push({ i, at: e.at, kind: e.kind, text });
    keys.push(`${e.at}|${text}`);
  };
  try {
    cur.to(spec.end);
  } finally {
    cur.dispose();
  }
  return { spec, rows, truncated, end: spec.end, keys, kind };
}

export interface Difference {
  /** Position of the first differing kept event (the runs agree on every kept event before it); each row's `i` is its journal position. */
  readonly index: number;
  /** Time of the earlier of the two differing events. */
  readonly at: number;
  /** The event in each run there (undefined: that run had ended). */
  readonly a?: Row;
  readonly b?: Row;
}

/**
 * How far two runs were compared: to the earlier end, or, when a run passed MAX_ROWS, to the last event kept of
 * the run cut shortest (`cut`: later events were not compared).
 */
export function comparedUpTo(a: Recorded, b: Recorded): { at: number; cut: boolean } {
  const ends = [a, b].map((r) => (r.truncated ? (r.rows.at(-1)?.at ?? 0) : r.end));
  return { at: Math.min(...ends), cut: a.truncated || b.truncated };
}

/** The first journal event where the runs differ (time, kind, nodes, message, details), or null when one is a prefix of the other up to the shorter end. */
export function firstDifference(a: Recorded, b: Recorded): Difference | null {
  const n = Math.min(a.keys.length, b.keys.length);
  let i = 0;
  while (i < n && a.keys[i] === b.keys[i]) i++;
  if (i === a.keys.length && i === b.keys.length) return null;
  const ra = a.rows[i];
  const rb = b.rows[i];
  if (ra === undefined || rb === undefined) {
    // One run's journal ended: a difference only if the other went on within the shorter run's time.
    const more = (ra ?? rb)!;
    if (more.at > Math.min(a.end, b.end)) return null;
  }
  return { index: i, at: Math.min(ra?.at ?? Infinity, rb?.at ?? Infinity), ...(ra !== undefined ? { a: ra } : {}), ...(rb !== undefined ? { b: rb } : {}) };
}

/** What the comparison shows of a node. */
export interface NodeLine {
  readonly id: string;
  readonly up: boolean;
  readonly role: string;
  readonly term: number;
  readonly votedFor: string | null;
  readonly log: number;
  readonly commit: number;
  readonly leader: string | null;
}

export function nodeLines(c: SimCluster): NodeLine[] {
  return c.nodeIds.map((id) => {
    const v: NodeView = c.node(id);
    return {
      id,
      up: v.up,
      role: v.up ? v.role : 'down',
      term: v.term,
      votedFor: v.votedFor,
      log: v.log.length + (v.snapshot?.lastIncludedIndex ?? 0),
      commit: v.commitIndex,
      leader: v.leaderId,
    };
  });
}

/** The fields of node `id` that differ between two lists (for highlighting). */
export function differingFields(a: readonly NodeLine[], b: readonly NodeLine[], id: string): Set<keyof NodeLine> {
  const x = a.find((n) => n.id === id);
  const y = b.find((n) => n.id === id);
  const out = new Set<keyof NodeLine>();
  if (x === undefined || y === undefined) return new Set(['id']);
  for (const k of Object.keys(x) as Array<keyof NodeLine>) if (x[k] !== y[k]) out.add(k);
  return out;
}
