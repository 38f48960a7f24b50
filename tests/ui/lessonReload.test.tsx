// @vitest-environment happy-dom
// A reload loses nothing of the step being recorded: when the draft kept more of the step's actions than the reloaded
// page holds (even on the first step, whose recorded prefix is empty), the panel offers to bring them back, and the
// page going away again never writes the fresh run over them.
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { act, getDriver, seek } from '../../src/store/sim';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { liveStep, noteLive, pendingStep, startLesson, useLesson, type LessonDraft } from '../../src/ui/lesson/lessonStore';
import { DRAFT_KEY } from '../../src/ui/lesson/lessonTab';
import { freshRun } from './helpers';
import { freshLessonPage, recordThreeActions, recordTwoCrashes, run } from './lessonHelpers';

freshLessonPage();

/** Step 1 of a lesson with three actions (two crashes and a restart), then the page goes away and is loaded again: a fresh run, the stored draft. */
function reloadDuringStep1(): { kept: string[] } {
  recordThreeActions('Reload test');
  noteLive(); // pagehide
  const kept = getDriver().cluster.actions().map((a) => `${a.op} ${a.args.join(' ')}`);
  // The reload: the draft comes back from storage, the page starts the same run afresh and plays a little.
  const stored = JSON.parse(localStorage.getItem(DRAFT_KEY)!) as LessonDraft;
  freshRun({ seed: 5, nodes: 5 });
  run(() => useLesson.setState({ draft: stored }));
  run(() => seek(95));
  return { kept };
}

const liveOps = (): string[] | undefined => useLesson.getState().draft?.live?.actions.map((a) => `${a.op} ${a.args.join(' ')}`);

describe('a reload during the first step of a lesson', () => {
  it('is told, and the step can be brought back as it was left', () => {
    const { kept } = reloadDuringStep1();
    expect(kept).toHaveLength(3);
    const p = pendingStep(useLesson.getState().draft!);
    expect(p.ok).toBe(false);
    expect(!p.ok && p.why).toMatch(/fewer of step 1’s actions than you recorded: it had 3 actions up to t = 800/);
    render(<LessonPanel />);
    const resume = screen.getByTestId('lesson-resume');
    expect(resume.textContent).toMatch(/^Bring back step 1 as you left it \(t = 800.*3 actions\)/);
    expect((screen.getByTestId('lesson-add-step') as HTMLButtonElement).disabled).toBe(true);
    // Step 1 has no step before it to go back to the end of: its start.
    expect(screen.getByRole('button', { name: 'Go back to the start of step 1' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: /end of step 0/ })).toBeNull();
    run(() => fireEvent.click(resume));
    expect(getDriver().cluster.actions().map((a) => `${a.op} ${a.args.join(' ')}`)).toEqual(kept);
    expect(getDriver().now).toBe(800);
    const after = pendingStep(useLesson.getState().draft!);
    expect(after.ok && after.actions).toBe(3);
  });

  it('the page going away again (pagehide, a hidden tab) keeps the actions in storage', () => {
    const { kept } = reloadDuringStep1();
    noteLive();
    window.dispatchEvent(new Event('pagehide'));
    expect(liveOps()).toEqual(kept);
    expect((JSON.parse(localStorage.getItem(DRAFT_KEY)!) as LessonDraft).live?.actions).toHaveLength(3);
    expect(liveStep(useLesson.getState().draft!)?.at).toBe(800);
  });

  it('going back in time within the step keeps the later actions too, until the teacher records from there or acts', () => {
    recordTwoCrashes('Rewind');
    noteLive();
    run(() => seek(650)); // one crash left
    noteLive();
    expect(liveOps()).toEqual(['crash n1', 'crash n2']);
    render(<LessonPanel />);
    expect(screen.getByTestId('lesson-resume')).toBeTruthy();
    // The teacher's explicit choice: the step records from the page's run as it is.
    const drop = screen.getByTestId('lesson-drop-live');
    expect(drop.textContent).toBe('Record from here instead (drop 1 kept action)');
    run(() => fireEvent.click(drop));
    expect(useLesson.getState().draft!.live).toBeUndefined();
    const p = pendingStep(useLesson.getState().draft!);
    expect(p.ok && p.actions).toBe(1);
    // Acting on the run keeps it.
    run(() => act('crash', ['n3']));
    expect(liveOps()).toEqual(['crash n1', 'crash n3']);
  });
});

describe('discarding a lesson', () => {
  it('asks in the page, not with a browser dialog: the first click asks, Keep it keeps, Discard it discards', () => {
    const confirm = vi.fn(() => true);
    window.confirm = confirm;
    try {
      run(() => startLesson());
      render(<LessonPanel />);
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Discard the lesson' })));
      expect(useLesson.getState().draft).not.toBeNull();
      expect(screen.getByRole('group', { name: 'Discard the lesson?' }).textContent).toMatch(/^Discard this lesson\? Download it first if you want to keep it\./);
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Keep it' })));
      expect(useLesson.getState().draft).not.toBeNull();
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Discard the lesson' })));
      run(() => fireEvent.click(screen.getByRole('button', { name: 'Discard it' })));
      expect(useLesson.getState().draft).toBeNull();
      expect(confirm).not.toHaveBeenCalled();
    } finally {
      delete (window as { confirm?: unknown }).confirm;
    }
  });
});
