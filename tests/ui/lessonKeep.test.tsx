// @vitest-environment happy-dom
// Acting on the page after a reload or a rewind never writes over the step's kept actions: they are set aside in the
// panel, brought back exactly (the page returns to them, what was done since is set aside in turn) or dropped by the
// teacher, and a reload keeps them on offer.
import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { act, getDriver, seek } from '../../src/store/sim';
import { clusterFingerprint } from '../../src/ui/guide/model';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { noteLive, pendingStep, readDraft, startLesson, useLesson, type LessonDraft } from '../../src/ui/lesson/lessonStore';
import { DRAFT_KEY } from '../../src/ui/lesson/lessonTab';
import { freshRun } from './helpers';
import { freshLessonPage, recordThreeActions, recordTwoCrashes, run } from './lessonHelpers';

freshLessonPage();

const ops = (actions: readonly { op: string; args: readonly unknown[] }[] | undefined): string[] | undefined => actions?.map((a) => `${a.op} ${a.args.join(' ')}`);
const pageOps = (): string[] => ops(getDriver().cluster.actions())!;
const draft = (): LessonDraft => useLesson.getState().draft!;
const items = (): string[] => Array.from(document.querySelectorAll('[data-testid="lesson-run-aside-item"]')).map((e) => e.textContent ?? '');

/** The page goes away and comes back: the draft as storage holds it (read as the page reads it), the same run started afresh. */
function reload(): void {
  const stored = readDraft(localStorage.getItem(DRAFT_KEY));
  expect(stored).not.toBeNull();
  freshRun({ seed: 5, nodes: 5 });
  run(() => useLesson.setState({ draft: stored }));
}

/** Step 1 with three actions up to t = 800, then a reload: returns the page's fingerprint and actions as the teacher left them. */
function recordThenReload(): { print: string; kept: string[] } {
  recordThreeActions('Keep test');
  window.dispatchEvent(new Event('pagehide'));
  const print = clusterFingerprint(getDriver().cluster);
  const kept = pageOps();
  reload();
  run(() => seek(95));
  return { print, kept };
}

/** The teacher ignores the warning and acts on the reloaded run. */
function actAnyway(): void {
  run(() => act('crash', ['n3']));
  run(() => seek(300));
}

describe('acting on the page after a reload', () => {
  it('sets the kept actions aside, says so, and bringing them back restores the exact run (what was done since is set aside in turn)', () => {
    const { print, kept } = recordThenReload();
    render(<LessonPanel />);
    expect(screen.getByTestId('lesson-fewer-hint').textContent).toMatch(/If you act on the page instead.*set aside, not lost/);
    actAnyway();
    // The step records from the page, and the kept version is named in the panel, not written over.
    expect(ops(draft().live?.actions)).toEqual(['crash n3']);
    expect(ops(draft().runAside?.[0].actions)).toEqual(kept);
    const box = screen.getByTestId('lesson-run-aside');
    expect(box.getAttribute('role')).toBe('status');
    expect(box.textContent).toMatch(/^Set aside, not lost\. The page no longer holds actions you had recorded/);
    expect(items()).toEqual(['Step 1 as you left it: 3 actions up to t = 800.0 ms (crash n1, crash n2, restart n1)']);
    expect(screen.getByTestId('lesson-recorded').textContent).toMatch(/^1 action from t = 0\.0 ms/);

    run(() => fireEvent.click(screen.getByRole('button', { name: 'Swap it with the page’s run (step 1, t = 800.0 ms)' })));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(pageOps()).toEqual(kept);
    expect(getDriver().now).toBe(800);
    expect(clusterFingerprint(getDriver().cluster)).toBe(print);
    const p = pendingStep(draft());
    expect(p.ok && p.actions).toBe(3);
    expect(ops(draft().live?.actions)).toEqual(kept);
    // Swapped, not dropped: the crash of n3 is now the one set aside.
    expect(items()).toEqual(['Step 1 as you left it: 1 action up to t = 300.0 ms (crash n3)']);
  });

  it('Drop it drops the kept version for good: the step is what the page holds', () => {
    recordThenReload();
    render(<LessonPanel />);
    actAnyway();
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Drop it (step 1, t = 800.0 ms)' })));
    expect(screen.queryByTestId('lesson-run-aside')).toBeNull();
    expect(draft().runAside).toBeUndefined();
    expect((JSON.parse(localStorage.getItem(DRAFT_KEY)!) as LessonDraft).runAside).toBeUndefined();
    expect(pageOps()).toEqual(['crash n3']);
    const p = pendingStep(draft());
    expect(p.ok && p.actions).toBe(1);
  });

  it('a second reload still offers the set-aside version, and it comes back exactly', () => {
    const { print, kept } = recordThenReload();
    actAnyway();
    window.dispatchEvent(new Event('pagehide'));
    reload();
    render(<LessonPanel />);
    // The step as it was before this reload (the crash of n3) is offered as before, and the older version too.
    expect(screen.getByTestId('lesson-resume').textContent).toMatch(/^Bring back step 1 as you left it \(t = 300.*1 action\)/);
    expect(items()).toEqual(['Step 1 as you left it: 3 actions up to t = 800.0 ms (crash n1, crash n2, restart n1)']);
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Swap it with the page’s run (step 1, t = 800.0 ms)' })));
    expect(pageOps()).toEqual(kept);
    expect(clusterFingerprint(getDriver().cluster)).toBe(print);
    expect(items()).toEqual(['Step 1 as you left it: 1 action up to t = 300.0 ms (crash n3)']);
  });
});

describe('other ways the page leaves the kept actions', () => {
  it('going back in time then acting sets the later actions aside; going back to the start of the step does too', () => {
    recordTwoCrashes('Rewind');
    noteLive(); // (a seek back notes it too: see the next test)
    const print = clusterFingerprint(getDriver().cluster);
    run(() => seek(650));
    run(() => act('crash', ['n4']));
    expect(ops(draft().runAside?.[0].actions)).toEqual(['crash n1', 'crash n2']);
    expect(ops(draft().live?.actions)).toEqual(['crash n1', 'crash n4']);
    // A reload, then Go back to the start of step 1 (the page holds none of the step): set aside too, not dropped.
    window.dispatchEvent(new Event('pagehide'));
    reload();
    render(<LessonPanel />);
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Go back to the start of step 1' })));
    expect(draft().live).toBeUndefined();
    expect(items()).toEqual(['Step 1 as you left it: 2 actions up to t = 800.0 ms (crash n1, crash n2)', 'Step 1 as you left it: 2 actions up to t = 650.0 ms (crash n1, crash n4)']);
    // Nothing on the page of the step: Bring it back, with nothing set aside in its place.
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Bring it back (step 1, t = 800.0 ms)' })));
    expect(clusterFingerprint(getDriver().cluster)).toBe(print);
    expect(items()).toEqual(['Step 1 as you left it: 2 actions up to t = 650.0 ms (crash n1, crash n4)']);
  });

  it('a seek back notes the moment the page leaves: the version set aside runs to where the page had got, not to its last action', () => {
    recordTwoCrashes('Rewind'); // no action since t = 700: nothing noted at t = 800
    const print = clusterFingerprint(getDriver().cluster);
    run(() => seek(650));
    run(() => act('crash', ['n4']));
    expect(draft().runAside?.[0].at).toBe(800);
    render(<LessonPanel />);
    expect(items()).toEqual(['Step 1 as you left it: 2 actions up to t = 800.0 ms (crash n1, crash n2)']);
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Swap it with the page’s run (step 1, t = 800.0 ms)' })));
    expect(clusterFingerprint(getDriver().cluster)).toBe(print);
  });

  it('a version of a step closed since is kept and explained, with only Drop it on offer', () => {
    recordThenReload();
    render(<LessonPanel />);
    actAnyway();
    run(() => fireEvent.click(screen.getByTestId('lesson-add-step')));
    expect(draft().lesson.steps).toHaveLength(1);
    expect(screen.getByTestId('lesson-run-aside-later').textContent).toBe(' Step 1 has been added since: undo back to step 1 to bring it back.');
    expect(screen.queryByTestId('lesson-run-aside-back')).toBeNull();
    // Undo the step: the version fits the step being recorded again.
    run(() => fireEvent.click(screen.getByRole('button', { name: /Undo the last step/ })));
    expect(screen.getByTestId('lesson-run-aside-back').textContent).toBe('Swap it with the page’s run');
    run(() => fireEvent.click(screen.getByTestId('lesson-run-aside-back')));
    expect(pageOps()).toEqual(['crash n1', 'crash n2', 'restart n1']);
    expect(items()).toEqual(['Step 1 as you left it: 1 action up to t = 300.0 ms (crash n3)']);
  });
});

describe('the stored draft', () => {
  it('an older draft without set-aside versions loads; damaged entries are dropped, readable ones kept', () => {
    run(() => startLesson('Old'));
    const old = JSON.parse(localStorage.getItem(DRAFT_KEY)!) as Record<string, unknown>;
    expect(old.runAside).toBeUndefined();
    expect(readDraft(JSON.stringify(old))?.lesson.title).toBe('Old');
    const good = { actions: [], at: 5, events: 3, run: { seed: 5, nodes: 5 }, step: 1, from: 0 };
    const d = readDraft(JSON.stringify({ ...old, runAside: [good, { actions: 'x' }, null, { ...good, step: 'one' }] }));
    expect(d?.runAside).toEqual([good]);
    expect(readDraft(JSON.stringify({ ...old, runAside: 'junk' }))?.runAside).toBeUndefined();
  });
});
