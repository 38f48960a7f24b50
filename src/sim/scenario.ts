// The scenario language: a protocol story as a transcript (commands, with the expected outcome under
// them) parsed into steps and run against a SimCluster; guides, tests and share links all use it.
//
// Grammar, one statement per line ('#' starts a comment line; blank lines are ignored):
//
//   header     seed 42 | nodes 5 | election-timeout 150 300 | heartbeat 50 | net latency 5 15 …
//              | sync berkeley | rules commit-current-term-only off | dedup-window 2 | checkers record …
//              (every header line comes before the first command; see HEADERS below)
//   command    run 500ms | run until <predicate> [within 2s] | step [n] | crash n1 | restart n1 | …
//              | pub orders hello --id o1 | cmd leader PUB orders hi | let old = leader | mark
//   expect     expect [not] <predicate> [and <predicate>…]   e.g. expect leader, expect n1 term >= 2
//   replay     at 1234.5ms #5678 crash n1      (exact time and event count: replays identically)
//
// Node references: n1 … (configured ids), `leader`, `follower` (first up non-leader by id),
// `follower2` …, and variables set with `let` (`$old`). Words and texts may be "JSON-quoted".
import { CheckerViolation, SimCluster } from './cluster';
import { MAX_SEED, MIN_SEED } from './validate';
// Scenario files come from outside (guides, lessons): their options are checked by the zod validator.
import './validateEager';
import { Rng } from './rng';
import { WINDOW_FINDING, WINDOW_FINDING_BEFORE } from './checkers/messaging';
import type { CommandHandle } from './client';
import type { ActionRecord, ClusterOptions, InFlight, NetworkSettings, NodeView, Publish, SimEvent } from './types';

// ---------------------------------------------------------------------------------------------
// Errors and results
// ---------------------------------------------------------------------------------------------

/** A line that does not parse: `line 7: unknown command 'crsh' (did you mean 'crash'?)`. */
export class ScenarioError extends Error {
  constructor(
    readonly line: number,
    readonly detail: string,
  ) {
    super(`line ${line}: ${detail}`);
    this.name = 'ScenarioError';
  }
}

/** A step that ran but did not hold (or could not run); the runner adds line, seed and time. */
class StepFailure extends Error {}

/** What kind of statement a step is, for players that show transcripts. */
export type StepKind = 'action' | 'time' | 'check' | 'note';

export interface ScenarioStep {
  /** 1-based line in the source (shifted by `firstLine`). */
  readonly line: number;
  /** The statement as written (trimmed). */
  readonly source: string;
  /** Name in the command table (`run`, `crash`, `expect`, …); `at` lines carry their inner command's name. */
  readonly command: string;
  readonly kind: StepKind;
  /** Set for `at` lines: replay the action exactly there. */
  readonly at?: { readonly ms: number; readonly events?: number };
  /** Runs the step; `wait` is false inside `at` lines (a replayed action never waits for replies). */
  readonly exec: (r: ScenarioRunner, wait: boolean) => StepOutput | void;
}

export interface StepOutput {
  /** Lines to show under the command in a transcript (reply lines, a resolved value). */
  output?: string[];
}

export interface HeaderLine {
  readonly line: number;
  readonly source: string;
  readonly name: string;
}

export interface Scenario {
  /** Cluster options the header lines set (seed included when given). */
  readonly options: ClusterOptions;
  readonly header: readonly HeaderLine[];
  readonly steps: readonly ScenarioStep[];
  /** The node ids a line after the last one may name (add-node adds to them), when known. */
  readonly nodeIds?: readonly string[];
}

export interface StepResult {
  readonly line: number;
  readonly source: string;
  readonly command: string;
  readonly kind: StepKind;
  readonly status: 'ok' | 'failed' | 'skipped';
  /** For failures: `line 7: expect leader n3 — n2 is the leader (seed 42, t=1234.5ms)`. */
  readonly message?: string;
  readonly output?: readonly string[];
  /** Virtual time after the step. */
  readonly at: number;
  /** A failure that is a checker's violation (a property broken), not a line that could not run. */
  readonly violation?: true;
}

export interface ScenarioResult {
  readonly ok: boolean;
  readonly seed: number;
  readonly results: readonly StepResult[];
  /** The first failed step, if any. */
  readonly failure?: StepResult;
  /** The runner, with its live cluster, after the last step that ran. */
  readonly runner: ScenarioRunner;
}

// ---------------------------------------------------------------------------------------------
// Words: a lazy tokenizer, so commands that take the rest of the line verbatim never see quotes parsed
// ---------------------------------------------------------------------------------------------

interface Token {
  readonly text: string;
  readonly quoted: boolean;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';

class Words {
  private pos: number;
  constructor(
    readonly source: string,
    readonly line: number,
    start = 0,
  ) {
    this.pos = start;
  }

  error(detail: string): ScenarioError {
    return new ScenarioError(this.line, detail);
  }

  /** Where the next word starts looking (for the text of what was just read: `source.slice(from, offset)`). */
  get offset(): number {
    return this.pos;
  }

  private skip(): void {
    while (this.pos < this.source.length && isSpace(this.source[this.pos])) this.pos++;
  }

  next(): Token | undefined {
    this.skip();
    const s = this.source;
    if (this.pos >= s.length) return undefined;
    const start = this.pos;
    if (s[start] === '"') {
      let i = start + 1;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
      if (i >= s.length) throw this.error(`unterminated string ${s.slice(start)}`);
      const raw = s.slice(start, i + 1);
      let text: unknown;
      try {
        text = JSON.parse(raw);
      } catch {
        throw this.error(`bad string ${raw}`);
      }
      this.pos = i + 1;
      return { text: text as string, quoted: true };
    }
    let i = start;
    while (i < s.length && !isSpace(s[i])) i++;
    this.pos = i;
    return { text: s.slice(start, i), quoted: false };
  }

  peek(): Token | undefined {
    return this.peekAt(0);
  }

  /** The word `k` places ahead (0: the next one), without consuming anything. */
  peekAt(k: number): Token | undefined {
    const save = this.pos;
    try {
      let t = this.next();
      for (let i = 0; i < k && t !== undefined; i++) t = this.next();
      return t;
    } finally {
      this.pos = save;
    }
  }

  /** The next word is `word` (unquoted): consume it. */
  accept(...words: string[]): string | undefined {
    const t = this.peek();
    if (t === undefined || t.quoted || !words.includes(t.text)) return undefined;
    this.next();
    return t.text;
  }

  need(what: string): Token {
    const t = this.next();
    if (t === undefined) throw this.error(`expected ${what}`);
    return t;
  }

  word(what: string): string {
    return this.need(what).text;
  }

  keyword(what: string, choices: readonly string[]): string {
    const t = this.need(what);
    if (t.quoted || !choices.includes(t.text)) throw this.error(`expected ${what} (${choices.join(', ')}), got '${t.text}'${suggest(t.text, choices)}`);
    return t.text;
  }

  get done(): boolean {
    return this.peek() === undefined;
  }

  end(usage: string): void {
    const t = this.peek();
    if (t !== undefined) throw this.error(`unexpected '${t.text}' (usage: ${usage})`);
  }

  /** Everything left, verbatim (trimmed); a single JSON-quoted string is decoded. */
  restText(what: string): string {
    this.skip();
    const s = this.source.slice(this.pos).trimEnd();
    this.pos = this.source.length;
    if (s.startsWith('"')) {
      try {
        const v: unknown = JSON.parse(s);
        if (typeof v === 'string') return v;
      } catch {
        // Not one quoted string: the text is taken as written.
      }
    }
    if (s.length === 0) throw this.error(`expected ${what}`);
    return s;
  }
}

// ---------------------------------------------------------------------------------------------
// Suggestions
// ---------------------------------------------------------------------------------------------

function distance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/** ` (did you mean 'crash'?)` when a known word is close, else ''. */
export function suggest(word: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(word.toLowerCase(), k);
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

// ---------------------------------------------------------------------------------------------
// Numbers, durations, comparisons, node references
// ---------------------------------------------------------------------------------------------

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseNumberText(text: string): number | undefined {
  return NUMBER.test(text) ? Number(text) : undefined;
}

/**
 * The longest span one line may ask for: a simulated day. `run 1e400ms` reads as Infinity and would
 * never return; anything much longer than a day would freeze a page for minutes.
 */
export const MAX_LINE_MS = 86_400_000;
/** The most events one `step` line may ask for (about a second of work). */
export const MAX_STEP_EVENTS = 1_000_000;

/** `500ms`, `2s`, `1.5s`, `500` (ms): finite, non-negative and at most `max`. */
function parseDuration(w: Words, what = 'a duration like 500ms or 2s', max = MAX_LINE_MS): number {
  const t = w.need(what);
  const m = /^(.*?)(ms|s)?$/.exec(t.text)!;
  const n = parseNumberText(m[1]);
  if (n === undefined || n < 0) throw w.error(`expected ${what}, got '${t.text}'`);
  const ms = m[2] === 's' ? n * 1000 : n;
  if (!Number.isFinite(ms)) throw w.error(`expected a finite ${what.replace(/^an? /, '')}, got '${t.text}'`);
  if (ms > max) throw w.error(`'${t.text}' is too long: at most ${max}ms (a simulated day) per line`);
  return ms;
}

/** A number written literally or as a variable with an optional offset: `3`, `$k`, `$k+1`. */
type NumRef = { readonly lit: number } | { readonly name: string; readonly add: number };

function parseNum(w: Words, what: string): NumRef {
  const t = w.need(what);
  const lit = parseNumberText(t.text);
  if (lit !== undefined) return { lit };
  const m = /^\$([A-Za-z_][\w-]*)([-+]\d+(\.\d+)?)?$/.exec(t.text);
  if (m !== null && !t.quoted) return { name: m[1], add: m[2] === undefined ? 0 : Number(m[2]) };
  throw w.error(`expected ${what} (a number or $variable), got '${t.text}'`);
}

type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';
const OPS: readonly string[] = ['=', '==', '!=', '<', '<=', '>', '>='];

interface Cmp {
  readonly op: Op;
  readonly rhs: NumRef;
}

function parseCmp(w: Words, what: string, defaultOp: Op = '='): Cmp {
  const t = w.peek();
  let op = defaultOp;
  if (t !== undefined && !t.quoted && OPS.includes(t.text)) {
    w.next();
    op = (t.text === '==' ? '=' : t.text) as Op;
  }
  return { op, rhs: parseNum(w, what) };
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

const BUILTIN_NODE = /^\$?(leader|follower\d*)$/;
const VARIABLE = /^\$([A-Za-z_][\w-]*)$/;

interface ParseContext {
  /** Node ids the cluster will have, when the header tells (undefined with a `config` header); `add-node` extends it. */
  nodeIds: readonly string[] | undefined;
}

/** A node reference as written; resolved when the step runs. */
function parseNodeRef(w: Words, ctx: ParseContext, what = 'a node'): string {
  const t = w.need(what);
  checkNodeRef(w, ctx, t.text);
  return t.text;
}

function isNodeRef(ctx: ParseContext, text: string): boolean {
  return BUILTIN_NODE.test(text) || VARIABLE.test(text) || (ctx.nodeIds === undefined ? /^[A-Za-z][\w.-]*$/.test(text) : ctx.nodeIds.includes(text));
}

function checkNodeRef(w: Words, ctx: ParseContext, text: string): void {
  if (isNodeRef(ctx, text)) return;
  const ids = ctx.nodeIds ?? [];
  throw w.error(`unknown node '${text}'${suggest(text, [...ids, 'leader', 'follower'])} (nodes: ${ids.join(', ')}; or leader, follower, $variable)`);
}

function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 's');
}

const fmt = (x: number): string => String(Math.round(x * 1000) / 1000);

// ---------------------------------------------------------------------------------------------
// The runner
// ---------------------------------------------------------------------------------------------

/** Events at one virtual instant beyond which the runner declares a livelock (real bursts are a few hundred). */
const LIVELOCK_EVENTS = 20_000;
/** Events kept for `expect event` and event values since the last `mark`. */
const MAX_KEPT_EVENTS = 400_000;

interface EventScan {
  from: number;
  pos: number;
  count: number;
}

/**
 * Runs scenario steps against one live cluster, keeping what the transcript refers back to: variables,
 * the last reply, publishes by id, and the events since the last `mark` (for `expect event …`).
 */
export class ScenarioRunner {
  readonly cluster: SimCluster;
  readonly options: ClusterOptions;
  readonly vars = new Map<string, string | number>();
  lastReply: CommandHandle | undefined;
  readonly publishes = new Map<string, Publish>();
  lastPublish: Publish | undefined;
  lastProposal: { node: string; placed: { index: number; term: number } | undefined } | undefined;
  /** Proposals the `chaos` command made so far (their commands are numbered). */
  chaosProposals = 0;
  /** Events from global number `base` on; everything since the window start is kept. */
  private events: SimEvent[] = [];
  private base = 0;
  private windowStart = 0;
  private readonly scans = new Map<object, EventScan>();
  private instant = -1;
  private atInstant = 0;
  private readonly unlisten: () => void;
  /** Draws of the `chaos` command: its own stream from the seed, so chaos never shifts the engine's numbers. */
  private chaosRng: Rng | undefined;

  constructor(options: ClusterOptions = {}) {
    this.options = options;
    this.cluster = new SimCluster(options);
    this.unlisten = this.cluster.onEvent((e) => {
      this.events.push(e);
      if (this.events.length > MAX_KEPT_EVENTS) {
        // Free play can run for hours: keep the recent half; `expect event` sees at most that much.
        const drop = this.events.length >> 1;
        this.events = this.events.slice(drop);
        this.base += drop;
      }
      // A run that never leaves one instant would hang the page or the test: fail the step instead.
      if (e.at !== this.instant) {
        this.instant = e.at;
        this.atInstant = 0;
      } else if (++this.atInstant > LIVELOCK_EVENTS) {
        this.atInstant = 0;
        throw new StepFailure(
          `livelock: more than ${LIVELOCK_EVENTS} events at t=${e.at}ms without time moving (last: ${e.kind} ${e.type ?? ''} at ${e.node ?? e.to ?? '?'}) — a simulator bug`,
        );
      }
    });
  }

  get seed(): number {
    return this.cluster.seed;
  }

  /** `(seed 42, t=1234.5ms)`: what a failure needs to be reproduced. */
  where(): string {
    return `(seed ${this.cluster.seed}, t=${Math.round(this.cluster.now * 10) / 10}ms)`;
  }

  /** Starts a new event window: `expect event …` looks only at events from here on. */
  mark(): void {
    this.base += this.events.length;
    this.events = [];
    this.windowStart = this.base;
    this.scans.clear();
  }

  /** Global number of the next event to be reported. */
  get eventNumber(): number {
    return this.base + this.events.length;
  }

  get windowFrom(): number {
    return this.windowStart;
  }

  /** Events numbered from `from` on (clamped to what is kept). */
  eventsSince(from: number): readonly SimEvent[] {
    return this.events.slice(Math.max(0, from - this.base));
  }

  /** Counts events matching `match` from `from` on, scanning only what is new since the last call. */
  countEvents(key: object, from: number, match: (e: SimEvent) => boolean): number {
    let s = this.scans.get(key);
    if (s === undefined || s.from !== from) {
      s = { from, pos: Math.max(from, this.base), count: 0 };
      this.scans.set(key, s);
    }
    const end = this.base + this.events.length;
    if (s.pos < this.base) s.pos = this.base;
    for (; s.pos < end; s.pos++) if (match(this.events[s.pos - this.base])) s.count++;
    return s.count;
  }

  /** The `chaos` command's random stream (made on first use from the cluster's seed). */
  get chaos(): Rng {
    return (this.chaosRng ??= new Rng(this.cluster.seed).fork('scenario chaos'));
  }

  /** Stops listening to the cluster (the cluster itself stays usable). */
  dispose(): void {
    this.unlisten();
  }

  // ---- references ----

  /** A node of the cluster now, or one removed from it (§6: its view stays readable). */
  private isNode(id: string): boolean {
    if (this.cluster.nodeIds.includes(id)) return true;
    try {
      return this.cluster.node(id).removed;
    } catch {
      return false;
    }
  }

  resolveNode(ref: string): string {
    const v = VARIABLE.exec(ref);
    const name = v !== null ? v[1] : ref;
    if (v !== null && this.vars.has(name)) {
      const value = this.vars.get(name)!;
      if (typeof value !== 'string' || !this.isNode(value)) throw new StepFailure(`$${name} is ${String(value)}, not a node`);
      return value;
    }
    if (name === 'leader') {
      const l = this.cluster.leader();
      if (l === undefined) throw new StepFailure(`there is no leader to stand for '${ref}'`);
      return l;
    }
    const f = /^follower(\d*)$/.exec(name);
    if (f !== null) {
      const k = f[1] === '' ? 1 : Number(f[1]);
      const leader = this.cluster.leader();
      const followers = this.cluster.nodeIds.filter((id) => id !== leader && this.cluster.node(id).up);
      if (k < 1 || k > followers.length) throw new StepFailure(`there is no ${ref} (up followers: ${followers.join(', ') || 'none'})`);
      return followers[k - 1];
    }
    if (this.isNode(name)) return name;
    if (v !== null) throw new StepFailure(`unknown variable $${name}`);
    if (!this.cluster.nodeIds.includes(ref)) throw new StepFailure(`unknown node '${ref}' (nodes: ${this.cluster.nodeIds.join(', ')})`);
    return ref;
  }

  num(ref: NumRef): number {
    if ('lit' in ref) return ref.lit;
    const v = this.vars.get(ref.name);
    if (v === undefined) throw new StepFailure(`unknown variable $${ref.name}`);
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new StepFailure(`$${ref.name} is '${v}', not a number`);
    return n + ref.add;
  }

  /** A word that may be a `$variable` (resolved) or a literal. */
  word(text: string): string {
    const v = VARIABLE.exec(text);
    if (v === null) return text;
    if (this.vars.has(v[1])) return String(this.vars.get(v[1]));
    return this.resolveNode(text);
  }

  // ---- running ----

  /** Runs steps in order; after a failure the rest are skipped (unless `keepGoing`). */
  run(steps: readonly ScenarioStep[], options: { keepGoing?: boolean } = {}): StepResult[] {
    const results: StepResult[] = [];
    let failed = false;
    for (const step of steps) {
      if (failed && options.keepGoing !== true) {
        results.push({ line: step.line, source: step.source, command: step.command, kind: step.kind, status: 'skipped', at: this.cluster.now });
        continue;
      }
      const r = this.runStep(step);
      if (r.status === 'failed') failed = true;
      results.push(r);
    }
    return results;
  }

  runStep(step: ScenarioStep): StepResult {
    const base = { line: step.line, source: step.source, command: step.command, kind: step.kind };
    try {
      const out = step.exec(this, true);
      return { ...base, status: 'ok', at: this.cluster.now, ...(out?.output !== undefined ? { output: out.output } : {}) };
    } catch (err) {
      let message: string;
      if (err instanceof CheckerViolation) message = `line ${step.line}: ${step.source} — ${err.message}`;
      else {
        const detail = err instanceof Error ? err.message : String(err);
        message = `line ${step.line}: ${step.source} — ${detail} ${this.where()}`;
      }
      return { ...base, status: 'failed', message, at: this.cluster.now, ...(err instanceof CheckerViolation ? { violation: true as const } : {}) };
    }
  }

  /** Parses and runs a fragment of commands (no header lines). */
  runText(text: string, options: { firstLine?: number; keepGoing?: boolean } = {}): StepResult[] {
    const s = parseScenario(text, { firstLine: options.firstLine, header: false, nodeIds: this.cluster.nodeIds });
    return this.run(s.steps, options);
  }

  /** Whether a predicate (the text after `expect`) holds now, and what was seen. */
  check(predicate: string | CompiledPredicate): { ok: boolean; detail: string } {
    const p = typeof predicate === 'string' ? compilePredicate(predicate, { nodeIds: this.cluster.nodeIds }) : predicate;
    try {
      const res = p.test(this, this.windowStart);
      return { ok: res.ok, detail: res.why };
    } catch (err) {
      if (err instanceof StepFailure) return { ok: false, detail: err.message };
      throw err;
    }
  }

  /** The value of an expression (as in `let x = …` or a predict answer), or undefined. */
  value(expression: string | CompiledValue): string | number | undefined {
    const v = typeof expression === 'string' ? compileValue(expression, { nodeIds: this.cluster.nodeIds }) : expression;
    try {
      return v.evaluate(this);
    } catch (err) {
      if (err instanceof StepFailure) return undefined;
      throw err;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Predicates (expect, run until) and values (let, predict answers)
// ---------------------------------------------------------------------------------------------

interface Predicate {
  /** `why` says what was seen (shown when the predicate was expected to hold and did not, or the reverse). */
  test(r: ScenarioRunner, from: number): { ok: boolean; why: string };
  /** Reads the event window. */
  readonly usesEvents?: boolean;
}

interface Value {
  evaluate(r: ScenarioRunner): string | number | undefined;
}

type Subject = { readonly kind: 'node'; readonly ref: string } | { readonly kind: 'all' | 'any' | 'followers' | 'majority' };
const QUANTIFIERS = ['all', 'any', 'followers', 'majority'] as const;

/** A property of one node, tested against its view. */
interface NodeProp {
  test(v: NodeView, r: ScenarioRunner): { ok: boolean; actual: string };
}

const ROLES = ['follower', 'candidate', 'leader'];
const NODE_PROPS = [
  'role', 'up', 'down', 'connected', 'disconnected', 'term', 'commit', 'applied', 'log', 'lamport', 'voted', 'follows', 'suspects', 'clock', 'entry', 'diverges',
  // issue 13: membership (§6), snapshots (§7), Pre-Vote (§9.6)
  'voter', 'learner', 'removed', 'members', 'snapshot', 'pre-candidate',
];

/** The last index of a node's log: its snapshot's last index plus the entries after it (§7). */
const lastIndexOf = (v: NodeView): number => (v.snapshot?.lastIncludedIndex ?? 0) + v.log.length;
/** Entry `i` of a node's log by absolute index (undefined when beyond its end or inside its snapshot). */
const entryOf = (v: NodeView, i: number): NodeView['log'][number] | undefined => v.log[i - (v.snapshot?.lastIncludedIndex ?? 0) - 1];
const CLOCK_FIELDS = ['offset', 'error', 'drift', 'rtt', 'correction', 'local', 'corrected'];

function clockField(v: NodeView, field: string): number | undefined {
  const c = v.clock;
  switch (field) {
    case 'offset':
      return c.offsetMs;
    case 'error':
      return Math.abs(c.errorMs);
    case 'drift':
      return c.driftPpm;
    case 'rtt':
      return c.rttMs;
    case 'correction':
      return c.correctedMs - c.localMs;
    case 'local':
      return c.localMs;
    case 'corrected':
      return c.correctedMs;
  }
  return undefined;
}

function numberProp(get: (v: NodeView) => number | undefined, name: string, cmp: Cmp): NodeProp {
  return {
    test(v, r) {
      const x = get(v);
      const rhs = r.num(cmp.rhs);
      return { ok: x !== undefined && compare(x, cmp.op, rhs), actual: `${name} ${x === undefined ? 'unknown' : fmt(x)}` };
    },
  };
}

function parseNodeProp(w: Words, ctx: ParseContext): NodeProp {
  const t = w.need(`a property (${NODE_PROPS.join(', ')})`);
  const name = t.text;
  switch (name) {
    case 'role': {
      const role = w.keyword('a role', ROLES);
      return { test: (v) => ({ ok: v.role === role, actual: `${v.up ? '' : 'down, '}role ${v.role}` }) };
    }
    case 'up':
    case 'down':
      return { test: (v) => ({ ok: v.up === (name === 'up'), actual: v.up ? 'up' : 'down' }) };
    case 'connected':
    case 'disconnected':
      return { test: (v) => ({ ok: v.connected === (name === 'connected'), actual: v.connected ? 'connected' : 'disconnected' }) };
    case 'term':
      return numberProp((v) => v.term, 'term', parseCmp(w, 'a term'));
    case 'commit':
      return numberProp((v) => v.commitIndex, 'commit', parseCmp(w, 'an index'));
    case 'applied':
      return numberProp((v) => v.lastApplied, 'applied', parseCmp(w, 'an index'));
    case 'log':
      return numberProp(lastIndexOf, 'log length', parseCmp(w, 'a length'));
    case 'lamport':
      return numberProp((v) => v.lamport, 'lamport', parseCmp(w, 'a Lamport time'));
    case 'voted': {
      const target = w.need('a node or none').text;
      if (target !== 'none') checkNodeRef(w, ctx, target);
      return {
        test: (v, r) => {
          const want = target === 'none' ? null : r.resolveNode(target);
          return { ok: v.votedFor === want, actual: `voted for ${v.votedFor ?? 'nobody'}` };
        },
      };
    }
    case 'follows': {
      const target = w.need('a node or none').text;
      if (target !== 'none') checkNodeRef(w, ctx, target);
      return {
        test: (v, r) => {
          const want = target === 'none' ? null : r.resolveNode(target);
          return { ok: v.leaderId === want, actual: `knows leader ${v.leaderId ?? 'none'}` };
        },
      };
    }
    case 'suspects': {
      const target = w.need('a node, nobody or anyone').text;
      if (target !== 'nobody' && target !== 'anyone') checkNodeRef(w, ctx, target);
      return {
        test: (v, r) => {
          const actual = `suspects ${v.suspects.length === 0 ? 'nobody' : v.suspects.join(' ')}`;
          if (target === 'nobody') return { ok: v.suspects.length === 0, actual };
          if (target === 'anyone') return { ok: v.suspects.length > 0, actual };
          return { ok: v.suspects.includes(r.resolveNode(target)), actual };
        },
      };
    }
    case 'clock': {
      const field = w.keyword('a clock field', CLOCK_FIELDS);
      return numberProp((v) => clockField(v, field), `clock ${field}`, parseCmp(w, 'milliseconds'));
    }
    case 'diverges': {
      // Raft paper Figure 7: the node holds an entry the other's log lacks (a different term at an index, or past its end).
      const target = parseNodeRef(w, ctx);
      return {
        test: (v, r) => {
          const other = r.cluster.node(r.resolveNode(target));
          // Indices are absolute (§7): an index inside the other's snapshot is committed there, so it cannot differ.
          const inSnapshot = (i: number): boolean => i <= (other.snapshot?.lastIncludedIndex ?? 0);
          const at = v.log.findIndex((e) => !inSnapshot(e.index) && (entryOf(other, e.index) === undefined || entryOf(other, e.index)!.term !== e.term));
          return {
            ok: at >= 0,
            actual: at < 0 ? `log is a prefix of ${other.id}'s` : `entry ${v.log[at].index} (term ${v.log[at].term}) is not in ${other.id}'s log`,
          };
        },
      };
    }
    case 'entry': {
      const index = parseNum(w, 'an index');
      const what = w.keyword('term, command or missing', ['term', 'command', 'missing']);
      if (what === 'missing') {
        return {
          test: (v, r) => {
            const i = r.num(index);
            return { ok: lastIndexOf(v) < i, actual: `log length ${lastIndexOf(v)}` };
          },
        };
      }
      if (what === 'term') {
        const cmp = parseCmp(w, 'a term');
        return {
          test: (v, r) => {
            const e = entryOf(v, r.num(index));
            return { ok: e !== undefined && compare(e.term, cmp.op, r.num(cmp.rhs)), actual: e === undefined ? 'no such entry' : `entry term ${e.term}` };
          },
        };
      }
      const pattern = w.need('a command pattern').text;
      const re = glob(pattern);
      return {
        test: (v, r) => {
          const e = entryOf(v, r.num(index));
          const text = e === undefined ? undefined : e.command === null ? 'no-op' : typeof e.command === 'string' ? e.command : JSON.stringify(e.command);
          return { ok: text !== undefined && re.test(text), actual: text === undefined ? 'no such entry' : `entry command ${text}` };
        },
      };
    }
    // ---- issue 13 ----
    case 'voter':
      return { test: (v) => ({ ok: v.members.includes(v.id), actual: `its configuration: ${v.members.join(' ') || 'none'}` }) };
    case 'learner':
      return { test: (v) => ({ ok: v.learner, actual: v.learner ? 'a learner' : v.removed ? 'removed' : `its configuration: ${v.members.join(' ') || 'none'}` }) };
    case 'removed':
      return { test: (v) => ({ ok: v.removed, actual: v.removed ? 'removed' : 'a member' }) };
    case 'members':
      return numberProp((v) => v.members.length, 'voters in its configuration', parseCmp(w, 'a count'));
    case 'snapshot':
      return numberProp((v) => v.snapshot?.lastIncludedIndex ?? 0, 'snapshot index', parseCmp(w, 'an index'));
    case 'pre-candidate':
      return { test: (v) => ({ ok: v.preCandidate, actual: v.preCandidate ? 'running a pre-vote' : `role ${v.role}` }) };
  }
  throw w.error(`unknown property '${name}'${suggest(name, NODE_PROPS)}`);
}

function parseSubject(w: Words, ctx: ParseContext): Subject {
  const q = w.accept(...QUANTIFIERS);
  if (q !== undefined) return { kind: q as 'all' };
  return { kind: 'node', ref: parseNodeRef(w, ctx) };
}

/** `label`: the property as written ("down", "log >= 3"), for a count that names what it counted. */
function subjectPredicate(subject: Subject, prop: NodeProp, label?: string): Predicate {
  return {
    test(r) {
      const c = r.cluster;
      let ids: string[];
      if (subject.kind === 'node') ids = [r.resolveNode(subject.ref)];
      else if (subject.kind === 'all') ids = c.nodeIds.filter((id) => c.node(id).up);
      else if (subject.kind === 'followers') {
        const leader = c.leader();
        ids = c.nodeIds.filter((id) => id !== leader && c.node(id).up);
      } else ids = [...c.nodeIds];
      const res = ids.map((id) => ({ id, ...prop.test(c.node(id), r) }));
      const good = res.filter((x) => x.ok).length;
      const majority = Math.floor(c.nodeIds.length / 2) + 1;
      let ok: boolean;
      if (subject.kind === 'any') ok = good > 0;
      else if (subject.kind === 'majority') ok = good >= majority;
      else ok = good === res.length;
      const shown = subject.kind === 'node' || ok ? res : res.filter((x) => !x.ok);
      const why = shown.map((x) => `${x.id} ${x.actual}`).join(', ') || 'no such node';
      // Counted, not judged ("0 of 4 hold" read as a failure when a goal says `not any down`), and what was
      // counted named ("none of 5: n1 up, …" read as "none is up").
      const all = res.map((x) => `${x.id} ${x.actual}`).join(', ');
      const matching = (one: boolean): string => (label === undefined ? '' : ` ${one ? 'matches' : 'match'} “${label}”`);
      if (subject.kind === 'any') return { ok, why: `${good === 0 ? 'none' : good} of ${res.length}${matching(good <= 1)}: ${all}` };
      if (subject.kind === 'majority') return { ok, why: `${good} of ${res.length}${matching(good === 1)} (a majority is ${majority}): ${all}` };
      return { ok, why };
    },
  };
}

// ---- events ----

const FILTER_STOP = new Set(['within', 'count', 'and']);

interface FilterWord {
  readonly key?: string;
  readonly value: string;
  readonly quoted: boolean;
}

/**
 * `<kind|*> [word…]`: each word must match — `key=value` a field (or payload field; `*` in the value
 * matches anything, e.g. `lines=ERR*`), a bare word any of node/from/to/type/role or part of the detail.
 */
interface EventFilter {
  readonly kind: string;
  readonly words: readonly FilterWord[];
}

function parseFilter(w: Words, what: string): EventFilter {
  const kind = w.word(what);
  const words: FilterWord[] = [];
  for (let t = w.peek(); t !== undefined && !(FILTER_STOP.has(t.text) && !t.quoted); t = w.peek()) {
    w.next();
    const eq = t.quoted ? -1 : t.text.indexOf('=');
    if (eq > 0) words.push({ key: t.text.slice(0, eq), value: t.text.slice(eq + 1), quoted: false });
    else words.push({ value: t.text, quoted: t.quoted });
  }
  return { kind, words };
}

function fieldOf(x: object, key: string): unknown {
  // Own fields only: a filter word like `constructor=x` must not read the prototype. A field the event
  // does not carry is looked up in its message (`term=` on a delivered RequestVoteReply: the reply's term).
  if (Object.hasOwn(x, key)) return (x as Record<string, unknown>)[key];
  const payload = (x as { payload?: unknown }).payload;
  if (typeof payload === 'object' && payload !== null && Object.hasOwn(payload, key)) return (payload as Record<string, unknown>)[key];
  return undefined;
}

/** Resolves the filter's `$variables` once, then tests events (or messages in flight) quickly. */
function filterMatcher(f: EventFilter, r: ScenarioRunner, kindKey: 'kind' | 'type'): (x: SimEvent | InFlight) => boolean {
  const words = f.words.map((fw) => {
    const value = fw.quoted ? fw.value : r.word(fw.value);
    return { ...fw, value, pattern: fw.key !== undefined && value.includes('*') ? glob(value) : undefined };
  });
  return (x) => {
    const rec = x as unknown as Record<string, unknown>;
    if (f.kind !== '*' && rec[kindKey] !== f.kind) return false;
    for (const fw of words) {
      if (fw.key !== undefined) {
        const v = fieldOf(x, fw.key);
        if (v === undefined || (fw.pattern !== undefined ? !fw.pattern.test(String(v)) : String(v) !== fw.value)) return false;
        continue;
      }
      const detail = typeof rec.detail === 'string' ? rec.detail : '';
      if (fw.quoted) {
        if (!detail.includes(fw.value) && rec.type !== fw.value) return false;
        continue;
      }
      const v = fw.value;
      if (rec.node !== v && rec.from !== v && rec.to !== v && rec.type !== v && rec.role !== v && !detail.includes(v)) return false;
    }
    return true;
  };
}

function describeFilter(f: EventFilter): string {
  return [f.kind, ...f.words.map((x) => (x.key !== undefined ? `${x.key}=${x.value}` : x.quoted ? JSON.stringify(x.value) : x.value))].join(' ');
}

function eventPredicate(f: EventFilter, cmp: Cmp | undefined, label = `'${describeFilter(f)}' event`): Predicate {
  const key = {};
  return {
    usesEvents: true,
    test(r, from) {
      const match = filterMatcher(f, r, 'kind');
      const n = r.countEvents(key, from, match);
      const ok = cmp === undefined ? n > 0 : compare(n, cmp.op, r.num(cmp.rhs));
      return { ok, why: `${n} ${label}${n === 1 ? '' : 's'} since ${from === r.windowFrom ? 'the window start' : 'the run began'}` };
    },
  };
}

// ---- the predicate table ----

const SORT_FIELDS = ['offset', 'ts', 'correctedTs', 'lamport'] as const;

const PREDICATE_WORDS = [
  'leader', 'leaders', 'no', 'not', 'election', 'commit', 'logs', 'reply', 'publish', 'received', 'history', 'violation', 'finding', 'event',
  'in-flight', 'sent', 'time', 'clocks', 'members', 'changes', ...QUANTIFIERS,
];

/** Words that end a predicate's open-ended word list: `within` (of run until) and `and`. */
const CLAUSE_END = new Set(['within', 'and']);

/** `<predicate> [and <predicate>]…`: all must hold (`not a and b` is `(not a) and b`). */
function parseConjunction(w: Words, ctx: ParseContext): Predicate {
  const parts = [parsePredicate(w, ctx)];
  while (w.accept('and') !== undefined) parts.push(parsePredicate(w, ctx));
  if (parts.length === 1) return parts[0];
  return {
    usesEvents: parts.some((p) => p.usesEvents === true),
    test(r, from) {
      const whys: string[] = [];
      for (const p of parts) {
        const x = p.test(r, from);
        if (!x.ok) return { ok: false, why: x.why };
        whys.push(x.why);
      }
      return { ok: true, why: whys.join('; ') };
    },
  };
}

function parsePredicate(w: Words, ctx: ParseContext): Predicate {
  const first = w.peek();
  if (first === undefined) throw w.error('expected a predicate');
  const t = first.text;
  // A variable compared with a number: `$l2 > $l1`.
  const op = w.peekAt(1);
  if (!first.quoted && VARIABLE.test(t) && op !== undefined && !op.quoted && OPS.includes(op.text)) {
    const lhs = parseNum(w, 'a $variable');
    const cmp = parseCmp(w, 'a number');
    return {
      test: (r) => {
        const a = r.num(lhs);
        const b = r.num(cmp.rhs);
        return { ok: compare(a, cmp.op, b), why: `${t} is ${fmt(a)}, ${cmp.op} ${fmt(b)} is ${compare(a, cmp.op, b)}` };
      },
    };
  }
  // A subject (a node, leader, all …) followed by a node property.
  const subjectForm =
    !first.quoted &&
    ((QUANTIFIERS as readonly string[]).includes(t) ||
      (t !== 'leader' && !PREDICATE_WORDS.includes(t) && (isNodeRef(ctx, t) || NODE_PROPS.includes(w.peekAt(1)?.text ?? ''))) ||
      (t === 'leader' && NODE_PROPS.includes(w.peekAt(1)?.text ?? '')));
  if (subjectForm) {
    const subject = parseSubject(w, ctx);
    const from = w.offset;
    const prop = parseNodeProp(w, ctx);
    return subjectPredicate(subject, prop, w.source.slice(from, w.offset).trim());
  }
  const word = w.next()!.text;
  switch (word) {
    case 'not': {
      const p = parsePredicate(w, ctx);
      return { usesEvents: p.usesEvents, test: (r, from) => { const x = p.test(r, from); return { ok: !x.ok, why: x.why }; } };
    }
    case 'no': {
      const what = w.peek()?.text;
      if (what === 'violation' || what === 'violations' || what === 'finding' || what === 'findings') {
        w.next();
        const named = w.done || w.peek()?.text === 'within' || w.peek()?.text === 'and' ? undefined : w.need('a property').text;
        const p = named === WINDOW_FINDING_BEFORE ? WINDOW_FINDING : named;
        const findings = what.startsWith('finding');
        return {
          test: (r) => {
            const list = findings ? r.cluster.findings() : r.cluster.violations();
            const found = list.filter((v) => p === undefined || v.property === p || v.message.includes(p));
            return { ok: found.length === 0, why: found.length === 0 ? `no ${findings ? 'findings' : 'violations'}` : found.map((v) => v.message).join('; ') };
          },
        };
      }
      const p = parsePredicate(w, ctx);
      return { usesEvents: p.usesEvents, test: (r, from) => { const x = p.test(r, from); return { ok: !x.ok, why: x.why }; } };
    }
    case 'leader': {
      const t = w.peek();
      if (t === undefined || t.text === 'within' || t.text === 'and') {
        return { test: (r) => { const l = r.cluster.leader(); return { ok: l !== undefined, why: l === undefined ? 'there is no leader' : `${l} is the leader (term ${r.cluster.node(l).term})` }; } };
      }
      const ref = parseNodeRef(w, ctx);
      return {
        test: (r) => {
          const l = r.cluster.leader();
          const want = r.resolveNode(ref);
          return { ok: l === want, why: l === undefined ? 'there is no leader' : `${l} is the leader (term ${r.cluster.node(l).term})` };
        },
      };
    }
    case 'leaders': {
      // Nodes that believe they lead, whatever their term (a stale leader in a minority counts).
      w.keyword("'count'", ['count']);
      const cmp = parseCmp(w, 'a count');
      return {
        test: (r) => {
          const c = r.cluster;
          const ls = c.nodeIds.map((id) => c.node(id)).filter((v) => v.up && v.role === 'leader');
          return { ok: compare(ls.length, cmp.op, r.num(cmp.rhs)), why: `${ls.length} leader${ls.length === 1 ? '' : 's'}: ${ls.map((v) => `${v.id} (term ${v.term})`).join(', ') || 'none'}` };
        },
      };
    }
    case 'election':
      return eventPredicate({ kind: 'role', words: [{ key: 'role', value: 'leader', quoted: false }] }, undefined, 'election');
    case 'event': {
      const f = parseFilter(w, 'an event kind');
      const cmp = w.accept('count') !== undefined ? parseCmp(w, 'a count') : undefined;
      return eventPredicate(f, cmp);
    }
    case 'in-flight': {
      const f = parseFilter(w, 'a message type (or *)');
      const cmp = w.accept('count') !== undefined ? parseCmp(w, 'a count') : undefined;
      return {
        test: (r) => {
          const match = filterMatcher(f, r, 'type');
          const n = r.cluster.inFlight().filter(match).length;
          return { ok: cmp === undefined ? n > 0 : compare(n, cmp.op, r.num(cmp.rhs)), why: `${n} '${describeFilter(f)}' message${n === 1 ? '' : 's'} in flight` };
        },
      };
    }
    case 'commit': {
      const cmp = parseCmp(w, 'an index', '>=');
      if (w.accept('on') !== undefined) return subjectPredicate(parseSubject(w, ctx), numberProp((v) => v.commitIndex, 'commit', cmp));
      return subjectPredicate({ kind: 'node', ref: 'leader' }, numberProp((v) => v.commitIndex, 'commit', cmp));
    }
    case 'logs': {
      w.keyword("'match'", ['match']);
      return {
        test: (r) => {
          const views = r.cluster.nodeIds.map((id) => r.cluster.node(id)).filter((v) => v.up);
          const terms = views.map((v) => v.log.map((e) => e.term).join(','));
          const ok = terms.every((t) => t === terms[0]);
          return { ok, why: views.map((v) => `${v.id} [${v.log.map((e) => e.term).join(' ')}]`).join(', ') };
        },
      };
    }
    case 'reply': {
      const t = w.need('a reply pattern, lines <n> or pending');
      if (!t.quoted && t.text === 'pending') {
        return { test: (r) => ({ ok: r.lastReply !== undefined && !r.lastReply.done, why: replyWhy(r) }) };
      }
      if (!t.quoted && t.text === 'lines') {
        const cmp = parseCmp(w, 'a count');
        return { test: (r) => ({ ok: r.lastReply !== undefined && compare(r.lastReply.lines.length, cmp.op, r.num(cmp.rhs)), why: replyWhy(r) }) };
      }
      const re = glob(t.text);
      return { test: (r) => ({ ok: r.lastReply !== undefined && r.lastReply.lines.some((l) => re.test(l)), why: replyWhy(r) }) };
    }
    case 'publish': {
      const id = w.need('a publish id, last or all').text;
      const what = w.keyword('what to check', ['ok', 'pending', 'failed', 'offset', 'attempts']);
      if (what === 'ok' || what === 'pending' || what === 'failed') {
        return {
          test: (r) => {
            const list = id === 'all' ? [...r.publishes.values()] : [publishOf(r, id)];
            const bad = list.filter((p) => p.status !== what);
            return { ok: bad.length === 0, why: (bad.length > 0 ? bad : list).map((p) => `${p.id} ${p.status}`).join(', ') || 'no publishes' };
          },
        };
      }
      const cmp = parseCmp(w, 'a number');
      return {
        test: (r) => {
          const p = publishOf(r, id);
          const x = what === 'offset' ? p.offset : p.attempts;
          return { ok: x !== undefined && compare(x, cmp.op, r.num(cmp.rhs)), why: `${p.id} ${p.status}, ${what} ${x ?? 'unknown'}` };
        },
      };
    }
    case 'received': {
      const client = w.word('a client id');
      const t = w.need('count, late, offsets or a line pattern');
      const list = (r: ScenarioRunner): string => r.cluster.received(client).map((x) => `${x.offset}${x.late ? ' (late)' : ''}`).join(' ');
      if (!t.quoted && (t.text === 'count' || t.text === 'late')) {
        const late = t.text === 'late';
        if (late) w.accept('count');
        const cmp = parseCmp(w, 'a count');
        return {
          test: (r) => {
            const got = r.cluster.received(client).filter((x) => !late || x.late).length;
            return { ok: compare(got, cmp.op, r.num(cmp.rhs)), why: `${client} received ${got}${late ? ' late' : ''}: offsets ${list(r) || 'none'}` };
          },
        };
      }
      if (!t.quoted && t.text === 'offsets') {
        const want: NumRef[] = [];
        while (!w.done && !CLAUSE_END.has(w.peek()!.text)) want.push(parseNum(w, 'an offset'));
        return {
          test: (r) => {
            const got = r.cluster.received(client).map((x) => x.offset);
            return { ok: got.join(' ') === want.map((x) => r.num(x)).join(' '), why: `${client} received offsets ${got.join(' ') || 'none'}` };
          },
        };
      }
      const re = glob(t.text);
      return { test: (r) => ({ ok: r.cluster.received(client).some((x) => re.test(x.line)), why: `${client} received ${r.cluster.received(client).map((x) => x.line).join(' | ') || 'nothing'}` }) };
    }
    case 'history': {
      const subject = parseSubject(w, ctx);
      const topic = w.word('a topic');
      const what = w.keyword('count, ids, contains or sorted', ['count', 'ids', 'contains', 'sorted']);
      let prop: NodeProp;
      const records = (v: NodeView, r: ScenarioRunner): ReturnType<SimCluster['history']> => r.cluster.history(v.id, topic);
      if (what === 'count') {
        const cmp = parseCmp(w, 'a count');
        prop = { test: (v, r) => { const n = records(v, r).length; return { ok: compare(n, cmp.op, r.num(cmp.rhs)), actual: `has ${n} in ${topic}` }; } };
      } else if (what === 'ids') {
        const ids: string[] = [];
        while (!w.done && !CLAUSE_END.has(w.peek()!.text)) ids.push(w.word('an id'));
        prop = {
          test: (v, r) => {
            const got = records(v, r).map((x) => x.id);
            const ok = got.length === ids.length && ids.every((x, i) => glob(r.word(x)).test(got[i]));
            return { ok, actual: `${topic} ids ${got.join(' ') || 'none'}` };
          },
        };
      } else if (what === 'sorted') {
        // `sorted by ts`: the field never decreases from one offset to the next.
        w.accept('by');
        const field = w.keyword('a numeric record field', SORT_FIELDS) as (typeof SORT_FIELDS)[number];
        prop = {
          test: (v, r) => {
            const got = records(v, r).map((x) => x[field]);
            return { ok: got.every((x, i) => i === 0 || x >= got[i - 1]), actual: `${topic} ${field} ${got.map(fmt).join(' ') || 'none'}` };
          },
        };
      } else {
        const re = glob(w.need('a message pattern').text);
        prop = { test: (v, r) => { const got = records(v, r); return { ok: got.some((x) => re.test(x.message)), actual: `${topic} messages ${got.map((x) => JSON.stringify(x.message)).join(' ') || 'none'}` }; } };
      }
      return subjectPredicate(subject, prop);
    }
    case 'violation':
    case 'finding': {
      // `violation` (or `finding`) alone: any at all.
      const named = w.done || CLAUSE_END.has(w.peek()!.text) ? undefined : w.need(word === 'violation' ? 'a property name (e.g. "Election Safety")' : 'a finding name').text;
      const p = named === WINDOW_FINDING_BEFORE ? WINDOW_FINDING : named;
      return {
        test: (r) => {
          const all = word === 'violation' ? r.cluster.violations() : r.cluster.findings();
          const found = all.filter((v) => p === undefined || v.property === p || v.message.includes(p));
          return { ok: found.length > 0, why: all.length === 0 ? `no ${word}s` : all.map((v) => v.message).join('; ') };
        },
      };
    }
    case 'sent': {
      const type = w.word('a message type');
      const cmp = parseCmp(w, 'a count');
      return { test: (r) => { const n = r.cluster.sentCount(type === '*' ? undefined : type); return { ok: compare(n, cmp.op, r.num(cmp.rhs)), why: `${n} ${type} sent` }; } };
    }
    case 'time': {
      const t = w.peek();
      let op: Op = '>=';
      if (t !== undefined && OPS.includes(t.text)) {
        w.next();
        op = (t.text === '==' ? '=' : t.text) as Op;
      }
      const ms = parseDuration(w);
      return { test: (r) => ({ ok: compare(r.cluster.now, op, ms), why: `t=${fmt(r.cluster.now)}ms` }) };
    }
    // ---- issue 13: `members = 5` (voters of the committed configuration), `changes = 0` (membership requests pending) ----
    case 'members': {
      const cmp = parseCmp(w, 'a count');
      return { test: (r) => { const m = r.cluster.members(); return { ok: compare(m.length, cmp.op, r.num(cmp.rhs)), why: `members ${m.join(' ')}` }; } };
    }
    case 'changes': {
      const cmp = parseCmp(w, 'a count');
      return {
        test: (r) => {
          const p = r.cluster.pendingChanges();
          return { ok: compare(p.length, cmp.op, r.num(cmp.rhs)), why: p.length === 0 ? 'no membership change pending' : `pending: ${p.map((c) => `${c.op} ${c.id}`).join(', ')}` };
        },
      };
    }
    case 'clocks': {
      const which = w.keyword('spread or raw-spread', ['spread', 'raw-spread']);
      const cmp = parseCmp(w, 'milliseconds');
      return {
        test: (r) => {
          const spread = clockSpread(r, which);
          return { ok: compare(spread, cmp.op, r.num(cmp.rhs)), why: `${which} ${fmt(spread)}ms` };
        },
      };
    }
  }
  throw w.error(`unknown predicate '${word}'${suggest(word, PREDICATE_WORDS)}`);
}

/** Largest minus smallest clock reading of the up nodes: corrected (`spread`) or raw (`raw-spread`). */
function clockSpread(r: ScenarioRunner, which: string): number {
  const views = r.cluster.nodeIds.map((id) => r.cluster.node(id)).filter((v) => v.up);
  const xs = views.map((v) => (which === 'spread' ? v.clock.correctedMs : v.clock.localMs));
  return Math.max(...xs) - Math.min(...xs);
}

/** A predicate that cannot be evaluated yet (`leader term > 2` with no leader) does not hold yet. */
function testQuietly(p: Predicate, r: ScenarioRunner, from: number): { ok: boolean; why: string } {
  try {
    return p.test(r, from);
  } catch (err) {
    if (err instanceof StepFailure) return { ok: false, why: err.message };
    throw err;
  }
}

function replyWhy(r: ScenarioRunner): string {
  const h = r.lastReply;
  if (h === undefined) return 'no command was sent';
  if (!h.done) return `no reply yet to '${h.line}' at ${h.node}`;
  return `${h.node} replied ${h.lines.map((l) => JSON.stringify(l)).join(' ')}`;
}

function publishOf(r: ScenarioRunner, id: string): Publish {
  const p = id === 'last' ? r.lastPublish : r.publishes.get(r.word(id));
  if (p === undefined) throw new StepFailure(id === 'last' ? 'nothing was published' : `no publish with id '${id}'`);
  return p;
}

const RECORD_FIELDS = ['id', 'offset', 'ts', 'correctedTs', 'lamport', 'message'] as const;
const VALUE_FIELDS = ['node', 'from', 'to', 'type', 'role', 'term', 'index', 'lamport', 'msgId', 'detail', 'at'];

function parseValue(w: Words, ctx: ParseContext): Value {
  const t = w.need('a value');
  if (t.quoted) return { evaluate: () => t.text };
  const n = parseNumberText(t.text);
  if (n !== undefined) return { evaluate: () => n };
  const word = t.text;
  // [field of] first|last event <filter>   |   count of event <filter>
  let field: string | undefined;
  let head = word;
  if (w.peek()?.text === 'of' && (VALUE_FIELDS.includes(word) || word === 'count')) {
    w.next();
    field = word;
    head = w.keyword('first, last or event', ['first', 'last', 'event']);
  }
  const source = head === 'first' || head === 'last' ? w.keyword("'event', 'in-flight' or 'timer'", ['event', 'in-flight', 'timer']) : 'event';
  if ((head === 'first' || head === 'last') && source === 'timer') return timerValue(w, head, field);
  if ((head === 'first' || head === 'last') && source === 'in-flight') return arrivalValue(w, head, field);
  if (head === 'first' || head === 'last' || (field === 'count' && head === 'event')) {
    const f = parseFilter(w, 'an event kind');
    return {
      evaluate(r) {
        const match = filterMatcher(f, r, 'kind');
        const events = r.eventsSince(r.windowFrom).filter(match);
        if (field === 'count') return events.length;
        const e = head === 'first' ? events[0] : events[events.length - 1];
        if (e === undefined) return undefined;
        const key = field ?? (e.node !== undefined ? 'node' : 'to');
        const v = (e as unknown as Record<string, unknown>)[key];
        return typeof v === 'number' || typeof v === 'string' ? v : undefined;
      },
    };
  }
  if (field !== undefined) throw w.error(`expected 'first event', 'last event' after '${field} of'`);
  switch (word) {
    case 'time': {
      // `time since $t0`: how long ago $t0 was (ms), e.g. a detection delay for guide prose.
      if (w.accept('since') === undefined) return { evaluate: (r) => r.cluster.now };
      const from = parseNum(w, 'a time ($variable)');
      return { evaluate: (r) => r.cluster.now - r.num(from) };
    }
    case 'clocks': {
      const which = w.keyword('spread or raw-spread', ['spread', 'raw-spread']);
      return { evaluate: (r) => clockSpread(r, which) };
    }
    case 'reply': {
      const line = w.accept('line') !== undefined ? parseNum(w, 'a line number') : { lit: 1 };
      return { evaluate: (r) => r.lastReply?.lines[r.num(line) - 1] };
    }
    case 'publish': {
      const id = w.word('a publish id or last');
      const what = w.keyword('offset, status, attempts or id', ['offset', 'status', 'attempts', 'id']);
      return {
        evaluate(r) {
          const p = publishOf(r, id);
          return what === 'offset' ? p.offset : what === 'status' ? p.status : what === 'attempts' ? p.attempts : p.id;
        },
      };
    }
    case 'history': {
      const node = parseNodeRef(w, ctx);
      const topic = w.word('a topic');
      const field = w.keyword('count or a record field', ['count', ...RECORD_FIELDS]);
      if (field === 'count') return { evaluate: (r) => r.cluster.history(r.resolveNode(node), topic).length };
      const offset = parseNum(w, 'an offset');
      return {
        evaluate(r) {
          const rec = r.cluster.history(r.resolveNode(node), topic)[r.num(offset) - 1];
          return rec === undefined ? undefined : rec[field as (typeof RECORD_FIELDS)[number]];
        },
      };
    }
  }
  checkNodeRef(w, ctx, word);
  if (w.done) return { evaluate: (r) => r.resolveNode(word) };
  const prop = w.keyword('a node property', ['role', 'term', 'commit', 'applied', 'log', 'lamport', 'voted', 'follows', 'clock', 'entry']);
  const clock = prop === 'clock' ? w.keyword('a clock field', CLOCK_FIELDS) : undefined;
  const entry = prop === 'entry' ? parseNum(w, 'an index') : undefined;
  const entryField = entry !== undefined ? w.keyword('term or command', ['term', 'command']) : undefined;
  return {
    evaluate(r) {
      const v = r.cluster.node(r.resolveNode(word));
      switch (prop) {
        case 'role':
          return v.role;
        case 'term':
          return v.term;
        case 'commit':
          return v.commitIndex;
        case 'applied':
          return v.lastApplied;
        case 'log':
          return lastIndexOf(v);
        case 'lamport':
          return v.lamport;
        case 'voted':
          return v.votedFor ?? undefined;
        case 'follows':
          return v.leaderId ?? undefined;
        case 'clock':
          return clockField(v, clock!);
      }
      const e = entryOf(v, r.num(entry!));
      if (e === undefined) return undefined;
      return entryField === 'term' ? e.term : typeof e.command === 'string' ? e.command : undefined;
    },
  };
}

/**
 * `[node|at of] first|last timer`: the up node whose election timer fires first (or last), as the view's
 * timers show it; `at` is that deadline. No value when two deadlines tie (nothing on screen decides it).
 */
function timerValue(w: Words, head: 'first' | 'last', field: string | undefined): Value {
  if (field !== undefined && field !== 'node' && field !== 'at') throw w.error(`a timer has a node and an at, not '${field}'`);
  return {
    evaluate(r) {
      const c = r.cluster;
      const timers = c.nodeIds
        .map((id) => c.node(id))
        .filter((v) => v.up && v.role !== 'leader' && v.electionDeadline !== undefined)
        .map((v) => ({ node: v.id, at: v.electionDeadline! }))
        .sort((a, b) => (head === 'first' ? a.at - b.at : b.at - a.at));
      if (timers.length === 0 || (timers.length > 1 && timers[0].at === timers[1].at)) return undefined;
      return field === 'at' ? timers[0].at : timers[0].node;
    },
  };
}

const ARRIVAL_FIELDS = ['to', 'from', 'type', 'at', 'msgId'];

/**
 * `[to|from|type|at|msgId of] first|last in-flight <filter>`: of the messages in flight that will be
 * delivered (not lost), the one that arrives first (or last), by the arrival times the view shows.
 * Default field: `to`. No value when two arrivals tie.
 */
function arrivalValue(w: Words, head: 'first' | 'last', field: string | undefined): Value {
  if (field !== undefined && !ARRIVAL_FIELDS.includes(field)) throw w.error(`a message in flight has ${ARRIVAL_FIELDS.join(', ')}, not '${field}'`);
  const f = parseFilter(w, 'a message type (or *)');
  return {
    evaluate(r) {
      const match = filterMatcher(f, r, 'type');
      const list = r.cluster
        .inFlight()
        .filter((m) => !m.lost && match(m))
        .sort((a, b) => (head === 'first' ? a.arriveAt - b.arriveAt : b.arriveAt - a.arriveAt));
      if (list.length === 0 || (list.length > 1 && list[0].arriveAt === list[1].arriveAt)) return undefined;
      const m = list[0];
      switch (field ?? 'to') {
        case 'from':
          return m.from;
        case 'type':
          return m.type;
        case 'at':
          return m.arriveAt;
        case 'msgId':
          return m.id;
      }
      return m.to;
    },
  };
}

/** A predicate parsed once (e.g. a guide's pick-one choice), to test with `runner.check`. */
export interface CompiledPredicate extends Predicate {
  readonly source: string;
}

/** A value expression parsed once (e.g. a predict answer), to evaluate with `runner.value`. */
export interface CompiledValue extends Value {
  readonly source: string;
}

/** Parses the text after `expect` (throws ScenarioError with `line`). */
export function compilePredicate(text: string, options: { nodeIds?: readonly string[]; line?: number } = {}): CompiledPredicate {
  const w = new Words(text.trim(), options.line ?? 1);
  const p = parseConjunction(w, { nodeIds: options.nodeIds ?? nodeIdsOf({}) });
  w.end('a predicate');
  return { source: text.trim(), test: p.test, usesEvents: p.usesEvents };
}

/** Parses a value expression as `let x = …` takes it (throws ScenarioError with `line`). */
export function compileValue(text: string, options: { nodeIds?: readonly string[]; line?: number } = {}): CompiledValue {
  const w = new Words(text.trim(), options.line ?? 1);
  const v = parseValue(w, { nodeIds: options.nodeIds ?? nodeIdsOf({}) });
  w.end('a value');
  return { source: text.trim(), evaluate: v.evaluate };
}

// ---------------------------------------------------------------------------------------------
// Header lines: cluster options
// ---------------------------------------------------------------------------------------------

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface HeaderSpec {
  readonly usage: string;
  apply(w: Words, o: Mutable<ClusterOptions>): void;
}

const onOff = (w: Words, what: string): boolean => w.keyword(what, ['on', 'off']) === 'on';

function intArg(w: Words, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const t = w.need(what);
  const n = parseNumberText(t.text);
  if (n === undefined || !Number.isInteger(n) || n < min) throw w.error(`expected ${what} (an integer >= ${min}), got '${t.text}'`);
  if (n > max) throw w.error(`expected ${what} of at most ${max}, got '${t.text}'`);
  return n;
}

function numArg(w: Words, what: string): number {
  const t = w.need(what);
  const n = parseNumberText(t.text);
  if (n === undefined || !Number.isFinite(n)) throw w.error(`expected ${what} (a finite number), got '${t.text}'`);
  return n;
}

const RULES: Record<string, 'voteLogCheck' | 'commitCurrentTermOnly' | 'oneChangeAtATime'> = {
  'vote-log-check': 'voteLogCheck',
  'commit-current-term-only': 'commitCurrentTermOnly',
  'one-change-at-a-time': 'oneChangeAtATime',
};

export const HEADERS: Readonly<Record<string, HeaderSpec>> = {
  seed: { usage: 'seed <integer>', apply: (w, o) => { o.seed = intArg(w, 'a seed', MIN_SEED, MAX_SEED); } },
  nodes: { usage: 'nodes <count>', apply: (w, o) => { o.nodes = intArg(w, 'a node count', 1); } },
  config: { usage: 'config "<cluster.yaml as a JSON string>"', apply: (w, o) => { o.config = w.need('the YAML as one quoted string').text; } },
  'election-timeout': { usage: 'election-timeout <min> <max>', apply: (w, o) => { o.electionTimeoutMs = [parseDuration(w), parseDuration(w)]; } },
  heartbeat: { usage: 'heartbeat <ms>', apply: (w, o) => { o.heartbeatMs = parseDuration(w); } },
  'startup-grace': { usage: 'startup-grace <ms>', apply: (w, o) => { o.startupGraceMs = parseDuration(w); } },
  net: { usage: 'net latency <min> <max> | loss <rate> | dup <rate> | reorder <rate> [<min> <max>] | reorder-delay <min> <max> …', apply: (w, o) => { o.network = { ...o.network, ...parseNetwork(w) }; } },
  sync: { usage: 'sync ntp|cristian|berkeley|off', apply: (w, o) => { o.clocks = { ...o.clocks, sync: w.keyword('a sync algorithm', ['ntp', 'cristian', 'berkeley', 'off']) as 'ntp' }; } },
  'sync-interval': { usage: 'sync-interval <ms>', apply: (w, o) => { o.clocks = { ...o.clocks, syncIntervalMs: parseDuration(w) }; } },
  'clock-offset-max': { usage: 'clock-offset-max <ms>', apply: (w, o) => { o.clocks = { ...o.clocks, offsetMsMax: parseDuration(w) }; } },
  'clock-drift-max': { usage: 'clock-drift-max <ppm>', apply: (w, o) => { o.clocks = { ...o.clocks, driftPpmMax: numArg(w, 'ppm') }; } },
  'count-self': { usage: 'count-self on|off', apply: (w, o) => { o.clocks = { ...o.clocks, countSelf: onOff(w, 'on or off') }; } },
  'suspect-after': { usage: 'suspect-after <ms>', apply: (w, o) => { o.detector = { ...o.detector, suspectAfterMs: parseDuration(w) }; } },
  detector: { usage: 'detector timeout|phi|off', apply: (w, o) => { o.detector = { ...o.detector, kind: w.keyword('a detector', ['timeout', 'phi', 'off']) as 'timeout' }; } },
  'phi-threshold': { usage: 'phi-threshold <phi>', apply: (w, o) => { o.detector = { ...o.detector, phiThreshold: numArg(w, 'a threshold') }; } },
  'detector-mode': { usage: 'detector-mode gossip|direct', apply: (w, o) => { o.detector = { ...o.detector, mode: w.keyword('a detector mode', ['gossip', 'direct']) as 'gossip' }; } },
  rules: {
    usage: 'rules vote-log-check|commit-current-term-only|one-change-at-a-time on|off',
    apply: (w, o) => {
      const rule = RULES[w.keyword('a rule', Object.keys(RULES))];
      o.rules = { ...o.rules, [rule]: onOff(w, 'on or off') };
    },
  },
  checkers: {
    usage: 'checkers throw|record|off',
    apply: (w, o) => {
      const k = w.keyword('a checker mode', ['throw', 'record', 'off']);
      o.checkers = k === 'off' ? false : (k as 'throw' | 'record');
    },
  },
  'journal-limit': { usage: 'journal-limit <events>', apply: (w, o) => { o.journalLimit = intArg(w, 'an event count'); } },
  'dedup-window': { usage: 'dedup-window <ids per topic>', apply: (w, o) => { o.broker = { ...o.broker, dedupWindow: intArg(w, 'a window size') }; } },
  dedup: {
    usage: 'dedup on|off|window|sessions',
    apply: (w, o) => {
      const k = w.keyword('on, off, window or sessions', ['on', 'off', 'window', 'sessions']);
      o.broker = { ...o.broker, dedup: k === 'on' ? true : k === 'off' ? false : (k as 'window' | 'sessions') };
    },
  },
  'max-delay': { usage: 'max-delay <ms>', apply: (w, o) => { o.broker = { ...o.broker, maxDelayMs: parseDuration(w) }; } },
  'commit-timeout': { usage: 'commit-timeout <ms>', apply: (w, o) => { o.broker = { ...o.broker, commitTimeoutMs: parseDuration(w) }; } },
  retain: { usage: 'retain <records per topic>   (older records are dropped; offsets stay)', apply: (w, o) => { o.broker = { ...o.broker, retain: intArg(w, 'a record count', 1) }; } },
  'max-entries': { usage: 'max-entries <per AppendEntries>', apply: (w, o) => { o.maxEntriesPerMessage = intArg(w, 'an entry count', 1); } },
  'max-inflight': { usage: 'max-inflight <AppendEntries per follower>', apply: (w, o) => { o.maxInflight = intArg(w, 'a message count', 1); } },
  // issue 13: snapshots (§7), safe reads (§8), Pre-Vote and CheckQuorum (thesis §9.6)
  'snapshot-every': { usage: 'snapshot-every <applied entries>   (0 = never)', apply: (w, o) => { o.snapshotEvery = intArg(w, 'an entry count'); } },
  reads: { usage: 'reads local|readIndex|lease', apply: (w, o) => { o.reads = w.keyword('a read mode', ['local', 'readIndex', 'lease']) as 'local'; } },
  'pre-vote': { usage: 'pre-vote on|off', apply: (w, o) => { o.raft = { ...o.raft, preVote: onOff(w, 'on or off') }; } },
  'check-quorum': { usage: 'check-quorum on|off', apply: (w, o) => { o.raft = { ...o.raft, checkQuorum: onOff(w, 'on or off') }; } },
};

function parseNetwork(w: Words): Partial<NetworkSettings> {
  const s: Partial<Mutable<NetworkSettings>> = {};
  const keys = ['latency', 'loss', 'dup', 'reorder', 'reorder-delay'];
  if (w.done) throw w.error(`expected a network setting (${keys.join(', ')})`);
  while (!w.done) {
    const k = w.keyword('a network setting', keys);
    if (k === 'latency') s.latencyMs = [parseDuration(w), parseDuration(w)];
    else if (k === 'loss') s.dropRate = numArg(w, 'a rate');
    else if (k === 'dup') s.duplicateRate = numArg(w, 'a rate');
    else if (k === 'reorder-delay') s.reorderDelayMs = [parseDuration(w), parseDuration(w)];
    else {
      s.reorderRate = numArg(w, 'a rate');
      const t = w.peek();
      if (t !== undefined && !keys.includes(t.text)) s.reorderDelayMs = [parseDuration(w), parseDuration(w)];
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

interface CommandSpec {
  readonly usage: string;
  readonly kind: StepKind;
  /** May follow `at <time> #<events>` (a single user action, as the action log records it). */
  readonly replayable?: boolean;
  parse(w: Words, ctx: ParseContext): (r: ScenarioRunner, wait: boolean) => StepOutput | void;
}

const COMMANDS_USAGE_PUB = 'pub <topic> <text> [--id <id>] [--via <node>] [--client <client>] [--wait]';
const DEFAULT_UNTIL_MS = 10_000;
/** Longer than the console's own 5 s timeout, so a `cmd` always ends with a reply line. */
export const REPLY_WAIT_MS = 6000;
/** How long `elect <node>` waits for its node to lead when it gives no `within`. */
export const ELECT_WAIT_MS = 2000;
/** Longer than a publisher's 10 s give-up time. */
export const PUBLISH_WAIT_MS = 12_000;

function nodeAction(name: string, act: (c: SimCluster, id: string) => void): CommandSpec {
  return {
    usage: `${name} <node>`,
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const ref = parseNodeRef(w, ctx);
      w.end(`${name} <node>`);
      return (r) => act(r.cluster, r.resolveNode(ref));
    },
  };
}

/** `--flag value` / `--flag` options anywhere among the leading or trailing words. */
const PUB_FLAGS: Record<string, boolean> = { '--id': true, '--via': true, '--client': true, '--wait': false };

function takeFlags(w: Words, flags: Record<string, boolean>, into: Map<string, string>): void {
  // Object.hasOwn, not `in`: a message word such as `valueOf` is not a flag.
  for (let t = w.peek(); t !== undefined && !t.quoted && Object.hasOwn(flags, t.text); t = w.peek()) {
    w.next();
    if (into.has(t.text)) throw w.error(`${t.text} given twice`);
    into.set(t.text, flags[t.text] ? w.word(`a value for ${t.text}`) : '');
  }
}

/** Splits trailing `--flag [value]` words off a free text (a quoted text keeps its flag-like words). */
function trailingFlags(text: string, flags: Record<string, boolean>, into: Map<string, string>, w: Words): string {
  let rest = text;
  const take = (flag: string, value: string, at: number): void => {
    if (into.has(flag)) throw w.error(`${flag} given twice`);
    into.set(flag, value);
    rest = rest.slice(0, at);
  };
  for (;;) {
    const bare = /\s+(--[\w-]+)\s*$/.exec(rest);
    if (bare !== null && Object.hasOwn(flags, bare[1]) && !flags[bare[1]]) {
      take(bare[1], '', bare.index);
      continue;
    }
    const pair = /\s+(--[\w-]+)\s+(\S+)\s*$/.exec(rest);
    if (pair !== null && Object.hasOwn(flags, pair[1]) && flags[pair[1]]) {
      take(pair[1], pair[2], pair.index);
      continue;
    }
    return rest;
  }
}

function waitFor(r: ScenarioRunner, done: () => boolean, maxMs: number): void {
  r.cluster.runUntil(done, maxMs);
}

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  run: {
    usage: 'run <duration> | run until <predicate> [within <duration>]',
    kind: 'time',
    parse(w, ctx) {
      if (w.accept('until') === undefined) {
        const ms = parseDuration(w);
        w.end('run <duration>');
        return (r) => r.cluster.runFor(ms);
      }
      const p = parseConjunction(w, ctx);
      const within = w.accept('within') !== undefined ? parseDuration(w) : DEFAULT_UNTIL_MS;
      w.end('run until <predicate> [within <duration>]');
      return (r) => {
        const from = r.eventNumber;
        let last = { ok: false, why: '' };
        const ok = r.cluster.runUntil(() => (last = testQuietly(p, r, from)).ok, within);
        if (!ok) throw new StepFailure(`not reached within ${fmt(within)}ms: ${last.why}`);
      };
    },
  },
  step: {
    usage: 'step [<events>]',
    kind: 'time',
    parse(w) {
      const n = w.done ? 1 : intArg(w, 'an event count', 1, MAX_STEP_EVENTS);
      w.end('step [<events>]');
      return (r) => {
        for (let i = 0; i < n; i++) if (!r.cluster.step()) throw new StepFailure('nothing left to happen');
      };
    },
  },
  crash: nodeAction('crash', (c, id) => c.crash(id)),
  restart: nodeAction('restart', (c, id) => c.restart(id)),
  disconnect: nodeAction('disconnect', (c, id) => c.disconnect(id)),
  reconnect: nodeAction('reconnect', (c, id) => c.reconnect(id)),
  timeout: nodeAction('timeout', (c, id) => c.timeout(id)),
  elect: {
    usage: 'elect <node> [within <duration>]',
    kind: 'action',
    parse(w, ctx) {
      const ref = parseNodeRef(w, ctx);
      const within = w.accept('within') !== undefined ? parseDuration(w) : ELECT_WAIT_MS;
      w.end('elect <node> [within <duration>]');
      return (r) => {
        const id = r.resolveNode(ref);
        const c = r.cluster;
        const deadline = c.now + within;
        // Time it out again and again (each time a new term) until it wins: what a learner does by hand.
        while (c.leader() !== id) {
          if (c.now >= deadline) throw new StepFailure(`${id} was not elected within ${fmt(within)}ms (${c.leader() ?? 'no one'} leads)`);
          if (!c.node(id).up) throw new StepFailure(`${id} is down`);
          if (c.node(id).role !== 'leader') c.timeout(id);
          c.runUntil(() => c.leader() === id, Math.min(60, deadline - c.now));
        }
      };
    },
  },
  partition: {
    usage: 'partition <nodes> [| <nodes> …]   (rest = every node not named; nodes named nowhere form one more group)',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      // One group is enough: `partition n1` cuts n1 off from every node not named (as partition([['n1']]) does).
      const groups: string[][] = [[]];
      while (!w.done) {
        const t = w.need('a node');
        if (t.text === '|') groups.push([]);
        else {
          if (t.text !== 'rest') checkNodeRef(w, ctx, t.text);
          groups[groups.length - 1].push(t.text);
        }
      }
      // A bare `partition` is partition([]): every node in one group (what toScenario writes for it).
      if (groups.length === 1 && groups[0].length === 0) groups.length = 0;
      return (r) => {
        const named = groups.map((g) => g.filter((x) => x !== 'rest').map((x) => r.resolveNode(x)));
        const all = new Set(named.flat());
        const rest = r.cluster.nodeIds.filter((id) => !all.has(id));
        r.cluster.partition(groups.map((g, i) => (g.includes('rest') ? [...named[i], ...rest] : named[i])));
      };
    },
  },
  heal: {
    usage: 'heal',
    kind: 'action',
    replayable: true,
    parse(w) {
      w.end('heal');
      return (r) => r.cluster.heal();
    },
  },
  cut: linkCommand('cut', (c, a, b) => c.cutLink(a, b)),
  restore: linkCommand('restore', (c, a, b) => c.restoreLink(a, b)),
  net: {
    usage: HEADERS.net.usage,
    kind: 'action',
    replayable: true,
    parse(w) {
      const s = parseNetwork(w);
      return (r) => r.cluster.setNetwork(s);
    },
  },
  clock: {
    usage: 'clock <node|all|followers> [offset <ms>] [drift <ppm>] [step <ms>]',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const subject = parseSubject(w, ctx);
      if (subject.kind === 'any' || subject.kind === 'majority') throw w.error(`clock takes a node, all or followers (not ${subject.kind})`);
      const change: Array<[string, number]> = [];
      const names: Record<string, string> = { offset: 'offsetMs', drift: 'driftPpm', step: 'stepMs' };
      while (!w.done) {
        const k = w.keyword('offset, drift or step', Object.keys(names));
        change.push([names[k], numArg(w, k === 'drift' ? 'ppm' : 'milliseconds')]);
      }
      if (change.length === 0) throw w.error('expected offset, drift or step');
      return (r) => {
        const c = r.cluster;
        const leader = c.leader();
        const ids =
          subject.kind === 'node' ? [r.resolveNode(subject.ref)] : subject.kind === 'followers' ? c.nodeIds.filter((id) => id !== leader) : [...c.nodeIds];
        for (const id of ids) c.setClock(id, Object.fromEntries(change));
      };
    },
  },
  propose: {
    usage: 'propose <node> <text>',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const ref = parseNodeRef(w, ctx);
      const text = w.restText('a command text');
      return (r) => {
        const id = r.resolveNode(ref);
        const placed = r.cluster.propose(id, text);
        r.lastProposal = { node: id, placed };
        return { output: [placed === undefined ? `refused: ${id} is not the leader` : `index ${placed.index} term ${placed.term}`] };
      };
    },
  },
  pub: {
    usage: COMMANDS_USAGE_PUB,
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const flags = new Map<string, string>();
      takeFlags(w, PUB_FLAGS, flags);
      const topic = w.word('a topic');
      takeFlags(w, PUB_FLAGS, flags);
      let message: string;
      if (w.peek()?.quoted === true) {
        // A quoted message: its flag-like words are text; only words after the closing quote are flags.
        message = w.need('a message').text;
        takeFlags(w, PUB_FLAGS, flags);
        w.end(COMMANDS_USAGE_PUB);
      } else message = trailingFlags(w.restText('a message'), PUB_FLAGS, flags, w);
      const via = flags.get('--via');
      if (via !== undefined) checkNodeRef(w, ctx, via);
      return (r, wait) => {
        const options: { id?: string; via?: string; client?: string } = {};
        if (flags.has('--id')) options.id = r.word(flags.get('--id')!);
        if (via !== undefined) options.via = r.resolveNode(via);
        if (flags.has('--client')) options.client = flags.get('--client')!;
        const p = r.cluster.publish(topic, message, options);
        r.publishes.set(p.id, p);
        r.lastPublish = p;
        if (wait && flags.has('--wait')) {
          waitFor(r, () => p.status !== 'pending', PUBLISH_WAIT_MS);
          return { output: [`${p.id} ${p.status}${p.offset !== undefined ? ` at offset ${p.offset}` : ''}`] };
        }
        return { output: [`${p.id} sent`] };
      };
    },
  },
  sub: {
    usage: 'sub <topic> [--via <node>] [--client <client>]',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const flags = new Map<string, string>();
      const topic = w.word('a topic');
      takeFlags(w, { '--via': true, '--client': true }, flags);
      w.end('sub <topic> [--via <node>] [--client <client>]');
      const via = flags.get('--via') ?? 'leader';
      checkNodeRef(w, ctx, via);
      return (r, wait) => {
        const client = flags.get('--client');
        const h = r.cluster.subscribe(r.resolveNode(via), topic, client === undefined ? {} : { client });
        r.lastReply = h;
        if (wait) waitFor(r, () => h.done, REPLY_WAIT_MS);
        return { output: [...h.lines] };
      };
    },
  },
  cmd: {
    usage: 'cmd [--client <client>] [--no-wait] <node> <line>',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const flags = new Map<string, string>();
      takeFlags(w, { '--client': true, '--no-wait': false }, flags);
      const ref = parseNodeRef(w, ctx);
      const line = w.restText('a protocol line');
      return (r, wait) => {
        const client = flags.get('--client');
        const h = r.cluster.command(r.resolveNode(ref), line, client === undefined ? {} : { client });
        r.lastReply = h;
        if (wait && !flags.has('--no-wait')) waitFor(r, () => h.done, REPLY_WAIT_MS);
        return { output: [...h.lines] };
      };
    },
  },
  reset: {
    usage: 'reset <client> <node>   (break that client\'s connection to the node)',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const client = w.word('a client');
      const ref = parseNodeRef(w, ctx);
      w.end('reset <client> <node>');
      return (r) => {
        const node = r.resolveNode(ref);
        if (!r.cluster.resetConnection(client, node)) return { output: [`${client} had no connection to ${node}`] };
        return { output: [`${client}'s connection to ${node} reset`] };
      };
    },
  },
  drop: {
    usage: 'drop #<message id> | drop <type|*> [from=<node>] [to=<node>] [word…] [all]',
    kind: 'action',
    replayable: true,
    parse(w) {
      const t = w.peek();
      if (t !== undefined && /^#\d+$/.test(t.text)) {
        w.next();
        w.end('drop #<message id>');
        const id = Number(t.text.slice(1));
        return (r, wait) => {
          // Replayed (`at …`), it does what the recorded call did: dropping a message no longer in flight changes nothing.
          if (!r.cluster.dropMessage(id) && wait) throw new StepFailure(`message #${id} is not in flight`);
        };
      }
      const f = parseFilter(w, 'a message type');
      const all = f.words.length > 0 && f.words[f.words.length - 1].value === 'all' && f.words[f.words.length - 1].key === undefined;
      const filter: EventFilter = all ? { kind: f.kind, words: f.words.slice(0, -1) } : f;
      return (r) => {
        const match = filterMatcher(filter, r, 'type');
        const ids = [...new Set(r.cluster.inFlight().filter(match).map((m) => m.id))];
        if (ids.length === 0) throw new StepFailure(`no '${describeFilter(filter)}' message in flight`);
        for (const id of all ? ids : ids.slice(0, 1)) r.cluster.dropMessage(id);
        return { output: [`dropped ${(all ? ids : ids.slice(0, 1)).map((id) => `#${id}`).join(' ')}`] };
      };
    },
  },
  deliver: {
    // The interleaving explorer's move, also for hand-made interleavings: this message arrives now.
    usage: 'deliver #<message id> [copy] | deliver <type|*> [from=<node>] [to=<node>] [word…]',
    kind: 'time',
    replayable: true,
    parse(w) {
      const t = w.peek();
      if (t !== undefined && /^#\d+$/.test(t.text)) {
        w.next();
        const copy = w.accept('copy') !== undefined;
        w.end('deliver #<message id> [copy]');
        const id = Number(t.text.slice(1));
        return (r) => {
          if (!r.cluster.deliver(id, copy)) throw new StepFailure(`message #${id}${copy ? ' (its copy)' : ''} is not in flight`);
        };
      }
      const filter = parseFilter(w, 'a message type or #id');
      return (r) => {
        const m = r.cluster.inFlight().find(filterMatcher(filter, r, 'type'));
        if (m === undefined) throw new StepFailure(`no '${describeFilter(filter)}' message in flight`);
        r.cluster.deliver(m.id, m.duplicate);
        return { output: [`delivered #${m.id} ${m.type} ${m.from}→${m.to}`] };
      };
    },
  },
  fire: {
    usage: 'fire <node> <timer>   (timer: election, heartbeat, replicate, …)',
    kind: 'time',
    replayable: true,
    parse(w, ctx) {
      const ref = parseNodeRef(w, ctx);
      const timer = w.word('a timer (election, heartbeat, replicate, …)');
      w.end('fire <node> <timer>');
      return (r) => {
        const id = r.resolveNode(ref);
        if (!r.cluster.fire(id, timer)) {
          const running = r.cluster.runningTimers().filter((x) => x.node === id).map((x) => x.timer);
          throw new StepFailure(`${id}'s ${timer} timer is not running (running: ${running.join(', ') || 'none'})`);
        }
      };
    },
  },
  duplicate: {
    usage: 'duplicate #<message id>',
    kind: 'action',
    replayable: true,
    parse(w) {
      const t = w.need('#<message id>');
      if (!/^#\d+$/.test(t.text)) throw w.error(`expected #<message id>, got '${t.text}'`);
      w.end('duplicate #<message id>');
      const id = Number(t.text.slice(1));
      return (r) => {
        if (!r.cluster.duplicate(id)) throw new StepFailure(`message #${id} is not in flight (or has a copy already)`);
      };
    },
  },
  chaos: {
    usage: 'chaos <duration> | chaos until <predicate> [within <duration>]',
    kind: 'time',
    parse(w, ctx) {
      if (w.accept('until') === undefined) {
        const ms = parseDuration(w);
        w.end('chaos <duration>');
        return (r) => {
          const end = r.cluster.now + ms;
          while (r.cluster.now < end) chaosMove(r, end);
        };
      }
      const p = parseConjunction(w, ctx);
      const within = w.accept('within') !== undefined ? parseDuration(w) : DEFAULT_UNTIL_MS;
      w.end('chaos until <predicate> [within <duration>]');
      return (r) => {
        const from = r.eventNumber;
        const end = r.cluster.now + within;
        let last = testQuietly(p, r, from);
        while (!last.ok && r.cluster.now < end) {
          chaosMove(r, end, () => (last = testQuietly(p, r, from)).ok);
        }
        if (!last.ok) throw new StepFailure(`not reached within ${fmt(within)}ms of chaos: ${last.why}`);
      };
    },
  },
  check: {
    usage: 'check messaging',
    kind: 'check',
    parse(w) {
      w.keyword("'messaging'", ['messaging']);
      w.end('check messaging');
      return (r) => r.cluster.checkMessaging();
    },
  },
  let: {
    usage: 'let <name> = <value>',
    kind: 'note',
    parse(w, ctx) {
      const name = w.word('a variable name').replace(/^\$/, '');
      if (!/^[A-Za-z_][\w-]*$/.test(name)) throw w.error(`bad variable name '${name}'`);
      if (BUILTIN_NODE.test(name) || ctx.nodeIds?.includes(name)) throw w.error(`'${name}' is a node name; pick another variable name`);
      w.keyword("'='", ['=']);
      const v = parseValue(w, ctx);
      w.end('let <name> = <value>');
      return (r) => {
        const value = v.evaluate(r);
        if (value === undefined) throw new StepFailure(`$${name} has no value here`);
        r.vars.set(name, value);
        return { output: [`$${name} = ${value}`] };
      };
    },
  },
  // ---- issue 13: membership (§6), leadership transfer (thesis §3.10), snapshots (§7) ----
  'add-node': {
    usage: 'add-node [<id>]   (a new empty node, n<k> unless named; it joins as a learner, then a voter)',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const named = w.done ? undefined : w.word('a node id');
      w.end('add-node [<id>]');
      // Later lines may name the new node: its id is known now (the smallest n<k> never used).
      if (ctx.nodeIds !== undefined) {
        let id = named;
        if (id === undefined) {
          let k = 1;
          while (ctx.nodeIds.includes(`n${k}`)) k++;
          id = `n${k}`;
        }
        ctx.nodeIds = [...ctx.nodeIds, id];
      }
      return (r) => ({ output: [`added ${r.cluster.addNode(named === undefined ? {} : { id: named })}`] });
    },
  },
  'remove-node': nodeAction('remove-node', (c, id) => c.removeNode(id)),
  transfer: {
    usage: 'transfer <node>   (leadership transfer to that voter)',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const ref = parseNodeRef(w, ctx);
      w.end('transfer <node>');
      return (r) => {
        const id = r.resolveNode(ref);
        return { output: [r.cluster.transferLeadership(id) ? `transferring leadership to ${id}` : `refused: no leader, or ${id} is not a voter or already leads`] };
      };
    },
  },
  snapshot: {
    usage: 'snapshot <node>   (compact its log now)',
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const ref = parseNodeRef(w, ctx);
      w.end('snapshot <node>');
      return (r) => {
        const id = r.resolveNode(ref);
        const done = r.cluster.snapshot(id);
        return { output: [done ? `${id} snapshot up to index ${r.cluster.node(id).snapshot!.lastIncludedIndex}` : `${id}: nothing new to snapshot`] };
      };
    },
  },
  mark: {
    usage: 'mark',
    kind: 'note',
    parse(w) {
      w.end('mark');
      return (r) => r.mark();
    },
  },
  expect: {
    usage: 'expect [not] <predicate> [and <predicate>…]',
    kind: 'check',
    parse(w, ctx) {
      const p = parseConjunction(w, ctx);
      w.end('expect <predicate>');
      return (r) => {
        const res = p.test(r, r.windowFrom);
        if (!res.ok) throw new StepFailure(res.why);
      };
    },
  },
};

/**
 * One random fault or proposal, then 5–150 ms of running (stopping early at `end`, or when `stop` holds):
 * crash (while more than one node is up), restart, a two-way partition, heal, a forced timeout, or
 * proposals at every node that believes it leads. Every move is a recorded user action, so a run
 * with chaos replays exactly from its action log.
 */
function chaosMove(r: ScenarioRunner, end: number, stop?: () => boolean): void {
  const c = r.cluster;
  const rng = r.chaos;
  const ids = c.nodeIds;
  const roll = rng.next();
  if (roll < 0.1) {
    const up = ids.filter((id) => c.node(id).up);
    if (up.length > 1) c.crash(rng.pick(up));
  } else if (roll < 0.25) {
    const down = ids.filter((id) => !c.node(id).up);
    if (down.length > 0) c.restart(rng.pick(down));
  } else if (roll < 0.33) {
    const order = [...ids];
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const k = rng.int(1, Math.max(1, ids.length - 1));
    if (ids.length > 1) c.partition([order.slice(0, k), order.slice(k)]);
  } else if (roll < 0.4) {
    c.heal();
  } else if (roll < 0.45) {
    c.timeout(rng.pick(ids));
  } else {
    for (const id of ids) if (c.node(id).up && c.node(id).role === 'leader') c.propose(id, `chaos-${r.chaosProposals++}`);
  }
  const ms = Math.min(rng.int(5, 150), end - c.now);
  if (stop === undefined) c.runFor(ms);
  else c.runUntil(stop, ms);
}

function linkCommand(name: string, act: (c: SimCluster, from: string, to: string) => void): CommandSpec {
  const usage = `${name} <from> <to> [both]`;
  return {
    usage,
    kind: 'action',
    replayable: true,
    parse(w, ctx) {
      const a = parseNodeRef(w, ctx);
      const b = parseNodeRef(w, ctx);
      const both = w.accept('both') !== undefined;
      w.end(usage);
      return (r) => {
        const x = r.resolveNode(a);
        const y = r.resolveNode(b);
        act(r.cluster, x, y);
        if (both) act(r.cluster, y, x);
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

export interface ParseOptions {
  /** Line number of the text's first line (for fragments taken from a larger file). Default 1. */
  firstLine?: number;
  /** Whether header lines are allowed (default true). */
  header?: boolean;
  /** The cluster's node ids, when known beforehand (fragments); otherwise taken from the header. */
  nodeIds?: readonly string[];
  /** Only these commands are allowed (e.g. checks: ['expect', 'let']). */
  only?: readonly string[];
}

function nodeIdsOf(options: ClusterOptions): readonly string[] | undefined {
  if (options.config !== undefined) return undefined;
  return Array.from({ length: options.nodes ?? 5 }, (_, i) => `n${i + 1}`);
}

/** Parses scenario text into header options and steps; throws ScenarioError at the first bad line. */
export function parseScenario(text: string, options: ParseOptions = {}): Scenario {
  const first = options.firstLine ?? 1;
  const clusterOptions: Mutable<ClusterOptions> = {};
  const header: HeaderLine[] = [];
  const steps: ScenarioStep[] = [];
  let ctx: ParseContext | undefined = options.nodeIds !== undefined ? { nodeIds: options.nodeIds } : undefined;
  const allowHeader = options.header !== false;
  const known = [...Object.keys(COMMANDS), 'at', ...(allowHeader ? Object.keys(HEADERS) : [])];
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = first + i;
    const source = rawLine.trim();
    if (source.length === 0 || source.startsWith('#')) return;
    const w = new Words(source, line);
    const name = w.word('a command');
    if (Object.hasOwn(HEADERS, name) && !(name === 'net' && steps.length > 0)) {
      if (!allowHeader) {
        if (name !== 'net') throw w.error(`'${name}' sets up a cluster and is not allowed here`);
      } else {
        if (steps.length > 0) throw w.error(`'${name}' sets up the cluster and must come before the first command`);
        HEADERS[name].apply(w, clusterOptions);
        w.end(HEADERS[name].usage);
        header.push({ line, source, name });
        return;
      }
    }
    ctx ??= { nodeIds: nodeIdsOf(clusterOptions) };
    if (name === 'at') {
      steps.push(parseAt(w, ctx, source, line, options.only));
      return;
    }
    if (!Object.hasOwn(COMMANDS, name)) throw w.error(`unknown command '${name}'${suggest(name, known)}`);
    if (options.only !== undefined && !options.only.includes(name)) throw w.error(`'${name}' is not allowed here (only ${options.only.join(', ')})`);
    const spec = COMMANDS[name];
    const exec = spec.parse(w, ctx);
    steps.push({ line, source, command: name, kind: spec.kind, exec });
  });
  return { options: clusterOptions, header, steps, ...(ctx?.nodeIds !== undefined ? { nodeIds: ctx.nodeIds } : {}) };
}

function parseAt(w: Words, ctx: ParseContext, source: string, line: number, only: readonly string[] | undefined): ScenarioStep {
  if (only !== undefined && !only.includes('at')) throw w.error(`'at' is not allowed here (only ${only.join(', ')})`);
  // An absolute time: a long recorded run may end past a day, so only finiteness is required.
  const ms = parseDuration(w, 'a time like 1234.5ms', Number.MAX_VALUE);
  let events: number | undefined;
  const t = w.peek();
  if (t !== undefined && /^#\d+$/.test(t.text)) {
    w.next();
    events = Number(t.text.slice(1));
  }
  let inner: ((r: ScenarioRunner, wait: boolean) => StepOutput | void) | undefined;
  let command = 'at';
  let kind: StepKind = 'time';
  if (!w.done) {
    command = w.word('a command');
    const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (spec === undefined) throw w.error(`unknown command '${command}'${suggest(command, Object.keys(COMMANDS))}`);
    if (spec.replayable !== true) throw w.error(`'${command}' cannot follow 'at' (only single actions can: ${Object.keys(COMMANDS).filter((k) => COMMANDS[k].replayable === true).join(', ')})`);
    inner = spec.parse(w, ctx);
    kind = spec.kind;
  }
  const at = events === undefined ? { ms } : { ms, events };
  return {
    line,
    source,
    command,
    kind,
    at,
    exec(r) {
      const c = r.cluster;
      if (events !== undefined) c.advanceTo(events, ms);
      else {
        if (ms < c.now) throw new StepFailure(`t=${fmt(ms)}ms has already passed`);
        c.runFor(ms - c.now);
      }
      return inner?.(r, false);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Running whole scenarios
// ---------------------------------------------------------------------------------------------

/** Parses (if needed) and runs a scenario on a fresh cluster; `seed` overrides the header's. */
export function runScenario(scenario: string | Scenario, options: { seed?: number; keepGoing?: boolean } = {}): ScenarioResult {
  const s = typeof scenario === 'string' ? parseScenario(scenario) : scenario;
  const clusterOptions = options.seed === undefined ? s.options : { ...s.options, seed: options.seed };
  const runner = new ScenarioRunner(clusterOptions);
  const results = runner.run(s.steps, { keepGoing: options.keepGoing });
  const failure = results.find((x) => x.status === 'failed');
  return { ok: failure === undefined, seed: runner.seed, results, runner, ...(failure !== undefined ? { failure } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Writing scenarios: an action log as replayable text (share links, "save as test")
// ---------------------------------------------------------------------------------------------

/** A text written bare when it reads back the same, else as a JSON string. */
function textArg(s: string, flagSafe = false): string {
  const plain =
    s.length > 0 && s === s.trim() && !/[\r\n]/.test(s) && !s.startsWith('"') && !(flagSafe && /(^|\s)--(id|via|client|wait)(\s|$)/.test(s));
  return plain ? s : JSON.stringify(s);
}

function wordArg(s: string): string {
  return s.length > 0 && !/\s/.test(s) && !s.startsWith('"') ? s : JSON.stringify(s);
}

const num = (x: number): string => String(x);

function networkWords(s: Partial<NetworkSettings>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) continue;
    if (k === 'latencyMs') out.push(`latency ${num((v as number[])[0])} ${num((v as number[])[1])}`);
    else if (k === 'dropRate') out.push(`loss ${num(v as number)}`);
    else if (k === 'duplicateRate') out.push(`dup ${num(v as number)}`);
    else if (k === 'reorderRate') out.push(`reorder ${num(v as number)}`);
    else if (k === 'reorderDelayMs') out.push(`reorder-delay ${num((v as number[])[0])} ${num((v as number[])[1])}`);
    else throw new Error(`toScenario: unknown network setting '${k}'`);
  }
  return out.join(' ');
}

/** Header lines that recreate `options`. */
export function optionsToHeader(options: ClusterOptions): string[] {
  const h: string[] = [];
  const known = new Set([
    'seed', 'nodes', 'config', 'electionTimeoutMs', 'heartbeatMs', 'startupGraceMs', 'network', 'clocks', 'detector', 'rules', 'checkers', 'journalLimit',
    'broker', 'maxEntriesPerMessage', 'maxInflight', 'snapshotEvery', 'reads', 'raft', 'recordActions',
  ]);
  for (const k of Object.keys(options)) {
    if (!known.has(k)) throw new Error(`toScenario: unknown cluster option '${k}'`);
  }
  const o = options;
  if (o.seed !== undefined) h.push(`seed ${o.seed}`);
  if (o.nodes !== undefined) h.push(`nodes ${o.nodes}`);
  if (o.config !== undefined) h.push(`config ${JSON.stringify(o.config)}`);
  if (o.electionTimeoutMs !== undefined) h.push(`election-timeout ${num(o.electionTimeoutMs[0])} ${num(o.electionTimeoutMs[1])}`);
  if (o.heartbeatMs !== undefined) h.push(`heartbeat ${num(o.heartbeatMs)}`);
  if (o.startupGraceMs !== undefined) h.push(`startup-grace ${num(o.startupGraceMs)}`);
  if (o.network !== undefined && Object.values(o.network).some((v) => v !== undefined)) h.push(`net ${networkWords(o.network)}`);
  const c = o.clocks ?? {};
  if (c.sync !== undefined) h.push(`sync ${c.sync}`);
  if (c.syncIntervalMs !== undefined) h.push(`sync-interval ${num(c.syncIntervalMs)}`);
  if (c.offsetMsMax !== undefined) h.push(`clock-offset-max ${num(c.offsetMsMax)}`);
  if (c.driftPpmMax !== undefined) h.push(`clock-drift-max ${num(c.driftPpmMax)}`);
  if (c.countSelf !== undefined) h.push(`count-self ${c.countSelf ? 'on' : 'off'}`);
  const d = o.detector ?? {};
  if (d.suspectAfterMs !== undefined) h.push(`suspect-after ${num(d.suspectAfterMs)}`);
  if (d.kind !== undefined) h.push(`detector ${d.kind}`);
  if (d.phiThreshold !== undefined) h.push(`phi-threshold ${num(d.phiThreshold)}`);
  if (d.mode !== undefined) h.push(`detector-mode ${d.mode}`);
  for (const [name, key] of Object.entries(RULES)) {
    const v = o.rules?.[key];
    if (v !== undefined) h.push(`rules ${name} ${v ? 'on' : 'off'}`);
  }
  if (o.checkers !== undefined) h.push(`checkers ${o.checkers === false ? 'off' : o.checkers}`);
  if (o.journalLimit !== undefined) h.push(`journal-limit ${o.journalLimit}`);
  const b = o.broker ?? {};
  if (b.dedupWindow !== undefined) h.push(`dedup-window ${b.dedupWindow}`);
  if (b.dedup !== undefined) h.push(`dedup ${b.dedup === true ? 'on' : b.dedup === false ? 'off' : b.dedup}`);
  if (b.maxDelayMs !== undefined) h.push(`max-delay ${num(b.maxDelayMs)}`);
  if (b.commitTimeoutMs !== undefined) h.push(`commit-timeout ${num(b.commitTimeoutMs)}`);
  if (b.retain !== undefined && b.retain !== Infinity) h.push(`retain ${b.retain}`);
  if (o.maxEntriesPerMessage !== undefined) h.push(`max-entries ${o.maxEntriesPerMessage}`);
  if (o.maxInflight !== undefined) h.push(`max-inflight ${o.maxInflight}`);
  if (o.snapshotEvery !== undefined) h.push(`snapshot-every ${o.snapshotEvery}`);
  if (o.reads !== undefined) h.push(`reads ${o.reads}`);
  if (o.raft?.preVote !== undefined) h.push(`pre-vote ${o.raft.preVote ? 'on' : 'off'}`);
  if (o.raft?.checkQuorum !== undefined) h.push(`check-quorum ${o.raft.checkQuorum ? 'on' : 'off'}`);
  return h;
}

/** One recorded action as a command (without its `at` prefix). */
export function actionToCommand(a: ActionRecord): string {
  const args = a.args;
  const s = (i: number): string => String(args[i]);
  switch (a.op) {
    case 'crash':
    case 'restart':
    case 'disconnect':
    case 'reconnect':
    case 'timeout':
      return `${a.op} ${s(0)}`;
    case 'heal':
      return 'heal';
    case 'partition':
      return `partition ${(args[0] as string[][]).map((g) => g.join(' ')).join(' | ')}`.trimEnd();
    case 'cutLink':
      return `cut ${s(0)} ${s(1)}`;
    case 'restoreLink':
      return `restore ${s(0)} ${s(1)}`;
    case 'setNetwork':
      return `net ${networkWords(args[0] as Partial<NetworkSettings>)}`;
    case 'setClock': {
      const names: Record<string, string> = { offsetMs: 'offset', driftPpm: 'drift', stepMs: 'step' };
      const parts = Object.entries(args[1] as Record<string, number | undefined>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => {
          if (!Object.hasOwn(names, k)) throw new Error(`toScenario: unknown clock change '${k}'`);
          return `${names[k]} ${num(v!)}`;
        });
      return `clock ${s(0)} ${parts.join(' ')}`;
    }
    case 'dropMessage':
      return `drop #${s(0)}`;
    case 'deliver':
      return `deliver #${s(0)}${args[1] === true ? ' copy' : ''}`;
    case 'fire':
      return `fire ${s(0)} ${wordArg(s(1))}`;
    case 'duplicate':
      return `duplicate #${s(0)}`;
    case 'propose':
      return `propose ${s(0)} ${textArg(s(1))}`;
    case 'publish': {
      const o = (args[2] ?? {}) as { id?: string; via?: string; client?: string };
      const flags = [
        o.id !== undefined ? `--id ${wordArg(o.id)}` : '',
        o.via !== undefined ? `--via ${o.via}` : '',
        o.client !== undefined ? `--client ${wordArg(o.client)}` : '',
      ].filter((x) => x !== '');
      return ['pub', ...flags, wordArg(s(0)), textArg(s(1), true)].join(' ');
    }
    case 'resetConnection':
      return `reset ${wordArg(s(0))} ${s(1)}`;
    case 'subscribe': {
      const o = (args[2] ?? {}) as { client?: string };
      return ['sub', wordArg(s(1)), `--via ${s(0)}`, ...(o.client !== undefined ? [`--client ${wordArg(o.client)}`] : [])].join(' ');
    }
    case 'command': {
      const o = (args[2] ?? {}) as { client?: string };
      return ['cmd', ...(o.client !== undefined ? [`--client ${wordArg(o.client)}`] : []), s(0), textArg(s(1))].join(' ');
    }
    case 'addNode': {
      const o = (args[0] ?? {}) as { id?: string };
      return o.id === undefined ? 'add-node' : `add-node ${wordArg(o.id)}`;
    }
    case 'removeNode':
      return `remove-node ${s(0)}`;
    case 'transferLeadership':
      return `transfer ${s(0)}`;
    case 'snapshot':
      return `snapshot ${s(0)}`;
  }
  throw new Error(`toScenario: cannot write action '${a.op}'`);
}

/**
 * Scenario text that replays a recorded run exactly: the options as header lines, then each action at
 * the exact time and event count it was taken (`at 1234.5ms #5678 crash n1`), then, when `end` is
 * given, a bare `at` line that runs on to that point.
 */
export function toScenario(options: ClusterOptions, actions: readonly ActionRecord[], end?: { at: number; events: number }): string {
  const lines = optionsToHeader(options);
  for (const a of actions) lines.push(`at ${num(a.at)}ms #${a.events} ${actionToCommand(a)}`);
  if (end !== undefined) lines.push(`at ${num(end.at)}ms #${end.events}`);
  return lines.join('\n') + '\n';
}

/** Usage lines of every header and command, for help screens. */
export function scenarioHelp(): string[] {
  return [...Object.values(HEADERS).map((h) => h.usage), ...Object.values(COMMANDS).map((c) => c.usage), 'at <time>ms [#<events>] [<command>]'];
}
