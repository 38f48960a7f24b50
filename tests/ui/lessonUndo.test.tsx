// @vitest-environment happy-dom
// Undo the last step in the Lesson panel loses no teacher text: when the step being written already holds a
// title, text, checks or a question (a step undone just before, or one being typed), Undo sets it aside in the
// panel, to be put back in the fields or dropped by the teacher, never replaced without a word.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { act, getDriver, seek } from '../../src/store/sim';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { useLesson } from '../../src/ui/lesson/lessonStore';
import { DRAFT_KEY } from '../../src/ui/lesson/lessonTab';
import { field, freshLessonPage, run, titles, type, undo } from './lessonHelpers';

const addStep = (): void => run(() => fireEvent.click(screen.getByTestId('lesson-add-step')));
/** The step being written, as its fields show it. */
const fields = (): { title: string; text: string; checks: string; question: string | null } => ({
  title: field('Step title').value,
  text: field(/^What happened/).value,
  checks: field(/^Checks \(expect/).value,
  question: (screen.queryByLabelText('Question') as HTMLInputElement | null)?.value ?? null,
});
const asideItems = (): string[] => Array.from(document.querySelectorAll('[data-testid="lesson-aside-item"]')).map((e) => e.textContent ?? '');

/** Writes the step being recorded in the form, with a question when one is given. */
function write(title: string, text: string, checks: string, question?: string): void {
  type('Step title', title);
  type(/^What happened/, text);
  type(/^Checks \(expect/, checks);
  if (question !== undefined) {
    fireEvent.click(within(document.querySelector<HTMLElement>('.lesson-next')!).getByRole('button', { name: 'Add a question to ask before this step' }));
    type('Question', question);
    type(/^Holds after the step/, 'leader');
  }
}

/** Three recorded steps: a leader; the leader crashes; a follower crashes (with a question). */
function threeSteps(): void {
  render(<LessonPanel />);
  fireEvent.click(screen.getByTestId('lesson-start'));
  type('Title', 'Crashes');
  run(() => seek(600));
  write('A leader', 'One is elected.', 'expect leader');
  addStep();
  const leader = getDriver().cluster.leader()!;
  run(() => act('crash', [leader]));
  run(() => seek(1500));
  write('The leader crashes', 'Another takes over.', `expect ${leader} down\nexpect leader`);
  addStep();
  const follower = getDriver().cluster.nodeIds.find((id) => id !== leader && id !== getDriver().cluster.leader())!;
  run(() => act('crash', [follower]));
  run(() => seek(2200));
  write('A follower crashes', 'The leader keeps going.', `expect ${follower} down`, 'Does the leader step down?');
  addStep();
  expect(titles()).toEqual(['A leader', 'The leader crashes', 'A follower crashes']);
}

freshLessonPage();

describe('Undo the last step loses no text', () => {
  it('two Undos in a row: step 3’s title, text, checks and question are set aside, not replaced without a word, and come back for step 3', () => {
    threeSteps();
    undo();
    expect(fields()).toEqual({ title: 'A follower crashes', text: 'The leader keeps going.', checks: expect.stringMatching(/down$/), question: 'Does the leader step down?' });
    const step3 = fields();
    // One Undo right after closing a step: the fields were empty, nothing is set aside.
    expect(screen.queryByTestId('lesson-aside')).toBeNull();

    undo();
    expect(titles()).toEqual(['A leader']);
    expect(fields()).toMatchObject({ title: 'The leader crashes', text: 'Another takes over.', question: null });
    // Step 3's fields are named in the panel, over the step being recorded.
    const aside = screen.getByTestId('lesson-aside');
    expect(aside.closest('.lesson-next')).not.toBeNull();
    expect(aside.getAttribute('role')).toBe('status');
    expect(asideItems()).toEqual(['“A follower crashes”: its text, 1 check and a question']);

    // The teacher records step 2 again (its actions and step 3's, now one step), then puts step 3's text back for the next one.
    addStep();
    expect(titles()).toEqual(['A leader', 'The leader crashes']);
    expect(fields()).toEqual({ title: '', text: '', checks: '', question: null });
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Put it in the fields (“A follower crashes”)' })));
    expect(fields()).toEqual(step3);
    expect(screen.queryByTestId('lesson-aside')).toBeNull();
    expect(useLesson.getState().draft!.next.predict).toMatchObject({ question: 'Does the leader step down?', agrees: 'leader' });
  });

  it('fields typed for a new step are set aside by Undo too; a swap keeps both; only Drop it lets one go', () => {
    threeSteps();
    write('Half written', 'Draft text', '');
    undo();
    expect(fields()).toMatchObject({ title: 'A follower crashes', question: 'Does the leader step down?' });
    expect(asideItems()).toEqual(['“Half written”: its text']);
    // Kept with the draft in localStorage: a reload does not lose it.
    expect(JSON.parse(localStorage.getItem(DRAFT_KEY)!).aside).toEqual([{ title: 'Half written', text: 'Draft text', checks: '' }]);

    // The fields hold step 3's: bringing the set-aside text back swaps the two.
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Swap it with the fields (“Half written”)' })));
    expect(fields()).toEqual({ title: 'Half written', text: 'Draft text', checks: '', question: null });
    expect(asideItems()).toEqual(['“A follower crashes”: its text, 1 check and a question']);

    // Two Undos more: each sets the fields aside in turn, oldest first.
    undo();
    expect(titles()).toEqual(['A leader']);
    expect(asideItems()).toEqual(['“A follower crashes”: its text, 1 check and a question', '“Half written”: its text']);
    undo();
    expect(titles()).toEqual([]);
    expect(fields()).toMatchObject({ title: 'A leader', text: 'One is elected.' });
    expect(asideItems()).toEqual(['“A follower crashes”: its text, 1 check and a question', '“Half written”: its text', '“The leader crashes”: its text and 2 checks']);
    run(() => fireEvent.click(screen.getByRole('button', { name: 'Drop it (“Half written”)' })));
    expect(asideItems()).toEqual(['“A follower crashes”: its text, 1 check and a question', '“The leader crashes”: its text and 2 checks']);
  });

  it('a single Undo right after closing a step works as before: its fields come back, nothing is set aside', () => {
    render(<LessonPanel />);
    fireEvent.click(screen.getByTestId('lesson-start'));
    run(() => seek(600));
    write('A leader', 'One is elected.', 'expect leader');
    addStep();
    undo();
    expect(titles()).toEqual([]);
    expect(fields()).toEqual({ title: 'A leader', text: 'One is elected.', checks: 'expect leader', question: null });
    expect(screen.queryByTestId('lesson-aside')).toBeNull();
    expect(useLesson.getState().draft!.aside).toBeUndefined();
    addStep();
    expect(titles()).toEqual(['A leader']);
  });
});
