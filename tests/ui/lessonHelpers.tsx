// Shared set-up of the lesson editor's tests: a fresh run and no draft before each test, and the teacher's moves (type into a field, Undo, Edit a copy).
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect } from 'vitest';
import { resetBranches } from '../../src/store/branches';
import { act, finishTask, seek } from '../../src/store/sim';
import { closeLesson, showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { discardLesson, startLesson, useLesson } from '../../src/ui/lesson/lessonStore';
import { freshRun } from './helpers';

/** Does `fn` as the page would (inside act), then finishes the page's pending task. */
export function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

/** Before each test: seed 5 on five nodes, no branches, no lesson draft and no lesson open; after it, the draft goes too. */
export function freshLessonPage(): void {
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
}

export const field = (label: RegExp | string): HTMLInputElement | HTMLTextAreaElement => screen.getByLabelText(label) as HTMLInputElement;
export const type = (label: RegExp | string, value: string): void => {
  fireEvent.change(field(label), { target: { value } });
};
export const undo = (): void => run(() => fireEvent.click(screen.getByRole('button', { name: /Undo the last step/ })));
/** The closed steps' titles in the draft. */
export const titles = (): string[] => useLesson.getState().draft!.lesson.steps.map((s) => s.title);

const BUSY = '[data-testid="lesson-replay"], [data-testid="lesson-check-progress"]';

/** Lets a sliced replay (Edit a copy, Check) run to its end, as the page would between frames; then finishes the page's pending task. */
export async function settle(): Promise<void> {
  // Each turn in its own act: React shows what the turn changed before the next look.
  do {
    await rAct(async () => {
      await new Promise((r) => setTimeout(r));
    });
  } while (document.querySelector(BUSY) !== null);
  rAct(() => finishTask());
}

/** Clicks *Edit a copy* and waits for its replay to end. */
export async function clickEditCopy(): Promise<void> {
  run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
  // Over a lesson being written, the page asks first (in the page): the copy replaces it.
  const replace = screen.queryByRole('button', { name: 'Replace it' });
  if (replace !== null) run(() => fireEvent.click(replace));
  await settle();
}

/** Clicks the editor's *Check* and waits for its walk to end. */
export async function clickCheck(): Promise<void> {
  rAct(() => fireEvent.click(screen.getByRole('button', { name: 'Check', exact: true } as never)));
  await settle();
}

/** Opens `markdown` as a received lesson and clicks *Edit a copy*; then shows the Lesson panel. */
export async function editCopy(markdown: string): Promise<void> {
  render(<LessonScreen />);
  run(() => showLesson(markdown, 'link'));
  await clickEditCopy();
  expect(screen.queryByText(/Could not open the lesson in the editor/)).toBeNull();
  cleanup();
  render(<LessonPanel />);
}

/** Starts a lesson titled `title` and records step 1's three actions on seed 5: crash n1 at 600, crash n2 at 700, restart n1 at 750; the page ends at t = 800. */
export function recordThreeActions(title: string): void {
  run(() => startLesson(title));
  run(() => seek(600));
  run(() => act('crash', ['n1']));
  run(() => seek(700));
  run(() => act('crash', ['n2']));
  run(() => seek(750));
  run(() => act('restart', ['n1']));
  run(() => seek(800));
}

/** Starts a lesson titled `title` and records two crashes on seed 5: n1 at 600, n2 at 700; the page ends at t = 800. */
export function recordTwoCrashes(title: string): void {
  run(() => startLesson(title));
  run(() => seek(600));
  run(() => act('crash', ['n1']));
  run(() => seek(700));
  run(() => act('crash', ['n2']));
  run(() => seek(800));
}
