// @vitest-environment happy-dom
// The draft lives in this browser's storage so that a reload keeps it: when a save fails (a full store, storage
// turned off), the panel says so at once, with the way to keep the lesson, and the warning goes once a save works again.
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { seek, startWorkload } from '../../src/store/sim';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { setLessonFields, startLesson, useLesson } from '../../src/ui/lesson/lessonStore';
import { DRAFT_KEY } from '../../src/ui/lesson/lessonTab';
import { freshLessonPage, run } from './lessonHelpers';

freshLessonPage();

describe('saving the draft', () => {
  it('a failed save is said in the panel (with Download .md), and a later save that works clears it', () => {
    run(() => startLesson('Kept?'));
    render(<LessonPanel />);
    expect(screen.queryByTestId('lesson-not-saved')).toBeNull();
    expect(JSON.parse(localStorage.getItem(DRAFT_KEY)!).lesson.title).toBe('Kept?');
    const full = vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    try {
      run(() => setLessonFields({ title: 'Not kept' }));
      expect(screen.getByTestId('lesson-not-saved').textContent).toMatch(/^This browser did not keep the lesson in its storage .*a reload or a closed tab would lose what you wrote since\. Use Download \.md below to keep it/);
      expect(screen.getByTestId('lesson-not-saved').getAttribute('role')).toBe('alert');
      expect(JSON.parse(localStorage.getItem(DRAFT_KEY)!).lesson.title).toBe('Kept?');
    } finally {
      full.mockRestore();
    }
    run(() => setLessonFields({ title: 'Kept again' }));
    expect(screen.queryByTestId('lesson-not-saved')).toBeNull();
    expect(JSON.parse(localStorage.getItem(DRAFT_KEY)!).lesson.title).toBe('Kept again');
  });

  it('a big draft (a workload’s thousands of actions) is stored at most once a second, and at once when the page goes away', async () => {
    run(() => startLesson('Big'));
    run(() => startWorkload({ publishers: 10, rate: 10, topics: 2 }));
    run(() => seek(25_000));
    expect(useLesson.getState().draft!.live!.actions.length).toBeGreaterThan(2000);
    const stored = (): string => JSON.parse(localStorage.getItem(DRAFT_KEY)!).lesson.title;
    window.dispatchEvent(new Event('pagehide'));
    expect(stored()).toBe('Big');
    run(() => setLessonFields({ title: 'Two' })); // within the second after a write: later
    run(() => setLessonFields({ title: 'Three' }));
    expect(stored()).toBe('Big');
    await new Promise((r) => setTimeout(r, 1500)); // (the write's timer is due first)
    expect(stored()).toBe('Three');
    run(() => setLessonFields({ title: 'Four' }));
    expect(stored()).toBe('Three');
    window.dispatchEvent(new Event('pagehide'));
    expect(stored()).toBe('Four');
  });

  it('a small draft is stored at every change', () => {
    run(() => startLesson('Small'));
    for (const t of ['One', 'Two', 'Three']) {
      run(() => setLessonFields({ title: t }));
      expect(JSON.parse(localStorage.getItem(DRAFT_KEY)!).lesson.title).toBe(t);
    }
  });
});
