// What the lesson layer shows (loaded on first use): the lesson in the guide player with a bar to
// download or edit it, or — when it does not load — the error, and the lines around the one it names.
import { useEffect, useMemo, useRef, useState } from 'react';
import { setTab, useSim } from '../../store/sim';
import { download } from '../exportImage';
import { GuidePlayer } from '../guide/GuidePlayer';
import { handToFreePlaySliced } from '../guide/handoff';
import { closeLesson, useLessonView, type LessonSource } from './LessonHost';
import { LESSON_FILE, copyDifferences, ignoredKeyNotes, lessonToMarkdown, loadLesson, markdownToLesson } from './lessonFormat';
import { continueLesson, useLesson } from './lessonStore';
import { replayForEdit, type SliceOptions, type WalkProgress } from './lessonWalk';
import { LayerError } from '../LayerError';
import './lesson.css';

const SOURCE: Record<LessonSource, string> = { link: 'A shared lesson', file: 'A lesson file', preview: 'Preview of your lesson' };

/** The lines around `line` (1-based), numbered, the named one marked. */
export function Excerpt({ markdown, line }: { markdown: string; line: number }) {
  const lines = markdown.split(/\r?\n/);
  const from = Math.max(1, line - 3);
  const to = Math.min(lines.length, line + 3);
  const rows = [];
  for (let n = from; n <= to; n++) {
    rows.push(
      <div key={n} className={n === line ? 'lesson-excerpt-bad' : undefined} {...(n === line ? { 'data-testid': 'lesson-error-line' } : {})}>
        <span className="lesson-excerpt-n" aria-hidden="true">
          {n}
        </span>
        {lines[n - 1] === '' ? ' ' : lines[n - 1]}
      </div>,
    );
  }
  return (
    // Focusable: a long line scrolls sideways inside the box, and the keyboard must reach it.
    <pre className="lesson-excerpt" aria-label={`Lines ${from} to ${to} of the lesson; line ${line} is the one at fault`} tabIndex={0}>
      {rows}
    </pre>
  );
}

/** What the reader can do about a lesson that does not load: the teacher's own file is theirs to fix; a received one, its sender's. */
function lessonErrorHint(source: LessonSource, name: string | null, line: number | undefined): string {
  const nothing = 'Nothing was changed in the simulator.';
  if (source === 'file' && name !== null) return `${nothing} Fix ${line !== undefined ? 'the line above' : 'this'} in ${name} and open it again (Open a lesson file).`;
  return `${nothing} Ask whoever sent it for a new link or the lesson file.`;
}

export function LessonError({
  error, line, markdown, source = 'link', name = null, onClose,
}: { error: string; line?: number; markdown?: string; source?: LessonSource; name?: string | null; onClose: () => void }) {
  return (
    <div className="lesson-error-card" role="alert" data-testid="lesson-error">
      <h2>This lesson could not be opened</h2>
      <p>
        {line !== undefined && !/\bline \d+/.test(error) ? <>Line {line}: </> : null}
        {error}
      </p>
      {markdown !== undefined && line !== undefined && <Excerpt markdown={markdown} line={line} />}
      <p className="hint">{lessonErrorHint(source, name, line)}</p>
      <div className="row">
        <button type="button" className="btn primary" onClick={onClose}>
          Back to the simulator
        </button>
        {markdown !== undefined && (
          <button type="button" className="btn" onClick={() => download(name ?? LESSON_FILE, new Blob([markdown], { type: 'text/markdown' }))}>
            Download the lesson text
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * The lesson being written, as the question before *Edit a copy* replaces it names it (it lives only in this
 * browser's storage, and the copy takes its place), or null when there is none.
 */
function draftToReplace(): string | null {
  const d = useLesson.getState().draft;
  if (d === null) return null;
  const title = d.lesson.title.trim() === '' ? 'an untitled lesson' : `“${d.lesson.title.trim()}”`;
  const steps = d.lesson.steps.length;
  return `You are writing ${title} (${steps} step${steps === 1 ? '' : 's'}). Editing a copy of this lesson replaces it. Download yours first if you want to keep it.`;
}

/**
 * Replays the lesson (one step per task, see lessonWalk), hands its cluster to the page and opens it in the editor to
 * go on writing. Resolves to an error text; when stopped (`o.signal`), to undefined with nothing changed.
 */
async function editCopy(markdown: string, o: SliceOptions & { onLoad?: (done: number | null) => void }): Promise<string | undefined> {
  const loaded = loadLesson(markdown);
  if (!loaded.ok) return loaded.error;
  const lesson = markdownToLesson(markdown);
  // The editor writes the lesson again: offered only when that gives back the same lesson (it keeps what its form
  // cannot show, but a file may hold something neither foresaw).
  const copy = loadLesson(lessonToMarkdown(lesson));
  const changed = copy.ok ? copyDifferences(loaded.chapter, copy.chapter) : [copy.error];
  if (changed.length > 0) {
    return `the editor cannot keep all of this lesson as it is (${changed.join('; ')}). Download the .md and edit it as text; it opens here again with “Open a lesson file”.`;
  }
  const replayed = await replayForEdit(loaded.chapter, o);
  // Stopped: the page, its run and the draft are as they were before the click.
  if (replayed === null) return undefined;
  const { session, starts } = replayed;
  const r = await handToFreePlaySliced(session.runner.cluster, { signal: o.signal, onProgress: o.onLoad });
  session.runner.dispose();
  // Stopped while the simulator loaded the run: the page, its run and the draft are as they were.
  if (r === null) return undefined;
  if (!r.ok) return r.error;
  continueLesson(lesson, useSim.getState().run, starts);
  closeLesson();
  setTab('lesson');
  return undefined;
}

/** The lesson layer's content, behind an error boundary: a lesson that fails to play says so, and the page and its run stay. */
export function LessonScreen() {
  return (
    <LayerError what="This lesson" onClose={closeLesson}>
      <LessonScreenBody />
    </LayerError>
  );
}

function LessonScreenBody() {
  const markdown = useLessonView((s) => s.markdown);
  const error = useLessonView((s) => s.error);
  const source = useLessonView((s) => s.source);
  const name = useLessonView((s) => s.name);
  const loaded = useMemo(() => (markdown === null ? null : loadLesson(markdown, name ?? undefined)), [markdown, name]);
  const [editError, setEditError] = useState<string | undefined>(undefined);
  // Edit a copy in progress: how far its replay got, and how to stop it (also when the layer closes).
  const [replay, setReplay] = useState<WalkProgress | null>(null);
  // Then the simulator loading the replayed run (how far, 0 to 1).
  const [loading, setLoading] = useState<number | null>(null);
  const stop = useRef<AbortController | null>(null);
  useEffect(() => () => stop.current?.abort(), []);
  // Asked in the page before a copy replaces the lesson being written (a browser dialog would block the page).
  const [asking, setAsking] = useState<string | null>(null);
  const startEdit = (md: string, replace = false): void => {
    if (stop.current !== null) return;
    const question = replace ? null : draftToReplace();
    setAsking(question);
    if (question !== null) return;
    const controller = new AbortController();
    stop.current = controller;
    setEditError(undefined);
    const opts = {
      signal: controller.signal,
      onProgress: (p: WalkProgress) => { if (!controller.signal.aborted) setReplay(p); },
      onLoad: (done: number | null) => { if (!controller.signal.aborted) setLoading(done ?? 0); },
    };
    void editCopy(md, opts)
      .catch((err: unknown) => (err instanceof Error ? err.message : String(err)))
      .then((err) => {
        if (stop.current === controller) stop.current = null;
        if (!controller.signal.aborted) setEditError(err);
        setReplay(null);
        setLoading(null);
      });
  };
  if (markdown === null || loaded === null) return <LessonError error={error ?? 'no lesson'} source={source} onClose={closeLesson} />;
  if (!loaded.ok) {
    return <LessonError error={loaded.error} {...(loaded.line !== undefined ? { line: loaded.line } : {})} markdown={markdown} source={source} name={name} onClose={closeLesson} />;
  }
  const chapter = loaded.chapter;
  const notes = ignoredKeyNotes(chapter);
  return (
    <div className="lesson-screen">
      <div className="lesson-bar" role="toolbar" aria-label="Lesson">
        <strong>{SOURCE[source]}</strong>
        <span className="muted">
          {chapter.steps.length} step{chapter.steps.length === 1 ? '' : 's'}
          {chapter.challenge !== undefined ? ' and a challenge' : ''} · seed {chapter.seed}
        </span>
        <span className="lesson-bar-end">
          <button type="button" className="btn small" onClick={() => download(`${chapter.id}.md`, new Blob([markdown], { type: 'text/markdown' }))}>
            Download .md
          </button>
          {source === 'preview' ? (
            <button type="button" className="btn small primary" onClick={closeLesson}>
              Back to the editor
            </button>
          ) : (
            <button type="button" className="btn small" disabled={replay !== null || loading !== null} onClick={() => startEdit(markdown)} title="Replay this lesson in the simulator and go on writing it">
              Edit a copy
            </button>
          )}
        </span>
      </div>
      {asking !== null && (
        <p className="hint lesson-bar-progress" role="group" aria-label="Replace the lesson you are writing?">
          <span>{asking}</span>
          <button type="button" className="btn small danger" onClick={() => startEdit(markdown, true)}>
            Replace it
          </button>
          <button type="button" className="btn small" onClick={() => setAsking(null)}>
            Keep mine
          </button>
        </p>
      )}
      {notes.length > 0 && (
        <p className="hint lesson-bar-note" data-testid="lesson-config-note">
          {notes.join(' ')}
        </p>
      )}
      {(replay !== null || loading !== null) && (
        <p className="hint lesson-bar-progress" role="status" data-testid="lesson-replay">
          <span>
            {loading !== null
              ? `Loading the lesson’s run into the simulator (${Math.round(loading * 100)} %)…`
              : `Replaying step ${replay!.step} of ${replay!.of} to open it in the editor…`}
          </span>
          <button
            type="button"
            className="btn small"
            onClick={() => {
              stop.current?.abort();
              stop.current = null;
              setReplay(null);
              setLoading(null);
            }}
            title="Stop the replay: the page and the lesson you are writing stay as they were"
          >
            Stop
          </button>
        </p>
      )}
      {editError !== undefined && (
        <p className="invalid lesson-bar-error" role="alert">
          Could not open the lesson in the editor: {editError}
        </p>
      )}
      <GuidePlayer chapter={chapter} chapters={[chapter]} heading="Lesson:" lesson onClose={closeLesson} />
    </div>
  );
}
