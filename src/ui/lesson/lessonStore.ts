// The lesson being written in the page: its steps so far, the moment the next step starts, and the
// recording of the page's actions into that step. Kept in localStorage so a reload loses nothing: the
// step being recorded is the page's run itself, so its actions and moment are kept too (noteLive), to be
// brought back after a reload (resumeLessonRun). A kept version the page no longer holds is set aside, never written
// over (runAside): acting after a reload or a rewind records from the page, and the old version can be brought back.
import { create } from 'zustand';
import type { ActionRecord, Cluster } from '../../sim';
import { beforeRewind } from '../../store/commands';
import { finishTask, getDriver, newRun, setPlaying, useSim } from '../../store/sim';
import type { RunOptions } from '../../store/runOptions';
import type { Lesson, LessonChallenge, LessonPredict, LessonStep, StepKept } from './lessonFormat';
import { setupOf, stepLines, type Moment } from './lessonRecord';
import { DRAFT_KEY, lessonDraftChanged } from './lessonTab';
import { formatMs } from '../../store/time';
import { plural } from '../plural';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../../sim/validateEager';

export interface StepDraft {
  title: string;
  text: string;
  checks: string;
  predict?: LessonPredict;
  /** A step taken back with Undo keeps the blocks it was read with (see LessonStep.kept). */
  kept?: StepKept;
}

/**
 * The cluster a step left behind when the next one starts a fresh cluster (a ```setup block, in a lesson read
 * from a file): its run, its actions and its moment at the end of that step. Undo across the fresh step puts
 * the page back on it.
 */
export interface Before {
  run: RunOptions;
  actions: ActionRecord[];
  at: number;
  events: number;
}

/** Where a step starts on its own cluster: its time, event count and the number of actions taken before it. */
export type Mark = Moment & {
  actions: number;
  /** Set when the step starts a fresh cluster (then the mark is its time 0): the cluster the step before ran on. */
  before?: Before;
};

export interface LessonDraft {
  lesson: Lesson;
  /** The run the step being recorded is on (the lesson's, or the fresh cluster of the last step with a setup block). */
  run: RunOptions;
  /** Where the next step starts. */
  mark: Mark;
  /** Where each step started (to go back when the last step is removed). */
  ends: Mark[];
  /** The run's actions up to the mark (to check the page is still on the lesson's run, and to restore it). */
  recorded: ActionRecord[];
  /** The step being written (recorded actions are added when it is closed). */
  next: StepDraft;
  /** The page's run past the mark as last seen on the lesson's run (all its actions, its moment): what a reload would otherwise lose. */
  live?: Live;
  /**
   * What the teacher had written for the step being recorded when an Undo put the undone step's fields in its
   * place (oldest first): kept until brought back into the fields (bringBackAside) or dropped (dropAside).
   */
  aside?: StepDraft[];
  /**
   * Versions of the step being recorded that the page no longer holds (oldest first): the teacher acted on a run
   * holding fewer of the kept actions (after a reload or going back in time), went back to the end of the last
   * step, or closed or undid a step then. Kept until brought back onto the page (bringBackRun) or dropped (dropRunAside).
   */
  runAside?: RunAside[];
}

export interface Live {
  actions: ActionRecord[];
  at: number;
  events: number;
}

/** A set-aside version of a step: its run, all its actions and its moment, and the step it was recorded as (for the panel's words). */
export interface RunAside extends Live {
  run: RunOptions;
  /** The step's number then (1 for the first). */
  step: number;
  /** How many of `actions` came before the step (the rest are the step's own). */
  from: number;
}

export interface LessonState {
  draft: LessonDraft | null;
}


export const EMPTY_STEP: StepDraft = { title: '', text: '', checks: '' };

/** A stored mark's `before`, dropped when damaged (Undo across a fresh cluster then cannot bring the old one back). */
function checkBefore(m: Mark | undefined): void {
  const b = m?.before;
  if (m === undefined || b === undefined) return;
  if (typeof b !== 'object' || b === null || typeof b.run !== 'object' || b.run === null || !Array.isArray(b.actions) || typeof b.at !== 'number' || typeof b.events !== 'number') {
    delete m.before;
  }
}

/** Whether the step being written holds anything the teacher wrote: a title, text, checks, a question or a kept block. */
export function stepHasText(s: StepDraft): boolean {
  return s.title.trim() !== '' || s.text.trim() !== '' || s.checks.trim() !== '' || s.predict !== undefined || (s.kept !== undefined && Object.keys(s.kept).length > 0);
}

const isLive = (l: unknown): l is Live =>
  typeof l === 'object' && l !== null && Array.isArray((l as Live).actions) && typeof (l as Live).at === 'number' && typeof (l as Live).events === 'number';
const isRunAside = (a: unknown): a is RunAside => isLive(a) && typeof (a as RunAside).run === 'object' && (a as RunAside).run !== null && typeof (a as RunAside).step === 'number' && typeof (a as RunAside).from === 'number';

const isStepDraft = (s: unknown): s is StepDraft =>
  typeof s === 'object' && s !== null && typeof (s as StepDraft).title === 'string' && typeof (s as StepDraft).text === 'string' && typeof (s as StepDraft).checks === 'string';

function load(): LessonDraft | null {
  try {
    return readDraft(typeof localStorage !== 'undefined' ? localStorage.getItem(DRAFT_KEY) : null);
  } catch {
    return null; // storage itself refused (private mode)
  }
}

/** A stored draft as JSON text, checked part by part (older drafts lack later parts), or null when unreadable. */
export function readDraft(raw: string | null): LessonDraft | null {
  try {
    if (raw === null) return null;
    const d = JSON.parse(raw) as LessonDraft;
    if (typeof d !== 'object' || d === null || !Array.isArray(d.lesson?.steps) || typeof d.mark?.at !== 'number') return null;
    checkBefore(d.mark);
    if (Array.isArray(d.ends)) d.ends.forEach(checkBefore);
    // A damaged live part is dropped (the steps are what matter); the lesson's own run check guards the rest.
    if (d.live !== undefined && !isLive(d.live)) delete d.live;
    // Set-aside fields: the readable entries are kept (a damaged one has nothing to bring back).
    if (d.aside !== undefined) {
      const kept = Array.isArray(d.aside) ? d.aside.filter(isStepDraft) : [];
      if (kept.length > 0) d.aside = kept;
      else delete d.aside;
    }
    // Set-aside versions of the step (a draft stored before they existed has none): the readable ones are kept.
    if (d.runAside !== undefined) {
      const kept = Array.isArray(d.runAside) ? d.runAside.filter(isRunAside) : [];
      if (kept.length > 0) d.runAside = kept;
      else delete d.runAside;
    }
    return d;
  } catch {
    return null;
  }
}

export const useLesson = create<LessonState>(() => ({ draft: load() }));

/**
 * Whether the draft's last save to this browser's storage failed (a full store, or storage turned off): the draft
 * lives on in memory, and the panel says that a reload would lose what was written since.
 */
export const useDraftSave = create<{ failed: boolean }>(() => ({ failed: false }));

/** Writes the draft to this browser's storage now (see saveSoon). */
function saveDraft(): void {
  if (saveLater !== null) clearTimeout(saveLater);
  saveLater = null;
  savedAt = performance.now();
  const draft = useLesson.getState().draft;
  let failed = false;
  try {
    if (draft === null) localStorage.removeItem(DRAFT_KEY);
    else localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    failed = draft !== null;
  }
  if (useDraftSave.getState().failed !== failed) useDraftSave.setState({ failed });
}

/**
 * Storing the draft writes all of it, the step's kept actions included, and a running workload adds an action with
 * every publish (6,400 actions took 13 ms a write, at every publish). A draft of up to BIG_DRAFT actions (a few ms to
 * write) is stored at every change; a bigger one at most every SAVE_EVERY_MS (a change within it is stored at its
 * end). A reload or a closed tab stores it at once (see below).
 */
const SAVE_EVERY_MS = 1000;
const BIG_DRAFT = 2000;
let savedAt = -Infinity;
let saveLater: ReturnType<typeof setTimeout> | null = null;
function saveSoon(): void {
  if (saveLater !== null) return;
  const d = useLesson.getState().draft;
  const wait = savedAt + SAVE_EVERY_MS - performance.now();
  if (d === null || actionsIn(d) <= BIG_DRAFT || wait <= 0) saveDraft();
  else saveLater = setTimeout(saveDraft, wait);
}

/** The action records a draft holds (what its stored size grows with). */
function actionsIn(d: LessonDraft): number {
  let n = d.recorded.length + (d.live?.actions.length ?? 0);
  for (const a of d.runAside ?? []) n += a.actions.length;
  return n;
}

useLesson.subscribe((s) => {
  lessonDraftChanged(s.draft !== null);
  saveSoon();
});

function set(draft: LessonDraft | null): void {
  useLesson.setState({ draft });
}

function patchLesson(patch: Partial<Lesson>): void {
  const d = useLesson.getState().draft;
  if (d !== null) set({ ...d, lesson: { ...d.lesson, ...patch } });
}

/** Starts a lesson on the page's run as it is: the first step covers everything from time 0. */
export function startLesson(title = ''): void {
  finishTask();
  const run = useSim.getState().run;
  const { seed, setup } = setupOf(run);
  set({
    lesson: { title, summary: '', intro: '', seed, setup, steps: [] },
    run,
    mark: { at: 0, events: 0, actions: 0 },
    ends: [],
    recorded: [],
    next: { ...EMPTY_STEP },
  });
}

export function discardLesson(): void {
  set(null);
}

export function setLessonFields(patch: Partial<Pick<Lesson, 'title' | 'summary' | 'intro'>>): void {
  patchLesson(patch);
}

export function setNextStep(patch: Partial<StepDraft>): void {
  const d = useLesson.getState().draft;
  if (d !== null) set({ ...d, next: { ...d.next, ...patch } });
}

export function setStep(i: number, patch: Partial<LessonStep>): void {
  const d = useLesson.getState().draft;
  if (d === null || d.lesson.steps[i] === undefined) return;
  const steps = d.lesson.steps.slice();
  steps[i] = { ...steps[i], ...patch };
  patchLesson({ steps });
}

export function setChallenge(c: LessonChallenge | undefined): void {
  const d = useLesson.getState().draft;
  if (d === null) return;
  const { challenge: _old, ...rest } = d.lesson;
  set({ ...d, lesson: c === undefined ? rest : { ...rest, challenge: c } });
}

const same = (a: ActionRecord, b: ActionRecord): boolean => a.at === b.at && a.events === b.events && a.op === b.op && JSON.stringify(a.args) === JSON.stringify(b.args);
/** The page's actions read in place (the panel asks on every frame; a long run holds 60,000 of them). */
type ActionReader = Pick<Cluster, 'actionCount' | 'actionAt'>;

/** Whether `a`'s actions are `b` without some of its last ones (every one of `a` is `b`'s, and `b` has more). */
function isStrictPrefix(a: ActionReader, b: readonly ActionRecord[]): boolean {
  const n = a.actionCount();
  if (n >= b.length) return false;
  for (let i = 0; i < n; i++) if (!same(a.actionAt(i)!, b[i])) return false;
  return true;
}

/** Whether the page's actions start with all of `b` (the page holds them, and maybe more). */
function holdsAll(a: ActionReader, b: readonly ActionRecord[]): boolean {
  if (a.actionCount() < b.length) return false;
  for (let i = 0; i < b.length; i++) if (!same(a.actionAt(i)!, b[i])) return false;
  return true;
}

/** `fewer`: the page is on the step being recorded but holds fewer of its actions than were kept (see dropLiveStep). */
export type Pending = { ok: true; lines: string; actions: number; from: number; to: number } | { ok: false; why: string; fewer?: true };

/**
 * The next step's scenario lines as the page's run stands now, or why the page is not on the lesson's run.
 * `lines` false: only whether the page is on it (the lines are left empty; writing them costs the step's length).
 */
export function pendingStep(draft: LessonDraft, lines = true): Pending {
  const d = getDriver();
  const c = d.cluster;
  if (JSON.stringify(useSim.getState().run) !== JSON.stringify(draft.run)) {
    return { ok: false, why: `The page is on another run (seed ${useSim.getState().run.seed}); the lesson was recorded on seed ${draft.run.seed}.` };
  }
  const count = c.actionCount();
  const prefixOk = count >= draft.recorded.length && draft.recorded.every((a, i) => same(a, c.actionAt(i)!));
  if (!prefixOk || c.now < draft.mark.at || c.eventCount < draft.mark.events) {
    return { ok: false, why: 'The page is not at the end of the last step: it went back before it, changed what happened in it, or was reloaded (a reload starts the run afresh; the lesson’s steps are kept).' };
  }
  // The draft kept more of this step's actions than the page holds (a reload starts the run afresh; going back in time
  // drops the later actions): recording from here would drop them without a word. The teacher brings them back, or
  // says to record from here instead (dropLiveStep).
  const l = liveStep(draft);
  if (l !== undefined && isStrictPrefix(c, l.actions)) {
    const n = draft.lesson.steps.length + 1;
    const had = l.actions.length - draft.recorded.length;
    return {
      ok: false,
      why: `The page holds fewer of step ${n}’s actions than you recorded: it had ${plural(had, 'action')} up to t = ${formatMs(l.at)}, and the page has ${plural(count - draft.recorded.length, 'action')} of them (a reload starts the run afresh; going back in time drops later actions).`,
      fewer: true,
    };
  }
  if (!lines) return { ok: true, lines: '', actions: c.actionCount() - draft.mark.actions, from: draft.mark.at, to: c.now };
  const fresh = c.actionsSince(draft.mark.actions);
  let text: string;
  try {
    text = stepLines(fresh, { at: c.now, events: c.eventCount });
  } catch (err) {
    return { ok: false, why: `An action of this step cannot be written as a scenario line (${err instanceof Error ? err.message : String(err)}).` };
  }
  return { ok: true, lines: text, actions: fresh.length, from: draft.mark.at, to: c.now };
}

/** Closes the step being written at the page's moment: its recorded lines join the lesson. Returns an error text. */
export function addStep(): string | undefined {
  finishTask();
  const d = useLesson.getState().draft;
  if (d === null) return 'Start a lesson first.';
  const p = pendingStep(d);
  if (!p.ok) return p.why;
  const c = getDriver().cluster;
  const n = d.next;
  const step: LessonStep = {
    title: n.title.trim() === '' ? `Step ${d.lesson.steps.length + 1}` : n.title,
    text: n.text,
    scenario: p.lines,
    checks: n.checks,
    ...(n.predict !== undefined ? { predict: n.predict } : {}),
    ...(n.kept !== undefined ? { kept: n.kept } : {}),
  };
  const actions = c.actions(); // a copy
  const mark = { at: c.now, events: c.eventCount, actions: actions.length };
  set({
    // Kept actions the page went another way from (not yet noted) stay set aside, not closed over.
    ...setLiveAside(d, true),
    lesson: { ...d.lesson, steps: [...d.lesson.steps, step] },
    mark,
    ends: [...d.ends, d.mark],
    recorded: actions,
    next: { ...EMPTY_STEP },
    live: undefined,
  });
  return undefined;
}

/**
 * Removes the last step: its actions go back to the step being written, and its title, text, checks and question
 * fill the step's fields. What the teacher had written in those fields is set aside (LessonDraft.aside), never
 * dropped: two Undos in a row would otherwise lose the first undone step's text. When the step being written starts a
 * fresh cluster (it was taken back with its setup block), the last step ran on the cluster before it: the page
 * is put back on that run where the step ended. Returns an error text.
 */
export function removeLastStep(): string | undefined {
  const d = useLesson.getState().draft;
  if (d === null || d.lesson.steps.length === 0) return undefined;
  const prev = d.ends[d.ends.length - 1] ?? { at: 0, events: 0, actions: 0 };
  const last = d.lesson.steps[d.lesson.steps.length - 1];
  let run = d.run;
  let recorded = d.recorded;
  const back = d.mark.before;
  // The kept step in progress goes back with the page's actions into the step being recorded, or is set aside
  // when the page does not hold it (or leaves its cluster for the one before).
  const kept = setLiveAside(d, back === undefined);
  if (back !== undefined) {
    const err = putRun(back.run, back.actions, back);
    if (err !== undefined) return `Could not put the page back on step ${d.lesson.steps.length}’s cluster: ${err}`;
    run = useSim.getState().run;
    recorded = back.actions;
  }
  const aside = stepHasText(d.next) ? [...(d.aside ?? []), d.next] : d.aside;
  set({
    ...kept,
    lesson: { ...d.lesson, steps: d.lesson.steps.slice(0, -1) },
    run,
    mark: prev,
    ends: d.ends.slice(0, -1),
    recorded: recorded.slice(0, prev.actions),
    live: undefined,
    next: { title: last.title, text: last.text, checks: last.checks, ...(last.predict !== undefined ? { predict: last.predict } : {}), ...(last.kept !== undefined ? { kept: last.kept } : {}) },
    ...(aside !== undefined ? { aside } : {}),
  });
  return undefined;
}

/** `d` holding `list` under `key`, or no such key when the list is empty (as a stored draft without one). */
function withList<K extends 'aside' | 'runAside'>(d: LessonDraft, key: K, list: NonNullable<LessonDraft[K]>): LessonDraft {
  const out = { ...d };
  delete out[key];
  return list.length > 0 ? { ...out, [key]: list } : out;
}

/**
 * Puts set-aside fields `i` back into the step being written. What the fields held, if anything, is set aside in
 * its place (a swap: nothing is lost).
 */
export function bringBackAside(i: number): void {
  const d = useLesson.getState().draft;
  const a = d?.aside?.[i];
  if (d === null || d.aside === undefined || a === undefined) return;
  const aside = d.aside.slice();
  if (stepHasText(d.next)) aside[i] = d.next;
  else aside.splice(i, 1);
  set({ ...withList(d, 'aside', aside), next: a });
}

/** Drops set-aside fields `i` (the teacher's explicit choice). */
export function dropAside(i: number): void {
  const d = useLesson.getState().draft;
  if (d === null || d.aside?.[i] === undefined) return;
  set(withList(d, 'aside', d.aside.filter((_, k) => k !== i)));
}

/** Puts the page back on the lesson's run at the end of its last step (after a new run or a rewind). */
export function restoreLessonRun(): string | undefined {
  const d = useLesson.getState().draft;
  if (d === null) return 'Start a lesson first.';
  const err = putRun(d.run, d.recorded, d.mark);
  // The page is back at the mark: the step's kept actions are set aside, not dropped (the teacher may want them back).
  if (err === undefined) set({ ...setLiveAside(d, false), live: undefined });
  return err;
}

const sameActions = (a: readonly ActionRecord[], b: readonly ActionRecord[]): boolean => a.length === b.length && a.every((x, i) => same(x, b[i]));

/**
 * `d` with its kept step in progress set aside (LessonDraft.runAside) when it holds actions the page will not:
 * `pageStays` false when the page is about to be put elsewhere, true when it stays as it is (then only the kept
 * actions it lacks count). A kept step with no action past the mark holds only time, which the page replays.
 */
function setLiveAside(d: LessonDraft, pageStays: boolean): LessonDraft {
  const l = liveStep(d);
  if (l === undefined || l.actions.length <= d.recorded.length) return d;
  if (pageStays && JSON.stringify(useSim.getState().run) === JSON.stringify(d.run) && holdsAll(getDriver().cluster, l.actions)) return d;
  const old = d.runAside ?? [];
  if (old.some((a) => a.at === l.at && a.events === l.events && sameActions(a.actions, l.actions))) return d;
  return { ...d, runAside: [...old, { actions: l.actions, at: l.at, events: l.events, run: d.run, step: d.lesson.steps.length + 1, from: d.recorded.length }] };
}

/** Whether set-aside version `a` is a version of the step being recorded: same run, the same actions up to the mark, and more after it. */
export function runFits(d: LessonDraft, a: RunAside): boolean {
  return (
    JSON.stringify(a.run) === JSON.stringify(d.run) &&
    a.at >= d.mark.at &&
    a.actions.length > d.recorded.length &&
    d.recorded.every((r, i) => same(r, a.actions[i]))
  );
}

/** Whether the step as `now` holds it has actions of its own that set-aside version `a` lacks (bringing `a` back would lose them). */
function hasOwn(d: LessonDraft, now: ActionReader, a: RunAside): boolean {
  const n = now.actionCount();
  if (n <= d.recorded.length) return false;
  if (n > a.actions.length) return true;
  for (let k = 0; k < n; k++) if (!same(now.actionAt(k)!, a.actions[k])) return true;
  return false;
}

const reader = (actions: readonly ActionRecord[]): ActionReader => ({ actionCount: () => actions.length, actionAt: (i) => actions[i] });

/**
 * How many actions of the step bringing `a` back would set aside in its place (0: none): the step as the page holds
 * it (`pageOk`: pendingStep accepts the page) or else as kept, when it has actions `a` lacks.
 */
export function swappedOut(d: LessonDraft, a: RunAside, pageOk: boolean): number {
  const l = liveStep(d);
  const now = pageOk ? getDriver().cluster : l === undefined ? undefined : reader(l.actions);
  return now !== undefined && hasOwn(d, now, a) ? now.actionCount() - d.recorded.length : 0;
}

/**
 * Puts set-aside version `i` of the step back on the page, as it was left. The step as the page holds it now,
 * if it has actions the set-aside one lacks, is set aside in its place (a swap: nothing is lost). Returns an error text.
 */
export function bringBackRun(i: number): string | undefined {
  // The page's latest actions are noted first (or set the kept ones aside), so the swap sees the step as it is.
  noteLive();
  const d = useLesson.getState().draft;
  const a = d?.runAside?.[i];
  if (d === null || d.runAside === undefined || a === undefined) return 'Nothing set aside to bring back.';
  if (!runFits(d, a)) return `It does not fit the steps before it as they are now: undo back to step ${a.step} to bring it back.`;
  const now = liveStep(d);
  const runAside = d.runAside.slice();
  if (now !== undefined && hasOwn(d, reader(now.actions), a)) runAside[i] = { actions: now.actions, at: now.at, events: now.events, run: d.run, step: d.lesson.steps.length + 1, from: d.recorded.length };
  else runAside.splice(i, 1);
  // The draft first: as the page is rebuilt, noteLive sees it on its way to the kept version, never as a departure.
  set({ ...withList(d, 'runAside', runAside), live: { actions: a.actions, at: a.at, events: a.events } });
  const err = putRun(a.run, a.actions, a);
  if (err !== undefined) set(d);
  return err;
}

/** Drops set-aside version `i` (the teacher's explicit choice). */
export function dropRunAside(i: number): void {
  const d = useLesson.getState().draft;
  if (d === null || d.runAside?.[i] === undefined) return;
  set(withList(d, 'runAside', d.runAside.filter((_, k) => k !== i)));
}

/** The step being recorded as it was last seen on the lesson's run (after a reload), if it got anywhere past the last step. */
export function liveStep(d: LessonDraft): Live | undefined {
  const l = d.live;
  if (l === undefined || l.actions.length < d.recorded.length || !d.recorded.every((a, i) => same(a, l.actions[i]))) return undefined;
  return l.at > d.mark.at || l.actions.length > d.recorded.length ? l : undefined;
}

/** Drops the kept step in progress (the teacher's explicit choice): the step records from the page's run as it is. */
export function dropLiveStep(): void {
  const d = useLesson.getState().draft;
  if (d === null || d.live === undefined) return;
  const { live: _old, ...rest } = d;
  set(rest);
}

/** Puts the page back on the lesson's run where the step being recorded was left (a reload starts the page afresh). */
export function resumeLessonRun(): string | undefined {
  const d = useLesson.getState().draft;
  if (d === null) return 'Start a lesson first.';
  const l = liveStep(d);
  if (l === undefined) return 'No step in progress was kept.';
  return putRun(d.run, l.actions, l);
}

/** The page on `run` with `actions`, paused at `at` (event count `events`), as an opened link is: the step records from exactly there. */
function putRun(run: RunOptions, actions: readonly ActionRecord[], at: Moment): string | undefined {
  const err = newRun(run, actions, at.at);
  if (err !== undefined) return err;
  setPlaying(false);
  finishTask();
  const c = getDriver().cluster;
  try {
    if (c.eventCount < at.events) c.advanceTo(at.events, at.at);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return undefined;
}

/** Keeps the page's run as the step being recorded, when the page is on the lesson's run past its last step (see LessonDraft.live). */
export function noteLive(): void {
  const d = useLesson.getState().draft;
  // (A step whose actions cannot be written as lines is noted all the same: the panel says what is wrong with it.)
  if (d === null || !pendingStep(d, false).ok) return;
  const c = getDriver().cluster;
  const l = d.live;
  if (l !== undefined && l.at === c.now && l.events === c.eventCount && l.actions.length === c.actionCount()) return;
  // A run holding only some of the kept actions (and none of its own) never replaces them: the teacher did not act
  // on it. pendingStep refuses it already; this keeps the rule should that change.
  if (l !== undefined && isStrictPrefix(c, l.actions)) return;
  // The teacher acted on a run holding fewer of the kept actions (after a reload, or going back in time): the page
  // went another way, and the kept actions it lacks are set aside rather than written over.
  set({ ...setLiveAside(d, true), live: { actions: c.actions(), at: c.now, events: c.eventCount } });
}

// Kept when the learner acts, and when the page goes away (a reload, a closed tab): not on every frame.
let actionsSeen = useSim.getState().actionCount;
useSim.subscribe((s) => {
  if (s.actionCount === actionsSeen) return;
  actionsSeen = s.actionCount;
  if (useLesson.getState().draft !== null) noteLive();
});
// And just before a seek back in time: what the page leaves (where it had run to) is what would be brought back.
beforeRewind.add(() => {
  if (useLesson.getState().draft !== null) noteLive();
});
if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => {
    noteLive();
    saveDraft();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'hidden') return;
    noteLive();
    saveDraft();
  });
}

/**
 * Goes on writing `lesson` (read from a file or link) on the page's run as it is now: the page must
 * already hold the lesson's cluster at its end (the caller replays it); new steps record from here.
 * `starts`: where each step began in that replay, on its own cluster (a step without one is taken to start at the end).
 */
export function continueLesson(lesson: Lesson, run: RunOptions, starts: readonly Mark[] = []): void {
  const c = getDriver().cluster;
  const actions = c.actions(); // a copy
  const mark = { at: c.now, events: c.eventCount, actions: actions.length };
  set({ lesson, run, mark, ends: lesson.steps.map((_, i) => starts[i] ?? mark), recorded: actions, next: { ...EMPTY_STEP } });
}
