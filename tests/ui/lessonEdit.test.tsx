// @vitest-environment happy-dom
// Opening and editing a lesson as a teacher does, for three things that went wrong: a lesson's cluster.yaml
// keys the simulator ignores are named over the lesson (as `npm run lesson` names them); Undo across a step
// that starts a fresh cluster puts the page back on the cluster the step before ran on; Download .md names
// the file after the lesson's id in its front matter.
import { readFileSync } from 'node:fs';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { getDriver, useSim } from '../../src/store/sim';
import { showLesson } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { lessonToMarkdown, loadLesson, type Lesson } from '../../src/ui/lesson/lessonFormat';
import { useLesson } from '../../src/ui/lesson/lessonStore';
import { walkChapter } from '../../src/guides/chapters';
import { clickCheck, clickEditCopy, editCopy, freshLessonPage, run, titles, undo } from './lessonHelpers';

const pending = (): string => screen.getByTestId('lesson-pending-lines').textContent ?? '';

/** The file names Download .md buttons give (the anchor `download` clicks). */
function downloads(): { names: string[]; restore: () => void } {
  const names: string[] = [];
  const spy = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download);
  });
  return { names, restore: () => spy.mockRestore() };
}

freshLessonPage();

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

  it('the lesson player names them over the lesson, as `npm run lesson` does; the editor lists them with its warnings', async () => {
    render(<LessonScreen />);
    run(() => showLesson(lessonToMarkdown(onYaml(yaml)), 'file', 'my-cluster-lesson.md'));
    const note = screen.getByTestId('lesson-config-note');
    expect(note.textContent).toBe('The lesson’s cluster.yaml has keys the simulator ignores (cluster.yaml gives only the nodes: id, host, port): election_timeout_ms, heartbeat_ms.');
    // It stays over the lesson while it plays.
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Start →' })));
    expect(screen.getByTestId('lesson-config-note').textContent).toMatch(/election_timeout_ms, heartbeat_ms/);
    await clickEditCopy();
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

describe('Edit a copy of a lesson with a step that starts a fresh cluster, then Undo', () => {
  // Steps 1–2 on three nodes; step 3 starts a fresh cluster of five (its setup block); step 4 goes on with it.
  const fresh: Lesson = {
    title: 'Two clusters',
    summary: 'Three nodes, then five.',
    intro: '',
    seed: 2,
    setup: 'nodes 3',
    steps: [
      { title: 'A leader', text: 'One.', scenario: 'run until leader within 2s', checks: 'expect leader' },
      { title: 'Crash', text: 'Two.', scenario: 'crash leader\nrun 1s', checks: 'expect leader' },
      { title: 'Five nodes', text: 'Three.', scenario: 'run until leader within 2s', checks: 'expect leader', kept: { setup: 'nodes 5' } },
      { title: 'Crash on five', text: 'Four.', scenario: 'crash leader\nrun 1s', checks: 'expect leader' },
    ],
  };
  const markdown = lessonToMarkdown(fresh);

  it('the lesson walks as written (the test’s own premise)', () => {
    const l = loadLesson(markdown);
    expect(l.ok && walkChapter(l.chapter).ok).toBe(true);
  });

  it('Undo back across the fresh step: its lines are recorded again from its cluster’s time 0, then the step before is back on three nodes where it ended', async () => {
    await editCopy(markdown);
    expect(useSim.getState().run.nodes).toBe(5);
    undo();
    expect(titles()).toEqual(['A leader', 'Crash', 'Five nodes']);
    expect(pending()).toMatch(/^at [\d.]+ms #\d+ crash n\d\nat [\d.]+s #\d+$/);
    undo();
    // The fresh step is the one being recorded again: all of the five-node cluster's run, with its setup block.
    expect(titles()).toEqual(['A leader', 'Crash']);
    expect(screen.queryByText(/not at the end of the last step/)).toBeNull();
    expect(screen.getByTestId('lesson-recorded').textContent).toMatch(/^1 action from t = 0\.0 ms to now/);
    expect((screen.getByTestId('lesson-kept-setup') as HTMLTextAreaElement).value).toBe('nodes 5');
    expect(screen.getByTestId('lesson-fresh').textContent).toMatch(/starts a fresh cluster/);
    undo();
    // Step 2 ran on three nodes: the page is back on that cluster where step 2 ended, and its crash is being recorded again.
    expect(titles()).toEqual(['A leader']);
    expect(screen.queryByText(/not at the end of the last step|on another run/)).toBeNull();
    expect(useSim.getState().run.nodes).toBe(3);
    expect(getDriver().cluster.nodeIds).toEqual(['n1', 'n2', 'n3']);
    expect(pending()).toMatch(/^at [\d.]+ms #\d+ crash n\d\nat [\d.]+s #\d+$/);
    expect(screen.queryByTestId('lesson-fresh')).toBeNull();
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(titles()).toEqual(['A leader', 'Crash']);
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);
  });

  it('Undo the step after the fresh one and add it again: its start is on the fresh cluster, and the four steps walk', async () => {
    await editCopy(markdown);
    undo();
    expect(screen.queryByText(/not at the end of the last step/)).toBeNull();
    expect(pending()).toMatch(/^at [\d.]+ms #\d+ crash n\d\nat [\d.]+s #\d+$/);
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(titles()).toEqual(['A leader', 'Crash', 'Five nodes', 'Crash on five']);
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);
  });

  it('Undo the fresh step and add it again: it keeps its setup block, holds the five-node run from its time 0, and the lesson walks', async () => {
    await editCopy(markdown);
    undo();
    undo();
    fireEvent.click(screen.getByTestId('lesson-add-step'));
    expect(titles()).toEqual(['A leader', 'Crash', 'Five nodes']);
    const step = useLesson.getState().draft!.lesson.steps[2];
    expect(step.kept).toEqual({ setup: 'nodes 5' });
    expect(step.scenario).toMatch(/^at [\d.]+ms #\d+ crash n\d\nat [\d.]+ms #\d+$/);
    expect(screen.queryByTestId('lesson-fresh')).toBeNull();
    await clickCheck();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);
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

  it('names the file after the id in its front matter (kept by Edit a copy), not after the title', async () => {
    const d = downloads();
    try {
      render(<LessonScreen />);
      run(() => showLesson(kept, 'link'));
      fireEvent.click(screen.getByRole('button', { name: 'Download .md' }));
      await clickEditCopy();
      cleanup();
      render(<LessonPanel />);
      fireEvent.click(screen.getByRole('button', { name: 'Download .md' }));
      expect(d.names).toEqual(['lesson-my-own-id.md', 'lesson-my-own-id.md']);
    } finally {
      d.restore();
    }
  });

  it('a lesson started in the page is named after its title', async () => {
    const d = downloads();
    try {
      await editCopy(lessonToMarkdown({ title: 'Crash the leader', summary: 'x', intro: '', seed: 2, setup: 'nodes 3', steps: [{ title: 'A leader', text: 'One.', scenario: 'run until leader within 2s', checks: '' }] }));
      run(() => useLesson.setState((s) => ({ draft: { ...s.draft!, lesson: { ...s.draft!.lesson, kept: undefined } } })));
      fireEvent.click(screen.getByRole('button', { name: 'Download .md' }));
      expect(d.names).toEqual(['lesson-crash-the-leader.md']);
    } finally {
      d.restore();
    }
  });
});
