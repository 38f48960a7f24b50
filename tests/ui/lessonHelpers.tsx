// Shared set-up of the lesson editor's tests: a fresh run and no draft before each test, and the teacher's moves (type into a field, Undo, Edit a copy).
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, expect } from 'vitest';
import { resetBranches } from '../../src/store/branches';
import { finishTask } from '../../src/store/sim';
import { closeLesson, showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { discardLesson, useLesson } from '../../src/ui/lesson/lessonStore';
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

/** Opens `markdown` as a received lesson and clicks *Edit a copy*; then shows the Lesson panel. */
export function editCopy(markdown: string): void {
  render(<LessonScreen />);
  run(() => showLesson(markdown, 'link'));
  run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
  expect(screen.queryByText(/Could not open the lesson in the editor/)).toBeNull();
  cleanup();
  render(<LessonPanel />);
}
