// Whether the side panel shows the Lesson tab: only while a lesson is being written (or was asked for),
// so the panel's tab strip stays as it was for everyone else. Light: the page's first load imports it.
import { create } from 'zustand';
import { setTab } from '../../store/sim';

/** Where the lesson editor keeps its draft (the editor's store reads and writes it). */
export const DRAFT_KEY = 'wiber-sim-lesson-draft';

function stored(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(DRAFT_KEY) !== null;
  } catch {
    return false;
  }
}

export const useLessonTab = create<{ shown: boolean }>(() => ({ shown: stored() }));

/** Shows the Lesson tab and switches to it. */
export function openLessonTab(): void {
  useLessonTab.setState({ shown: true });
  setTab('lesson');
  // The focus goes to the lesson panel the learner asked for (after whatever closed on the way: the guide gives it to its button).
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => requestAnimationFrame(() => document.getElementById('side-panel-lesson')?.focus()));
}

/** The draft came or went: the tab follows (it stays while it is the open tab). */
export function lessonDraftChanged(active: boolean): void {
  if (active !== useLessonTab.getState().shown) useLessonTab.setState({ shown: active });
}
