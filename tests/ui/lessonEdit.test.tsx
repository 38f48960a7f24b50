// @vitest-environment happy-dom
// Opening and editing a lesson as a teacher does, for things that went wrong: Download .md names the file
// after the lesson's id in its front matter.
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetBranches } from '../../src/store/branches';
import { finishTask } from '../../src/store/sim';
import { closeLesson, showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { lessonToMarkdown } from '../../src/ui/lesson/lessonFormat';
import { discardLesson, useLesson } from '../../src/ui/lesson/lessonStore';
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

/** The file names Download .md buttons give (the anchor `download` clicks). */
function downloads(): { names: string[]; restore: () => void } {
  const names: string[] = [];
  const spy = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download);
  });
  return { names, restore: () => spy.mockRestore() };
}

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

describe('Download .md', () => {
  const kept = lessonToMarkdown({
    title: 'A title unlike its id',
    summary: 'x',
    intro: '',
    seed: 2,
    setup: 'nodes 3',
    steps: [{ title: 'A leader', text: 'One.', scenario: 'run until leader within 2s', checks: 'expect leader' }],
  }).replace(/^id: .*$/m, 'id: lesson-my-own-id');

  it('names the file after the id in its front matter (kept by Edit a copy), not after the title', () => {
    const d = downloads();
    try {
      render(<LessonScreen />);
      run(() => showLesson(kept, 'link'));
      fireEvent.click(screen.getByRole('button', { name: 'Download .md' }));
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
      cleanup();
      render(<LessonPanel />);
      fireEvent.click(screen.getByRole('button', { name: 'Download .md' }));
      expect(d.names).toEqual(['lesson-my-own-id.md', 'lesson-my-own-id.md']);
    } finally {
      d.restore();
    }
  });

  it('a lesson started in the page is named after its title', () => {
    const d = downloads();
    try {
      editCopy(lessonToMarkdown({ title: 'Crash the leader', summary: 'x', intro: '', seed: 2, setup: 'nodes 3', steps: [{ title: 'A leader', text: 'One.', scenario: 'run until leader within 2s', checks: '' }] }));
      run(() => useLesson.setState((s) => ({ draft: { ...s.draft!, lesson: { ...s.draft!.lesson, kept: undefined } } })));
      fireEvent.click(screen.getByRole('button', { name: 'Download .md' }));
      expect(d.names).toEqual(['lesson-crash-the-leader.md']);
    } finally {
      d.restore();
    }
  });
});
