// @vitest-environment happy-dom
// The draft lives in this browser's storage so that a reload keeps it: when a save fails (a full store, storage
// turned off), the panel says so at once, with the way to keep the lesson, and the warning goes once a save works again.
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { LessonPanel } from '../../src/ui/lesson/LessonPanel';
import { setLessonFields, startLesson } from '../../src/ui/lesson/lessonStore';
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

  it('a draft that is slow to store is stored at most once a second, and at once when the page goes away', async () => {
    run(() => startLesson('Big'));
    const real = localStorage.setItem.bind(localStorage);
    // Each write takes 5 ms, as a draft holding thousands of a workload's actions does.
    const slow = vi.spyOn(localStorage, 'setItem').mockImplementation((k: string, v: string) => {
      const until = performance.now() + 5;
      while (performance.now() < until);
      real(k, v);
    });
    const stored = (): string => JSON.parse(localStorage.getItem(DRAFT_KEY)!).lesson.title;
    try {
      run(() => setLessonFields({ title: 'One' })); // stored at once: the last write was cheap
      expect(stored()).toBe('One');
      run(() => setLessonFields({ title: 'Two' })); // within the second after a slow write: later
      run(() => setLessonFields({ title: 'Three' }));
      expect(stored()).toBe('One');
      await new Promise((r) => setTimeout(r, 1500));
      expect(stored()).toBe('Three');
      expect(slow.mock.calls.length).toBe(2);
      run(() => setLessonFields({ title: 'Four' }));
      expect(stored()).toBe('Three');
      window.dispatchEvent(new Event('pagehide'));
      expect(stored()).toBe('Four');
    } finally {
      slow.mockRestore();
    }
  });
});
