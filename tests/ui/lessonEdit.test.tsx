// @vitest-environment happy-dom
// Opening and editing a lesson as a teacher does, for things that went wrong: a lesson's cluster.yaml keys
// the simulator ignores are named over the lesson (as `npm run lesson` names them); Download .md names the
// file after the lesson's id in its front matter.
import { readFileSync } from 'node:fs';
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetBranches } from '../../src/store/branches';
import { finishTask } from '../../src/store/sim';
import { closeLesson, showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { lessonToMarkdown, type Lesson } from '../../src/ui/lesson/lessonFormat';
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

describe('a lesson on a cluster.yaml with keys the simulator ignores', () => {
  const yaml = `${readFileSync('public/cluster.yaml', 'utf8')}election_timeout_ms: [200, 400]\nheartbeat_ms: 40\n`;
  const onYaml = (config: string): Lesson => ({
    title: 'On my cluster',
    summary: 'A lesson on a cluster.yaml.',
    intro: 'Three nodes from a file.',
    seed: 1,
    setup: `config ${JSON.stringify(config)}`,
    steps: [{ title: 'Elect', text: 'A leader.', scenario: 'run until leader within 2s', checks: 'expect leader' }],
  });

  it('the lesson player names them over the lesson, as `npm run lesson` does; the editor lists them with its warnings', () => {
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown(onYaml(yaml)), 'file', 'my-cluster-lesson.md'));
    const note = screen.getByTestId('lesson-config-note');
    expect(note.textContent).toBe('The lesson’s cluster.yaml has keys the simulator ignores (cluster.yaml gives only the nodes: id, host, port): election_timeout_ms, heartbeat_ms.');
    // It stays over the lesson while it plays.
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Start →' })));
    expect(screen.getByTestId('lesson-config-note').textContent).toMatch(/election_timeout_ms, heartbeat_ms/);
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
    cleanup();
    render(<LessonPanel />);
    expect(screen.getByTestId('lesson-warnings').textContent).toMatch(/cluster\.yaml has keys the simulator ignores \(cluster\.yaml gives only the nodes: id, host, port\): election_timeout_ms, heartbeat_ms/);
  });

  it('a cluster.yaml with only its nodes gets no note', () => {
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown(onYaml(readFileSync('public/cluster.yaml', 'utf8'))), 'link'));
    expect(screen.getByRole('button', { name: 'Start →' })).toBeDefined();
    expect(screen.queryByTestId('lesson-config-note')).toBeNull();
  });

  it('a step’s own cluster.yaml is named as that step’s', () => {
    const lesson = onYaml(readFileSync('public/cluster.yaml', 'utf8'));
    const two: Lesson = { ...lesson, steps: [lesson.steps[0], { ...lesson.steps[0], title: 'Again', kept: { setup: `config ${JSON.stringify(`${readFileSync('public/cluster.yaml', 'utf8')}rack: b\n`)}` } }] };
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown(two), 'link'));
    expect(screen.getByTestId('lesson-config-note').textContent).toBe('Step 2’s cluster.yaml has keys the simulator ignores (cluster.yaml gives only the nodes: id, host, port): rack.');
  });
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
