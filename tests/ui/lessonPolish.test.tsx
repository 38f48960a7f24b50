// @vitest-environment happy-dom
// The Lesson panel as a teacher reads it after "Edit a copy" of a received lesson or after recording steps: the
// Steps list says what each step's scenario does (hand-written lines count, not only recorded `at …ms #N` ones).
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetBranches } from '../../src/store/branches';
import { act, finishTask, getDriver, seek } from '../../src/store/sim';
import { closeLesson, showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { lessonToMarkdown, scenarioSummary, type Lesson } from '../../src/ui/lesson/lessonFormat';
import { discardLesson } from '../../src/ui/lesson/lessonStore';
import { freshRun } from './helpers';

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

/** Opens `markdown` as a received lesson and clicks *Edit a copy*; then shows the Lesson panel. */
function editCopy(markdown: string): void {
  render(<LessonScreen />);
  run(() => showLesson(markdown, 'link'));
  run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
  expect(screen.queryByText(/Could not open the lesson in the editor/)).toBeNull();
  cleanup();
  render(<LessonPanel />);
}

/** What the Steps list says after each step's title (the muted part of its summary line). */
const stepSummaries = (): string[] => Array.from(document.querySelectorAll('.lesson-steps > li > details > summary .muted')).map((e) => (e.textContent ?? '').trim());

beforeEach(() => {
  freshRun({ seed: 5, nodes: 5 });
  resetBranches();
  discardLesson();
  closeLesson();
});
afterEach(() => {
  cleanup();
  discardLesson();
});

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

  it('a received lesson’s hand-written steps count their scenario lines and actions, not “0 actions”', () => {
    editCopy(lessonToMarkdown(handWritten));
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
