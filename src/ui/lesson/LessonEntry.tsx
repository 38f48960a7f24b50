// "Write your own lesson" under the guides' chapter list: opens the lesson editor or a lesson file.
import { useState, type ChangeEvent } from 'react';
import { closeGuide } from '../guide/hostState';
import { showLesson } from './LessonHost';
import { openLessonTab } from './lessonTab';

/** Largest lesson file read (bytes); the loader refuses long texts with a clear message. */
const MAX_FILE = 1_000_000;

export function OpenLessonFile({ label = 'Open a lesson file…' }: { label?: string }) {
  const [error, setError] = useState<string | undefined>(undefined);
  const onFile = (e: ChangeEvent<HTMLInputElement>): void => {
    const file = e.target.files?.[0];
    e.target.value = '';
    setError(undefined);
    if (file === undefined) return;
    if (file.size > MAX_FILE) {
      setError(`${file.name} is too large for a lesson (${file.size} bytes).`);
      return;
    }
    file.text().then(
      (text) => {
        closeGuide();
        showLesson(text, 'file', file.name);
      },
      (err: unknown) => setError(`Could not read ${file.name}: ${String(err)}`),
    );
  };
  return (
    <>
      <label className="btn file">
        {label}
        <input type="file" accept=".md,text/markdown,text/plain" onChange={onFile} data-testid="lesson-file" />
      </label>
      {error !== undefined && (
        <p className="invalid" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

export function LessonEntry() {
  return (
    <section className="guide-card lesson-entry" aria-labelledby="lesson-entry-title">
      <h2 id="lesson-entry-title">Write your own lesson</h2>
      <p>
        Play with the cluster and every action you take is written down as a scenario line; add each step’s text, its checks and a question, preview it here,
        and share it as a link or a file. Lessons you receive open the same way.
      </p>
      <p className="row">
        <button
          type="button"
          className="btn small primary"
          onClick={() => {
            closeGuide();
            openLessonTab();
          }}
          data-testid="lesson-write"
        >
          Write a lesson
        </button>
        <OpenLessonFile />
      </p>
    </section>
  );
}
