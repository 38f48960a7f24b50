// @vitest-environment happy-dom
// The Lesson panel as a teacher reads it after "Edit a copy" of a received lesson or after recording steps: the
// Steps list says what each step's scenario does (hand-written lines count, not only recorded `at …ms #N` ones);
// the Cluster line tells a cluster.yaml by its nodes, never as the file's raw JSON string.
import { readFileSync } from 'node:fs';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { act, getDriver, seek } from '../../src/store/sim';
import { showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { lessonToMarkdown, scenarioSummary, setupSummary, type Lesson } from '../../src/ui/lesson/lessonFormat';
import { clickCheck, editCopy, freshLessonPage, run } from './lessonHelpers';

/** What the Steps list says after each step's title (the muted part of its summary line). */
const stepSummaries = (): string[] => Array.from(document.querySelectorAll('.lesson-steps > li > details > summary .muted')).map((e) => (e.textContent ?? '').trim());

freshLessonPage();

describe('the Steps list says what each step does', () => {
  const handWritten: Lesson = {
    title: 'By hand',
    summary: 'Lines written by hand.',
    intro: '',
    seed: 2,
    setup: 'nodes 3',
    steps: [
      { title: 'A leader', text: 'One.', scenario: 'run until leader within 2s', checks: 'expect leader' },
      { title: 'Crash', text: 'Two.', scenario: '# the leader goes\ncrash leader\n\nrun until leader within 2s', checks: 'expect leader' },
      { title: 'Only checks', text: 'Three.', scenario: '', checks: 'expect leader' },
    ],
  };

  it('a received lesson’s hand-written steps count their scenario lines and actions, not “0 actions”', async () => {
    await editCopy(lessonToMarkdown(handWritten));
    expect(stepSummaries()).toEqual(['· 1 scenario line', '· 2 scenario lines (1 action)', '· no scenario lines']);
  });

  it('recorded steps say the same of their `at …ms #N` lines: the actions, and the line that runs on to the step’s end', () => {
    render(<LessonPanel />);
    fireEvent.click(screen.getByTestId('lesson-start'));
    run(() => seek(600));
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    const c = getDriver().cluster;
    const leader = c.leader()!;
    run(() => act('crash', [leader]));
    run(() => act('partition', [[[c.nodeIds.find((id) => id !== leader)!]]]));
    run(() => seek(1500));
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(stepSummaries()).toEqual(['· 1 scenario line', '· 3 scenario lines (2 actions)']);
  });

  it('scenarioSummary reads `at` lines with and without an event count, and other commands by their kind', () => {
    expect(scenarioSummary('at 2s crash n1\nat 3s\nexpect leader\npub t hello')).toBe('4 scenario lines (2 actions)');
    expect(scenarioSummary('at 12.5ms #40 timeout n2\nat 20ms #55')).toBe('2 scenario lines (1 action)');
    expect(scenarioSummary('  \n# only a comment\n')).toBe('no scenario lines');
  });
});

describe('the Cluster line of a lesson on a cluster.yaml', () => {
  const yaml = readFileSync('public/cluster.yaml', 'utf8');
  const onYaml: Lesson = {
    title: 'On my cluster',
    summary: 'A lesson on a cluster.yaml.',
    intro: '',
    seed: 1,
    setup: `config ${JSON.stringify(yaml)}`,
    steps: [{ title: 'Elect', text: 'A leader.', scenario: 'run until leader within 2s', checks: 'expect leader' }],
  };

  it('names the cluster.yaml’s nodes, not its raw JSON string, and shows the YAML on demand', async () => {
    await editCopy(lessonToMarkdown(onYaml));
    const line = screen.getByText(/^Cluster: seed 1/).textContent ?? '';
    expect(line).toBe('Cluster: seed 1, from cluster.yaml: n1, n2, n3 (3 nodes).');
    expect(line).not.toMatch(/config|\\n|"/);
    expect(screen.getByLabelText('The lesson’s cluster.yaml').textContent).toBe(yaml);
    // It scrolls inside its box: the keyboard reaches it.
    expect(screen.getByLabelText('The lesson’s cluster.yaml').tabIndex).toBe(0);
  });

  it('setupSummary keeps other header lines as written, shortens a long node list, and says when the cluster.yaml does not load', () => {
    expect(setupSummary('nodes 5')).toEqual({ parts: ['nodes 5'] });
    const many = `nodes:\n${Array.from({ length: 12 }, (_, i) => `  - { id: s${i + 1}, host: h, port: ${9000 + i} }`).join('\n')}\n`;
    expect(setupSummary(`config ${JSON.stringify(many)}\nelection-timeout 200 400`).parts).toEqual(['from cluster.yaml: s1, s2, s3, s4, s5, s6, s7, … (12 nodes)', 'election timeout 200–400 ms']);
    // The timing headers in words (audit r7 looks #10); other lines as written.
    expect(setupSummary('heartbeat 50\nelection-timeout 1s 2s\nloss 0.1').parts).toEqual(['heartbeat every 50 ms', 'election timeout 1s to 2s', 'loss 0.1']);
    expect(setupSummary(`config ${JSON.stringify('nodes: []\n')}`).parts).toEqual(["from a cluster.yaml that does not load (Config must include a non-empty 'nodes' list)"]);
  });
});

describe('Check names the editor’s field, not a line of the generated file', () => {
  it('a failing check is told as its step’s Checks line, a challenge that fails as its goal and solution', async () => {
    render(<LessonPanel />);
    fireEvent.click(screen.getByTestId('lesson-start'));
    run(() => seek(600));
    const up = getDriver().cluster.nodeIds[0];
    fireEvent.change(screen.getByLabelText(/^Checks \(expect/), { target: { value: `expect leader\nexpect ${up} down` } });
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    await clickCheck();
    const failed = screen.getByTestId('lesson-check').textContent ?? '';
    expect(failed).toMatch(new RegExp(`^The walk failed: Step 1 · Checks, line 2: expect ${up} down — ${up} up \\(seed 5, t=`));
    expect(failed).not.toMatch(/lesson\.md/);

    // The step holds once its check does; the challenge's goal is not reached by its solution.
    const box = screen.getAllByLabelText('Checks').find((e) => e.tagName === 'TEXTAREA')!;
    fireEvent.change(box, { target: { value: 'expect leader' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a challenge' }));
    fireEvent.change(screen.getByLabelText(/^Goal/), { target: { value: 'no leader' } });
    fireEvent.change(screen.getByLabelText(/^A solution/), { target: { value: 'run 1s' } });
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/^The walk failed: Challenge · Goal and solution: challenge solution: goal 'no leader' not reached — n\d is the leader/);
  });
});

describe('after Edit a copy of a received link, and while recording', () => {
  const lesson: Lesson = {
    title: 'Sent as a link',
    summary: 'A lesson a colleague sent.',
    intro: '',
    seed: 2,
    setup: 'nodes 3',
    steps: [{ title: 'A leader', text: 'One.', scenario: 'run until leader within 2s', checks: 'expect leader' }],
  };

  it('the note on what the copy keeps does not say it was read from a file', async () => {
    await editCopy(lessonToMarkdown(lesson));
    const note = screen.getByTestId('lesson-kept').textContent ?? '';
    expect(note).not.toMatch(/Read from a file/);
    expect(note).toMatch(/^A copy of a lesson you opened \(a link or a file\): its id stays lesson-sent-as-a-link\./);
  });

  it('the recorded lines and a bad line’s excerpt scroll inside their boxes: the keyboard reaches them', async () => {
    await editCopy(lessonToMarkdown(lesson));
    expect(screen.getByTestId('lesson-pending-lines').tabIndex).toBe(0);
    cleanup();
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown({ ...lesson, steps: [{ ...lesson.steps[0], scenario: 'crush n1' }] }), 'link'));
    expect(screen.getByTestId('lesson-error-line').parentElement!.tabIndex).toBe(0);
  });
});
