// docs/lessons.md is true of the code: its lessons and scenario file walk green with the lesson runner, its
// block excerpts are parts of those lessons, its predicates and values parse, and its command list is the parser's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT_OK, helpText, lessonMain } from '../../src/cli/lesson';
import { compilePredicate, compileValue, scenarioHelp } from '../../src/sim/scenario';

const DOC = readFileSync('docs/lessons.md', 'utf8');

/** The code blocks that follow a `<!-- test: kind -->` marker, by kind. */
function examples(kind: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<!-- test: ${kind} -->\\n(\`{3,})\\w*\\n([\\s\\S]*?)\\n\\1\\n`, 'g');
  for (const m of DOC.matchAll(re)) out.push(m[2]);
  return out;
}

function run(name: string, text: string, seeds: string): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = lessonMain([name, '--seeds', seeds, '--quiet'], {
    readFile: () => text,
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  return { code, out, err };
}

describe('docs/lessons.md', () => {
  const lessons = examples('lesson');

  it('has the examples its tests read', () => {
    expect(lessons).toHaveLength(2);
    expect(examples('excerpt').length).toBeGreaterThanOrEqual(5);
    expect(examples('scenario')).toHaveLength(1);
  });

  it.each(lessons.map((text) => [/^title: (.*)$/m.exec(text)![1], text]))('the lesson "%s" walks green on 10 seeds', (_title, text) => {
    const r = run('example.md', text, '1..10');
    expect(r.err).toBe('');
    expect(r.out).toMatch(/10\/10 seeds passed/);
    expect(r.code).toBe(EXIT_OK);
  });

  it('the scenario file walks green', () => {
    const r = run('example.scenario', examples('scenario')[0], '1..5');
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT_OK);
  });

  it('each block excerpt is a part of a lesson that walks', () => {
    for (const excerpt of examples('excerpt')) expect(lessons.some((l) => l.includes(excerpt)), excerpt).toBe(true);
  });

  it('every predicate and value listed parses', () => {
    const nodeIds = ['n1', 'n2', 'n3', 'n4', 'n5'];
    const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');
    for (const p of lines(examples('predicates')[0])) expect(() => compilePredicate(p, { nodeIds }), p).not.toThrow();
    for (const v of lines(examples('values')[0])) expect(() => compileValue(v, { nodeIds }), v).not.toThrow();
  });

  it('the command list is the parser’s, and npm run lesson -- --help prints it', () => {
    expect(examples('help')[0].split('\n')).toEqual(scenarioHelp());
    let out = '';
    expect(lessonMain(['--help'], { readFile: () => '', stdout: (t) => (out += t), stderr: () => undefined })).toBe(EXIT_OK);
    expect(out).toBe(helpText() + '\n');
    for (const line of scenarioHelp()) expect(out).toContain(`  ${line}\n`);
    expect(out).toMatch(/docs\/lessons\.md/);
  });
});
