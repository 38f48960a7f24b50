// @vitest-environment happy-dom
// Edit a copy and the editor's Check replay a lesson one step per task (audit r7 #2: a 40-step lesson froze the page
// for over a minute): the page gets a task between steps, a progress line says how far it got, Stop leaves everything
// as it was before the click, and the results are the ones the whole walk gives.
import { act as rAct, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ChapterSession, walkChapter } from '../../src/guides/chapters';
import { getDriver, seek, useSim } from '../../src/store/sim';
import { clusterFingerprint } from '../../src/ui/guide/model';
import { showLesson, useLessonView } from '../../src/ui/lesson/LessonHost';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { LessonScreen } from '../../src/ui/lesson/LessonScreen';
import { lessonToMarkdown, loadLesson, type Lesson } from '../../src/ui/lesson/lessonFormat';
import { continueLesson, startLesson, useLesson } from '../../src/ui/lesson/lessonStore';
import { walkChapterSliced } from '../../src/ui/lesson/lessonWalk';
import { clickCheck, clickEditCopy, freshLessonPage, run, settle } from './lessonHelpers';

freshLessonPage();

const fourSteps: Lesson = {
  title: 'Four steps',
  summary: 'x',
  intro: '',
  seed: 2,
  setup: 'nodes 3',
  steps: [
    { title: 'A leader', text: 'One.', scenario: 'run until leader within 2s', checks: 'expect leader' },
    { title: 'Crash', text: 'Two.', scenario: 'crash leader\nrun until leader within 2s', checks: 'expect leader' },
    { title: 'Fresh', text: 'Three.', scenario: 'run until leader within 2s', checks: 'expect leader', kept: { setup: 'nodes 5' } },
    { title: 'Wait', text: 'Four.', scenario: 'run 200ms', checks: 'expect leader' },
  ],
  challenge: { title: 'No leader', text: 'Make it.', goal: 'no leader', solution: 'crash leader', hint: '' },
};

/** Clicks Stop (as the teacher would, between two steps) once the replay has run `steps` steps. */
function stopAfter(steps: number): { progress: string[]; restore: () => void } {
  const progress: string[] = [];
  const real = ChapterSession.prototype.next;
  let n = 0;
  const spy = vi.spyOn(ChapterSession.prototype, 'next').mockImplementation(function (this: ChapterSession) {
    const out = real.call(this);
    progress.push(document.querySelector('[data-testid="lesson-replay"], [data-testid="lesson-check-progress"]')?.textContent ?? '');
    if (++n === steps) setTimeout(() => rAct(() => fireEvent.click(screen.getByRole('button', { name: 'Stop' }))));
    return out;
  });
  return { progress, restore: () => spy.mockRestore() };
}

/** Records the order of the replay's steps and of other tasks the page runs meanwhile. */
function interleaving(): { log: string[]; stop: () => void } {
  const log: string[] = [];
  const real = ChapterSession.prototype.next;
  const spy = vi.spyOn(ChapterSession.prototype, 'next').mockImplementation(function (this: ChapterSession) {
    log.push('step');
    return real.call(this);
  });
  let on = true;
  const tick = (): void => {
    if (!on) return;
    log.push('task');
    setTimeout(tick);
  };
  setTimeout(tick);
  return {
    log,
    stop: () => {
      on = false;
      spy.mockRestore();
    },
  };
}

describe('a sliced replay', () => {
  it('gives the same walk as walkChapter, failing or not, with a challenge', async () => {
    const ok = loadLesson(lessonToMarkdown(fourSteps));
    const bad = loadLesson(lessonToMarkdown({ ...fourSteps, steps: [...fourSteps.steps.slice(0, 2), { ...fourSteps.steps[3], checks: 'expect no leader' }] }));
    for (const l of [ok, bad]) {
      if (!l.ok) throw new Error(l.error);
      const progress: string[] = [];
      const sliced = await walkChapterSliced(l.chapter, { onProgress: (p) => progress.push(`${p.step}/${p.of}${p.challenge === true ? ' challenge' : ''}`) });
      expect(JSON.stringify(sliced)).toBe(JSON.stringify(walkChapter(l.chapter)));
      expect(progress[0]).toBe(`1/${l.chapter.steps.length}`);
    }
  });

  it('Check: the page gets a task between steps, the line says how far it got, and Stop keeps the last outcome', async () => {
    const l = loadLesson(lessonToMarkdown(fourSteps));
    if (!l.ok) throw new Error(l.error);
    run(() => continueLesson(fourSteps, useSim.getState().run));
    render(<LessonPanel />);
    const { log, stop } = interleaving();
    await clickCheck();
    stop();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);
    expect(log.filter((x) => x === 'step')).toHaveLength(4);
    expect(log.join(' ')).not.toMatch(/step step/);

    // A second Check, stopped after its first step: the outcome shown is still the first one's.
    const stopper = stopAfter(2);
    rAct(() => fireEvent.click(screen.getByRole('button', { name: 'Check', exact: true } as never)));
    expect(screen.getByTestId('lesson-check-progress').textContent).toMatch(/^Checking step 1 of 4…Stop$/);
    await settle();
    stopper.restore();
    expect(stopper.progress).toEqual(['Checking step 1 of 4…Stop', 'Checking step 2 of 4…Stop']);
    expect(screen.queryByTestId('lesson-check-progress')).toBeNull();
    expect(screen.getByTestId('lesson-check').textContent).toMatch(/every check holds/);
    expect((screen.getByRole('button', { name: 'Check', exact: true } as never) as HTMLButtonElement).disabled).toBe(false);
  });

  it('Edit a copy: the page gets a task between steps; Stop leaves the page, its run and the draft as they were', async () => {
    run(() => startLesson('Mine'));
    run(() => seek(400));
    const before = { print: clusterFingerprint(getDriver().cluster), now: getDriver().now, draft: JSON.stringify(useLesson.getState().draft) };
    window.confirm = () => true;
    try {
      render(<LessonScreen />);
      run(() => showLesson(lessonToMarkdown(fourSteps), 'link'));
      const stopper = stopAfter(3);
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Edit a copy' })));
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Replace it' })));
      expect(screen.getByTestId('lesson-replay').textContent).toBe('Replaying step 1 of 4 to open it in the editor…Stop');
      await settle();
      stopper.restore();
      expect(stopper.progress.map((p) => p.slice(0, 'Replaying step 1 of 4'.length))).toEqual(['Replaying step 1 of 4', 'Replaying step 2 of 4', 'Replaying step 3 of 4']);
      expect(screen.queryByTestId('lesson-replay')).toBeNull();
      expect(screen.queryByText(/Could not open the lesson in the editor/)).toBeNull();
      expect(useLessonView.getState().markdown).not.toBeNull();
      expect(clusterFingerprint(getDriver().cluster)).toBe(before.print);
      expect(getDriver().now).toBe(before.now);
      expect(JSON.stringify(useLesson.getState().draft)).toBe(before.draft);

      // Again, to its end: sliced, and the copy is opened.
      const { log, stop } = interleaving();
      await clickEditCopy();
      stop();
      expect(log.filter((x) => x === 'step')).toHaveLength(4);
      expect(log.join(' ')).not.toMatch(/step step/);
      expect(useLesson.getState().draft!.lesson.steps.map((s) => s.title)).toEqual(['A leader', 'Crash', 'Fresh', 'Wait']);
      expect(useLessonView.getState().markdown).toBeNull();
    } finally {
      delete (window as { confirm?: unknown }).confirm;
    }
  });
});
