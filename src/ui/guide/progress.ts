// How far the learner got in each chapter (furthest step reached, challenge won), kept in localStorage.
import { create } from 'zustand';

export interface ChapterProgress {
  /** Furthest step reached (0: not started). */
  readonly step: number;
  readonly challenge?: boolean;
}

export type Progress = Readonly<Record<string, ChapterProgress>>;

const KEY = 'wiber-guide-progress';

function storage(): Storage | undefined {
  try {
    return typeof localStorage !== 'undefined' ? localStorage : undefined;
  } catch {
    return undefined;
  }
}

/** Reads saved progress, ignoring anything malformed. */
export function loadProgress(): Progress {
  const out: Record<string, ChapterProgress> = {};
  try {
    const raw: unknown = JSON.parse(storage()?.getItem(KEY) ?? '{}');
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return out;
    for (const [id, v] of Object.entries(raw as Record<string, unknown>)) {
      if (!/^[a-z][a-z0-9-]*$/.test(id) || typeof v !== 'object' || v === null) continue;
      const step = (v as { step?: unknown }).step;
      const challenge = (v as { challenge?: unknown }).challenge === true;
      if (typeof step === 'number' && Number.isInteger(step) && step >= 0 && step < 1000) out[id] = { step, ...(challenge ? { challenge } : {}) };
    }
  } catch {
    // Unreadable progress starts over.
  }
  return out;
}

function save(p: Progress): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(p));
  } catch {
    // Private mode or full storage: progress lives for this page only.
  }
}

export const useGuideProgress = create<{ progress: Progress }>(() => ({ progress: loadProgress() }));

/** Notes that `chapter` reached `step` (keeps the furthest). */
export function reachStep(chapter: string, step: number): void {
  const p = useGuideProgress.getState().progress;
  const cur = p[chapter];
  if (cur !== undefined && cur.step >= step) return;
  const next = { ...p, [chapter]: { ...cur, step } };
  useGuideProgress.setState({ progress: next });
  save(next);
}

export function winChallenge(chapter: string): void {
  const p = useGuideProgress.getState().progress;
  const cur = p[chapter] ?? { step: 0 };
  if (cur.challenge === true) return;
  const next = { ...p, [chapter]: { ...cur, challenge: true } };
  useGuideProgress.setState({ progress: next });
  save(next);
}

export function resetProgress(): void {
  useGuideProgress.setState({ progress: {} });
  save({});
}
