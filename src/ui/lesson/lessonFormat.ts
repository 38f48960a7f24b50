// A lesson written in the page: its editable model, the guides/*.md chapter text it becomes, the
// `#lesson=` link that carries that text (zod-checked envelope, deflated), and loading it back with
// the chapter loader so every error names its line.
import { z } from 'zod';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { ChapterError, LESSON_STEP_LIMITS, loadChapter, type Chapter } from '../../guides/chapters';
import { ConfigError, ignoredKeysNote, parseClusterConfig } from '../../sim/config';
import { COMMANDS, ScenarioError, parseScenario } from '../../sim/scenario';
import { canCompress, fromBase64Url, issueWords, pipe, toBase64Url } from '../../store/share';
import { inflateLimited } from '../../store/linkCodec';
import { plural } from '../plural';

export interface LessonPredict {
  readonly kind: 'pick-one' | 'pick-a-node';
  readonly question: string;
  /** pick-one: the choices' labels. */
  readonly choices: readonly string[];
  /** A choice label (pick-one) or a node id (pick-a-node). */
  readonly correct: string;
  /** A predicate that holds after the step when the engine did what the answer says. */
  readonly agrees: string;
  readonly explain: string;
}

/**
 * A step's blocks the editor's form does not model, read from a file (a course chapter, a hand-written
 * lesson) and written back as they were: the text of a ```setup or ```view block, and a question the form
 * cannot show (a run question, a number question, choices with their own checks) as its ```predict YAML.
 */
export interface StepKept {
  readonly setup?: string;
  readonly view?: string;
  readonly predict?: string;
}

export interface LessonStep {
  readonly title: string;
  /** Markdown. */
  readonly text: string;
  /** Scenario lines (recorded actions, editable). */
  readonly scenario: string;
  /** `expect …` / `let …` lines checked after the scenario. */
  readonly checks: string;
  readonly predict?: LessonPredict;
  /** Blocks kept as written (absent for steps recorded in the page). With `kept.predict`, `predict` is absent. */
  readonly kept?: StepKept;
}

export interface LessonChallenge {
  readonly title: string;
  readonly text: string;
  /** A predicate: what success looks like. */
  readonly goal: string;
  /** Scenario lines that reach the goal (proof that it can be done). */
  readonly solution: string;
  readonly hint: string;
  /** Read from a file, written back as they were: the challenge's own cluster (header lines) and its control run. */
  readonly kept?: { readonly setup?: string; readonly control?: boolean };
}

/**
 * Front matter of a lesson read from a file that the form does not show, written back as it was: its id
 * (a course chapter's copy gets `lesson-` before it, so that its progress stays apart from the course's),
 * order, whether it walks on any seed, its sources and its default ```view.
 */
export interface LessonKept {
  readonly id?: string;
  readonly order?: number;
  readonly seedIndependent?: boolean;
  readonly sources?: ReadonlyArray<{ readonly title: string; readonly url: string }>;
  readonly view?: unknown;
}

export interface Lesson {
  readonly title: string;
  readonly summary: string;
  readonly intro: string;
  readonly seed: number;
  /** Header lines of the lesson's cluster (no seed). */
  readonly setup: string;
  readonly steps: readonly LessonStep[];
  readonly challenge?: LessonChallenge;
  /** Absent for a lesson started in the page. */
  readonly kept?: LessonKept;
}

export const LESSON_FORMAT = 'wiber-sim-lesson';
export const LESSON_VERSION = 1;
/** The lesson file's name in messages (errors say `lesson.md line N: …`). */
export const LESSON_FILE = 'lesson.md';
export const MAX_LESSON_CHARS = 200_000;
export const MAX_LESSON_STEPS = LESSON_STEP_LIMITS.maxSteps;
/** Longer links than this are awkward to paste into chats and mails: the editor offers the file instead. */
export const LONG_LINK = 8000;

const SPECIAL_FENCE = /^(\s*`{3,}\s*)(scenario|check|predict|setup|challenge|view)\s*$/;

/** Teacher's Markdown as chapter prose: a `## ` heading would start a new step, a special fence a block. */
function proseOf(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => (/^##\s/.test(l) ? `#${l}` : l.replace(SPECIAL_FENCE, '$1text')))
    .join('\n')
    .trim();
}

function oneLine(text: string, fallback: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t === '' ? fallback : t;
}

/** A chapter id for the lesson (never one of the course's: those hold the learner's progress). */
export function lessonId(title: string): string {
  const slug = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `lesson-${slug === '' ? 'untitled' : slug}`;
}

/** The lesson's id as its file gives it (front matter `id:`): a kept id, or one made from the title. */
export function lessonFileId(lesson: Lesson): string {
  return lesson.kept?.id ?? lessonId(lesson.title);
}

/**
 * The note `npm run lesson` prints for a lesson whose cluster.yaml (a `config` header line) has keys the
 * simulator does not read, one per cluster.yaml, said where it is (the lesson's setup, a step's, the challenge's).
 */
export function ignoredKeyNotes(chapter: Chapter): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const setups: Array<[string, Chapter['setup'] | undefined]> = [
    ['The lesson’s', chapter.setup],
    ...chapter.steps.map((s, i): [string, Chapter['setup'] | undefined] => [`Step ${i + 1}’s`, s.setup]),
    ['The challenge’s', chapter.challenge?.setup],
  ];
  for (const [where, f] of setups) {
    const config = f?.scenario.options.config;
    if (config === undefined || seen.has(config)) continue;
    seen.add(config);
    const note = ignoredKeysNote(where, config);
    if (note !== undefined) out.push(note);
  }
  return out;
}

/**
 * What a step's scenario does, as the editor's list of steps says it: its scenario lines (blank lines and
 * comments apart) and how many of them are actions on the cluster (crash, partition, pub…), whether recorded
 * (`at 180.6ms #33 crash n4`) or written by hand (`crash leader`); a recorded step's last line runs the cluster on
 * to where the step was closed, and `run …`, `expect …` lines are not actions.
 */
export function scenarioSummary(scenario: string): string {
  const lines = scenario.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) return 'no scenario lines';
  let actions = 0;
  for (const line of lines) {
    const words = line.split(/\s+/);
    // `at <time> [#<events>] [<command> …]`: the command after the time (none: it only runs on to that time).
    const name = words[0] === 'at' ? words[/^#\d+$/.test(words[2] ?? '') ? 3 : 2] : words[0];
    if (name !== undefined && Object.hasOwn(COMMANDS, name) && COMMANDS[name].kind === 'action') actions++;
  }
  return `${plural(lines.length, 'scenario line')}${actions > 0 ? ` (${plural(actions, 'action')})` : ''}`;
}

const SHOWN_IDS = 8;

/**
 * A lesson's setup (its header lines) as the editor says it: each line as written, except a `config` line, whose
 * cluster.yaml (a JSON string in the file) is told by its node ids — "from cluster.yaml: n1, n2, n3 (3 nodes)" — and
 * given back as YAML (`yaml`) for a reader who wants to see it.
 */
export function setupSummary(setup: string): { parts: string[]; yaml?: string } {
  const lines = setup.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  let yaml: string | undefined;
  const num = /^\d+(\.\d+)?$/;
  const parts = lines.map((line) => {
    // The two timing headers in words (a bare number is in ms); any other line as written.
    const et = /^election-timeout\s+(\S+)\s+(\S+)$/.exec(line);
    if (et !== null) return num.test(et[1]) && num.test(et[2]) ? `election timeout ${et[1]}–${et[2]} ms` : `election timeout ${et[1]} to ${et[2]}`;
    const hb = /^heartbeat\s+(\S+)$/.exec(line);
    if (hb !== null) return `heartbeat every ${hb[1]}${num.test(hb[1]) ? ' ms' : ''}`;
    if (!/^config\b/.test(line)) return line;
    try {
      yaml = parseScenario(line).options.config;
    } catch {
      yaml = undefined;
    }
    if (yaml === undefined) return 'a cluster.yaml that cannot be read (its config line is not one quoted string)';
    try {
      const ids = parseClusterConfig(yaml).nodes.map((n) => n.id);
      const shown = ids.length > SHOWN_IDS ? [...ids.slice(0, SHOWN_IDS - 1), '…'] : ids;
      return `from cluster.yaml: ${shown.join(', ')} (${plural(ids.length, 'node')})`;
    } catch (err) {
      return `from a cluster.yaml that does not load (${err instanceof ConfigError ? err.message : String(err)})`;
    }
  });
  return yaml === undefined ? { parts } : { parts, yaml };
}

function fenced(info: string, body: string): string {
  const b = body.replace(/\r\n?/g, '\n').trimEnd();
  // A body line that is itself a fence of the same length would close the block early.
  const longest = Math.max(2, ...(b.match(/`{3,}/g) ?? []).map((m) => m.length));
  const marker = '`'.repeat(longest + 1);
  return `${marker}${info}\n${b}\n${marker}`;
}

/** Where a part of the generated text came from in the editor: "Step 2 · Checks" (its first line is the field's line 1). */
export interface LessonRegion {
  readonly start: number;
  readonly end: number;
  readonly where: string;
  /** The field's text starts on the region's second line (a fenced block's first line is its fence). */
  readonly fenced: boolean;
}

/** The guides/*.md text of a lesson (the format the course's chapters use). */
export function lessonToMarkdown(lesson: Lesson): string {
  return lessonMarkdown(lesson).markdown;
}

/** lessonToMarkdown, and which lines came from which field of the editor (to name the field in an error). */
export function lessonMarkdown(lesson: Lesson): { markdown: string; regions: LessonRegion[] } {
  const k = lesson.kept ?? {};
  const front = {
    id: k.id ?? lessonId(lesson.title),
    order: k.order ?? 100,
    title: oneLine(lesson.title, 'Untitled lesson'),
    summary: oneLine(lesson.summary, 'A lesson written in Wiber Sim.'),
    seed: lesson.seed,
    seedIndependent: k.seedIndependent ?? false,
    // No reading is chosen for the author (a lesson on clocks would have been sent to the Raft paper).
    sources: k.sources ?? [],
    setup: lesson.setup.trim() === '' ? '' : lesson.setup.trim() + '\n',
    ...(k.view !== undefined ? { view: k.view } : {}),
  };
  const out: string[] = [];
  const regions: LessonRegion[] = [];
  let line = 1;
  /** Appends chunks (each may hold several lines); with `where`, notes the lines they take. */
  const push = (where: string | null, ...chunks: string[]): void => {
    const start = line;
    for (const c of chunks) {
      out.push(c);
      line += c.split('\n').length;
    }
    if (where !== null) regions.push({ start, end: line - 1, where, fenced: chunks[0]?.startsWith('``') === true });
  };
  push('The lesson’s title, summary or setup', '---', toYaml(front, { lineWidth: 0 }).trimEnd(), '---');
  push(null, '');
  const intro = proseOf(lesson.intro);
  if (intro !== '') push('Introduction', intro, '');
  lesson.steps.forEach((s, i) => {
    const step = `Step ${i + 1}`;
    push(`${step} · Step title`, `## ${oneLine(s.title, step)}`, '');
    push(`${step} · What happened`, proseOf(s.text) || '(no text yet)', '');
    const kept = s.kept ?? {};
    if (kept.setup !== undefined) {
      push(`${step} · Setup block`, fenced('setup', kept.setup));
      push(null, '');
    }
    if (kept.view !== undefined) {
      push(`${step} · View block`, fenced('view', kept.view));
      push(null, '');
    }
    if (kept.predict !== undefined) {
      push(`${step} · Question (as written)`, fenced('predict', kept.predict));
      push(null, '');
    } else if (s.predict !== undefined) {
      push(`${step} · Question`, fenced('predict', toYaml(predictBlock(s.predict), { lineWidth: 0 })));
      push(null, '');
    }
    if (s.scenario.trim() !== '') {
      push(`${step} · Scenario lines`, fenced('scenario', s.scenario));
      push(null, '');
    }
    if (s.checks.trim() !== '') {
      push(`${step} · Checks`, fenced('check', s.checks));
      push(null, '');
    }
  });
  const c = lesson.challenge;
  if (c !== undefined) {
    push('Challenge · Title', `## Challenge: ${oneLine(c.title, 'your turn')}`, '');
    push('Challenge · Text', proseOf(c.text) || '(no text yet)', '');
    const block = challengeBlock(c);
    push('Challenge · Goal and solution', fenced('challenge', toYaml(block, { lineWidth: 0 })));
    push(null, '');
  }
  return { markdown: out.join('\n'), regions };
}

/** The ```predict YAML of a question from the form (a rule question: its answer is fixed). */
function predictBlock(p: LessonPredict): Record<string, unknown> {
  const block: Record<string, unknown> = { about: 'rule', kind: p.kind, question: oneLine(p.question, '?') };
  if (p.kind === 'pick-one') block.choices = p.choices.map((label) => ({ label }));
  block.correct = p.correct;
  // Left empty, the loader says a question needs one (rather than zod's "too small").
  if (p.agrees.trim() !== '') block.agrees = p.agrees;
  if (p.explain.trim() !== '') block.explain = oneLine(p.explain, '');
  return block;
}

/** The ```challenge YAML of a challenge from the form, with what was kept from its file. */
function challengeBlock(c: LessonChallenge): Record<string, unknown> {
  const block: Record<string, unknown> = { goal: oneLine(c.goal, 'leader'), solution: c.solution.trim() + '\n' };
  if (c.hint.trim() !== '') block.hint = oneLine(c.hint, '');
  if (c.kept?.setup !== undefined) block.setup = c.kept.setup;
  if (c.kept?.control !== undefined) block.control = c.kept.control;
  return block;
}

/**
 * An error about the generated text told as the editor's field: "lesson.md line 24: unknown predicate"
 * becomes "Step 1 · Checks, line 1: unknown predicate". Unchanged when no region holds the line.
 */
export function errorInEditor(message: string, regions: readonly LessonRegion[]): string {
  const line = errorLine(message);
  const found = line === undefined ? undefined : regions.find((x) => line >= x.start && line <= x.end);
  // A challenge's walk names its heading's line: what failed is its goal or its solution.
  const r = found?.where === 'Challenge · Title' && /\bline \d+: challenge /.test(message) ? regions.find((x) => x.where === 'Challenge · Goal and solution') : found;
  if (r === undefined || line === undefined) return message;
  const inField = r.fenced ? line - r.start : line - r.start + 1;
  const where = r.fenced && inField >= 1 && !/· Question$|Goal/.test(r.where) ? `${r.where}, line ${inField}` : r.where;
  const told = message.replace(new RegExp(`${LESSON_FILE.replace('.', '\\.')} line ${line}\\b`), where);
  // The format's names of a question's fields, as the editor labels them.
  return /· Question$/.test(r.where) ? told.replace(/'agrees'|\bagrees\b/g, '“Holds after the step”').replace(/'correct'|\bcorrect\b/g, '“Right answer”').replace(/\bchoices\b/g, '“Choices”') : told;
}

// ---- opening a lesson ----

export type LoadedLesson = { ok: true; chapter: Chapter; markdown: string } | { ok: false; error: string; line?: number; markdown?: string };

/** The 1-based line an error message names (`lesson.md line 12: …`), if any. */
export function errorLine(message: string): number | undefined {
  const m = /\bline (\d+)\b/.exec(message);
  return m === null ? undefined : Number(m[1]);
}

/**
 * Loads lesson text with the chapter loader (front matter schema, scenario parser, placeholders); errors
 * name `file` (a file opened from disk by its own name; the editor's text and links as lesson.md).
 */
export function loadLesson(markdown: string, file: string = LESSON_FILE): LoadedLesson {
  if (markdown.length > MAX_LESSON_CHARS) return { ok: false, error: `the lesson is too long (${markdown.length} characters; the limit is ${MAX_LESSON_CHARS})` };
  try {
    const chapter = loadChapter(markdown, file, LESSON_STEP_LIMITS);
    return { ok: true, chapter, markdown };
  } catch (err) {
    if (!(err instanceof ChapterError) && !(err instanceof ScenarioError) && !(err instanceof Error)) throw err;
    const error = err.message;
    const line = errorLine(error);
    return { ok: false, error, ...(line !== undefined ? { line } : {}), markdown };
  }
}

const envelopeSchema = z
  .object({
    format: z.literal(LESSON_FORMAT),
    version: z.literal(LESSON_VERSION),
    markdown: z.string().min(1).max(MAX_LESSON_CHARS),
  })
  .strict();

export const LESSON_HASH = /^#lesson=/;

export function isLessonHash(hash: string): boolean {
  return LESSON_HASH.test(hash);
}

/** `#lesson=` + the deflated, base64url envelope (`#lesson=j` + plain JSON where the browser cannot compress). */
export async function encodeLessonHash(markdown: string): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify({ format: LESSON_FORMAT, version: LESSON_VERSION, markdown }));
  if (canCompress()) return `#lesson=z${toBase64Url(await pipe(bytes, new CompressionStream('deflate-raw')))}`;
  return `#lesson=j${toBase64Url(bytes)}`;
}

function zodText(error: z.ZodError): string {
  const i = error.issues[0];
  return i === undefined ? 'it is not a lesson' : issueWords(i as Parameters<typeof issueWords>[0]);
}

/** Unpacks and checks a lesson link, then loads the lesson; every failure is a sentence a reader can act on. */
export async function decodeLessonHash(hash: string): Promise<LoadedLesson> {
  if (!isLessonHash(hash)) return { ok: false, error: 'the link carries no lesson' };
  const body = hash.slice('#lesson='.length);
  if (body.length > 4_000_000) return { ok: false, error: 'the link is too long' };
  const mode = body[0];
  if (mode !== 'z' && mode !== 'j') return { ok: false, error: 'the link is damaged (unknown encoding)' };
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(body.slice(1));
  } catch {
    return { ok: false, error: 'the link is damaged (not base64url)' };
  }
  let text: string;
  try {
    if (mode === 'z') {
      if (!canCompress()) return { ok: false, error: 'this browser cannot read compressed links' };
      const out = await inflateLimited(bytes, MAX_LESSON_CHARS * 4);
      if (out === 'too big') return { ok: false, error: 'the link unpacks to too much data' };
      if (out === 'damaged') return { ok: false, error: 'the link is damaged (it does not unpack)' };
      bytes = out;
    }
    if (bytes.length > MAX_LESSON_CHARS * 4) return { ok: false, error: 'the link unpacks to too much data' };
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, error: 'the link is damaged (it does not unpack)' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the link is damaged (its content is not JSON)' };
  }
  const env = envelopeSchema.safeParse(value);
  if (!env.success) return { ok: false, error: `the link does not hold a lesson (${zodText(env.error)})` };
  return loadLesson(env.data.markdown);
}

// ---- back from a chapter file to the editor's model ----

interface RawBlock {
  info: string;
  body: string;
}

/** The blocks a step's section may hold: taken out of its prose (any other fence stays in it). */
const STEP_BLOCKS = ['scenario', 'check', 'predict', 'challenge', 'setup', 'view'];

/** Deep equality of parsed YAML values (plain data). */
function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** A ```predict block as the form shows it, when the form writes it back the same; otherwise undefined (kept as text). */
function formPredict(text: string): LessonPredict | undefined {
  const d = parseYaml(text) as { kind?: string; question?: string; choices?: Array<{ label: string }>; correct?: unknown; agrees?: string; explain?: string } | null;
  if (d === null || typeof d !== 'object' || (d.kind !== 'pick-one' && d.kind !== 'pick-a-node')) return undefined;
  const p: LessonPredict = {
    kind: d.kind,
    question: d.question ?? '',
    choices: (d.choices ?? []).map((c) => c.label),
    correct: String(d.correct ?? ''),
    agrees: d.agrees ?? '',
    explain: d.explain ?? '',
  };
  return sameData(predictBlock(p), d) ? p : undefined;
}

/**
 * Reads a lesson file (this editor's output, a hand-written lesson or a course chapter) back into the
 * editor's model. What the form cannot show — run questions, ```setup and ```view blocks, a challenge's
 * setup, the id, sources and seedIndependent — is kept (`kept`) and written back as it was; keptParts says
 * what, and sameLesson checks that nothing changed.
 */
export function markdownToLesson(markdown: string): Lesson {
  const loaded = loadLesson(markdown);
  if (!loaded.ok) throw new ChapterError(loaded.error);
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const end = lines.indexOf('---', 1);
  const meta = parseYaml(lines.slice(1, end).join('\n')) as {
    id: string; order: number; title: string; summary: string; seed: number; seedIndependent: boolean;
    sources: Array<{ title: string; url: string }>; setup?: string; view?: unknown;
  };
  const sections: Array<{ title: string; prose: string[]; blocks: RawBlock[] }> = [];
  const intro: string[] = [];
  let fence: { marker: string; info: string; body: string[] } | undefined;
  for (const raw of lines.slice(end + 1)) {
    const cur = sections[sections.length - 1];
    if (fence !== undefined) {
      if (raw.trimEnd() === fence.marker) {
        if (STEP_BLOCKS.includes(fence.info)) cur?.blocks.push({ info: fence.info, body: fence.body.join('\n') });
        else (cur?.prose ?? intro).push(fence.marker + fence.info, ...fence.body, fence.marker);
        fence = undefined;
      } else fence.body.push(raw);
      continue;
    }
    const open = /^(`{3,})\s*([\w-]*)\s*$/.exec(raw);
    if (open !== null) {
      fence = { marker: open[1], info: open[2], body: [] };
      continue;
    }
    const h = /^##\s+(.+?)\s*$/.exec(raw);
    if (h !== null && !raw.startsWith('###')) {
      sections.push({ title: h[1], prose: [], blocks: [] });
      continue;
    }
    (cur?.prose ?? intro).push(raw);
  }
  const block = (s: { blocks: RawBlock[] }, info: string): string | undefined => s.blocks.find((b) => b.info === info)?.body;
  const steps: LessonStep[] = [];
  let challenge: LessonChallenge | undefined;
  for (const s of sections) {
    const ch = block(s, 'challenge');
    if (ch !== undefined) {
      const d = parseYaml(ch) as { goal?: string; solution?: string; hint?: string; setup?: string; control?: boolean };
      const kept = { ...(d.setup !== undefined ? { setup: d.setup } : {}), ...(d.control !== undefined ? { control: d.control } : {}) };
      challenge = {
        title: s.title.replace(/^Challenge:\s*/i, ''),
        text: s.prose.join('\n').trim(),
        goal: d.goal ?? '',
        solution: (d.solution ?? '').trimEnd(),
        hint: d.hint ?? '',
        ...(Object.keys(kept).length > 0 ? { kept } : {}),
      };
      continue;
    }
    const p = block(s, 'predict');
    const predict = p === undefined ? undefined : formPredict(p);
    const kept: StepKept = {
      ...(block(s, 'setup') !== undefined ? { setup: block(s, 'setup') } : {}),
      ...(block(s, 'view') !== undefined ? { view: block(s, 'view') } : {}),
      ...(p !== undefined && predict === undefined ? { predict: p } : {}),
    };
    steps.push({
      title: s.title,
      text: s.prose.join('\n').trim(),
      scenario: (block(s, 'scenario') ?? '').trimEnd(),
      checks: (block(s, 'check') ?? '').trimEnd(),
      ...(predict !== undefined ? { predict } : {}),
      ...(Object.keys(kept).length > 0 ? { kept } : {}),
    });
  }
  return {
    title: meta.title,
    summary: meta.summary,
    intro: intro.join('\n').trim(),
    seed: meta.seed,
    setup: (meta.setup ?? '').trimEnd(),
    steps,
    ...(challenge !== undefined ? { challenge } : {}),
    kept: {
      // A course chapter's id holds the learner's progress in the course: its copy's is its own.
      id: meta.id.startsWith('lesson-') ? meta.id : `lesson-${meta.id}`,
      order: meta.order,
      seedIndependent: meta.seedIndependent,
      sources: meta.sources,
      ...(meta.view !== undefined ? { view: meta.view } : {}),
    },
  };
}

/** What a lesson read from a file keeps that the form does not show, in words (for the editor's note). */
export function keptParts(lesson: Lesson): string[] {
  const out: string[] = [];
  const k = lesson.kept;
  if (k?.sources !== undefined && k.sources.length > 0) out.push(`its sources (${k.sources.map((x) => x.title).join('; ')})`);
  if (k?.seedIndependent === true) out.push('seedIndependent: true (it must walk on any seed)');
  if (k?.view !== undefined) out.push('the default view of its steps');
  lesson.steps.forEach((s, i) => {
    const names = [s.kept?.setup !== undefined ? 'a setup block (a fresh cluster)' : '', s.kept?.view !== undefined ? 'a view block' : '', s.kept?.predict !== undefined ? 'a question the form cannot show' : ''].filter((x) => x !== '');
    if (names.length > 0) out.push(`step ${i + 1}: ${names.join(', ')}`);
  });
  if (lesson.challenge?.kept?.setup !== undefined) out.push('the challenge’s own setup');
  return out;
}

/** A chapter as data to compare: what it says and checks, not where its lines are. */
function chapterShape(c: Chapter): unknown {
  const text = (f: { text: string } | undefined): string | undefined => f?.text.trim();
  const src = (x: { source: string } | undefined): string | undefined => x?.source;
  return {
    order: c.order, title: c.title, summary: c.summary, seed: c.seed, seedIndependent: c.seedIndependent, sources: c.sources, setup: text(c.setup), intro: c.intro,
    steps: c.steps.map((s) => ({
      title: s.title, prose: s.prose, setup: text(s.setup), scenario: text(s.scenario), check: text(s.check), view: s.view,
      predict: s.predict === undefined ? undefined : {
        ...s.predict, answer: src(s.predict.answer), shown: src(s.predict.shown), agrees: src(s.predict.agrees),
        choices: s.predict.choices?.map((ch) => ({ label: ch.label, when: src(ch.when), shown: src(ch.shown) })),
      },
    })),
    challenge: c.challenge === undefined ? undefined : { ...c.challenge, line: undefined, setup: text(c.challenge.setup), goal: src(c.challenge.goal), solution: text(c.challenge.solution) },
  };
}

/**
 * Where a lesson read back from the editor differs from the file it came from (empty: the same lesson,
 * ids apart). The page offers "Edit a copy" only when this is empty.
 */
export function copyDifferences(original: Chapter, copy: Chapter): string[] {
  const a = chapterShape(original) as Record<string, unknown>;
  const b = chapterShape(copy) as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(a)) {
    if (key === 'steps') continue;
    if (!sameData(a[key], b[key])) out.push(key);
  }
  const sa = a.steps as unknown[];
  const sb = b.steps as unknown[];
  if (sa.length !== sb.length) out.push(`the number of steps (${sa.length}, now ${sb.length})`);
  else sa.forEach((st, i) => {
    const x = st as Record<string, unknown>;
    const y = sb[i] as Record<string, unknown>;
    const keys = Object.keys(x).filter((k) => !sameData(x[k], y[k]));
    if (keys.length > 0) out.push(`step ${i + 1}: ${keys.join(', ')}`);
  });
  return out;
}
