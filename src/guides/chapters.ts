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
//   ```predict                           optional YAML: a question asked before the step runs (see Predict)
//   ```view                              optional YAML: panels the step opens (show), a node to inspect, what
//                                        the step button steps to (watch)
//   ```setup                             optional header lines: this step starts a fresh cluster
//   ## Challenge: …                      optional last section with a ```challenge YAML block
//
// Other fenced blocks (```text …) stay in the prose.
//
// Prose may write `{{name}}` (an engine setting for the chapter's options, e.g. `{{heartbeat}}` → "50 ms",
// see settings.ts) and, in step prose only, `{{$var}}` (a value the step's run computed with `let`). An
// optional format follows a bar: `{{heartbeat|n}}` → "50", `{{majority|word}}` → "three", `{{$avg|ms}}`.
// A figure typed by hand instead is reported by `untiedFigures` (the chapter tests fail on it).
import { parse as parseYaml } from 'yaml';
import '../sim/yamlEager';
import { z } from 'zod';
import type { ClusterOptions } from '../sim/types';
import { validateOptions } from '../sim/options';
import { parseClusterConfig } from '../sim/config';
import { engineSettings, formatRunValue, formatSetting } from './settings';
import {
  compilePredicate,
  compileValue,
  ELECT_WAIT_MS,
  MAX_STEP_EVENTS,
  parseScenario,
  PUBLISH_WAIT_MS,
  REPLY_WAIT_MS,
  ScenarioError,
  ScenarioRunner,
  suggest,
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

/** What a step's view can show beside the cluster (the guide view renders each). */
export const PANELS = [
  'log-grid', // every node's log as index × node, coloured by term, commit index marked
  'inflight', // messages in flight with their arrival times
  'timers', // election timers: when each node's fires
  'spacetime', // the space-time diagram
  'clocks', // physical and corrected clocks
  'history', // topics as a node applied them
  'replies', // client console lines
  'inspector', // one node's full state (see StepView.inspect)
  'detector', // failure-detector suspicions and statistics
  'checks', // the live checkers and their violations
] as const;
export type Panel = (typeof PANELS)[number];

/** What the step button moves to: the next event of this layer. */
export const WATCHES = ['raft', 'messaging', 'time', 'all'] as const;
export type Watch = (typeof WATCHES)[number];

export interface StepView {
  /** Panels open in this step (the log grid is always among them). */
  readonly show: readonly Panel[];
  /** A node reference (`n3`, `leader`, `$old`) to open in the inspector; resolved in StepOutcome.inspect. */
  readonly inspect?: string;
  readonly watch: Watch;
}

export interface PredictChoice {
  readonly label: string;
  /** Holds after the step exactly when this is what the engine did (run questions; optional for rule ones). */
  readonly when?: CompiledPredicate;
  /** Run questions: holds BEFORE the step exactly when the visible state says this is the answer. */
  readonly shown?: CompiledPredicate;
}

/**
 * A question asked BEFORE the step runs. Two kinds, so that every question is fair:
 * - `about: rule` — a question about Raft's (or Wiber's) rules. The answer is fixed in the chapter
 *   (`correct`) and never taken from the run; `agrees` (a predicate checked after the step) says whether
 *   this run did what the rule says, and the chapter tests require that on ≥ 95 % of 50 seeds.
 * - `about: run` — a question about this run, answerable from what the step's view shows when it is
 *   asked (`visible` panels). `shown` derives the answer from that visible state before the step; the
 *   walk fails when the engine's answer after the step differs.
 * A predict without `about` is an unconverted one (answer from the run, nothing checked).
 */
export interface Predict {
  readonly kind: PredictKind;
  readonly question: string;
  readonly about?: 'rule' | 'run';
  /** Run questions (node/number kinds): a value expression evaluated after the step (`leader`, `publish last offset`). */
  readonly answer?: CompiledValue;
  /** pick-one: the choices. */
  readonly choices?: readonly PredictChoice[];
  /** Rule questions: the fixed answer (a choice label, a node id or a number). */
  readonly correct?: string | number;
  /** Rule questions: after the step, the engine did what the rule says. */
  readonly agrees?: CompiledPredicate;
  /** Run questions: the panels whose content decides the answer when it is asked. */
  readonly visible?: readonly Panel[];
  /** Run questions (node/number kinds): the answer as the visible state gives it, evaluated before the step. */
  readonly shown?: CompiledValue;
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
  readonly view: StepView;
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
  /** Every piece of prose as written (placeholders unfilled), for the figure and give-away checks. */
  readonly texts: readonly ProseText[];
}

/** A piece of chapter prose as written, with what may tie a figure in it to the engine. */
export interface ProseText {
  /** `file line N`. */
  readonly where: string;
  readonly what: 'title' | 'summary' | 'intro' | 'step title' | 'prose' | 'question' | 'choice' | 'explain' | 'challenge' | 'hint';
  readonly raw: string;
  /** The step it belongs to (0-based), if any. */
  readonly step?: number;
  /** Effective cluster options for this text (chapter setup + step or challenge setup). */
  readonly options: ClusterOptions;
  /** Durations (ms) the step's own scenario runs for (`run 1s`): prose may state them. */
  readonly durations: readonly number[];
  /** Numbers written in the setup header lines in force (e.g. `net latency 50 600`). */
  readonly headerNumbers: readonly number[];
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
  // A course chapter cites its sources (tests/guides); a lesson from the editor has only what its author gave.
  sources: z.array(z.strictObject({ title: z.string().min(1), url: z.string().min(1) })),
  setup: z.string().default(''),
  /** Defaults for every step's ```view block. */
  view: z.lazy(() => ViewSchema).optional(),
});

const ViewSchema = z.strictObject({
  show: z.array(z.enum(PANELS)).optional(),
  inspect: z.string().min(1).optional(),
  watch: z.enum(WATCHES).optional(),
});

const PredictSchema = z.strictObject({
  kind: z.enum(['pick-a-node', 'pick-an-offset', 'pick-a-number', 'pick-one']),
  question: z.string().min(1),
  about: z.enum(['rule', 'run']).optional(),
  answer: z.union([z.string().min(1), z.number()]).optional(),
  choices: z
    .array(z.strictObject({ label: z.string().min(1), when: z.string().min(1).optional(), shown: z.string().min(1).optional() }))
    .min(2)
    .optional(),
  correct: z.union([z.string().min(1), z.number()]).optional(),
  agrees: z.string().min(1).optional(),
  visible: z.array(z.enum(PANELS)).min(1).optional(),
  shown: z.string().min(1).optional(),
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

/** How many steps a file may have, and what it is called in the message when it has too few or too many. */
export interface StepLimits {
  readonly minSteps: number;
  readonly maxSteps: number;
  /** Default: a course chapter. */
  readonly kind?: 'chapter' | 'lesson';
}

/** A lesson (any file but a course chapter) may be shorter or longer than a chapter. */
export const LESSON_STEP_LIMITS: StepLimits = { minSteps: 1, maxSteps: 40, kind: 'lesson' };

/** True when `text` is a lesson written in the page's editor: its front matter's id starts with `lesson-`. */
export function isEditorLesson(text: string): boolean {
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  return front !== null && /^id:\s*['"]?lesson-/m.test(front[1]);
}

/**
 * The one rule for which files are lessons (the page and `npm run lesson` both follow it): a course
 * chapter is a file in a `guides/` folder (5–12 steps); any other file, and a `lesson-…` id anywhere, is a
 * lesson (1–40 steps). The page opens files from disk and links, never the course's folder: all lessons.
 */
export function stepLimitsFor(path: string, text: string): StepLimits {
  const inGuides = /(^|[\\/])guides[\\/][^\\/]*$/.test(path);
  return inGuides && !isEditorLesson(text) ? { minSteps: MIN_STEPS, maxSteps: MAX_STEPS, kind: 'chapter' } : LESSON_STEP_LIMITS;
}

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

const SPECIAL = new Set(['scenario', 'check', 'predict', 'setup', 'challenge', 'view']);

/** Languages a code block may name (never taken for a misspelt block). */
const CODE_LANGUAGES = new Set(['text', 'txt', 'plain', 'yaml', 'yml', 'json', 'js', 'ts', 'tsx', 'jsx', 'sh', 'bash', 'console', 'shell', 'md', 'markdown', 'go', 'python', 'py', 'java', 'c', 'cpp', 'rust', 'diff', 'vue', 'html', 'css', 'sql', 'ini', 'toml', 'xml']);

/** Edit distance, for telling a misspelt block name (```chek) from a code block's language. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** The block a fence's name looks like a misspelling of (its checks or actions would silently not run), if any. */
function meantBlock(info: string): string | undefined {
  const lower = info.toLowerCase();
  if (info === '' || SPECIAL.has(info) || CODE_LANGUAGES.has(lower)) return undefined;
  return [...SPECIAL].find((name) => name === lower || distance(lower, name) <= Math.min(2, name.length - 2));
}

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
      const meant = meantBlock(info);
      if (meant !== undefined) {
        throw new ChapterError(`${where(line)}: unknown block '\`\`\`${info}' — did you mean '\`\`\`${meant}'? (blocks: ${[...SPECIAL].join(', ')}; a code block's language, such as text, is shown as code)`);
      }
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
 * matter, the step count, every scenario, check, predict, view and challenge (parsed, with file line
 * numbers in errors), and every `{{placeholder}}` (filled from the engine's settings). Throws ChapterError.
 */
export function loadChapter(text: string, file = 'chapter', limits: Partial<StepLimits> = {}): Chapter {
  const minSteps = limits.minSteps ?? MIN_STEPS;
  const maxSteps = limits.maxSteps ?? MAX_STEPS;
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
  /** The line of the first occurrence of `needle` at or after line `from` (for placeholder errors). */
  const lineOf = (needle: string, from: number): number => {
    for (let i = Math.max(0, from - 1); i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
    return from;
  };

  const setupLine = lines.findIndex((l, i) => i < end && /^setup:/.test(l)) + 2;
  const setup = fragment(m.setup, setupLine > 1 ? setupLine : 1, where, { header: true });
  if (setup.scenario.steps.length > 0) throw new ChapterError(`${where(setup.scenario.steps[0].line)}: the setup holds header lines only`);
  const seedLine = setup.scenario.header.find((h) => h.name === 'seed');
  if (seedLine !== undefined) throw new ChapterError(`${where(seedLine.line)}: put the seed in 'seed:', not in the setup`);
  /** Every line of a setup parses on its own; together they must make a cluster (a header 'election-timeout 300 150' does not). */
  const makesCluster = (options: ClusterOptions, line: number): void => {
    try {
      validateOptions({ ...options, seed: m.seed });
      if (options.config !== undefined) parseClusterConfig(options.config);
    } catch (err) {
      throw new ChapterError(`${where(line)}: this setup does not make a cluster: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  makesCluster(setup.scenario.options, setupLine > 1 ? setupLine : 1);
  const nodeIds = idsOf(setup.scenario.options);
  const chapterView = m.view ?? {};
  if (chapterView.inspect !== undefined) checkNodeRef(chapterView.inspect, nodeIds, where(1));

  const texts: ProseText[] = [];
  const fill = (raw: string, what: ProseText['what'], at: number, ctx: FillContext): string => {
    texts.push({ where: where(at), what, raw, ...(ctx.step !== undefined ? { step: ctx.step } : {}), options: ctx.options, durations: ctx.durations, headerNumbers: ctx.headerNumbers });
    return fillSettings(raw, ctx.options, (needle) => where(lineOf(needle, at)), what === 'prose');
  };
  const chapterCtx: FillContext = { options: setup.scenario.options, durations: [], headerNumbers: headerNumbers([setup]) };
  const title = fill(m.title, 'title', 2, chapterCtx);
  const summary = fill(m.summary, 'summary', 2, chapterCtx);

  const body = sections(lines.slice(end + 1), end + 2, where);
  const intro = fill(body.intro, 'intro', end + 2, chapterCtx);
  const steps: ChapterStep[] = [];
  let challenge: Challenge | undefined;
  // A step's setup starts a cluster that the following steps go on with: they see its nodes and settings.
  let live: { options: ClusterOptions; setup?: Fragment } = { options: setup.scenario.options };
  /** The latest `at` time of the steps so far (recorded lessons place their actions at absolute times). */
  let lastAt = 0;
  // The live cluster's node ids: a step's add-node lines add to them, for its checks and the following steps.
  let liveIds: readonly string[] = idsOf(live.options);
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
      challenge = loadChallenge(s, ch, where, setup, fill, liveIds);
      if (challenge.setup !== undefined) makesCluster(mergeOptions(setup.scenario.options, challenge.setup.scenario.options), challenge.setup.line);
      return;
    }
    if (s.prose.length === 0) throw new ChapterError(`${where(s.line)}: step '${s.title}' has no prose`);
    const stepSetup = blocks.get('setup');
    const scenario = blocks.get('scenario');
    const check = blocks.get('check');
    const predict = blocks.get('predict');
    const view = blocks.get('view');
    let setupFragment: Fragment | undefined;
    if (stepSetup !== undefined) {
      setupFragment = fragment(stepSetup.text, stepSetup.line, where, { header: true });
      if (setupFragment.scenario.steps.length > 0) throw new ChapterError(`${where(setupFragment.scenario.steps[0].line)}: a setup block holds header lines only`);
      live = { options: mergeOptions(setup.scenario.options, setupFragment.scenario.options), setup: setupFragment };
      makesCluster(live.options, stepSetup.line);
      liveIds = idsOf(live.options);
    }
    const scenarioFragment = scenario !== undefined ? fragment(scenario.text, scenario.line, where, { header: false, nodeIds: liveIds }) : undefined;
    liveIds = scenarioFragment?.scenario.nodeIds ?? liveIds;
    // A step runs in one go when the learner presses Next: its simulated time, times its nodes, is bounded so that no step holds the page for long.
    if (scenarioFragment !== undefined) {
      const span = stepSpanMs(scenarioFragment, lastAt);
      lastAt = span.lastAt;
      const nodes = liveIds.length;
      if (span.ms * nodes > MAX_STEP_NODE_MS) {
        throw new ChapterError(
          `${where(scenario!.line)}: this step may run ${Math.round(span.ms / 1000)} s of simulated time on ${nodes} nodes, which would hold the page for seconds; a step runs at most ${Math.round(MAX_STEP_NODE_MS / nodes / 1000)} s on ${nodes} nodes (split it, or use fewer nodes)`,
        );
      }
      if (span.events > MAX_STEP_EVENTS) {
        throw new ChapterError(`${where(scenario!.line)}: this step's step lines process ${span.events.toLocaleString('en-US')} events, which would hold the page for seconds; a step processes at most ${MAX_STEP_EVENTS.toLocaleString('en-US')} (split it)`);
      }
    }
    const stepIds = liveIds;
    const ctx: FillContext = {
      step: steps.length,
      options: live.options,
      durations: runDurations(scenarioFragment),
      headerNumbers: headerNumbers([setup, live.setup, netLines(scenarioFragment)]),
    };
    const p = predict !== undefined ? loadPredict(predict, where, stepIds, (raw, what) => fill(raw, what, predict.line, ctx)) : undefined;
    if (p?.about === 'run' && setupFragment !== undefined) {
      throw new ChapterError(`${where(predict!.line)}: a run question cannot be asked on a step that starts a fresh cluster (its view shows the old one)`);
    }
    steps.push({
      index: steps.length,
      title: fill(s.title, 'step title', s.line, ctx),
      prose: fill(s.prose, 'prose', s.line, ctx),
      line: s.line,
      ...(setupFragment !== undefined ? { setup: setupFragment } : {}),
      ...(scenarioFragment !== undefined ? { scenario: scenarioFragment } : {}),
      ...(check !== undefined ? { check: fragment(check.text, check.line, where, { header: false, nodeIds: stepIds, only: ['expect', 'let'] }) } : {}),
      ...(p !== undefined ? { predict: p } : {}),
      view: loadView(view, chapterView, p, where, stepIds),
    });
  });
  if (steps.length < minSteps || steps.length > maxSteps) {
    if (limits.kind === 'lesson') throw new ChapterError(`${file}: a lesson has ${minSteps}–${maxSteps} steps ('## ' sections), this one has ${steps.length}`);
    // The way out, for a teacher's file kept among the course's: lessons live elsewhere.
    throw new ChapterError(
      `${file}: a chapter has ${minSteps}–${maxSteps} steps ('## ' sections), this one has ${steps.length}` +
        ` (a course chapter in guides/; a lesson — a file outside guides/, or an id starting with 'lesson-' — may have ${LESSON_STEP_LIMITS.minSteps}–${LESSON_STEP_LIMITS.maxSteps})`,
    );
  }
  return {
    id: m.id,
    order: m.order,
    title,
    summary,
    seed: m.seed,
    seedIndependent: m.seedIndependent,
    sources: m.sources,
    setup,
    intro,
    steps,
    ...(challenge !== undefined ? { challenge } : {}),
    file,
    texts,
  };
}

interface FillContext {
  readonly step?: number;
  readonly options: ClusterOptions;
  readonly durations: readonly number[];
  readonly headerNumbers: readonly number[];
}

type Fill = (raw: string, what: ProseText['what'], at: number, ctx: FillContext) => string;

/** `{{name}}`, `{{name|fmt}}`, `{{$var}}`, `{{$var|fmt}}`. */
const PLACEHOLDER = /\{\{\s*(\$?[A-Za-z_][\w-]*)\s*(?:\|\s*([a-z]+)\s*)?\}\}/g;
const RUN_FORMATS = ['', 'n', 'ms', 's', 'word'];

/** Fills engine-setting placeholders; run placeholders (`{{$x}}`) stay for the session to fill after the step. */
function fillSettings(text: string, options: ClusterOptions, at: (needle: string) => string, allowRun: boolean): string {
  const settings = engineSettings(options);
  const out = text.replace(PLACEHOLDER, (all: string, name: string, fmt: string | undefined) => {
    const f = fmt ?? '';
    if (name.startsWith('$')) {
      if (!allowRun) throw new ChapterError(`${at(all)}: a run value like ${all} may appear only in step prose (it is filled after the step ran)`);
      if (!RUN_FORMATS.includes(f)) throw new ChapterError(`${at(all)}: ${all}: unknown format '${f}' (formats: n, ms, s, word)`);
      return all;
    }
    const s = settings[name];
    if (s === undefined) {
      throw new ChapterError(`${at(all)}: unknown placeholder ${all}${suggestName(name, Object.keys(settings))} (known: ${Object.keys(settings).join(', ')})`);
    }
    const filled = formatSetting(s, f);
    if (filled === undefined) throw new ChapterError(`${at(all)}: ${all}: format '${f}' does not fit this setting (a ${s.unit}${Array.isArray(s.value) ? ' range' : ''})`);
    return filled;
  });
  const left = out.replace(PLACEHOLDER, '');
  const open = left.indexOf('{{');
  if (open >= 0 || left.includes('}}')) {
    const bit = open >= 0 ? left.slice(open, open + 20) : '}}';
    throw new ChapterError(`${at(bit)}: a placeholder is not closed or not well formed: '${bit}'`);
  }
  return out;
}

function suggestName(name: string, known: readonly string[]): string {
  const hint = suggest(name, known);
  return hint === '' ? '' : hint.replace(/'(.*)'/, '{{$1}}');
}

/** Fills a step's run placeholders from the runner's variables; names a missing one. */
export function fillRunValues(text: string, vars: ReadonlyMap<string, string | number>): { text: string; missing: string[] } {
  const missing: string[] = [];
  const out = text.replace(PLACEHOLDER, (all: string, name: string, fmt: string | undefined) => {
    if (!name.startsWith('$')) return all;
    const v = vars.get(name.slice(1));
    const filled = v === undefined ? undefined : formatRunValue(v, fmt ?? '');
    if (filled === undefined) {
      missing.push(all);
      return all;
    }
    return filled;
  });
  return { text: out, missing };
}

/**
 * Node-milliseconds of simulated time a step may run at most (its span times its nodes): 10,000,000, about
 * a second of the page's time (50 nodes for 200 s, or 5 nodes for 33 min). A lesson made of steps of a
 * simulated day on 50 nodes held the page for minutes.
 */
export const MAX_STEP_NODE_MS = 10_000_000;

const DURATION = String.raw`(\d+(?:\.\d+)?)(ms|s)?`;

/**
 * The most simulated time a step's scenario can take: its `run`/`chaos` durations, its `within` limits
 * (10 s when a `run until` gives none), the longest waits of the commands that wait for an answer (`cmd`,
 * `sub`, `pub --wait`, `elect`), and how far its `at` lines go past the last one before it; and the events
 * its `step` lines process.
 */
function stepSpanMs(f: Fragment, lastAt: number): { ms: number; lastAt: number; events: number } {
  const toMs = (n: string, unit: string | undefined): number => Number(n) * (unit === 's' ? 1000 : 1);
  let ms = 0;
  let events = 0;
  let at = lastAt;
  for (const st of f.scenario.steps) {
    const src = st.source;
    const fixed = new RegExp(`^(?:run|chaos)\\s+${DURATION}(?:\\s|$)`).exec(src);
    if (fixed !== null) ms += toMs(fixed[1], fixed[2]);
    const within = new RegExp(`\\bwithin\\s+${DURATION}`).exec(src);
    if (within !== null) ms += toMs(within[1], within[2]);
    else if (/^(?:run|chaos)\s+until\b/.test(src)) ms += 10_000;
    else if (/^elect\b/.test(src)) ms += ELECT_WAIT_MS;
    if ((/^cmd\b/.test(src) && !/(?:^|\s)--no-wait(?:\s|$)/.test(src)) || /^sub\b/.test(src)) ms += REPLY_WAIT_MS;
    if (/^pub\b/.test(src) && /(?:^|\s)--wait(?:\s|$)/.test(src)) ms += PUBLISH_WAIT_MS;
    const stepped = /^step(?:\s+(\d+))?\s*$/.exec(src);
    if (stepped !== null) events += stepped[1] === undefined ? 1 : Number(stepped[1]);
    const abs = new RegExp(`^at\\s+${DURATION}`).exec(src);
    if (abs !== null) at = Math.max(at, toMs(abs[1], abs[2]));
  }
  return { ms: ms + Math.max(0, at - lastAt), lastAt: at, events };
}

/**
 * What a fragment's own commands make true: `run 1s` / `chaos 20s` durations (in ms), and the numbers
 * of its `clock` commands (`clock n3 step -300` ties "300 ms"; `net` lines: see netLines).
 */
function runDurations(f: Fragment | undefined): number[] {
  const out: number[] = [];
  for (const st of f?.scenario.steps ?? []) {
    const m = /^(?:run|chaos)\s+(\d+(?:\.\d+)?)(ms|s)?$/.exec(st.source);
    if (m !== null) out.push(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
    if (/^clock\s/.test(st.source)) {
      for (const n of st.source.matchAll(/(?<![\w.])-?(\d+(?:\.\d+)?)(ms|s)?(?![\w.])/g)) out.push(Number(n[1]) * (n[2] === 's' ? 1000 : 1));
    }
  }
  return out;
}

/** Network settings a step's own scenario switches to (`net loss 0.1`) tie figures like header lines do. */
function netLines(f: Fragment | undefined): Fragment | undefined {
  const lines = (f?.scenario.steps ?? []).filter((st) => st.command === 'net');
  if (f === undefined || lines.length === 0) return undefined;
  return { ...f, scenario: { ...f.scenario, header: lines.map((st) => ({ line: st.line, source: st.source, name: 'net' })) } };
}

/** Every number written in header lines (`2s` counts as 2000 and 2; a rate 0.3 also as 30 percent). */
function headerNumbers(fragments: ReadonlyArray<Fragment | undefined>): number[] {
  const out: number[] = [];
  for (const f of fragments) {
    for (const h of f?.scenario.header ?? []) {
      for (const m of h.source.matchAll(/(?<![\w.])(\d+(?:\.\d+)?)(ms|s)?(?![\w.])/g)) {
        const n = Number(m[1]);
        out.push(n);
        if (m[2] === 's') out.push(n * 1000);
        if (n < 1) out.push(Math.round(n * 1000) / 10);
      }
    }
  }
  return out;
}

/** The node ids a setup makes: a cluster.yaml's own (`config`, already checked by makesCluster) or n1…nN. */
function idsOf(options: ClusterOptions): string[] {
  if (options.config !== undefined) return parseClusterConfig(options.config).nodes.map((n) => n.id);
  return Array.from({ length: options.nodes ?? 5 }, (_, i) => `n${i + 1}`);
}

function checkNodeRef(ref: string, nodeIds: readonly string[], at: string): void {
  try {
    compileValue(ref, { nodeIds });
  } catch (err) {
    throw new ChapterError(`${at}: inspect: ${err instanceof ScenarioError ? err.detail : String(err)}`);
  }
}

function loadView(
  block: Block | undefined,
  base: { show?: readonly Panel[]; inspect?: string; watch?: Watch },
  predict: Predict | undefined,
  where: (line: number) => string,
  nodeIds: readonly string[],
): StepView {
  let v: { show?: readonly Panel[]; inspect?: string; watch?: Watch } = {};
  if (block !== undefined) {
    const parsed = ViewSchema.safeParse(yamlBlock(block, where));
    if (!parsed.success) throw new ChapterError(`${where(block.line)}: view: ${zodMessage(parsed.error)}`);
    v = parsed.data;
    if (v.inspect !== undefined) checkNodeRef(v.inspect, nodeIds, where(block.line));
  }
  const show = [...new Set<Panel>(['log-grid', ...(base.show ?? []), ...(v.show ?? []), ...(predict?.visible ?? [])])];
  const inspect = v.inspect ?? base.inspect;
  if (inspect !== undefined && !show.includes('inspector')) show.push('inspector');
  return { show, ...(inspect !== undefined ? { inspect } : {}), watch: v.watch ?? base.watch ?? 'raft' };
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

function loadPredict(
  block: Block,
  where: (line: number) => string,
  nodeIds: readonly string[],
  fill: (raw: string, what: ProseText['what']) => string,
): Predict {
  const p = PredictSchema.safeParse(yamlBlock(block, where));
  if (!p.success) throw new ChapterError(`${where(block.line)}: predict: ${zodMessage(p.error)}`);
  const d = p.data;
  const bad = (msg: string): ChapterError => new ChapterError(`${where(block.line)}: predict: ${msg}`);
  const at = (field: string): number => block.line + Math.max(0, block.text.split('\n').findIndex((l) => l.trimStart().startsWith(field)));
  const pred = (text: string, field: string): CompiledPredicate => compilePredicate(text, { nodeIds, line: at(field) });
  const value = (text: string | number, field: string): CompiledValue => compileValue(String(text), { nodeIds, line: at(field) });
  const common = {
    kind: d.kind,
    question: fill(d.question, 'question'),
    ...(d.explain !== undefined ? { explain: fill(d.explain, 'explain') } : {}),
  };
  const labels = d.choices?.map((c) => ({ ...c, label: fill(c.label, 'choice') }));
  try {
    if (d.kind === 'pick-one' && (labels === undefined || d.answer !== undefined)) throw bad('a pick-one question has choices (label, when) and no answer');
    if (d.kind !== 'pick-one' && d.choices !== undefined) throw bad(`a ${d.kind} question has no choices`);
    if (d.about === 'rule') {
      if (d.answer !== undefined || d.visible !== undefined || d.shown !== undefined) {
        throw bad("a rule question has a fixed 'correct' answer and an 'agrees' check, not answer/visible/shown (those are for run questions)");
      }
      if (d.correct === undefined) throw bad("a rule question needs 'correct': its fixed answer");
      let correct: string | number = d.correct;
      let agrees = d.agrees !== undefined ? pred(d.agrees, 'agrees') : undefined;
      const choices = labels?.map((c) => ({ label: c.label, ...(c.when !== undefined ? { when: pred(c.when, `when: ${c.when}`) } : {}) }));
      if (d.kind === 'pick-one') {
        const k = d.choices!.findIndex((c, i) => c.label === String(d.correct) || choices![i].label === String(d.correct));
        const hit = k >= 0 ? choices![k] : undefined;
        if (hit === undefined) throw bad(`'correct: ${d.correct}' is not one of the choices (${choices!.map((c) => c.label).join(' | ')})`);
        correct = hit.label;
        agrees ??= hit.when;
      } else if (d.kind === 'pick-a-node') {
        if (!nodeIds.includes(String(d.correct))) throw bad(`'correct: ${d.correct}' is not a node (${nodeIds.join(', ')})`);
      } else if (typeof d.correct !== 'number') throw bad(`'correct: ${d.correct}' is not a number`);
      if (agrees === undefined) throw bad("a rule question needs 'agrees': a predicate that holds after the step when the engine did what the rule says");
      return { ...common, about: 'rule', correct, agrees, ...(choices !== undefined ? { choices } : {}) };
    }
    if (d.correct !== undefined || d.agrees !== undefined) throw bad("'correct' and 'agrees' belong to rule questions (about: rule)");
    if (d.about === 'run') {
      if (d.visible === undefined) throw bad("a run question names what decides it on screen: 'visible: [inflight, timers, log-grid, …]'");
      if (d.kind === 'pick-one') {
        const choices = labels!.map((c) => {
          if (c.when === undefined || c.shown === undefined) throw bad(`run choice '${c.label}' needs 'when' (after the step) and 'shown' (before it, from the view)`);
          return { label: c.label, when: pred(c.when, `when: ${c.when}`), shown: pred(c.shown, `shown: ${c.shown}`) };
        });
        if (d.shown !== undefined || d.answer !== undefined) throw bad("a pick-one run question puts 'when' and 'shown' on each choice");
        return { ...common, about: 'run', visible: d.visible, choices };
      }
      if (d.answer === undefined || d.shown === undefined) throw bad(`a ${d.kind} run question needs 'answer' (the engine's, after the step) and 'shown' (from the view, before it)`);
      return { ...common, about: 'run', visible: d.visible, answer: value(d.answer, 'answer'), shown: value(d.shown, 'shown') };
    }
    // Unconverted (no `about`): the answer comes from the run, nothing checks it is fair.
    if (d.visible !== undefined || d.shown !== undefined) throw bad("'visible' and 'shown' belong to run questions (about: run)");
    if (d.kind === 'pick-one') {
      return {
        ...common,
        choices: labels!.map((c) => {
          if (c.when === undefined) throw bad(`choice '${c.label}' needs 'when'`);
          return { label: c.label, when: pred(c.when, `when: ${c.when}`) };
        }),
      };
    }
    if (d.answer === undefined) throw bad(`a ${d.kind} question has an answer and no choices`);
    return { ...common, answer: value(d.answer, 'answer') };
  } catch (err) {
    throw relocate(err, where);
  }
}

function loadChallenge(s: Section, block: Block, where: (line: number) => string, chapterSetup: Fragment, fill: Fill, liveIds: readonly string[]): Challenge {
  const c = ChallengeSchema.safeParse(yamlBlock(block, where));
  if (!c.success) throw new ChapterError(`${where(block.line)}: challenge: ${zodMessage(c.error)}`);
  const d = c.data;
  const lineOf = (field: string): number => block.line + Math.max(0, block.text.split('\n').findIndex((l) => l.startsWith(field + ':'))) + 1;
  const setup = d.setup !== undefined ? fragment(d.setup, lineOf('setup'), where, { header: true }) : undefined;
  if (setup !== undefined && setup.scenario.steps.length > 0) throw new ChapterError(`${where(setup.line)}: a challenge setup holds header lines only`);
  if (d.control && setup === undefined) throw new ChapterError(`${where(block.line)}: 'control: true' needs a challenge setup to compare against`);
  // Without a setup the challenge goes on with the chapter's cluster, nodes added by its steps included.
  const nodeIds = setup !== undefined ? idsOf(mergeOptions(chapterSetup.scenario.options, setup.scenario.options)) : liveIds;
  let goal: CompiledPredicate;
  try {
    goal = compilePredicate(d.goal, { nodeIds, line: lineOf('goal') - 1 });
  } catch (err) {
    throw relocate(err, where);
  }
  const ctx: FillContext = {
    options: mergeOptions(chapterSetup.scenario.options, setup?.scenario.options ?? {}),
    durations: [],
    headerNumbers: headerNumbers([chapterSetup, setup]),
  };
  return {
    title: fill(s.title.replace(/^Challenge:\s*/i, ''), 'challenge', s.line, ctx),
    prose: fill(s.prose, 'challenge', s.line, ctx),
    ...(setup !== undefined ? { setup } : {}),
    goal,
    solution: fragment(d.solution, lineOf('solution'), where, { header: false, nodeIds }),
    control: d.control,
    ...(d.hint !== undefined ? { hint: fill(d.hint, 'hint', block.line, ctx) } : {}),
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
  /**
   * The answer to the step's predict question the learner is judged against (a node id, a number, or a
   * pick-one label): the chapter's fixed answer for a rule question, the engine's for a run question.
   */
  readonly answer?: string | number;
  /** Rule questions: whether this run did what the rule says (the chapter tests count these over seeds). */
  readonly agrees?: boolean;
  /** Run questions: the answer the visible state gave when the question was asked (equal to `answer` when ok). */
  readonly shown?: string | number;
  /** The step's prose with this run's values filled in (`{{$var}}`); show this rather than `step.prose`. */
  readonly prose: string;
  /** The node the step opens in the inspector (its view's `inspect`, resolved), if any. */
  readonly inspect?: string;
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
    const where = `${this.chapter.file} line ${step.line}`;
    const failures: string[] = [];
    // A run question is answered from what the view shows now, before the step runs.
    let shown: string | number | undefined;
    if (step.predict?.about === 'run') {
      const res = this.shownAnswer(step.predict);
      if (res.failure !== undefined) failures.push(`${where}: predict — the view does not decide the answer: ${res.failure} ${this.runner.where()}`);
      shown = res.answer;
    }
    if (step.setup !== undefined) {
      this.runner.dispose();
      const vars = this.runner.vars;
      this.runner = new ScenarioRunner(chapterOptions(this.chapter, this.seed, step.setup));
      // The story's variables outlive the cluster, so a step can compare a fresh run with an earlier one.
      for (const [k, v] of vars) this.runner.vars.set(k, v);
    }
    // Checks and `expect event` look at what this step made happen.
    this.runner.mark();
    const results: StepResult[] = [];
    if (step.scenario !== undefined) results.push(...this.runner.run(step.scenario.scenario.steps));
    if (step.check !== undefined && results.every((r) => r.status !== 'failed')) results.push(...this.runner.run(step.check.scenario.steps));
    failures.push(...failed(results).map((m) => `${this.chapter.file} ${m}`));
    let answer: string | number | undefined;
    let agrees: boolean | undefined;
    const p = step.predict;
    if (p !== undefined && failures.length === 0) {
      if (p.about === 'rule') {
        answer = p.correct;
        agrees = this.runner.check(p.agrees!).ok;
      } else {
        const res = this.answer(p);
        answer = res.answer;
        if (res.failure !== undefined) failures.push(`${where}: predict — ${res.failure} ${this.runner.where()}`);
        else if (p.about === 'run' && shown !== undefined && String(shown) !== String(answer)) {
          failures.push(`${where}: predict — the view showed ${shown} as the answer, but the engine's answer is ${answer} ${this.runner.where()}`);
        }
      }
    }
    const filled = fillRunValues(step.prose, this.runner.vars);
    if (failures.length === 0 && filled.missing.length > 0) failures.push(`${where}: the prose uses ${filled.missing.join(', ')}, which this step's run did not set ${this.runner.where()}`);
    let inspect: string | undefined;
    if (step.view.inspect !== undefined) {
      const v = this.runner.value(step.view.inspect);
      if (typeof v === 'string' && this.runner.cluster.nodeIds.includes(v)) inspect = v;
      else if (failures.length === 0) failures.push(`${where}: view: inspect '${step.view.inspect}' is not a node here ${this.runner.where()}`);
    }
    return {
      index: step.index,
      title: step.title,
      ok: failures.length === 0,
      results,
      failures,
      prose: filled.text,
      ...(answer !== undefined ? { answer } : {}),
      ...(agrees !== undefined ? { agrees } : {}),
      ...(shown !== undefined ? { shown } : {}),
      ...(inspect !== undefined ? { inspect } : {}),
    };
  }

  /** A run question's answer as the visible state gives it now (call before the step runs). */
  shownAnswer(p: Predict): { answer?: string | number; failure?: string } {
    const r = this.runner;
    if (p.kind === 'pick-one') {
      const holding = p.choices!.filter((c) => c.shown !== undefined && r.check(c.shown).ok);
      if (holding.length !== 1) return { failure: `${holding.length} choices are shown as right (${holding.map((c) => c.label).join('; ') || 'none'}), expected exactly one` };
      return { answer: holding[0].label };
    }
    const v = p.shown === undefined ? undefined : r.value(p.shown);
    if (v === undefined) return { failure: `'${p.shown?.source ?? '?'}' has no value (a tie, or nothing shown)` };
    return { answer: v };
  }

  /** The engine's answer to a predict question, now (call after the step ran). */
  answer(p: Predict): { answer?: string | number; failure?: string } {
    const r = this.runner;
    if (p.kind === 'pick-one') {
      const holding = p.choices!.filter((c) => c.when !== undefined && r.check(c.when).ok);
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
    // The solution may legitimately stop early when a checker throws (the goal may ask for that
    // violation); any other failed line means it did not run as written: the goal tested where it
    // stopped may hold only for an instant.
    const broken = results.filter((r) => r.status === 'failed' && r.violation !== true);
    if (wantGoal && broken.length > 0) {
      // A failed line's message already ends with the seed and time; said once.
      const told = broken.map((r) => r.message ?? r.source).join('; ');
      const where = runner.where();
      failures.push(`${chapter.file} line ${c.line}: challenge ${label} stopped before its end (a solution must run to its end): ${told}${told.includes(where) ? '' : ` ${where}`}`);
      runner.dispose();
      return;
    }
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
  const walk = walkChapterSteps(chapter, seed);
  for (;;) {
    const r = walk.next();
    if (r.done === true) return r.value;
  }
}

/** Where a walk is: `step` (1-based) of `of` is about to run; `challenge` once the steps are done. */
export interface WalkProgress {
  step: number;
  of: number;
  challenge?: true;
}

/**
 * walkChapter's walk, which stops before each step (and before the challenge) to say where it is: the editor's
 * Check drives it one step per task. Returning it early (`return()`) disposes of its cluster.
 */
export function* walkChapterSteps(chapter: Chapter, seed: number = chapter.seed): Generator<WalkProgress, WalkResult, undefined> {
  const session = new ChapterSession(chapter, seed);
  try {
    const of = chapter.steps.length;
    const steps: StepOutcome[] = [];
    const failures: string[] = [];
    while (!session.done) {
      yield { step: session.position + 1, of };
      const o = session.next();
      steps.push(o);
      failures.push(...o.failures);
      if (!o.ok) break;
    }
    let challenge: ChallengeOutcome | undefined;
    if (failures.length === 0 && chapter.challenge !== undefined) {
      yield { step: of, of, challenge: true };
      challenge = walkChallenge(chapter, seed, session.runner);
      failures.push(...challenge.failures);
    }
    return { chapter: chapter.id, seed, ok: failures.length === 0, steps, failures, ...(challenge !== undefined ? { challenge } : {}) };
  } finally {
    session.runner.dispose();
  }
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

// ---------------------------------------------------------------------------------------------
// Fairness: figures tied to the engine, answers not given away
// ---------------------------------------------------------------------------------------------

const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30, fifty: 50, hundred: 100, thousand: 1000, half: 0.5,
};
const UNIT_MS: Record<string, number> = { ms: 1, millisecond: 1, milliseconds: 1, s: 1000, sec: 1000, second: 1000, seconds: 1000, minute: 60_000, minutes: 60_000 };

/** A figure stated in prose: its text and value (ms for durations). */
interface Figure {
  readonly text: string;
  readonly values: readonly number[];
  readonly unit: 'ms' | 'ppm' | '%' | 'nodes' | 'majority';
}

/** The figures a piece of prose states by hand (placeholders removed first). */
export function figuresIn(raw: string): Figure[] {
  const text = raw.replace(PLACEHOLDER, '⟨⟩').replace(/`[^`]*`/g, '⟨code⟩');
  const out: Figure[] = [];
  const num = String.raw`(\d+(?:\.\d+)?)`;
  // 150–300 ms, 2 s, 1.5 seconds, 100 ppm, 30 %
  const digits = new RegExp(String.raw`(?<![\w.$])${num}(?:\s*(?:–|-|to|and)\s*${num})?\s*(ms|milliseconds?|s|secs?|seconds?|minutes?|ppm|%|percent)(?![\w])`, 'gi');
  for (const m of text.matchAll(digits)) {
    const unit = m[3].toLowerCase();
    const nums = [m[1], m[2]].filter((x): x is string => x !== undefined).map(Number);
    if (unit === 'ppm') out.push({ text: m[0], values: nums, unit: 'ppm' });
    else if (unit === '%' || unit === 'percent') out.push({ text: m[0], values: nums, unit: '%' });
    else out.push({ text: m[0], values: nums.map((n) => n * UNIT_MS[unit]), unit: 'ms' });
  }
  // "three seconds", "a few hundred milliseconds", "a whole second", "half a second"
  const words = Object.keys(NUMBER_WORDS).join('|');
  const spelled = new RegExp(String.raw`\b((?:${words})(?:[\s-]+(?:${words}|few|and))*)\s+(?:whole\s+|full\s+)?(milliseconds?|seconds?|minutes?)\b`, 'gi');
  for (const m of text.matchAll(spelled)) {
    const unitWord = m[2].toLowerCase();
    const parts = m[1].toLowerCase().split(/[\s-]+/);
    // "a second leader", "one second time": a bare singular after a/one is an ordinal, unless a duration word follows.
    if (!unitWord.endsWith('s') && parts.length === 1 && (parts[0] === 'a' || parts[0] === 'one' || parts[0] === 'an')) {
      const after = text.slice((m.index ?? 0) + m[0].length);
      const isDuration = /^\s*(later|after|before|ago|passed|has passed|of|\.|,|;|\))/i.test(after) || /whole|full/i.test(m[0]);
      if (!isDuration) continue;
    }
    let value: number;
    if (parts.includes('few')) value = NaN; // "a few hundred milliseconds": vague, so never tied
    else if (parts.includes('half')) value = (NUMBER_WORDS[parts[0]] !== undefined && parts[0] !== 'half' && parts[0] !== 'a' ? NUMBER_WORDS[parts[0]] : 0) + 0.5;
    else {
      value = 1;
      for (const w of parts) {
        const n = NUMBER_WORDS[w];
        if (n === undefined) continue;
        value = n >= 100 ? value * n : value === 1 ? n : value * n;
      }
    }
    out.push({ text: m[0], values: [value * UNIT_MS[unitWord]], unit: 'ms' });
  }
  // "a majority of five", "all five nodes", "5 nodes"
  const count = String.raw`(\d+|${Object.keys(NUMBER_WORDS).filter((w) => NUMBER_WORDS[w] >= 2 && NUMBER_WORDS[w] <= 12).join('|')})`;
  for (const m of text.matchAll(new RegExp(String.raw`\bmajority of ${count}\b`, 'gi'))) {
    out.push({ text: m[0], values: [wordValue(m[1])], unit: 'majority' });
  }
  for (const m of text.matchAll(new RegExp(String.raw`\ball\s+${count}\s+(?:nodes|servers|logs)\b`, 'gi'))) {
    out.push({ text: m[0], values: [wordValue(m[1])], unit: 'nodes' });
  }
  return out;
}

const wordValue = (w: string): number => (/^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w.toLowerCase()]);

/**
 * Figures in a chapter's prose that nothing ties to the engine: a duration, rate or drift not made by a
 * placeholder, not run by the step's own scenario (`run 1s`) and not written in the setup in force; a
 * "majority of N" or "all N nodes" whose N is not the cluster's size. `allowed` lists exceptions by
 * their text (each with the reason the test gives). Returns messages with file lines.
 */
export function untiedFigures(chapter: Chapter, allowed: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const t of chapter.texts) {
    for (const f of figuresIn(t.raw)) {
      if (allowed.some((a) => f.text.includes(a) || a.includes(f.text))) continue;
      const nodes = idsOf(t.options).length;
      let tied: boolean;
      if (f.unit === 'majority' || f.unit === 'nodes') tied = f.values.every((v) => v === nodes);
      else tied = f.values.every((v) => t.durations.includes(v) || t.headerNumbers.includes(v));
      if (!tied) {
        out.push(
          `${t.where} (${t.what}): '${f.text}' is not tied to the engine — write it as a placeholder ({{heartbeat}}, {{commitTimeout}}, …), ` +
            `a value the run computed ({{$x}}), or make the step's scenario run that long`,
        );
      }
    }
  }
  return out;
}

const STOPWORDS = new Set(
  'the a an and or but of to in on at by for from with is are was were be been it its it’s this that these those no not yes will would can could does did do has have had than then so as one two all any some only just'.split(
    ' ',
  ),
);

const words = (s: string): string[] =>
  s
    .toLowerCase()
    .replace(/[`*_"“”‘’'(),.:;!?—–-]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0);

/**
 * Questions whose answer the chapter gives away before they are asked: the fixed answer of a rule
 * question (two consecutive content words of the correct choice, or the node or number itself) in the
 * chapter intro or in the title of the step the question belongs to (the player lists step titles).
 */
export function giveaways(chapter: Chapter): string[] {
  const out: string[] = [];
  const intro = ` ${words(chapter.intro).join(' ')} `;
  for (const step of chapter.steps) {
    const p = step.predict;
    if (p === undefined || p.about !== 'rule' || p.correct === undefined) continue;
    const title = ` ${words(step.title).join(' ')} `;
    const where = `${chapter.file} line ${step.line}`;
    if (p.kind !== 'pick-one') {
      const needle = ` ${String(p.correct).toLowerCase()} `;
      if (title.includes(needle)) out.push(`${where}: the step title '${step.title}' gives away the answer ${p.correct}`);
      continue;
    }
    const others = new Set((p.choices ?? []).filter((c) => c.label !== p.correct).flatMap((c) => words(c.label)));
    const content = words(String(p.correct)).filter((w) => !STOPWORDS.has(w) && !others.has(w) && w.length > 2);
    for (let i = 0; i + 1 < content.length; i++) {
      const pair = ` ${content[i]} ${content[i + 1]} `;
      for (const [name, text] of [['step title', title], ['chapter intro', intro]] as const) {
        if (text.includes(pair)) out.push(`${where}: the ${name} says '${pair.trim()}', giving away the answer '${p.correct}'`);
      }
    }
  }
  return out;
}
