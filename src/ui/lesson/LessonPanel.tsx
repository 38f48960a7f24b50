// The lesson editor (the side panel's Lesson tab): play with the cluster and each action is written as
// scenario lines; close a step with its text, checks and question; add a challenge; preview the lesson
// in the guide player, check it headlessly, share it as a link or download the guides/*.md file.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { WalkResult } from '../../guides/chapters';
import { getDriver, useSim } from '../../store/sim';
import { download } from '../exportImage';
import { showLesson } from './LessonHost';
import {
  LESSON_FILE, LONG_LINK, encodeLessonHash, errorInEditor, ignoredKeyNotes, keptParts, lessonFileId, lessonMarkdown, loadLesson, scenarioSummary, setupSummary, type Lesson, type LessonChallenge, type LessonPredict, type LessonRegion, type StepKept,
} from './lessonFormat';
import { exactLines, readableLines, suggestChecks } from './lessonRecord';
import {
  addStep, bringBackAside, bringBackRun, discardLesson, dropAside, dropLiveStep, dropRunAside, liveStep, pendingStep, removeLastStep, restoreLessonRun, resumeLessonRun, runFits, setChallenge, swappedOut,
  setLessonFields, setNextStep, setStep, startLesson, stepHasText, useDraftSave, useLesson, type LessonDraft, type RunAside, type StepDraft,
} from './lessonStore';
import { Excerpt } from './LessonScreen';
import { walkChapterSliced, type WalkProgress } from './lessonWalk';
import { OpenLessonFile } from './LessonEntry';
import { formatMs } from '../../store/time';
import { actionToCommand } from '../../sim/scenario';
import { plural } from '../plural';
import './lesson.css';

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="lesson-field">
      <span className="lesson-label">{label}</span>
      {children}
      {hint !== undefined && <span className="hint">{hint}</span>}
    </label>
  );
}

/**
 * A textarea of scenario lines that shows recorded times to 0.1 ms, as the rest of the page does, and keeps
 * them exact underneath (`value` and `onChange` carry the exact text): a replay needs the recorded float.
 */
function ScenarioText({ value, onChange, rows: shownRows, placeholder }: { value: string; onChange: (exact: string) => void; rows: number; placeholder?: string }) {
  const [shown, setShown] = useState(() => readableLines(value));
  const [emitted, setEmitted] = useState(value);
  if (value !== emitted) {
    // Changed from outside (undo, "use the actions since the last step"): show the new text.
    setEmitted(value);
    setShown(readableLines(value));
  }
  return (
    <textarea
      className="mono"
      rows={shownRows}
      value={shown}
      placeholder={placeholder}
      onChange={(e) => {
        const exact = exactLines(e.target.value, value);
        setShown(e.target.value);
        setEmitted(exact);
        onChange(exact);
      }}
    />
  );
}

const rows = (text: string, min = 2, max = 12): number => Math.max(min, Math.min(max, text.split('\n').length + 1));

function PredictEditor({ predict, nodeIds, onChange }: { predict: LessonPredict | undefined; nodeIds: readonly string[]; onChange: (p: LessonPredict | undefined) => void }) {
  if (predict === undefined) {
    return (
      <button
        type="button"
        className="btn small"
        onClick={() => onChange({ kind: 'pick-one', question: '', choices: ['Yes', 'No'], correct: 'Yes', agrees: '', explain: '' })}
      >
        Add a question to ask before this step
      </button>
    );
  }
  const p = predict;
  const set = (patch: Partial<LessonPredict>): void => onChange({ ...p, ...patch });
  return (
    <fieldset className="lesson-predict">
      <legend>Question asked before the step runs</legend>
      <Field label="Question">
        <input value={p.question} onChange={(e) => set({ question: e.target.value })} placeholder="Which node becomes the next leader?" />
      </Field>
      <Field label="The learner picks">
        <select value={p.kind} onChange={(e) => set({ kind: e.target.value as LessonPredict['kind'], correct: e.target.value === 'pick-a-node' ? (nodeIds[0] ?? 'n1') : (p.choices[0] ?? '') })}>
          <option value="pick-one">one of the choices</option>
          <option value="pick-a-node">a node</option>
        </select>
      </Field>
      {p.kind === 'pick-one' && (
        <Field label="Choices (one per line)">
          <textarea
            rows={rows(p.choices.join('\n'), 2, 6)}
            value={p.choices.join('\n')}
            onChange={(e) => {
              // The right answer stays one of the choices (a list shows its first option for a value it lacks).
              const choices = e.target.value.split('\n');
              const options = choices.filter((c) => c.trim() !== '');
              set({ choices, correct: options.includes(p.correct) ? p.correct : (options[0] ?? '') });
            }}
          />
        </Field>
      )}
      <Field label="Right answer">
        <select value={p.correct} onChange={(e) => set({ correct: e.target.value })}>
          {p.correct === '' && <option value="">— pick the right answer —</option>}
          {(p.kind === 'pick-one' ? p.choices.filter((c) => c.trim() !== '') : nodeIds).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Holds after the step when the answer is right" hint="A predicate, e.g. `leader n3` or `n2 term = 2`: the lesson check walks the step and tests it.">
        <input className="mono" value={p.agrees} onChange={(e) => set({ agrees: e.target.value })} placeholder="leader" />
      </Field>
      <Field label="Explanation shown after answering">
        <input value={p.explain} onChange={(e) => set({ explain: e.target.value })} />
      </Field>
      <button type="button" className="btn small danger" onClick={() => onChange(undefined)}>
        Remove the question
      </button>
    </fieldset>
  );
}

const KEPT_LABELS: Record<keyof StepKept, { label: string; hint: string }> = {
  setup: { label: 'Setup block (kept as written)', hint: 'Header lines: this step starts a fresh cluster with the lesson’s setup and these.' },
  view: { label: 'View block (kept as written)', hint: 'YAML: the panels the step opens (show), a node to inspect, what the step button steps to (watch).' },
  predict: { label: 'Question (kept as written)', hint: 'The ```predict YAML of a question the form cannot show (a run question, a number, or choices with their own checks).' },
};

/** A step's blocks read from a file that the form does not model, as their text: edited here, written back as they are. */
function KeptBlocks({ kept, onChange }: { kept: StepKept | undefined; onChange: (kept: StepKept | undefined) => void }) {
  if (kept === undefined) return null;
  const keys = (Object.keys(KEPT_LABELS) as Array<keyof StepKept>).filter((k) => kept[k] !== undefined);
  const set = (key: keyof StepKept, value: string | undefined): void => {
    const { [key]: _old, ...rest } = kept;
    const next = value === undefined ? rest : { ...rest, [key]: value };
    onChange(Object.keys(next).length === 0 ? undefined : next);
  };
  return (
    <>
      {keys.map((k) => (
        <div key={k}>
          <Field label={KEPT_LABELS[k].label} hint={KEPT_LABELS[k].hint}>
            <textarea className="mono" rows={rows(kept[k] ?? '', 2, 10)} value={kept[k]} onChange={(e) => set(k, e.target.value)} data-testid={`lesson-kept-${k}`} />
          </Field>
          {k === 'predict' && (
            <button type="button" className="btn small danger" onClick={() => set('predict', undefined)}>
              Remove the question
            </button>
          )}
        </div>
      ))}
    </>
  );
}

/** An error about the generated file told as the editor's field, and for a text too long, the longest field. */
function explainError(error: string, regions: readonly LessonRegion[], markdown: string): string {
  if (!error.startsWith('the lesson is too long')) return errorInEditor(error, regions);
  const lines = markdown.split('\n');
  let longest: { where: string; chars: number } | undefined;
  for (const r of regions) {
    const chars = lines.slice(r.start - 1, r.end).join('\n').length;
    if (longest === undefined || chars > longest.chars) longest = { where: r.where, chars };
  }
  return longest === undefined ? error : `${error}; the longest part is ${longest.where} (${longest.chars.toLocaleString('en-US')} characters)`;
}

/** What a learner would meet that is probably not what the author meant: shown, not refused. */
export function lessonWarnings(lesson: Lesson): string[] {
  const out: string[] = [];
  lesson.steps.forEach((s, i) => {
    const step = `Step ${i + 1}`;
    if (s.text.trim() === '') out.push(`${step} has no text: learners will read “(no text yet)”.`);
    const p = s.predict;
    if (p === undefined) return;
    if (p.question.trim() === '') out.push(`${step}’s question has no text: learners will be asked “?”.`);
    if (p.kind === 'pick-one') {
      const labels = p.choices.map((c) => c.trim()).filter((c) => c !== '');
      const twice = labels.filter((c, k) => labels.indexOf(c) !== k);
      if (twice.length > 0) out.push(`${step}’s question has the choice “${twice[0]}” twice.`);
    }
  });
  if (lesson.challenge !== undefined && lesson.challenge.text.trim() === '') out.push('The challenge has no text: learners will read “(no text yet)”.');
  return out;
}

/** Lines shown while recording (a workload writes hundreds a second; the step keeps them all). */
const SHOWN_LINES = 200;

function shownLines(lines: string): string {
  const all = lines.split('\n');
  return all.length <= SHOWN_LINES ? lines : `# … ${all.length - SHOWN_LINES} earlier lines\n${all.slice(-SHOWN_LINES).join('\n')}`;
}

const asideName = (s: StepDraft): string => (s.title.trim() !== '' ? `“${s.title.trim()}”` : 'an untitled step');

/** Set-aside step fields in words: “Title”: its text, 2 checks and a question. */
export function asideSummary(s: StepDraft): string {
  const checks = s.checks.split('\n').filter((l) => l.trim() !== '').length;
  const parts = [
    s.text.trim() !== '' ? 'its text' : undefined,
    checks > 0 ? plural(checks, 'check') : undefined,
    s.predict !== undefined || s.kept?.predict !== undefined ? 'a question' : undefined,
    s.kept?.setup !== undefined ? 'a setup block' : undefined,
    s.kept?.view !== undefined ? 'a view block' : undefined,
  ].filter((x): x is string => x !== undefined);
  const name = asideName(s).replace(/^a/, 'A');
  if (parts.length === 0) return `${name} (a title only)`;
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `${name}: ${list}`;
}

/**
 * What Undo took out of the step's fields to put the undone step's in: listed until the teacher puts it back
 * (a swap when the fields hold something) or drops it.
 */
function SetAside({ draft }: { draft: LessonDraft }) {
  const aside = draft.aside ?? [];
  if (aside.length === 0) return null;
  const full = stepHasText(draft.next);
  return (
    <div className="lesson-aside" role="status" data-testid="lesson-aside">
      <p>
        <strong>Set aside by Undo.</strong> Undo put the undone step’s title, text and checks in the fields below; what they held is kept here. Put it back when
        you record that step again.
      </p>
      <ul>
        {aside.map((a, i) => {
          const what = asideSummary(a);
          return (
            <li key={i}>
              <span data-testid="lesson-aside-item">{what}</span>
              <span className="row">
                <button
                  type="button"
                  className="btn small"
                  onClick={() => bringBackAside(i)}
                  title={full ? 'The fields’ title, text and checks are set aside in its place' : undefined}
                  aria-label={`${full ? 'Swap it with the fields' : 'Put it in the fields'} (${asideName(a)})`}
                >
                  {full ? 'Swap it with the fields' : 'Put it in the fields'}
                </button>
                <button type="button" className="btn small danger" onClick={() => dropAside(i)} aria-label={`Drop it (${asideName(a)})`}>
                  Drop it
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** A set-aside version of a step in words: “Step 2 as you left it: 3 actions up to t = 800.0 ms (crash n1, crash n2, …)”. */
export function runAsideSummary(a: RunAside): string {
  const own = a.actions.slice(a.from);
  const shown = own.slice(0, 3).map(actionToCommand).join(', ');
  return `Step ${a.step} as you left it: ${plural(own.length, 'action')} up to t = ${formatMs(a.at)} (${shown}${own.length > 3 ? ', …' : ''})`;
}

/**
 * Versions of the step being recorded that the page no longer holds (the teacher acted on a reloaded or rewound
 * run, or went back to the end of the last step): listed until brought back onto the page or dropped, as Undo's
 * set-aside fields are.
 */
function RunsAside({ draft, pageOk, onError }: { draft: LessonDraft; pageOk: boolean; onError: (e: string | undefined) => void }) {
  const all = draft.runAside ?? [];
  if (all.length === 0) return null;
  const n = draft.lesson.steps.length + 1;
  return (
    <div className="lesson-aside" role="status" data-testid="lesson-run-aside">
      <p>
        <strong>Set aside, not lost.</strong> The page no longer holds actions you had recorded (you acted after a reload or after going back in time, or went
        back to the end of the last step), so the step records from the page as it is. What you had recorded is kept here: bring it back to put the page where you
        left it.
      </p>
      <ul>
        {all.map((a, i) => {
          const fits = runFits(draft, a);
          // The step as the page has it now, set aside in its place when it has actions of its own.
          const holds = fits ? swappedOut(draft, a, pageOk) : 0;
          const name = `step ${a.step}, t = ${formatMs(a.at)}`;
          return (
            <li key={i}>
              <span data-testid="lesson-run-aside-item">{runAsideSummary(a)}</span>
              {!fits && (
                <span className="hint" data-testid="lesson-run-aside-later">
                  {' '}
                  {a.step < n ? `Step ${a.step} has been added since: undo back to step ${a.step} to bring it back.` : 'It no longer fits the steps before it.'}
                </span>
              )}
              <span className="row">
                {fits && (
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => onError(bringBackRun(i))}
                    title={holds > 0 ? `The page returns to it; the step’s latest version (${plural(holds, 'action')}) is set aside here in its place` : 'The page returns to it'}
                    aria-label={`${holds > 0 ? 'Swap it with the page’s run' : 'Bring it back'} (${name})`}
                    data-testid="lesson-run-aside-back"
                  >
                    {holds > 0 ? 'Swap it with the page’s run' : 'Bring it back'}
                  </button>
                )}
                <button type="button" className="btn small danger" onClick={() => dropRunAside(i)} aria-label={`Drop it (${name})`} data-testid="lesson-run-aside-drop">
                  Drop it
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function Recording({ draft }: { draft: LessonDraft }) {
  // Re-read the page's run whenever it moves.
  useSim((s) => s.seq);
  useSim((s) => s.actionCount);
  useSim((s) => s.runId);
  const nodes = useSim((s) => s.nodes);
  const [error, setError] = useState<string | undefined>(undefined);
  const p = pendingStep(draft);
  const live = p.ok ? undefined : liveStep(draft);
  const n = draft.lesson.steps.length + 1;
  const next = draft.next;
  return (
    <section aria-labelledby="lesson-next" className="lesson-next">
      <h3 id="lesson-next">Step {n} — being recorded</h3>
      <SetAside draft={draft} />
      <RunsAside draft={draft} pageOk={p.ok} onError={setError} />
      {draft.mark.before !== undefined && (
        <p className={next.kept?.setup === undefined ? 'warn-text' : 'hint'} data-testid="lesson-fresh">
          {next.kept?.setup === undefined
            ? `This step was taken back from a step that started a fresh cluster, and is recorded on that cluster: without its setup block, the lesson would replay it on step ${n - 1}’s cluster.`
            : 'This step starts a fresh cluster (its setup block): it is recorded from that cluster’s time 0.'}
        </p>
      )}
      {p.ok ? (
        <>
          <p className="hint" data-testid="lesson-recorded">
            {p.actions === 0 ? 'No action yet' : plural(p.actions, 'action')} from t = {formatMs(p.from)} to now (t = {formatMs(p.to)}). Act on the cluster (Faults,
            Client, the toolbar) and let it run: the step ends where the page is when you add it.
          </p>
          {/* Focusable: past a few actions the lines scroll inside the box, and the keyboard must reach them. */}
          <pre className="lesson-lines" aria-label="Scenario lines recorded for this step" data-testid="lesson-pending-lines" tabIndex={0}>
            {readableLines(shownLines(p.lines))}
          </pre>
        </>
      ) : (
        <div className="lesson-warn" role="status">
          <p>{p.why}</p>
          <div className="row">
            {live !== undefined && (
              <button type="button" className="btn small primary" onClick={() => setError(resumeLessonRun())} data-testid="lesson-resume">
                Bring back step {n} as you left it (t = {formatMs(live.at)}, {plural(live.actions.length - draft.recorded.length, 'action')})
              </button>
            )}
            {live !== undefined && p.fewer === true && (
              <button type="button" className="btn small" onClick={dropLiveStep} title="The kept actions the page lacks are dropped; the step records from the page's run as it is" data-testid="lesson-drop-live">
                Record from here instead (drop {plural(live.actions.length - getDriver().cluster.actionCount(), 'kept action')})
              </button>
            )}
            <button type="button" className="btn small" onClick={() => setError(restoreLessonRun())}>
              {draft.mark.before !== undefined ? `Go back to the start of step ${n} (its fresh cluster)` : n === 1 ? 'Go back to the start of step 1' : `Go back to the end of step ${n - 1}`}
            </button>
          </div>
          {live !== undefined && p.fewer === true && (
            <p className="hint" data-testid="lesson-fewer-hint">
              If you act on the page instead, the step records from it and what you had recorded is set aside, not lost.
            </p>
          )}
        </div>
      )}
      <Field label="Step title">
        <input value={next.title} onChange={(e) => setNextStep({ title: e.target.value })} placeholder={`Step ${n}`} />
      </Field>
      <Field label="What happened (Markdown: **bold**, *italic*, `code`, lists)" hint="Shown to the learner only after the step ran and its checks held.">
        <textarea rows={rows(next.text, 4)} value={next.text} onChange={(e) => setNextStep({ text: e.target.value })} />
      </Field>
      <Field label="Checks (expect … lines)" hint="Each must hold at the end of the step, or the learner sees a failure instead of your text.">
        <textarea className="mono" rows={rows(next.checks, 3)} value={next.checks} onChange={(e) => setNextStep({ checks: e.target.value })} placeholder="expect leader" />
      </Field>
      <div className="row">
        <button
          type="button"
          className="btn small"
          onClick={() => setNextStep({ checks: [next.checks.trim(), suggestChecks(getDriver().views(true))].filter((x) => x !== '').join('\n') })}
          title="Add expect lines that hold now: the leader, its term and commit index, crashed nodes"
        >
          Suggest checks from now
        </button>
      </div>
      <KeptBlocks kept={next.kept} onChange={(kept) => setNextStep({ kept })} />
      {next.kept?.predict === undefined && <PredictEditor predict={next.predict} nodeIds={nodes.map((v) => v.id)} onChange={(predict) => setNextStep({ predict })} />}
      <div className="row">
        <button type="button" className="btn primary" disabled={!p.ok} onClick={() => setError(addStep())} data-testid="lesson-add-step">
          Add step {n} (ends at t = {formatMs(p.ok ? p.to : 0)})
        </button>
      </div>
      {error !== undefined && (
        <p className="invalid" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Steps({ draft }: { draft: LessonDraft }) {
  const [undoError, setUndoError] = useState<string | undefined>(undefined);
  const steps = draft.lesson.steps;
  if (steps.length === 0) return null;
  return (
    <section aria-labelledby="lesson-steps">
      <h3 id="lesson-steps">Steps ({steps.length})</h3>
      <ol className="lesson-steps">
        {steps.map((s, i) => (
          <li key={i}>
            <details>
              <summary>
                <span className="lesson-step-title">{s.title}</span>{' '}
                <span className="muted">
                  · {scenarioSummary(s.scenario)}{s.predict !== undefined || s.kept?.predict !== undefined ? ' · question' : ''}
                  {s.kept?.setup !== undefined ? ' · fresh cluster' : ''}
                </span>
              </summary>
              <Field label="Title">
                <input value={s.title} onChange={(e) => setStep(i, { title: e.target.value })} />
              </Field>
              <Field label="Text (Markdown)">
                <textarea rows={rows(s.text, 3)} value={s.text} onChange={(e) => setStep(i, { text: e.target.value })} />
              </Field>
              <Field label="Scenario lines" hint="Recorded (times shown to 0.1 ms; the lesson keeps them exact); edit them to write readable lines such as `run until leader within 2s`.">
                <ScenarioText rows={rows(s.scenario, 2, 10)} value={s.scenario} onChange={(scenario) => setStep(i, { scenario })} />
              </Field>
              <Field label="Checks">
                <textarea className="mono" rows={rows(s.checks, 2)} value={s.checks} onChange={(e) => setStep(i, { checks: e.target.value })} />
              </Field>
              <KeptBlocks kept={s.kept} onChange={(kept) => setStep(i, { kept })} />
              {s.kept?.predict === undefined && (
                <PredictEditor
                  predict={s.predict}
                  nodeIds={useSim.getState().nodeIds}
                  onChange={(predict) => {
                    const { predict: _drop, ...rest } = s;
                    setStep(i, predict === undefined ? { ...rest, predict: undefined } : { predict });
                  }}
                />
              )}
            </details>
          </li>
        ))}
      </ol>
      <button type="button" className="btn small" onClick={() => setUndoError(removeLastStep())} title="Its actions go back to the step being recorded, its title, text and checks to the fields (what they hold is set aside)">
        Undo the last step
      </button>
      {undoError !== undefined && (
        <p className="invalid" role="alert">
          {undoError}
        </p>
      )}
    </section>
  );
}

function ChallengeEditor({ draft }: { draft: LessonDraft }) {
  const c = draft.lesson.challenge;
  if (c === undefined) {
    return (
      <section aria-labelledby="lesson-challenge">
        <h3 id="lesson-challenge">Challenge</h3>
        <p className="hint">After the last step, give the learner a task on the same cluster, checked by a goal.</p>
        <button type="button" className="btn small" onClick={() => setChallenge({ title: '', text: '', goal: '', solution: '', hint: '' })}>
          Add a challenge
        </button>
      </section>
    );
  }
  const set = (patch: Partial<LessonChallenge>): void => setChallenge({ ...c, ...patch });
  const fromRecording = (): void => {
    const p = pendingStep(draft);
    if (p.ok) set({ solution: p.lines.split('\n').filter((l) => /^at .*ms #\d+ \S/.test(l)).join('\n') });
  };
  return (
    <section aria-labelledby="lesson-challenge">
      <h3 id="lesson-challenge">Challenge</h3>
      <Field label="Title">
        <input value={c.title} onChange={(e) => set({ title: e.target.value })} placeholder="Make the cluster lose its leader" />
      </Field>
      <Field label="Task (Markdown)">
        <textarea rows={rows(c.text, 3)} value={c.text} onChange={(e) => set({ text: e.target.value })} />
      </Field>
      <Field label="Goal (a predicate)" hint="Checked after each of the learner's actions, e.g. `no leader` or `leader n2`.">
        <input className="mono" value={c.goal} onChange={(e) => set({ goal: e.target.value })} placeholder="no leader" />
      </Field>
      <Field label="A solution (scenario lines that reach the goal)">
        <ScenarioText rows={rows(c.solution, 2)} value={c.solution} onChange={(solution) => set({ solution })} placeholder={'crash n1\nrun 1s'} />
      </Field>
      <div className="row">
        <button type="button" className="btn small" onClick={fromRecording} title="The actions recorded since the last step, as the solution">
          Use the actions since the last step
        </button>
      </div>
      <Field label="Hint (optional)">
        <input value={c.hint} onChange={(e) => set({ hint: e.target.value })} />
      </Field>
      <button type="button" className="btn small danger" onClick={() => setChallenge(undefined)}>
        Remove the challenge
      </button>
    </section>
  );
}

type Status = { kind: 'ok' | 'error' | 'info'; text: string; line?: number } | null;

function Share({ draft }: { draft: LessonDraft }) {
  const { markdown, regions } = useMemo(() => lessonMarkdown(draft.lesson), [draft.lesson]);
  const loaded = useMemo(() => loadLesson(markdown), [markdown]);
  // The note learners will also see over the lesson (and `npm run lesson` prints) for a cluster.yaml's unread keys.
  const warnings = useMemo(() => [...lessonWarnings(draft.lesson), ...(loaded.ok ? ignoredKeyNotes(loaded.chapter) : [])], [draft.lesson, loaded]);
  // The link and the last check's outcome belong to the text they were made from: once the lesson is edited
  // they are not shown as this lesson's (a copied link would carry the old text).
  const [made, setMade] = useState<{ link: string; status: Status; markdown: string }>({ link: '', status: null, markdown: '' });
  const current = made.markdown === markdown;
  const link = current ? made.link : '';
  const status = current ? made.status : null;
  const setLink = (url: string): void => setMade((m) => ({ ...m, link: url, markdown }));
  const setStatus = (st: Status): void => setMade((m) => ({ link: m.markdown === markdown ? m.link : '', status: st, markdown }));
  const empty = draft.lesson.steps.length === 0;
  // Check in progress: how far its walk got, and how to stop it (also when the panel goes away).
  const [walking, setWalking] = useState<WalkProgress | null>(null);
  const stop = useRef<AbortController | null>(null);
  useEffect(() => () => stop.current?.abort(), []);
  const stopCheck = (): void => {
    stop.current?.abort();
    stop.current = null;
    setWalking(null);
  };
  const check = async (): Promise<void> => {
    if (!loaded.ok || stop.current !== null) return;
    const controller = new AbortController();
    stop.current = controller;
    let walk: WalkResult | null;
    try {
      walk = await walkChapterSliced(loaded.chapter, { signal: controller.signal, onProgress: (p) => { if (!controller.signal.aborted) setWalking(p); } });
    } catch (err) {
      walk = null;
      if (!controller.signal.aborted) setStatus({ kind: 'error', text: `The walk failed: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      if (stop.current === controller) stop.current = null;
      if (!controller.signal.aborted) setWalking(null);
    }
    // Stopped: the last check's outcome stays as it was before the click.
    if (walk === null) return;
    // A failure names its line of the generated file, which the editor does not show: it is told as the editor's field.
    const failures = walk.failures.map((f) => errorInEditor(f, regions));
    // A question whose check does not hold tells learners who answer as the lesson says that the run disagrees.
    const disagree = walk.steps.filter((o) => o.agrees === false).map((o) => {
      const p = loaded.chapter.steps[o.index].predict;
      return `Step ${o.index + 1}’s question: its check \`${p?.agrees?.source ?? ''}\` does not hold after the step, so learners who answer ${String(o.answer)} are told the run disagrees. Fix the check or the answer.`;
    });
    if (walk.ok && disagree.length > 0) setStatus({ kind: 'error', text: disagree.join(' ') });
    else if (walk.ok) setStatus({ kind: 'ok', text: `Walked every step${loaded.chapter.challenge !== undefined ? ' and the challenge’s solution' : ''} on seed ${loaded.chapter.seed}: every check holds.` });
    else setStatus({ kind: 'error', text: `The walk failed: ${failures.join('; ')}` });
  };
  const makeLink = async (): Promise<void> => {
    const hash = await encodeLessonHash(markdown);
    const url = `${location.origin}${location.pathname}${location.search}${hash}`;
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setStatus({ kind: 'info', text: `Link copied (${url.length} characters).` });
    } catch {
      setStatus({ kind: 'info', text: `Link ready (${url.length} characters): copy it from the box.` });
    }
  };
  return (
    <section aria-labelledby="lesson-share">
      <h3 id="lesson-share">Preview and share</h3>
      {empty ? (
        <p className="hint">Add a step first.</p>
      ) : loaded.ok ? (
        <p className="valid" data-testid="lesson-status">
          ✓ The lesson loads: {loaded.chapter.steps.length} step{loaded.chapter.steps.length === 1 ? '' : 's'}
          {loaded.chapter.challenge !== undefined ? ' and a challenge' : ''}.
        </p>
      ) : null}
      {!empty && warnings.length > 0 && (
        <ul className="lesson-warnings hint" data-testid="lesson-warnings">
          {warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      )}
      {empty || loaded.ok ? null : (
        <div className="lesson-invalid" role="alert" data-testid="lesson-status">
          <p className="invalid">The lesson does not load: {explainError(loaded.error, regions, markdown)}</p>
          {loaded.line !== undefined && <Excerpt markdown={markdown} line={loaded.line} />}
        </div>
      )}
      <div className="row">
        <button type="button" className="btn primary" disabled={empty || !loaded.ok} onClick={() => showLesson(markdown, 'preview')} data-testid="lesson-preview">
          Preview
        </button>
        <button type="button" className="btn" disabled={empty || !loaded.ok || walking !== null} onClick={() => void check()} title="Walk every step headlessly and run its checks">
          Check
        </button>
        <button type="button" className="btn" disabled={empty || !loaded.ok} onClick={() => void makeLink()} data-testid="lesson-link-button">
          Copy link
        </button>
        <button type="button" className="btn" disabled={empty} onClick={() => download(`${lessonFileId(draft.lesson)}.md`, new Blob([markdown], { type: 'text/markdown' }))}>
          Download .md
        </button>
      </div>
      {link !== '' && <input className="link" readOnly value={link} aria-label="Lesson link" data-testid="lesson-link" onFocus={(e) => e.currentTarget.select()} />}
      {link.length > LONG_LINK && (
        <p className="warn-text">
          This link is long ({link.length} characters): some chats and mail programs cut links this long. Share the .md file instead; it opens with “Open a lesson
          file” here.
        </p>
      )}
      {walking !== null && (
        <p className="hint lesson-progress" data-testid="lesson-check-progress">
          <span role="status">{walking.challenge === true ? 'Checking the challenge’s solution…' : `Checking step ${walking.step} of ${walking.of}…`}</span>
          <button type="button" className="btn small" onClick={stopCheck} title="Stop the check: the lesson and the page stay as they were">
            Stop
          </button>
        </p>
      )}
      {/* Always there, empty until Check: a live region that appears with its text in it may not be read out. */}
      <p className={status === null ? 'sr-only' : status.kind === 'error' ? 'invalid' : status.kind === 'ok' ? 'valid' : 'hint'} role="status" data-testid="lesson-check">
        {status?.text ?? ''}
      </p>
      <p className="hint">
        The .md file uses the course’s chapter format: it opens here with “Open a lesson file” and runs with <code>npm run lesson</code>. (A chapter of the course in <code>guides/</code> must also hold on every seed: see <code>tests/guides</code>.)
      </p>
    </section>
  );
}

/** The lesson's cluster in words: its seed and setup, a cluster.yaml told by its nodes (and shown as YAML on demand). */
function ClusterLine({ seed, setup }: { seed: number; setup: string }) {
  const { parts, yaml } = useMemo(() => setupSummary(setup), [setup]);
  return (
    <>
      <p className="hint" data-testid="lesson-cluster">
        Cluster: seed {seed}
        {parts.length > 0 ? `, ${parts.join(', ')}` : ''}.
      </p>
      {yaml !== undefined && (
        <details className="lesson-cluster-yaml">
          <summary>Show the cluster.yaml</summary>
          {/* Focusable: a long file scrolls inside the box, and the keyboard must reach it. */}
          <pre className="lesson-lines" aria-label="The lesson’s cluster.yaml" tabIndex={0}>
            {yaml}
          </pre>
        </details>
      )}
    </>
  );
}

/** For a copy of a lesson opened from a link or a file: its id, and what the file holds that the form does not show (written back as it was). */
function KeptNote({ lesson }: { lesson: Lesson }) {
  const parts = keptParts(lesson);
  return (
    <p className="hint" data-testid="lesson-kept">
      A copy of a lesson you opened (a link or a file): its id stays <code>{lesson.kept?.id}</code>
      {parts.length > 0 ? <>, and these parts the form does not show are written back as they were: {parts.join('; ')}</> : null}. To change the front matter, download the
      .md and edit it as text.
    </p>
  );
}

/** Discarding asks first, in the page (a browser dialog would block it): the lesson goes only on the second click. */
function DiscardLesson() {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="btn small danger" onClick={() => setAsking(true)}>
        Discard the lesson
      </button>
    );
  }
  return (
    <span className="row" role="group" aria-label="Discard the lesson?">
      <span>Discard this lesson? Download it first if you want to keep it.</span>
      <button type="button" className="btn small danger" onClick={() => discardLesson()} data-testid="lesson-discard-yes">
        Discard it
      </button>
      <button type="button" className="btn small" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </span>
  );
}

/** The draft could not be saved in this browser's storage: said at the top of the panel, with the way to keep it. */
function NotSaved() {
  const failed = useDraftSave((s) => s.failed);
  if (!failed) return null;
  return (
    <p className="lesson-warn" role="alert" data-testid="lesson-not-saved">
      This browser did not keep the lesson in its storage (the storage is full, or turned off, as in some private windows): a reload or a closed tab would lose
      what you wrote since. Use <strong>Download .md</strong> below to keep it; the file opens here again with “Open a lesson file”.
    </p>
  );
}

export function LessonPanel() {
  const draft = useLesson((s) => s.draft);
  // The tab strip scrolls when it holds more tabs than fit: keep this one in view.
  useEffect(() => {
    document.getElementById('side-tab-lesson')?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
  }, []);
  const seed = useSim((s) => s.run.seed);
  const now = useSim((s) => s.now);
  if (draft === null) {
    return (
      <div className="panel lesson">
        <section aria-labelledby="lesson-start">
          <h3 id="lesson-start">Write a lesson</h3>
          <p className="hint">
            Play with the cluster as you would in class: every action you take (crash, partition, PUB, a timeout…) is written down as a scenario line. When the
            cluster shows what you want to explain, close the step: write its text, the checks that must hold, and a question to ask before it. Preview the lesson
            in the guide player, then share it as a link or as a <code>{LESSON_FILE}</code> file.
          </p>
          <div className="row">
            <button
              type="button"
              className="btn primary"
              onClick={() => {
                startLesson();
                // The button goes away with the form it opens: the focus goes to the form's first field, not to the page.
                requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="lesson-title"]')?.focus());
              }}
              data-testid="lesson-start"
            >
              Start a lesson on this run
            </button>
            <OpenLessonFile />
          </div>
          <p className="hint">
            The lesson’s cluster is this run’s (seed {seed}); its first step covers everything from time 0 to where you close it{now > 0 ? ` (now t = ${formatMs(now)})` : ''}.
          </p>
        </section>
      </div>
    );
  }
  const l = draft.lesson;
  return (
    <div className="panel lesson">
      <section aria-labelledby="lesson-about">
        <h3 id="lesson-about">Lesson</h3>
        <NotSaved />
        <Field label="Title">
          <input value={l.title} onChange={(e) => setLessonFields({ title: e.target.value })} placeholder="What happens when the leader crashes" data-testid="lesson-title" />
        </Field>
        <Field label="Summary (one sentence)">
          <input value={l.summary} onChange={(e) => setLessonFields({ summary: e.target.value })} />
        </Field>
        <details>
          <summary>Introduction (optional)</summary>
          <textarea rows={rows(l.intro, 3)} value={l.intro} onChange={(e) => setLessonFields({ intro: e.target.value })} aria-label="Introduction" />
        </details>
        <ClusterLine seed={l.seed} setup={l.setup} />
        {l.kept !== undefined && <KeptNote lesson={l} />}
      </section>
      <Steps draft={draft} />
      <Recording draft={draft} />
      <ChallengeEditor draft={draft} />
      <Share draft={draft} />
      <section>
        <div className="row">
          <OpenLessonFile />
          <DiscardLesson />
        </div>
      </section>
    </div>
  );
}
