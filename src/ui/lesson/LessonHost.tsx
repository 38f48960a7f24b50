// The lesson layer over the page: a lesson opened from a `#lesson=` link or a file, or the editor's
// preview, played in the guide player — or, when the lesson does not load, what is wrong and on which
// line. Light on purpose: the player and the chapter loader load only when a lesson is shown.
import { Suspense, lazy, useEffect } from 'react';
import { create } from 'zustand';
import { afterEngine, setPlaying } from '../../store/sim';
import { Layer } from '../guide/Layer';

export type LessonSource = 'link' | 'file' | 'preview';

export interface LessonView {
  /** The lesson text shown (null: the layer is closed). */
  markdown: string | null;
  source: LessonSource;
  /** The file's own name, for a lesson opened from disk (messages name it); null otherwise. */
  name: string | null;
  /** Set when the lesson could not even be unpacked (a damaged link): no text to show. */
  error: string | null;
  /** Bumped on every open, so the player starts again. */
  version: number;
}

export const useLessonView = create<LessonView>(() => ({ markdown: null, source: 'preview', name: null, error: null, version: 0 }));

/** Shows a lesson; `name`: the file's name, for a lesson opened from disk. */
export function showLesson(markdown: string, source: LessonSource, name: string | null = null): void {
  setPlaying(false);
  useLessonView.setState((s) => ({ markdown, source, name, error: null, version: s.version + 1 }));
}

export function showLessonError(error: string, source: LessonSource): void {
  setPlaying(false);
  useLessonView.setState((s) => ({ markdown: null, source, name: null, error, version: s.version + 1 }));
}

/** The hash this page has handled (its own links, when written, are not opened again). */
let handled = '';

export function closeLesson(): void {
  const s = useLessonView.getState();
  useLessonView.setState({ markdown: null, error: null });
  // Back from a preview: to the Preview button it was opened with (once the layer is gone), not the page's body.
  if (s.source === 'preview' && typeof requestAnimationFrame === 'function') requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="lesson-preview"]')?.focus());
  if (s.source === 'link' && /^#lesson=/.test(location.hash)) {
    handled = '';
    history.pushState(null, '', location.pathname + location.search);
  }
}

async function openHash(hash: string): Promise<void> {
  if (!hash.startsWith('#lesson=')) {
    // The address bar moved on from a lesson link (a run or guide link pasted, Back): the lesson it
    // opened, or its error, goes; what the new link opens is not left hidden under it.
    const s = useLessonView.getState();
    if (s.source === 'link' && (s.markdown !== null || s.error !== null)) useLessonView.setState({ markdown: null, error: null });
    handled = '';
    return;
  }
  if (hash === handled) return;
  handled = hash;
  const { decodeLessonHash } = await import('./lessonFormat');
  const r = await decodeLessonHash(hash);
  if (r.markdown !== undefined) showLesson(r.markdown, 'link');
  else showLessonError(r.ok ? 'unknown error' : r.error, 'link');
}

const LessonScreen = lazy(() => afterEngine(() => import('./LessonScreen')).then((m) => ({ default: m.LessonScreen })));

/** Mount once in the page: opens `#lesson=` links and shows the lesson layer when a lesson is open. */
export function LessonHost() {
  const open = useLessonView((s) => s.markdown !== null || s.error !== null);
  const version = useLessonView((s) => s.version);
  useEffect(() => {
    void openHash(location.hash);
    const onHash = (): void => void openHash(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (!open) return null;
  return (
    <Layer label="Lesson" className="lesson-layer" focusKey={version} onEscape={closeLesson}>
      <Suspense fallback={<p className="guide-loading">Loading the lesson…</p>}>
        <LessonScreen key={version} />
      </Suspense>
    </Layer>
  );
}
