// The headless lesson runner: seed lists, transcripts, JSON, and its exit codes (in-process and as a real command).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, lessonMain, parseSeeds, type LessonReport } from '../../src/cli/lesson';
import { lessonToMarkdown, loadLesson } from '../../src/ui/lesson/lessonFormat';

const GOOD = `# A leader is elected
seed 5
nodes 3
run until leader within 2s
let l = leader
# Replication
cmd leader PUB orders hello
expect history $l orders count 1
expect all term >= 1
`;

const FAILING = `seed 5
nodes 3
run until leader within 2s
expect all term = 7
expect leader
`;

/** Runs the command in-process against files held in memory. */
function run(argv: string[], files: Record<string, string> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = lessonMain(argv, {
    readFile: (path) => {
      if (path in files) return files[path];
      if (path.startsWith('guides/')) return readFileSync(path, 'utf8');
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  return { code, out, err };
}

describe('seed lists', () => {
  it('reads single seeds, ranges and lists', () => {
    expect(parseSeeds('7')).toEqual([7]);
    expect(parseSeeds('1..4')).toEqual([1, 2, 3, 4]);
    expect(parseSeeds('1,5,9')).toEqual([1, 5, 9]);
    expect(parseSeeds('1..2,10..11')).toEqual([1, 2, 10, 11]);
    expect(parseSeeds('-1..1')).toEqual([-1, 0, 1]);
  });

  it.each(['', 'a', '5..1', '1..', '1...3', '1..200000', '1.5'])('refuses %j', (text) => {
    expect(() => parseSeeds(text)).toThrow(/seeds/);
  });
});

describe('lesson runner', () => {
  it('walks a scenario file: narration, commands, outputs and checks, exit 0', () => {
    const r = run(['lesson.scenario', '--seeds', '5..6'], { 'lesson.scenario': GOOD });
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain('# A leader is elected');
    expect(r.out).toContain('# Replication');
    expect(r.out).toMatch(/cmd leader PUB orders hello/);
    expect(r.out).toMatch(/OK (published|REDIRECTED)/); // the command's reply, printed under it
    expect(r.out).toMatch(/✓ expect history \$l orders count 1/);
    expect(r.out).toMatch(/seed 5: passed/);
    expect(r.out).toMatch(/seed 6: passed/);
    expect(r.out).toMatch(/summary: 2\/2 seeds passed; checks 4 held, 0 failed/);
  });

  it('exits 1 on a failed check and names line, seed and time', () => {
    const r = run(['bad.txt', '--quiet'], { 'bad.txt': FAILING });
    expect(r.code).toBe(EXIT_FAILED);
    expect(r.out).toMatch(/seed 5: FAILED/);
    expect(r.out).toMatch(/line 4: expect all term = 7 — .*\(seed 5, t=[\d.]+ms\)/);
    // --quiet: no transcript
    expect(r.out).not.toMatch(/run until leader within 2s {3}t=/);
  });

  it('exits 1 when only some seeds fail, and lists them', () => {
    // Which node wins the first election depends on the seed's timers.
    const text = 'nodes 5\nrun until leader within 2s\nexpect leader n1\n';
    const r = run(['t.txt', '--seeds', '1..30', '--quiet'], { 't.txt': text });
    const failed = [...r.out.matchAll(/seed (\d+): FAILED/g)].map((m) => Number(m[1]));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(30);
    expect(r.code).toBe(EXIT_FAILED);
    expect(r.out).toContain(`, ${failed.length} failed (seeds ${failed.slice(0, 20).join(', ')}`);
  });

  it('exits 2 on a parse error, naming the file and the line', () => {
    const r = run(['x.scenario'], { 'x.scenario': 'nodes 3\nrun 1s\ncrsh n1\n' });
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toMatch(/x\.scenario line 3: unknown command 'crsh' \(did you mean 'crash'\?\)/);
  });

  it('exits 2 on an unreadable file, bad seeds, unknown options, no file', () => {
    expect(run(['missing.txt']).code).toBe(EXIT_BAD_INPUT);
    expect(run(['missing.txt']).err).toMatch(/cannot read missing\.txt: no such file/);
    expect(run(['a.txt', '--seeds', '9..1'], { 'a.txt': GOOD }).err).toMatch(/runs backwards/);
    expect(run(['a.txt', '--seeds'], { 'a.txt': GOOD }).code).toBe(EXIT_BAD_INPUT);
    expect(run(['a.txt', '--frobnicate'], { 'a.txt': GOOD }).code).toBe(EXIT_BAD_INPUT);
    expect(run([]).err).toMatch(/no file given/);
  });

  it('walks a guide chapter: step titles, predictions, checks and the challenge', () => {
    const r = run(['guides/03-election.md']);
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toMatch(/Step 1: A timer runs out/);
    expect(r.out).toMatch(/\? predict \(run\): .*\n\s+answer: n\d — the view showed n\d before the step/);
    expect(r.out).toMatch(/\? predict \(rule\): .*\n\s+answer: .* — this run did what the rule says/);
    expect(r.out).toMatch(/Challenge: .*\n\s+✓ the solution reaches the goal/);
    expect(r.out).toMatch(/seed 3: passed/);
  });

  it('walks a lesson downloaded from the page’s editor, which may have fewer steps than a chapter', () => {
    const md = lessonToMarkdown({
      title: 'Two steps',
      summary: 'A teacher’s lesson.',
      intro: '',
      seed: 7,
      setup: 'nodes 3',
      steps: [
        { title: 'Elect', text: 'A leader appears.', scenario: 'run until leader within 2s', checks: 'expect leader' },
        { title: 'Crash it', text: 'Another one takes over.', scenario: 'crash leader\nrun until leader within 3s', checks: 'expect leader' },
      ],
    });
    const r = run(['two-steps.md', '--seeds', '1..3'], { 'two-steps.md': md });
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toMatch(/Step 2: Crash it/);
    expect(r.out).toMatch(/3\/3 seeds passed/);
    // A course chapter is still held to 5–12 steps.
    const chapter = run(['guides/short.md'], { 'guides/short.md': md.replace(/^id: lesson-/m, 'id: short-') });
    expect(chapter.code).toBe(EXIT_BAD_INPUT);
    expect(chapter.err).toMatch(/5–12 steps/);
  });

  it('takes the files the page takes: a file outside guides/ is a lesson of 1–40 steps whatever its id; a chapter in guides/ is told the way out', () => {
    const md = lessonToMarkdown({
      title: 'Faults', summary: 'A hand-written lesson.', intro: '', seed: 3, setup: 'nodes 3',
      steps: ['Elect', 'Crash', 'Again', 'Heal'].map((title, i) => ({ title, text: `Step ${i + 1}.`, scenario: i === 1 ? 'crash leader\nrun until leader within 3s' : 'run until leader within 2s', checks: 'expect leader' })),
    }).replace(/^id: lesson-.*$/m, 'id: faults-five');
    expect(loadLesson(md).ok).toBe(true); // the page plays it
    const own = run(['my-lesson-noid.md', '--quiet'], { 'my-lesson-noid.md': md });
    expect(own.err).toBe('');
    expect(own.code).toBe(EXIT_OK);
    expect(own.out).toMatch(/seed 3: passed \(4 steps/);
    const inGuides = run(['guides/faults.md'], { 'guides/faults.md': md });
    expect(inGuides.code).toBe(EXIT_BAD_INPUT);
    expect(inGuides.err).toMatch(/guides\/faults\.md: a chapter has 5–12 steps .*this one has 4 \(a course chapter in guides\/; a lesson — a file outside guides\/, or an id starting with 'lesson-' — may have 1–40\)/);
    const empty = md.replace(/\n## [\s\S]*$/, '\n');
    expect(run(['empty.md'], { 'empty.md': empty }).err).toMatch(/empty\.md: a lesson has 1–40 steps \('## ' sections\), this one has 0/);
    expect(loadLesson(empty)).toMatchObject({ ok: false, error: expect.stringMatching(/a lesson has 1–40 steps/) as unknown });
  });

  it('reports a chapter that does not load with its file and line (exit 2)', () => {
    const text = readFileSync('guides/03-election.md', 'utf8').replace('{{electionTimeoutMax}}', '{{electionTimeotMax}}');
    const r = run(['guides/bad.md'], { 'guides/bad.md': text });
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toMatch(/guides\/bad\.md line \d+: unknown placeholder \{\{electionTimeotMax\}\}/);
  });

  it('a lesson on a cluster.yaml: a check naming a node the config lacks is bad input (exit 2) at load time, named nodes run', () => {
    const three = readFileSync('public/cluster.yaml', 'utf8');
    const lesson = (config: string, checks: string): string =>
      `---\nid: lesson-yaml\norder: 100\ntitle: On my cluster\nsummary: A lesson on a cluster.yaml.\nseed: 1\nseedIndependent: false\nsources: []\n` +
      `setup: |\n  config ${JSON.stringify(config)}\n---\n\n## Elect\n\nA leader.\n\n\`\`\`scenario\nrun until leader within 2s\n\`\`\`\n\n\`\`\`check\n${checks}\n\`\`\`\n`;
    const bad = run(['my-lesson.md'], { 'my-lesson.md': lesson(three, 'expect n5 up') });
    expect(bad.code).toBe(EXIT_BAD_INPUT);
    expect(bad.err).toMatch(/my-lesson\.md line \d+: unknown node 'n5' .*\(nodes: n1, n2, n3;/);
    const named = three.replace(/\bn(\d)\b/g, 'city$1');
    const ok = run(['my-lesson.md', '--quiet'], { 'my-lesson.md': lesson(named, 'expect leader\nexpect city3 up') });
    expect(ok.err).toBe('');
    expect(ok.code).toBe(EXIT_OK);
  });

  it('names the cluster.yaml keys a config header carries that the simulator ignores, as the Config tab does', () => {
    const yaml = `${readFileSync('public/cluster.yaml', 'utf8')}election_timeout_ms: [200, 400]\nheartbeat_ms: 40\n`;
    const r = run(['opts.scenario', '--quiet'], { 'opts.scenario': `config ${JSON.stringify(yaml)}\nrun until leader within 2s\nexpect leader\n` });
    expect(r.code).toBe(EXIT_OK);
    expect(r.out).toContain("note: the config header's cluster.yaml has keys the simulator ignores (cluster.yaml gives only the nodes: id, host, port): election_timeout_ms, heartbeat_ms");
    const plain = run(['plain.scenario', '--quiet'], { 'plain.scenario': `config ${JSON.stringify(readFileSync('public/cluster.yaml', 'utf8'))}\nrun until leader within 2s\n` });
    expect(plain.out).not.toMatch(/ignores/);
  });

  it('a run file exported from the page is named as one, with where it opens (exit 2)', () => {
    const runFile = JSON.stringify({ format: 'wiber-sim-run', version: 1, run: { seed: 1, nodes: 5 }, actions: [] }, null, 2);
    const r = run(['run.json'], { 'run.json': runFile });
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.err).toBe('lesson: run.json is a run file from the page (Share → Export run); open it there with Share → Import run…. The runner reads scenario files and lesson .md files.\n');
    expect(run(['x.json'], { 'x.json': '{"a": 1}' }).err).toMatch(/x\.json is a JSON file, not a scenario or a lesson/);
  });

  it('--json gives one document tools can read', () => {
    const r = run(['bad.txt', '--json', '--seeds', '5,6'], { 'bad.txt': FAILING });
    expect(r.code).toBe(EXIT_FAILED);
    const report = JSON.parse(r.out) as LessonReport;
    expect(report.kind).toBe('scenario');
    expect(report.exitCode).toBe(EXIT_FAILED);
    expect(report.summary).toMatchObject({ seeds: 2, failed: 2, failedSeeds: [5, 6] });
    const lines = report.seeds[0].steps[0].lines;
    expect(lines.map((l) => [l.line, l.status])).toEqual([[3, 'ok'], [4, 'failed'], [5, 'skipped']]);
    const bad = JSON.parse(run(['nope', '--json']).out) as { error: string; exitCode: number };
    expect(bad).toMatchObject({ exitCode: EXIT_BAD_INPUT });
    expect(bad.error).toMatch(/cannot read nope/);
  });
});

describe('npm run lesson (the real command)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lesson-'));
  const cmd = (args: string[]) => spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli/lessonMain.ts', ...args], { encoding: 'utf8' });

  it('exits 0, 1 and 2 as documented', () => {
    writeFileSync(join(dir, 'good.scenario'), GOOD);
    writeFileSync(join(dir, 'bad.scenario'), FAILING);
    writeFileSync(join(dir, 'broken.scenario'), 'nodes 3\nexpect leader within\n');
    const good = cmd([join(dir, 'good.scenario'), '--quiet']);
    expect(good.stdout).toMatch(/1\/1 seeds passed/);
    expect(good.status).toBe(0);
    expect(cmd([join(dir, 'bad.scenario'), '--quiet']).status).toBe(1);
    const broken = cmd([join(dir, 'broken.scenario')]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/broken\.scenario line 2:/);
    // Header lines that parse one by one but make no cluster together: bad input (2), not an internal error (3).
    writeFileSync(join(dir, 'nocluster.scenario'), 'nodes 3\nelection-timeout 300 150\nrun until leader within 2s\n');
    const none = cmd([join(dir, 'nocluster.scenario'), '--quiet']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/nocluster\.scenario: the header lines do not make a cluster: electionTimeoutMs/);
    expect(none.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
