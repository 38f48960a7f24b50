// @vitest-environment happy-dom
// The teachers' tools through the DOM: the lesson editor records the page's actions into a step and
// closes it; a two-step lesson is previewed and walked in the guide player; a shared lesson opens from
// its link (and a bad one shows its line); lesson text is text; "edit a copy" puts the lesson's cluster
// on the page; the branch tree lists and switches branches; the comparison marks the first difference.
import { readFileSync } from 'node:fs';
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetBranches, useBranches } from '../../src/store/branches';
import { act, finishTask, getDriver, seek, setPlaying, useSim } from '../../src/store/sim';
import { BranchTree } from '../../src/ui/compare/BranchTree';
import { CompareView } from '../../src/ui/compare/CompareView';
import { rowText } from '../../src/ui/compare/compareModel';
import { eventTime } from '../../src/ui/EventFeed';
import { LessonHost, closeLesson, showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { encodeLessonHash, lessonToMarkdown, type Lesson } from '../../src/ui/lesson/lessonFormat';
import { discardLesson, startLesson, setLessonFields, useLesson } from '../../src/ui/lesson/lessonStore';
import { freshRun } from './helpers';
import { clickCheck, clickEditCopy, field, run, settle, type } from './lessonHelpers';
import { loaded } from './loaded';

const where = (): string => screen.getByTestId('guide-where').textContent ?? '';

const oneStep: Lesson = {
  title: 'One step',
  summary: 'A short lesson',
  intro: 'Watch the first election.',
  seed: 2,
  setup: 'nodes 3',
  steps: [{ title: 'A leader', text: 'Plain *text* <b>not bold</b> <script>window.__x = 1</script> ![img](https://example.invalid/a.png)', scenario: 'run until leader within 2s', checks: 'expect leader' }],
};

beforeEach(() => {
  freshRun({ seed: 5, nodes: 5 });
  resetBranches();
  discardLesson();
  closeLesson();
});
afterEach(() => cleanup());

describe('the lesson editor', () => {
  it('records actions into a step, closes it with text, checks and a question, and previews a two-step lesson that walks green', async () => {
    render(
      <>
        <LessonPanel />
        <LessonHost />
      </>,
    );
    fireEvent.click(screen.getByTestId('lesson-start'));
    type('Title', 'Crash and recover');
    run(() => seek(600));
    expect(screen.getByTestId('lesson-recorded').textContent).toMatch(/No action yet from t = 0\.0 ms to now \(t = 600\.0 ms\)/);
    type('Step title', 'Quiet start');
    type(/^What happened/, 'A leader is elected.');
    fireEvent.click(screen.getByRole('button', { name: 'Suggest checks from now' }));
    expect((field(/^Checks \(expect/) as HTMLTextAreaElement).value).toMatch(/^expect leader n\d\nexpect n\d term = \d+\nexpect n\d commit = \d+$/);
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(useLesson.getState().draft!.lesson.steps).toHaveLength(1);

    const leader = getDriver().cluster.leader()!;
    run(() => act('crash', [leader]));
    run(() => seek(1500));
    expect(screen.getByTestId('lesson-pending-lines').textContent).toMatch(new RegExp(`^at 600\\.0ms #\\d+ crash ${leader}\\nat 1\\.5s #\\d+$`));
    type('Step title', 'The leader crashes');
    type(/^What happened/, 'A new leader takes over.');
    type(/^Checks \(expect/, `expect ${leader} down\nexpect leader`);
    fireEvent.click(within(document.querySelector<HTMLElement>('.lesson-next')!).getByRole('button', { name: 'Add a question to ask before this step' }));
    type('Question', 'Will there be a new leader?');
    type(/^Holds after the step/, 'leader');
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(screen.getByTestId('lesson-status').textContent).toMatch(/The lesson loads: 2 steps/);
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);

    // Preview: the player walks it (the question is asked before step 2, answered right).
    fireEvent.click(screen.getByTestId('lesson-preview'));
    return loaded(screen.findByText('Preview of your lesson', undefined, { timeout: 10_000 })).then(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Start →' }));
      expect(where()).toBe('Step 1 of 2');
      fireEvent.click(within(screen.getByRole('group', { name: 'Choices' })).getByRole('button', { name: 'Yes' }));
      fireEvent.click(screen.getByRole('button', { name: 'Check my answer' }));
      expect(where()).toBe('Step 2 of 2');
      expect(screen.getByTestId('guide-feedback').textContent).toMatch(/Right!/);
      // A screen reader hears the verdict first, in the region that says every move (the note is inserted already filled).
      expect(screen.getByTestId('guide-announce').textContent).toMatch(/^Right: the answer is Yes\. Step 2 of 2/);
      expect(screen.queryByTestId('guide-failure')).toBeNull();
      expect(document.querySelector('.guide-text')!.textContent).toContain('A new leader takes over.');
    });
  });

  it('shows recorded times to 0.1 ms, as the rest of the page does, and keeps them exact underneath (also through an edit)', async () => {
    render(<LessonPanel />);
    fireEvent.click(screen.getByTestId('lesson-start'));
    // Times that are not round: the page's times are floats (700/3 = 233.33333333333334).
    run(() => seek(700 / 3));
    const follower = getDriver().cluster.nodeIds.find((id) => id !== getDriver().cluster.leader())!;
    run(() => act('crash', [follower]));
    run(() => seek(4000 / 3));
    const pending = screen.getByTestId('lesson-pending-lines').textContent!;
    expect(pending).toMatch(new RegExp(`^at 233\\.3ms #\\d+ crash ${follower}\\nat 1\\.3333s #\\d+$`));
    expect(screen.getByTestId('lesson-recorded').textContent).toContain('to now (t = 1.3333 s)');
    type(/^Checks \(expect/, `expect ${follower} down`);
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(document.querySelector('.lesson-steps summary')!.textContent).toMatch(/· 2 scenario lines \(1 action\)$/);
    // The step's lines: readable in the editor, exact in the lesson.
    const box = screen.getAllByLabelText(/^Scenario lines/).find((e) => e.tagName === 'TEXTAREA') as HTMLTextAreaElement;
    expect(box.value).toBe(pending);
    const exact = useLesson.getState().draft!.lesson.steps[0].scenario;
    expect(exact).toMatch(new RegExp(`^at 233\\.33333333333334ms #\\d+ crash ${follower}\\nat 1333\\.3333333333333ms #\\d+$`));
    // An edit elsewhere in the text keeps both recorded times exact; a time the teacher retypes is taken as typed.
    fireEvent.change(box, { target: { value: `# the follower goes\n${box.value}` } });
    expect(useLesson.getState().draft!.lesson.steps[0].scenario).toBe(`# the follower goes\n${exact}`);
    expect(box.value).toBe(`# the follower goes\n${pending}`);
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);
    fireEvent.change(box, { target: { value: box.value.replace(/1\.3333s/, '1.4s') } });
    expect(useLesson.getState().draft!.lesson.steps[0].scenario).toMatch(/\nat 233\.33333333333334ms #\d+ crash n\d\nat 1\.4s #\d+$/);
    // The check's outcome was for the text before that edit: it is not shown as this lesson's.
    expect(screen.getByTestId('lesson-check').textContent).toBe('');
  });

  it('a question: the right answer stays one of its choices as they are edited, and Check says when its check does not hold', async () => {
    render(<LessonPanel />);
    fireEvent.click(screen.getByTestId('lesson-start'));
    run(() => seek(600));
    fireEvent.click(within(document.querySelector<HTMLElement>('.lesson-next')!).getByRole('button', { name: 'Add a question to ask before this step' }));
    type('Question', 'Is there a leader?');
    type(/^Choices/, 'Alpha\nBeta');
    const answer = field('Right answer') as unknown as HTMLSelectElement;
    // The list showed "Alpha" while "Yes" was stored, and the loader then named "Yes".
    expect(answer.value).toBe('Alpha');
    expect(useLesson.getState().draft!.next.predict?.correct).toBe('Alpha');
    fireEvent.change(answer, { target: { value: 'Beta' } });
    type(/^Choices/, 'Alpha\nBeta\nGamma');
    expect(useLesson.getState().draft!.next.predict?.correct).toBe('Beta');
    // A check that does not hold after the step: learners answering as the lesson says would be told the run disagrees.
    type(/^Holds after the step/, 'no leader');
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(screen.getByTestId('lesson-status').textContent).toMatch(/The lesson loads: 1 step/);
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toBe('Step 1’s question: its check `no leader` does not hold after the step, so learners who answer Beta are told the run disagrees. Fix the check or the answer.');
  });

  it('a mistake is named by the step and field the author typed it in, and what learners would see as "?" is pointed out', () => {
    render(<LessonPanel />);
    fireEvent.click(screen.getByTestId('lesson-start'));
    run(() => seek(600));
    type(/^Checks \(expect/, 'expect leader\nexpect leeder');
    fireEvent.click(within(document.querySelector<HTMLElement>('.lesson-next')!).getByRole('button', { name: 'Add a question to ask before this step' }));
    type(/^Choices/, 'Same\nSame');
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    // The question's empty "Holds after the step" first, in the editor's words.
    expect(screen.getByTestId('lesson-status').textContent).toMatch(/^The lesson does not load: Step 1 · Question: .*“Holds after the step”/);
    run(() => fireEvent.click(screen.getByRole('button', { name: /Undo the last step/ })));
    type(/^Holds after the step/, 'leader');
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(screen.getByTestId('lesson-status').textContent).toMatch(/^The lesson does not load: Step 1 · Checks, line 2: unknown predicate 'leeder'/);
    const warnings = screen.getByTestId('lesson-warnings').textContent;
    expect(warnings).toContain('Step 1 has no text: learners will read “(no text yet)”.');
    expect(warnings).toContain('Step 1’s question has no text: learners will be asked “?”.');
    expect(warnings).toContain('Step 1’s question has the choice “Same” twice.');
  });

  it('refuses to close a step after going back before the last one, and offers the way back', () => {
    render(<LessonPanel />);
    fireEvent.click(screen.getByTestId('lesson-start'));
    run(() => seek(500));
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    run(() => seek(200));
    expect(document.querySelector('.lesson-warn')!.textContent).toMatch(/not at the end of the last step: it went back before it/);
    expect((screen.getByTestId('lesson-add-step') as HTMLButtonElement).disabled).toBe(true);
    run(() => setPlaying(true));
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Go back to the end of step 1' })));
    expect(getDriver().now).toBe(500);
    // Paused there: the next step records from exactly that moment.
    expect(useSim.getState().playing).toBe(false);
    expect((screen.getByTestId('lesson-add-step') as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('opening lessons', () => {
  it('a link opens the lesson in the player; its text is text (no script, no image element)', async () => {
    const hash = await encodeLessonHash(lessonToMarkdown(oneStep));
    history.replaceState(null, '', hash);
    render(<LessonHost />);
    await loaded(screen.findByText('A shared lesson', undefined, { timeout: 5000 }));
    fireEvent.click(screen.getByRole('button', { name: 'Start →' }));
    expect(where()).toBe('Step 1 of 1');
    const text = document.querySelector('.guide-text')!;
    expect(text.textContent).toContain('<b>not bold</b> <script>window.__x = 1</script>');
    expect(text.querySelectorAll('script, img, b').length).toBe(0);
    expect((window as unknown as { __x?: number }).__x).toBeUndefined();
    history.replaceState(null, '', location.pathname);
  });

  it('a lesson with a bad line shows the error and that line', () => {
    const bad = lessonToMarkdown({ ...oneStep, steps: [{ ...oneStep.steps[0], checks: 'expect leader\nexpect n9 down' }] });
    render(<LessonScreen />);
    run(() => showLesson(bad, 'file'));
    const err = screen.getByTestId('lesson-error');
    const line = bad.split('\n').indexOf('expect n9 down') + 1;
    expect(err.textContent).toContain(`lesson.md line ${line}`);
    expect(screen.getByTestId('lesson-error-line').textContent).toBe(`${line}expect n9 down`);
  });

  it('a file opened from disk that does not load is named by its own name, and its teacher is told to fix the line and open it again', async () => {
    const bad = lessonToMarkdown({ ...oneStep, steps: [{ ...oneStep.steps[0], checks: 'expect leader\nexpect n9 down' }] });
    const line = bad.split('\n').indexOf('expect n9 down') + 1;
    render(
      <>
        <LessonPanel />
        <LessonScreen />
      </>,
    );
    const input = screen.getByTestId('lesson-file') as HTMLInputElement;
    const file = new File([bad], 'page-lesson.md', { type: 'text/markdown' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    const err = await screen.findByTestId('lesson-error');
    expect(err.textContent).toContain(`page-lesson.md line ${line}: unknown node 'n9'`);
    expect(err.textContent).not.toMatch(/[^-]lesson\.md line/);
    expect(err.textContent).toContain('Nothing was changed in the simulator. Fix the line above in page-lesson.md and open it again (Open a lesson file).');
    expect(err.textContent).not.toMatch(/Ask whoever sent it/);
    cleanup();
    // A received lesson is its sender's to fix.
    render(<LessonScreen />);
    run(() => showLesson(bad, 'link'));
    expect(screen.getByTestId('lesson-error').textContent).toMatch(/lesson\.md line \d+: .*Ask whoever sent it for a new link or the lesson file\./);
  });

  it('a step of a lesson whose check does not hold says its author can fix it (not, as for a course chapter, to report a bug)', () => {
    const failing = lessonToMarkdown({ ...oneStep, steps: [{ ...oneStep.steps[0], checks: 'expect leader\nexpect all term = 99' }] });
    render(<LessonScreen />);
    run(() => showLesson(failing, 'link'));
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Start →' })));
    const failure = screen.getByTestId('guide-failure');
    expect(failure.textContent).toMatch(/did not go as the lesson expects/);
    expect(failure.textContent).toMatch(/its author can fix the check or the steps/);
    expect(failure.textContent).not.toMatch(/Please report/);
  });

  it('"edit a copy" replays the lesson onto the page and goes on recording from its end', async () => {
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown(oneStep), 'link'));
    await clickEditCopy();
    const d = useLesson.getState().draft!;
    expect(d.lesson.steps.map((s) => s.title)).toEqual(['A leader']);
    expect(useSim.getState().run.seed).toBe(2);
    expect(getDriver().cluster.leader()).toBeDefined();
    expect(d.mark.at).toBe(getDriver().now);
  });

  it('"edit a copy", then Undo the last step: the received step’s actions come back to be recorded again, and the lesson still walks', async () => {
    const two: Lesson = { ...oneStep, steps: [oneStep.steps[0], { title: 'Crash', text: 'The leader crashes.', scenario: 'crash leader\nrun 300ms', checks: 'expect leader' }] };
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown(two), 'link'));
    await clickEditCopy();
    cleanup();
    render(<LessonPanel />);
    run(() => fireEvent.click(screen.getByRole('button', { name: /Undo the last step/ })));
    // The crash is back among the lines being recorded (it was lost: the received steps all ended at the lesson's end).
    expect(screen.getByTestId('lesson-pending-lines').textContent).toMatch(/#\d+ crash n\d/);
    expect(useLesson.getState().draft!.lesson.steps.map((x) => x.title)).toEqual(['A leader']);
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(useLesson.getState().draft!.lesson.steps.map((x) => x.title)).toEqual(['A leader', 'Crash']);
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);
  });

  it('"edit a copy" of a course chapter keeps its run questions and view block: the copy loads, and the panel shows what it kept', async () => {
    render(<LessonScreen />);
    run(() => showLesson(readFileSync('guides/06-failover.md', 'utf8'), 'file'));
    await clickEditCopy();
    expect(screen.queryByText(/Could not open the lesson in the editor/)).toBeNull();
    cleanup();
    render(<LessonPanel />);
    expect(screen.getByTestId('lesson-status').textContent).toMatch(/✓ The lesson loads/);
    expect(screen.getByTestId('lesson-kept').textContent).toMatch(/its id stays lesson-failover.*step \d+: a view block/);
    expect(screen.getAllByTestId('lesson-kept-predict').length).toBeGreaterThan(0);
  });

  it('"edit a copy" of a lesson the editor would change is refused, saying what and to edit the .md as text', async () => {
    const text = readFileSync('tests/ui/fixtures/my-lesson.md', 'utf8').replace(/^summary: .*$/m, 'summary: |\n  Crash and partition,\n  and what Raft does.');
    render(<LessonScreen />);
    run(() => showLesson(text, 'file'));
    await clickEditCopy();
    expect(screen.getByRole('alert').textContent).toMatch(/cannot keep all of this lesson as it is \(summary\)\. Download the \.md and edit it as text/);
    expect(useLesson.getState().draft).toBeNull();
  });

  it('"edit a copy" asks in the page before it replaces a lesson being written: Keep mine keeps it, Replace it replaces it', async () => {
    run(() => startLesson('My precious draft'));
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown(oneStep), 'link'));
    const confirm = vi.fn(() => true);
    window.confirm = confirm;
    try {
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
      await settle();
      const ask = screen.getByRole('group', { name: 'Replace the lesson you are writing?' });
      expect(ask.textContent).toMatch(/^You are writing “My precious draft” \(0 steps\)\. Editing a copy of this lesson replaces it\. Download yours first if you want to keep it\./);
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Keep mine' })));
      await settle();
      expect(screen.queryByRole('group', { name: 'Replace the lesson you are writing?' })).toBeNull();
      expect(useLesson.getState().draft!.lesson.title).toBe('My precious draft');
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Replace it' })));
      await settle();
      expect(useLesson.getState().draft!.lesson.steps.map((x) => x.title)).toEqual(['A leader']);
      expect(confirm).not.toHaveBeenCalled();
    } finally {
      delete (window as { confirm?: unknown }).confirm;
    }
    run(() => setLessonFields({ title: '' }));
  });
});

describe('branches and comparison', () => {
  function fork(): void {
    run(() => seek(800));
    run(() => act('crash', ['n1']));
    run(() => seek(1200));
    run(() => seek(400));
    run(() => act('crash', ['n2']));
    run(() => seek(900));
  }

  it('the tree lists the branches under the timeline and a click switches', async () => {
    render(<BranchTree />);
    expect(document.querySelector('.branches')).toBeNull();
    rAct(() => fork());
    const buttons = screen.getAllByRole('button', { name: /^(↳ )?Branch \d/ });
    expect(buttons.map((b) => b.textContent)).toEqual(['Branch 1: the first run', '↳ Branch 2: crash n2 at 400.0 ms']);
    expect(buttons[1].getAttribute('aria-current')).toBe('true');
    run(() => fireEvent.click(buttons[0]));
    await rAct(async () => {
      await Promise.resolve();
      finishTask();
    });
    expect(useBranches.getState().current).toBe(1);
    expect(getDriver().now).toBe(900);
    expect(useSim.getState().horizon).toBe(1200);
  });

  it('the comparison writes times as the rest of the page does (one format: "3.0 s", not "3.000 s")', () => {
    render(<CompareView />);
    fireEvent.click(screen.getByRole('radio', { name: /two seeds/ }));
    const head = document.querySelector('.cmp-controls')!.textContent!;
    expect(head).toContain(`for ${eventTime(3000)}.`);
    expect(head).toContain('for 3.0 s.');
    // Seeds 5 and 6 differ at their first Raft event: said so, not "agree on their first 0 events".
    run(() => fireEvent.click(screen.getByTestId('compare-run')));
    const summary = screen.getByTestId('compare-summary').textContent!;
    expect(summary).toMatch(/^The runs differ from their first Raft event, at t = \d+\.\d ms:/);
    // A vote reads voter→candidate.
    expect(rowText({ at: 1, kind: 'vote', node: 'n1', to: 'n4', term: 1, detail: 'granted' })).toBe('vote n1→n4 term 1 (granted)');
  });

  it('the comparison marks the first differing event and each node there', () => {
    rAct(() => fork());
    render(<CompareView />);
    run(() => fireEvent.click(screen.getByTestId('compare-run')));
    const summary = screen.getByTestId('compare-summary').textContent!;
    expect(summary).toMatch(/first differ at t = 400\.0 ms/);
    expect(summary).toContain('crash n2');
    // Right after the differing events: n2 is down in B and up in A; only that row differs.
    const marked = [...document.querySelectorAll('.cmp-summary td.cmp-differs')].map((td) => td.closest('tr')!.querySelector('th')!.textContent);
    expect(new Set(marked)).toEqual(new Set(['n2']));
    expect(screen.getAllByTestId('cmp-first-diff-row').map((r) => r.textContent)).toHaveLength(2);
    fireEvent.change(screen.getByTestId('compare-slider'), { target: { value: '100' } });
    expect(screen.getByTestId('compare-t').textContent).toBe('100.0 ms');
    expect(document.querySelectorAll('.cmp-pane td.cmp-differs')).toHaveLength(0);
    // Event by event: both runs move to the next compared event of either, then back.
    fireEvent.click(screen.getByRole('button', { name: 'Both runs to the next event' }));
    const next = Number(screen.getByTestId('compare-t').textContent!.replace(' ms', ''));
    expect(next).toBeGreaterThan(100);
    const lastRows = [...document.querySelectorAll('[data-testid="compare-pane-a"] .cmp-events li:not(.cmp-future)')];
    expect(lastRows.at(-1)!.textContent).toContain(`${next.toFixed(1)} ms`);
    fireEvent.click(screen.getByRole('button', { name: 'Both runs to the previous event' }));
    expect(Number(screen.getByTestId('compare-t').textContent!.replace(' ms', ''))).toBeLessThanOrEqual(100);
  });
});
