// The headless lesson runner: walks a guide chapter or a scenario file on many seeds and prints a narrated transcript (or JSON).
//
// `npm run lesson -- guides/03-election.md --seeds 1..100 [--json] [--quiet] [--prose]`
// Exit codes: 0 every check held on every seed, 1 a check (or a step) failed, 2 bad input.
import { ChapterError, ChapterSession, loadChapter, stepLimitsFor, walkChallenge, type Chapter, type StepOutcome } from '../guides/chapters';
import { ScenarioError, parseScenario, runScenario, scenarioHelp, type Scenario, type StepResult } from '../sim/scenario';
import { ConfigError, ignoredKeysNote } from '../sim/config';
import type { ClusterOptions } from '../sim/types';
import { RUN_FORMAT } from '../store/share';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** More seeds than this in one call is almost certainly a typo (`1..1000000`). */
export const MAX_SEEDS = 100_000;

export const USAGE = `usage: npm run lesson -- <file> [--seeds <list>] [--json] [--quiet] [--prose]

  <file>          a lesson (.md: 1–40 steps; a course chapter in guides/ has 5–12),
                  or a scenario file (scenario-language lines)
  --seeds <list>  seeds to walk: 7 | 1..100 | 1,5,9 | 1..10,20..25 (default: the file's own seed)
  --json          one JSON document on stdout, for tools
  --quiet         one line per seed and the failures, no transcript
  --prose         print each chapter step's prose (with this run's values) in the transcript

exit code: 0 every check held on every seed, 1 a check failed, 2 bad input`;

/** `--help`: the usage, then every header line and command of the scenario language (the list the parser itself knows). */
export function helpText(): string {
  return [
    USAGE,
    '',
    'The scenario language: one statement per line, header lines before the first command; # starts a comment.',
    'Node references: a node id (n1 …, or a cluster.yaml\'s own), leader, follower, follower2 …, $variable.',
    'Durations: 500ms, 2s (a bare number is ms).',
    '',
    ...scenarioHelp().map((line) => `  ${line}`),
    '',
    'Predicates (expect, run until, a question\'s agrees, a challenge\'s goal), values (let) and the lesson file',
    'format: docs/lessons.md.',
  ].join('\n');
}

export interface LessonArgs {
  file: string;
  seeds: number[] | undefined;
  json: boolean;
  quiet: boolean;
  prose: boolean;
}

export class UsageError extends Error {}

/** `7`, `1..100`, `1,5,9`, `1..10,20..25`, negative seeds too (`-3..3`). */
export function parseSeeds(text: string): number[] {
  const out: number[] = [];
  if (text.trim() === '') throw new UsageError('--seeds needs a list such as 1..100 or 1,5,9');
  for (const part of text.split(',')) {
    const m = /^\s*(-?\d+)\s*(?:\.\.\s*(-?\d+)\s*)?$/.exec(part);
    if (m === null) throw new UsageError(`bad --seeds '${text}': '${part}' is not a seed or a range like 1..100`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (const x of [a, b]) {
      if (!Number.isSafeInteger(x) || Math.abs(x) > 2 ** 31) throw new UsageError(`bad --seeds '${text}': ${x} is outside -2147483648..2147483648`);
    }
    if (b < a) throw new UsageError(`bad --seeds '${text}': the range ${a}..${b} runs backwards`);
    if (out.length + (b - a + 1) > MAX_SEEDS) throw new UsageError(`bad --seeds '${text}': more than ${MAX_SEEDS} seeds`);
    for (let s = a; s <= b; s++) out.push(s);
  }
  return out;
}

export function parseArgs(argv: readonly string[]): LessonArgs {
  let file: string | undefined;
  let seeds: number[] | undefined;
  let json = false;
  let quiet = false;
  let prose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--quiet' || a === '-q') quiet = true;
    else if (a === '--prose') prose = true;
    else if (a === '--seeds' || a === '--seed') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a list such as 1..100`);
      seeds = parseSeeds(v);
    } else if (a.startsWith('--seeds=') || a.startsWith('--seed=')) seeds = parseSeeds(a.slice(a.indexOf('=') + 1));
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else if (file === undefined) file = a;
    else throw new UsageError(`one file at a time (got '${file}' and '${a}')`);
  }
  if (file === undefined) throw new UsageError('no file given');
  return { file, seeds, json, quiet, prose };
}

// ---------------------------------------------------------------------------------------------
// What a run reports (also the --json document)
// ---------------------------------------------------------------------------------------------

export interface LineReport {
  line: number;
  source: string;
  kind: StepResult['kind'];
  status: StepResult['status'];
  /** Virtual ms after the line ran. */
  at: number;
  output?: readonly string[];
  message?: string;
  /** Comment lines written just above this line in a scenario file (its narration). */
  notes?: string[];
}

export interface StepReport {
  title: string;
  ok: boolean;
  lines: LineReport[];
  failures: readonly string[];
  prose?: string;
  predict?: { question: string; about: string; answer?: string | number; agrees?: boolean; shown?: string | number };
}

export interface SeedReport {
  seed: number;
  ok: boolean;
  /** Chapter steps; a scenario file has one step holding every line. */
  steps: StepReport[];
  challenge?: { title: string; ok: boolean; failures: readonly string[] };
  failures: string[];
  /** Rule questions whose run did not do what the rule says (allowed on a few seeds; not a failure). */
  disagreements: number;
  checks: { passed: number; failed: number };
  /** Virtual ms at the end of the walk. */
  endedAt: number;
}

export interface LessonReport {
  file: string;
  kind: 'chapter' | 'scenario';
  title: string;
  seeds: SeedReport[];
  summary: { seeds: number; passed: number; failed: number; failedSeeds: number[]; checks: { passed: number; failed: number }; disagreements: number };
  /** Notes for the reader (e.g. a seed-dependent chapter walked on other seeds). */
  warnings: string[];
  exitCode: number;
}

function lineReport(r: StepResult, notes?: string[]): LineReport {
  return {
    line: r.line, source: r.source, kind: r.kind, status: r.status, at: Math.round(r.at * 10) / 10,
    ...(r.output !== undefined && r.output.length > 0 ? { output: r.output } : {}),
    ...(r.message !== undefined ? { message: r.message } : {}),
    ...(notes !== undefined && notes.length > 0 ? { notes } : {}),
  };
}

function countChecks(lines: readonly LineReport[], into: { passed: number; failed: number }): void {
  for (const l of lines) {
    if (l.kind !== 'check' || l.status === 'skipped') continue;
    if (l.status === 'ok') into.passed++;
    else into.failed++;
  }
}

// ---------------------------------------------------------------------------------------------
// Walking a chapter (the guides' own session and challenge walker) and a scenario (the scenario runner)
// ---------------------------------------------------------------------------------------------

function stepReport(chapter: Chapter, o: StepOutcome, withProse: boolean): StepReport {
  const step = chapter.steps[o.index];
  const p = step.predict;
  return {
    title: o.title,
    ok: o.ok,
    lines: o.results.map((r) => lineReport(r)),
    failures: o.failures,
    ...(withProse ? { prose: o.prose } : {}),
    ...(p !== undefined
      ? {
          predict: {
            question: p.question,
            about: p.about ?? 'unconverted',
            ...(o.answer !== undefined ? { answer: o.answer } : {}),
            ...(o.agrees !== undefined ? { agrees: o.agrees } : {}),
            ...(o.shown !== undefined ? { shown: o.shown } : {}),
          },
        }
      : {}),
  };
}

/** One seed through the chapter, as walkChapter does it, keeping every step's outcome for the transcript. */
export function walkChapterSeed(chapter: Chapter, seed: number, withProse = false): SeedReport {
  const session = new ChapterSession(chapter, seed);
  const steps: StepReport[] = [];
  const failures: string[] = [];
  const checks = { passed: 0, failed: 0 };
  let disagreements = 0;
  try {
    while (!session.done) {
      const o = session.next();
      const s = stepReport(chapter, o, withProse);
      steps.push(s);
      countChecks(s.lines, checks);
      failures.push(...o.failures);
      if (o.agrees === false) disagreements++;
      if (!o.ok) break;
    }
    let challenge: SeedReport['challenge'];
    if (failures.length === 0 && chapter.challenge !== undefined) {
      const c = walkChallenge(chapter, seed, session.runner);
      challenge = { title: chapter.challenge.title, ok: c.ok, failures: c.failures };
      if (c.ok) checks.passed++;
      else checks.failed++;
      failures.push(...c.failures);
    }
    const endedAt = session.runner.cluster.now;
    return { seed, ok: failures.length === 0, steps, failures, disagreements, checks, endedAt, ...(challenge !== undefined ? { challenge } : {}) };
  } finally {
    session.runner.dispose();
  }
}

/** Comment lines (`# …`) of a scenario file, gathered onto the statement that follows them. */
function commentsByLine(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let pending: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const s = raw.trim();
    if (s.startsWith('#')) {
      const note = s.replace(/^#+\s?/, '');
      if (note.length > 0) pending.push(note);
    } else if (s.length > 0) {
      if (pending.length > 0) out.set(i + 1, pending);
      pending = [];
    }
  });
  return out;
}

export function walkScenarioSeed(scenario: Scenario, text: string, seed: number | undefined): SeedReport {
  const notes = [...commentsByLine(text)].sort((a, b) => a[0] - b[0]);
  const res = runScenario(scenario, seed === undefined ? {} : { seed });
  try {
    // Notes above header lines (which are not steps) go to the first step after them.
    let k = 0;
    const lines = res.results.map((r) => {
      const mine: string[] = [];
      for (; k < notes.length && notes[k][0] <= r.line; k++) mine.push(...notes[k][1]);
      return lineReport(r, mine);
    });
    const checks = { passed: 0, failed: 0 };
    countChecks(lines, checks);
    const failures = res.results.filter((r) => r.status === 'failed').map((r) => r.message ?? r.source);
    const step: StepReport = { title: '', ok: res.ok, lines, failures };
    return { seed: res.seed, ok: res.ok, steps: [step], failures, disagreements: 0, checks, endedAt: res.runner.cluster.now };
  } finally {
    res.runner.dispose();
  }
}

// ---------------------------------------------------------------------------------------------
// Text output
// ---------------------------------------------------------------------------------------------

const fmtMs = (ms: number): string => `${Math.round(ms * 10) / 10}ms`;
const MARK: Record<StepResult['status'], string> = { ok: '✓', failed: '✗', skipped: '·' };

function transcriptLines(r: SeedReport, kind: 'chapter' | 'scenario'): string[] {
  const out: string[] = [];
  r.steps.forEach((s, i) => {
    if (kind === 'chapter') {
      out.push('', `  Step ${i + 1}: ${s.title}${s.ok ? '' : '   ✗ FAILED'}`);
      if (s.prose !== undefined) for (const p of s.prose.split('\n')) out.push(`    | ${p}`);
    }
    for (const l of s.lines) {
      for (const n of l.notes ?? []) out.push('', `  # ${n}`);
      const isCheck = l.kind === 'check';
      const head = isCheck ? `${MARK[l.status]} ${l.source}` : `${l.status === 'ok' ? '>' : MARK[l.status]} ${l.source}`;
      out.push(`  ${String(l.line).padStart(4)}  ${head}   t=${fmtMs(l.at)}${l.status === 'skipped' ? ' (skipped)' : ''}`);
      for (const o of l.output ?? []) out.push(`          ${o}`);
      if (l.status === 'failed' && l.message !== undefined) out.push(`          FAILED: ${l.message}`);
    }
    const p = s.predict;
    if (p !== undefined) {
      const answer = p.answer === undefined ? 'no answer (the step failed)' : String(p.answer);
      let verdict = '';
      if (p.about === 'rule' && p.agrees !== undefined) verdict = p.agrees ? ' — this run did what the rule says' : ' — this run did NOT do what the rule says';
      if (p.about === 'run' && p.shown !== undefined) verdict = ` — the view showed ${p.shown} before the step`;
      out.push(`    ? predict (${p.about}): ${p.question}`, `      answer: ${answer}${verdict}`);
    }
    for (const f of s.failures) if (!s.lines.some((l) => l.message === f || (l.message !== undefined && f.endsWith(l.message)))) out.push(`    ✗ ${f}`);
  });
  if (r.challenge !== undefined) {
    out.push('', `  Challenge: ${r.challenge.title}`, `    ${r.challenge.ok ? '✓ the solution reaches the goal' : '✗ the solution does not reach the goal'}`);
    for (const f of r.challenge.failures) out.push(`      ${f}`);
  }
  return out;
}

function seedLine(r: SeedReport): string {
  const c = `${r.checks.passed}/${r.checks.passed + r.checks.failed} checks`;
  const d = r.disagreements > 0 ? `, ${r.disagreements} rule question(s) disagreed` : '';
  return `seed ${r.seed}: ${r.ok ? 'passed' : 'FAILED'} (${r.steps.length} step${r.steps.length === 1 ? '' : 's'}, ${c}${d}, t=${fmtMs(r.endedAt)})`;
}

export function formatText(report: LessonReport, quiet: boolean): string {
  const out: string[] = [];
  const what = report.kind === 'chapter' ? `chapter "${report.title}"` : 'scenario';
  out.push(`${report.file} — ${what}, ${report.seeds.length} seed${report.seeds.length === 1 ? '' : 's'}`);
  for (const w of report.warnings) out.push(`note: ${w}`);
  for (const r of report.seeds) {
    if (!quiet) {
      out.push('', `=== seed ${r.seed} ===`);
      out.push(...transcriptLines(r, report.kind));
      out.push('');
    }
    out.push(seedLine(r));
    if (quiet) for (const f of r.failures) out.push(`  ${f}`);
  }
  const s = report.summary;
  out.push('');
  out.push(
    `summary: ${s.passed}/${s.seeds} seeds passed` +
      (s.failed > 0 ? `, ${s.failed} failed (seeds ${s.failedSeeds.slice(0, 20).join(', ')}${s.failedSeeds.length > 20 ? ', …' : ''})` : '') +
      `; checks ${s.checks.passed} held, ${s.checks.failed} failed` +
      (s.disagreements > 0 ? `; ${s.disagreements} rule-question disagreement(s)` : ''),
  );
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

export interface LessonIO {
  readFile(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A file the runner does not read, said as what it is and where it opens (undefined: a scenario or lesson file). */
export function notALesson(file: string, text: string): string | undefined {
  if (!/^\s*[{[]/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const runner = 'The runner reads scenario files and lesson .md files.';
  if (typeof value === 'object' && value !== null && (value as { format?: unknown }).format === RUN_FORMAT) {
    return `${file} is a run file from the page (Share → Export run); open it there with Share → Import run…. ${runner}`;
  }
  return `${file} is a JSON file, not a scenario or a lesson. ${runner}`;
}

/** The page's Config tab note, for the cluster.yaml files a lesson's or scenario's `config` header lines carry. */
function ignoredKeyNotes(configs: ReadonlyArray<ClusterOptions['config']>): string[] {
  const out: string[] = [];
  for (const config of new Set(configs)) {
    const note = config === undefined ? undefined : ignoredKeysNote("the config header's", config);
    if (note !== undefined) out.push(note);
  }
  return out;
}

/** Walks a file on the given seeds; `undefined` seeds means the file's own seed. */
export function runLessonFile(file: string, text: string, seeds: readonly number[] | undefined, withProse = false): LessonReport {
  const isChapter = /\.md$/i.test(file) || text.startsWith('---');
  const warnings: string[] = [];
  let title = '';
  let reports: SeedReport[];
  if (isChapter) {
    // The page's rule: a course chapter (guides/) has 5–12 steps, any other file is a lesson of 1–40.
    const chapter = loadChapter(text, file, stepLimitsFor(file, text));
    title = chapter.title;
    const setups = [chapter.setup, ...chapter.steps.map((s) => s.setup), chapter.challenge?.setup];
    warnings.push(...ignoredKeyNotes(setups.map((f) => f?.scenario.options.config)));
    const list = seeds ?? [chapter.seed];
    if (!chapter.seedIndependent && list.some((s) => s !== chapter.seed)) {
      warnings.push(`this chapter is written for seed ${chapter.seed} (seedIndependent: false): other seeds may fail where the story depends on timing`);
    }
    reports = list.map((seed) => walkChapterSeed(chapter, seed, withProse));
  } else {
    const scenario = parseScenario(text);
    warnings.push(...ignoredKeyNotes([scenario.options.config]));
    reports = (seeds ?? [undefined]).map((seed) => walkScenarioSeed(scenario, text, seed));
  }
  const failedSeeds = reports.filter((r) => !r.ok).map((r) => r.seed);
  const checks = { passed: 0, failed: 0 };
  for (const r of reports) {
    checks.passed += r.checks.passed;
    checks.failed += r.checks.failed;
  }
  return {
    file,
    kind: isChapter ? 'chapter' : 'scenario',
    title,
    seeds: reports,
    summary: {
      seeds: reports.length,
      passed: reports.length - failedSeeds.length,
      failed: failedSeeds.length,
      failedSeeds,
      checks,
      disagreements: reports.reduce((n, r) => n + r.disagreements, 0),
    },
    warnings,
    exitCode: failedSeeds.length > 0 ? EXIT_FAILED : EXIT_OK,
  };
}

/** The whole command: parses arguments, reads the file, walks it, prints, and returns the exit code. */
export function lessonMain(argv: readonly string[], io: LessonIO): number {
  let json = argv.includes('--json');
  const bad = (message: string, usage = false): number => {
    if (json) io.stdout(JSON.stringify({ error: message, exitCode: EXIT_BAD_INPUT }, null, 2) + '\n');
    else io.stderr(`lesson: ${message}\n${usage ? `\n${USAGE}\n` : ''}`);
    return EXIT_BAD_INPUT;
  };
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(helpText() + '\n');
    return EXIT_OK;
  }
  let args: LessonArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return bad(err.message, true);
    throw err;
  }
  json = args.json;
  let text: string;
  try {
    text = io.readFile(args.file);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : err instanceof Error ? err.message : String(err);
    return bad(`cannot read ${args.file}: ${why}`);
  }
  const other = notALesson(args.file, text);
  if (other !== undefined) return bad(other);
  let report: LessonReport;
  try {
    report = runLessonFile(args.file, text, args.seeds, args.prose);
  } catch (err) {
    // Both name the line: ChapterError says `file line N: …`, ScenarioError `line N: …`.
    if (err instanceof ChapterError) return bad(err.message);
    if (err instanceof ScenarioError) return bad(`${args.file} ${err.message}`);
    // Header lines that each parse but together make no cluster ('election-timeout 300 150').
    if (err instanceof ConfigError) return bad(`${args.file}: the header lines do not make a cluster: ${err.message}`);
    throw err;
  }
  if (args.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
  else io.stdout(formatText(report, args.quiet));
  return report.exitCode;
}
