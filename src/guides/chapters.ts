// Guide chapters: loads and validates chapter files (Markdown with YAML front matter) and walks them
// headlessly on the real engine, so a chapter never narrates something that did not happen.
//
// A chapter file:
//
//   ---                                  front matter (YAML): id, order, title, summary, seed,
//   id: election                         seedIndependent, sources [{title, url}], setup (header lines)
//   …
//   ---
//   Intro prose (Markdown).
//   ## Step title                        one `##` section per step, 5–12 of them
//   Prose: what to look at.
//   ```scenario                          commands that set up or advance the cluster
//   ```check                             `expect` lines that must hold before the prose is shown
//   ```predict                           optional YAML: kind, question, answer | choices
//   ```setup                             optional header lines: this step starts a fresh cluster
//   ## Challenge: …                      optional last section with a ```challenge YAML block
//
// Other fenced blocks (```text …) stay in the prose.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ClusterOptions } from '../sim/types';
import {
  compilePredicate,
  compileValue,
  parseScenario,
  ScenarioError,
  ScenarioRunner,
  type CompiledPredicate,
  type CompiledValue,
  type Scenario,
  type StepResult,
} from '../sim/scenario';

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

export interface Source {
  readonly title: string;
  readonly url: string;
}

/** A scenario fragment with the file line it starts on. */
export interface Fragment {
  readonly text: string;
  /** 1-based line in the chapter file of the fragment's first line. */
  readonly line: number;
  readonly scenario: Scenario;
}

export type PredictKind = 'pick-a-node' | 'pick-an-offset' | 'pick-a-number' | 'pick-one';

export interface PredictChoice {
  readonly label: string;
  /** Holds after the step exactly when this is the right answer. */
  readonly when: CompiledPredicate;
}

/**
 * A question asked BEFORE the step runs; the engine's answer is computed AFTER it ran, so the player
 * checks the learner's click against what actually happened.
 */
export interface Predict {
  readonly kind: PredictKind;
  readonly question: string;
  /** pick-a-node / pick-an-offset / pick-a-number: a value expression (`leader`, `publish last offset`). */
  readonly answer?: CompiledValue;
  /** pick-one: the choices, one of which holds after the step. */
  readonly choices?: readonly PredictChoice[];
  /** Shown after answering. */
  readonly explain?: string;
}

export interface ChapterStep {
  /** 0-based position; deep links use index + 1 (`#guide/election/3`). */
  readonly index: number;
  readonly title: string;
  /** Markdown shown once the step's checks hold. */
  readonly prose: string;
  /** Header lines: the step starts a fresh cluster (chapter setup + these). */
  readonly setup?: Fragment;
  readonly scenario?: Fragment;
  readonly check?: Fragment;
  readonly predict?: Predict;
  /** 1-based line of the step's heading. */
  readonly line: number;
}

export interface Challenge {
  readonly title: string;
  /** Markdown: the task. */
  readonly prose: string;
  /** Header lines of the fresh cluster the challenge runs on (chapter setup + these); absent: the live cluster. */
  readonly setup?: Fragment;
  /** What success looks like (a predicate), checked by the player after each learner action. */
  readonly goal: CompiledPredicate;
  /** A scenario fragment that reaches the goal, walked headlessly to prove the challenge can be done. */
  readonly solution: Fragment;
  /** True: the same solution on the chapter's own cluster (without the challenge setup) must NOT reach the goal. */
  readonly control: boolean;
  readonly hint?: string;
  readonly line: number;
}

export interface Chapter {
  readonly id: string;
  readonly order: number;
  readonly title: string;
  readonly summary: string;
  readonly seed: number;
  /** Walks to its end for any seed (tests try 20 others). */
  readonly seedIndependent: boolean;
  readonly sources: readonly Source[];
  /** Header lines of the chapter's cluster (no seed: that comes from `seed`). */
  readonly setup: Fragment;
  readonly intro: string;
  readonly steps: readonly ChapterStep[];
  readonly challenge?: Challenge;
  /** Where the chapter came from (a file path), for messages. */
  readonly file: string;
}

/** A chapter file that does not load: the message names the file and line. */
export class ChapterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChapterError';
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

const FrontMatter = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case words joined by hyphens'),
  order: z.number().int().min(1),
  title: z.string().min(1),
  summary: z.string().min(1),
  seed: z.number().int(),
  seedIndependent: z.boolean(),
  sources: z.array(z.strictObject({ title: z.string().min(1), url: z.string().min(1) })).min(1),
  setup: z.string().default(''),
});

const PredictSchema = z.strictObject({
  kind: z.enum(['pick-a-node', 'pick-an-offset', 'pick-a-number', 'pick-one']),
  question: z.string().min(1),
  answer: z.string().min(1).optional(),
  choices: z.array(z.strictObject({ label: z.string().min(1), when: z.string().min(1) })).min(2).optional(),
  explain: z.string().min(1).optional(),
});

const ChallengeSchema = z.strictObject({
  setup: z.string().optional(),
  goal: z.string().min(1),
  solution: z.string().min(1),
  control: z.boolean().default(false),
  hint: z.string().min(1).optional(),
});

export const MIN_STEPS = 5;
export const MAX_STEPS = 12;

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

interface Block {
  readonly info: string;
  readonly text: string;
  /** Line of the block's first content line. */
  readonly line: number;
}

interface Section {
  readonly title: string;
  readonly line: number;
  readonly prose: string;
  readonly blocks: readonly Block[];
}

const SPECIAL = new Set(['scenario', 'check', 'predict', 'setup', 'challenge']);

/** Splits Markdown into the part before the first `## ` heading and one section per heading. */
function sections(lines: readonly string[], firstLine: number, where: (line: number) => string): { intro: string; sections: Section[] } {
  let intro: string[] = [];
  const out: Array<{ title: string; line: number; prose: string[]; blocks: Block[] }> = [];
  let fence: { marker: string; info: string; start: number; body: string[]; special: boolean } | undefined;
  lines.forEach((raw, i) => {
    const line = firstLine + i;
    const current = out[out.length - 1];
    const prose = current === undefined ? intro : current.prose;
    if (fence !== undefined) {
      if (raw.trimEnd() === fence.marker) {
        if (fence.special) {
          if (current === undefined) throw new ChapterError(`${where(fence.start)}: a \`\`\`${fence.info} block must be inside a '## ' step`);
          current.blocks.push({ info: fence.info, text: fence.body.join('\n'), line: fence.start + 1 });
        } else prose.push(raw);
        fence = undefined;
        return;
      }
      fence.body.push(raw);
      if (!fence.special) prose.push(raw);
      return;
    }
    const open = /^(`{3,})\s*([\w-]*)\s*$/.exec(raw);
    if (open !== null) {
      const info = open[2];
      fence = { marker: open[1], info, start: line, body: [], special: SPECIAL.has(info) };
      if (!fence.special) prose.push(raw);
      return;
    }
    const h = /^##\s+(.+?)\s*$/.exec(raw);
    if (h !== null && !raw.startsWith('###')) {
      out.push({ title: h[1], line, prose: [], blocks: [] });
      return;
    }
    prose.push(raw);
  });
  if (fence !== undefined) throw new ChapterError(`${where(fence.start)}: unclosed \`\`\`${fence.info} block`);
  intro = trimLines(intro);
  return {
    intro: intro.join('\n'),
    sections: out.map((s) => ({ title: s.title, line: s.line, prose: trimLines(s.prose).join('\n'), blocks: s.blocks })),
  };
}

function trimLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a].trim() === '') a++;
  while (b > a && lines[b - 1].trim() === '') b--;
  return lines.slice(a, b);
}

function zodMessage(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
}

/**
 * Loads one chapter file and validates everything that can be checked without running it: the front
 * matter, the step count, and every scenario, check, predict answer and challenge (parsed, with file
 * line numbers in errors). Throws ChapterError.
 */
export function loadChapter(text: string, file = 'chapter'): Chapter {
  const where = (line: number): string => `${file} line ${line}`;
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') throw new ChapterError(`${where(1)}: a chapter starts with '---' and YAML front matter`);
  const end = lines.indexOf('---', 1);
  if (end < 0) throw new ChapterError(`${where(1)}: the front matter has no closing '---'`);
  let meta: unknown;
  try {
    meta = parseYaml(lines.slice(1, end).join('\n'));
  } catch (err) {
    throw new ChapterError(`${where(2)}: front matter is not YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const fm = FrontMatter.safeParse(meta);
  if (!fm.success) throw new ChapterError(`${file}: front matter: ${zodMessage(fm.error)}`);
  const m = fm.data;

  const setupLine = lines.findIndex((l, i) => i < end && /^setup:/.test(l)) + 2;
  const setup = fragment(m.setup, setupLine > 1 ? setupLine : 1, where, { header: true });
  if (setup.scenario.steps.length > 0) throw new ChapterError(`${where(setup.scenario.steps[0].line)}: the setup holds header lines only`);
  const seedLine = setup.scenario.header.find((h) => h.name === 'seed');
  if (seedLine !== undefined) throw new ChapterError(`${where(seedLine.line)}: put the seed in 'seed:', not in the setup`);
  const nodeIds = idsOf(setup.scenario.options);

  const body = sections(lines.slice(end + 1), end + 2, where);
  const steps: ChapterStep[] = [];
  let challenge: Challenge | undefined;
  body.sections.forEach((s, i) => {
    const blocks = new Map<string, Block>();
    for (const b of s.blocks) {
      if (blocks.has(b.info)) throw new ChapterError(`${where(b.line - 1)}: step '${s.title}' has two \`\`\`${b.info} blocks`);
      blocks.set(b.info, b);
    }
    const ch = blocks.get('challenge');
    if (ch !== undefined) {
      if (i !== body.sections.length - 1) throw new ChapterError(`${where(s.line)}: the challenge must be the last section`);
      if (blocks.size > 1) throw new ChapterError(`${where(s.line)}: a challenge section holds only a \`\`\`challenge block`);
      challenge = loadChallenge(s, ch, where, nodeIds);
      return;
    }
    if (s.prose.length === 0) throw new ChapterError(`${where(s.line)}: step '${s.title}' has no prose`);
    const stepSetup = blocks.get('setup');
    const scenario = blocks.get('scenario');
    const check = blocks.get('check');
    const predict = blocks.get('predict');
    let stepIds = nodeIds;
    let setupFragment: Fragment | undefined;
    if (stepSetup !== undefined) {
      setupFragment = fragment(stepSetup.text, stepSetup.line, where, { header: true });
      if (setupFragment.scenario.steps.length > 0) throw new ChapterError(`${where(setupFragment.scenario.steps[0].line)}: a setup block holds header lines only`);
      stepIds = idsOf({ ...setup.scenario.options, ...setupFragment.scenario.options });
    }
    steps.push({
      index: steps.length,
      title: s.title,
      prose: s.prose,
      line: s.line,
      ...(setupFragment !== undefined ? { setup: setupFragment } : {}),
      ...(scenario !== undefined ? { scenario: fragment(scenario.text, scenario.line, where, { header: false, nodeIds: stepIds }) } : {}),
      ...(check !== undefined ? { check: fragment(check.text, check.line, where, { header: false, nodeIds: stepIds, only: ['expect', 'let'] }) } : {}),
      ...(predict !== undefined ? { predict: loadPredict(predict, where, stepIds) } : {}),
    });
  });
  if (steps.length < MIN_STEPS || steps.length > MAX_STEPS) {
    throw new ChapterError(`${file}: a chapter has ${MIN_STEPS}–${MAX_STEPS} steps ('## ' sections), this one has ${steps.length}`);
  }
  return {
    id: m.id,
    order: m.order,
    title: m.title,
    summary: m.summary,
    seed: m.seed,
    seedIndependent: m.seedIndependent,
    sources: m.sources,
    setup,
    intro: body.intro,
    steps,
    ...(challenge !== undefined ? { challenge } : {}),
    file,
  };
}

function idsOf(options: ClusterOptions): string[] {
  return Array.from({ length: options.nodes ?? 5 }, (_, i) => `n${i + 1}`);
}

function fragment(
  text: string,
  line: number,
  where: (line: number) => string,
  options: { header: boolean; nodeIds?: readonly string[]; only?: readonly string[] },
): Fragment {
  try {
    return { text, line, scenario: parseScenario(text, { firstLine: line, ...options }) };
  } catch (err) {
    throw relocate(err, where);
  }
}

/** A ScenarioError's `line N:` becomes `file line N:`. */
function relocate(err: unknown, where: (line: number) => string): Error {
  if (err instanceof ScenarioError) return new ChapterError(`${where(err.line)}: ${err.detail}`);
  return err instanceof Error ? err : new Error(String(err));
}

function yamlBlock(block: Block, where: (line: number) => string): unknown {
  try {
    return parseYaml(block.text);
  } catch (err) {
    throw new ChapterError(`${where(block.line)}: the \`\`\`${block.info} block is not YAML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

function loadPredict(block: Block, where: (line: number) => string, nodeIds: readonly string[]): Predict {
  const p = PredictSchema.safeParse(yamlBlock(block, where));
  if (!p.success) throw new ChapterError(`${where(block.line)}: predict: ${zodMessage(p.error)}`);
  const d = p.data;
  const at = (field: string): number => block.line + Math.max(0, block.text.split('\n').findIndex((l) => l.trimStart().startsWith(field)));
  try {
    if (d.kind === 'pick-one') {
      if (d.choices === undefined || d.answer !== undefined) throw new ChapterError(`${where(block.line)}: a pick-one predict has choices (label, when) and no answer`);
      return {
        kind: d.kind,
        question: d.question,
        choices: d.choices.map((c) => ({ label: c.label, when: compilePredicate(c.when, { nodeIds, line: at(`when: ${c.when}`) }) })),
        ...(d.explain !== undefined ? { explain: d.explain } : {}),
      };
    }
    if (d.answer === undefined || d.choices !== undefined) throw new ChapterError(`${where(block.line)}: a ${d.kind} predict has an answer and no choices`);
    return {
      kind: d.kind,
      question: d.question,
      answer: compileValue(d.answer, { nodeIds, line: at('answer') }),
      ...(d.explain !== undefined ? { explain: d.explain } : {}),
    };
  } catch (err) {
    throw relocate(err, where);
  }
}

function loadChallenge(s: Section, block: Block, where: (line: number) => string, nodeIds: readonly string[]): Challenge {
  const c = ChallengeSchema.safeParse(yamlBlock(block, where));
  if (!c.success) throw new ChapterError(`${where(block.line)}: challenge: ${zodMessage(c.error)}`);
  const d = c.data;
  const lineOf = (field: string): number => block.line + Math.max(0, block.text.split('\n').findIndex((l) => l.startsWith(field + ':'))) + 1;
  const setup = d.setup !== undefined ? fragment(d.setup, lineOf('setup'), where, { header: true }) : undefined;
  if (setup !== undefined && setup.scenario.steps.length > 0) throw new ChapterError(`${where(setup.line)}: a challenge setup holds header lines only`);
  if (d.control && setup === undefined) throw new ChapterError(`${where(block.line)}: 'control: true' needs a challenge setup to compare against`);
  let goal: CompiledPredicate;
  try {
    goal = compilePredicate(d.goal, { nodeIds, line: lineOf('goal') - 1 });
  } catch (err) {
    throw relocate(err, where);
  }
  return {
    title: s.title.replace(/^Challenge:\s*/i, ''),
    prose: s.prose,
    ...(setup !== undefined ? { setup } : {}),
    goal,
    solution: fragment(d.solution, lineOf('solution'), where, { header: false, nodeIds }),
    control: d.control,
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
    line: s.line,
  };
}

// ---------------------------------------------------------------------------------------------
// Walking
// ---------------------------------------------------------------------------------------------

export interface StepOutcome {
  readonly index: number;
  readonly title: string;
  /** The scenario ran and every check held: the prose may be shown. */
  readonly ok: boolean;
  /** The scenario's steps, then the checks. */
  readonly results: readonly StepResult[];
  /** Failure messages (file line, seed and virtual time included). */
  readonly failures: readonly string[];
  /** The engine's answer to the step's predict question (a node id, a number, or a pick-one label). */
  readonly answer?: string | number;
}

export interface ChallengeOutcome {
  readonly ok: boolean;
  readonly failures: readonly string[];
}

export interface WalkResult {
  readonly chapter: string;
  readonly seed: number;
  readonly ok: boolean;
  readonly steps: readonly StepOutcome[];
  readonly challenge?: ChallengeOutcome;
  /** Every failure, in order. */
  readonly failures: readonly string[];
}

/** The cluster options of a chapter (plus a step's or challenge's setup) for one seed. */
export function chapterOptions(chapter: Chapter, seed: number, extra?: Fragment): ClusterOptions {
  return { ...mergeOptions(chapter.setup.scenario.options, extra?.scenario.options ?? {}), seed };
}

function mergeOptions(a: ClusterOptions, b: ClusterOptions): ClusterOptions {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof prev === 'object' && prev !== null ? { ...prev, ...v } : v;
  }
  return out as ClusterOptions;
}

const failed = (results: readonly StepResult[]): string[] => results.filter((r) => r.status === 'failed').map((r) => r.message ?? r.source);

/**
 * One learner's pass through a chapter on a live cluster: `next()` runs the next step's scenario and
 * checks; the player shows the step's prose only when the outcome is ok. Rewinding is making a new
 * session and calling `next()` up to the step wanted (see `sessionAt`): runs are deterministic.
 */
export class ChapterSession {
  runner: ScenarioRunner;
  /** Steps done so far. */
  position = 0;

  constructor(
    readonly chapter: Chapter,
    readonly seed: number = chapter.seed,
  ) {
    this.runner = new ScenarioRunner(chapterOptions(chapter, seed));
  }

  get done(): boolean {
    return this.position >= this.chapter.steps.length;
  }

  next(): StepOutcome {
    const step = this.chapter.steps[this.position++];
    if (step === undefined) throw new RangeError(`${this.chapter.id} has only ${this.chapter.steps.length} steps`);
    if (step.setup !== undefined) {
      this.runner.dispose();
      this.runner = new ScenarioRunner(chapterOptions(this.chapter, this.seed, step.setup));
    }
    // Checks and `expect event` look at what this step made happen.
    this.runner.mark();
    const results: StepResult[] = [];
    if (step.scenario !== undefined) results.push(...this.runner.run(step.scenario.scenario.steps));
    if (step.check !== undefined && results.every((r) => r.status !== 'failed')) results.push(...this.runner.run(step.check.scenario.steps));
    const failures = failed(results).map((m) => `${this.chapter.file} ${m}`);
    let answer: string | number | undefined;
    if (step.predict !== undefined && failures.length === 0) {
      const res = this.answer(step.predict);
      answer = res.answer;
      if (res.failure !== undefined) failures.push(`${this.chapter.file} line ${step.line}: predict — ${res.failure} ${this.runner.where()}`);
    }
    return { index: step.index, title: step.title, ok: failures.length === 0, results, failures, ...(answer !== undefined ? { answer } : {}) };
  }

  /** The engine's answer to a predict question, now (call after the step ran). */
  answer(p: Predict): { answer?: string | number; failure?: string } {
    const r = this.runner;
    if (p.kind === 'pick-one') {
      const holding = p.choices!.filter((c) => r.check(c.when).ok);
      if (holding.length !== 1) return { failure: `${holding.length} choices hold (${holding.map((c) => c.label).join('; ') || 'none'}), expected exactly one` };
      return { answer: holding[0].label };
    }
    const v = r.value(p.answer!);
    if (v === undefined) return { failure: `the answer '${p.answer!.source}' has no value` };
    if (p.kind === 'pick-a-node' && !r.cluster.nodeIds.includes(String(v))) return { failure: `the answer '${p.answer!.source}' is ${v}, not a node` };
    if (p.kind !== 'pick-a-node' && typeof v !== 'number') return { failure: `the answer '${p.answer!.source}' is ${v}, not a number` };
    return { answer: v };
  }
}

/** A session that has run the first `steps` steps (for deep links and "back"). */
export function sessionAt(chapter: Chapter, steps: number, seed: number = chapter.seed): { session: ChapterSession; outcomes: StepOutcome[] } {
  const session = new ChapterSession(chapter, seed);
  const outcomes: StepOutcome[] = [];
  while (session.position < steps && !session.done) {
    const o = session.next();
    outcomes.push(o);
    if (!o.ok) break;
  }
  return { session, outcomes };
}

/**
 * The cluster a learner attempts the challenge on: a fresh one when the challenge has a setup,
 * otherwise the live one (`live`). The player checks `runner.check(challenge.goal)` after each action.
 */
export function challengeRunner(chapter: Chapter, seed: number = chapter.seed, live?: ScenarioRunner): ScenarioRunner {
  const c = chapter.challenge;
  if (c === undefined) throw new RangeError(`${chapter.id} has no challenge`);
  if (c.setup === undefined && live !== undefined) return live;
  return new ScenarioRunner(chapterOptions(chapter, seed, c.setup));
}

/** Runs a challenge's solution: it must reach the goal (and, with `control`, must not without the challenge setup). */
export function walkChallenge(chapter: Chapter, seed: number = chapter.seed, live?: ScenarioRunner): ChallengeOutcome {
  const c = chapter.challenge;
  if (c === undefined) return { ok: true, failures: [] };
  const failures: string[] = [];
  const attempt = (runner: ScenarioRunner, label: string, wantGoal: boolean): void => {
    runner.mark();
    const results = runner.run(c.solution.scenario.steps);
    // The solution may legitimately stop early when a checker throws; the goal is what counts.
    const goal = runner.check(c.goal);
    if (goal.ok !== wantGoal) {
      const bad = failed(results);
      failures.push(
        `${chapter.file} line ${c.line}: challenge ${label}: goal '${c.goal.source}' ${wantGoal ? 'not reached' : 'reached anyway'} — ${goal.detail}` +
          `${bad.length > 0 ? ` (${bad.join('; ')})` : ''} ${runner.where()}`,
      );
    }
    runner.dispose();
  };
  attempt(challengeRunner(chapter, seed, live), 'solution', true);
  if (c.control) attempt(new ScenarioRunner(chapterOptions(chapter, seed)), 'control (chapter setup)', false);
  return { ok: failures.length === 0, failures };
}

/** Walks every step of a chapter and its challenge headlessly; stops at the first failing step. */
export function walkChapter(chapter: Chapter, seed: number = chapter.seed): WalkResult {
  const session = new ChapterSession(chapter, seed);
  const steps: StepOutcome[] = [];
  const failures: string[] = [];
  while (!session.done) {
    const o = session.next();
    steps.push(o);
    failures.push(...o.failures);
    if (!o.ok) break;
  }
  let challenge: ChallengeOutcome | undefined;
  if (failures.length === 0 && chapter.challenge !== undefined) {
    challenge = walkChallenge(chapter, seed, session.runner);
    failures.push(...challenge.failures);
  }
  session.runner.dispose();
  return { chapter: chapter.id, seed, ok: failures.length === 0, steps, failures, ...(challenge !== undefined ? { challenge } : {}) };
}

/** Loads many chapter files (path → text), sorted by `order`; ids and orders must be unique. */
export function loadChapters(files: Readonly<Record<string, string>>): Chapter[] {
  const chapters = Object.entries(files).map(([path, text]) => loadChapter(text, path.replace(/^.*\//, 'guides/')));
  chapters.sort((a, b) => a.order - b.order);
  const seen = new Map<string, string>();
  for (const c of chapters) {
    for (const key of [`id ${c.id}`, `order ${c.order}`]) {
      if (seen.has(key)) throw new ChapterError(`${c.file}: ${key} is also used by ${seen.get(key)}`);
      seen.set(key, c.file);
    }
  }
  return chapters;
}
