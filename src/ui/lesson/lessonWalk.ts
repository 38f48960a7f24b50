// Replaying a lesson in slices (one step per task) for Edit a copy and the editor's Check: the page draws and answers
// between steps, shows how far the replay got, and can stop it, which leaves everything as it was.
import { ChapterSession, walkChapterSteps, type Chapter, type StepOutcome, type WalkProgress, type WalkResult } from '../../guides/chapters';
import { runOptionsOf } from '../guide/handoff';
import type { Mark } from './lessonStore';

export type { WalkProgress };

export interface SliceOptions {
  onProgress?: (p: WalkProgress) => void;
  /** Aborted: the replay stops at the next slice and resolves to null (nothing it built is kept). */
  signal?: AbortSignal;
}

/** Gives the page a task (a frame, a click on Stop) before the next slice. */
const breathe = (): Promise<void> => new Promise((r) => setTimeout(r));

/** Runs `session`'s steps one per task; `before` sees each step before it runs. Resolves false when stopped. */
async function slicedSteps(session: ChapterSession, o: SliceOptions, each: (o: StepOutcome) => boolean, before?: () => void): Promise<boolean> {
  const of = session.chapter.steps.length;
  while (!session.done) {
    o.onProgress?.({ step: session.position + 1, of });
    await breathe();
    if (o.signal?.aborted === true) return false;
    before?.();
    if (!each(session.next())) break;
  }
  return true;
}

/** walkChapter (the editor's Check), one step per task: the same result, or null when stopped. */
export async function walkChapterSliced(chapter: Chapter, o: SliceOptions = {}, seed: number = chapter.seed): Promise<WalkResult | null> {
  const walk = walkChapterSteps(chapter, seed);
  try {
    for (;;) {
      const r = walk.next();
      if (r.done === true) return r.value;
      o.onProgress?.(r.value);
      await breathe();
      if (o.signal?.aborted === true) return null;
    }
  } finally {
    walk.return(undefined as never); // its cluster is disposed of (a finished walk did so already)
  }
}

/**
 * Replays a lesson's steps for Edit a copy, one step per task, until one fails. Resolves to the session (its runner
 * holds the lesson's cluster at the end; the caller disposes it) and where each step started on its own cluster, so
 * that Undo the last step gives a received step's actions back as it does a recorded one's; or null when stopped.
 * A step with a setup block starts at time 0 of a fresh cluster (the session's runner is then a new one): the
 * cluster it leaves is kept, for Undo to put the page back on it.
 */
export async function replayForEdit(chapter: Chapter, o: SliceOptions = {}): Promise<{ session: ChapterSession; starts: Mark[] } | null> {
  const session = new ChapterSession(chapter);
  const starts: Mark[] = [];
  let done = false;
  try {
    done = await slicedSteps(
      session,
      o,
      (s) => s.ok,
      () => {
        const step = chapter.steps[session.position];
        const c = session.runner.cluster;
        starts.push(
          step.setup === undefined
            ? { at: c.now, events: c.eventCount, actions: c.actionCount() }
            : { at: 0, events: 0, actions: 0, before: { run: runOptionsOf(c.options), actions: c.actions(), at: c.now, events: c.eventCount } },
        );
      },
    );
  } finally {
    if (!done) session.runner.dispose();
  }
  return done ? { session, starts } : null;
}
