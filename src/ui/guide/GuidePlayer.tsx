// The guide player: a chapter's steps on the real engine (the prose of a step is shown only once the
// engine did what it says), next / back (back rebuilds the step by replay), step links, predict
// questions judged against what the engine then did, stepping through events inside a step, challenges
// checked by the checkers, and the chapter list. All teaching text comes from the chapter files.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { chapters as allChapters, type Chapter, type ChapterStep, type Predict, type Source } from '../../guides';
import type { SimCluster } from '../../sim/cluster';
import { scenarioHelp, type StepResult } from '../../sim/scenario';
import type { StepKind, UntilGoal } from '../../store/stepKinds';
import { actionForKey } from '../actions';
import { useMedia } from '../useMedia';
import { DEFAULT_PANELS, viewAt, type PanelId, type StepViewNow } from './directives';
import { Explorer } from './explore';
import { GuideView, afterMove, type Exploring } from './GuideView';
import { Inline, Markdown, safeHref } from './markdown';
import {
  advance,
  checkChallenge,
  liveCluster,
  openAt,
  openChallenge,
  runChallengeCommands,
  type Feedback,
  type PlayerState,
} from './model';
import { reachStep, useGuideProgress, winChallenge } from './progress';
import { formatGuideHash, type GuideRoute } from './route';
import './guide.css';

/** Below this width the guide is one column: the text, then the view, with the nav bar as a footer (keep guide.css in step). */
const GUIDE_ONE_COLUMN = '(max-width: 959px)';

export interface GuidePlayerProps {
  readonly chapter: Chapter;
  /** Where to start: steps done (0 = the introduction, n = the last step) or the challenge. */
  readonly start?: number | 'challenge';
  /** Default: the chapter's seed. */
  readonly seed?: number;
  /** The player moved (next, back, a step link): the host mirrors it in the address bar. */
  readonly onNavigate?: (route: GuideRoute) => void;
  /** "Try it yourself": hand this cluster to free play. Returns an error text when that failed. */
  readonly onTakeOver?: (cluster: SimCluster, from: GuideRoute) => string | undefined;
  /** Back to the chapter list. */
  readonly onMenu?: () => void;
  readonly onClose?: () => void;
  /** Open another chapter (the "next chapter" button). */
  readonly onOpenChapter?: (id: string) => void;
  /** The chapters, for the "next chapter" button (default: every chapter). */
  readonly chapters?: readonly Chapter[];
  /** What the header calls it (default `Chapter <order>:`; a lesson from the editor says `Lesson:`). */
  readonly heading?: string;
  /** A lesson someone wrote (not a chapter of the course): a step that fails is its author's to fix, not a bug to report. */
  readonly lesson?: boolean;
}

function initial(chapter: Chapter, start: number | 'challenge', seed: number): PlayerState {
  if (start === 'challenge' && chapter.challenge !== undefined) return openChallenge(chapter, seed);
  return openAt(chapter, start === 'challenge' ? chapter.steps.length : start, seed);
}

function routeOf(s: PlayerState): GuideRoute {
  if (s.challenge !== undefined) return { kind: 'challenge', chapter: s.chapter.id };
  return { kind: 'step', chapter: s.chapter.id, step: s.position };
}

function SourceLink({ source }: { source: Source }) {
  const href = safeHref(source.url);
  if (href === undefined) {
    // A path in this repository (or anything that is not a web link): shown, not linked.
    if (source.title.includes(source.url)) return <>{source.title}</>;
    return (
      <>
        {source.title} (<code>{source.url}</code>)
      </>
    );
  }
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {source.title}
    </a>
  );
}

function Sources({ chapter }: { chapter: Chapter }) {
  if (chapter.sources.length === 0) return null;
  return (
    <div className="guide-sources">
      <h3>Read more</h3>
      <ul>
        {chapter.sources.map((s, i) => (
          <li key={i}>
            <SourceLink source={s} />
          </li>
        ))}
      </ul>
    </div>
  );
}

function answerText(a: string | number | undefined): string {
  return a === undefined ? 'unknown' : String(a);
}

/** The first word a screen reader hears after Check. */
function verdictWord(f: Feedback): string {
  return f.guess === undefined ? 'Skipped' : f.right ? 'Right' : 'Not quite';
}

/** A rule question's answer is the rule's; whether this run did the same is said, not assumed. */
function ruleRun(rule: NonNullable<Feedback['rule']>): string {
  if (rule.agrees === true) return ' The engine did just that in this run.';
  if (rule.agrees === false) return ' This run did not show it as the question expects: what happened explains why.';
  return '';
}

/**
 * The note after a question. A course chapter's fixed answers are Raft's rules (tested on many seeds); a
 * lesson's are its author's, often about the run recorded (which node leads next is no rule, §5.2).
 */
export function FeedbackNote({ feedback, lesson = false }: { feedback: Feedback; lesson?: boolean }) {
  const cls = feedback.guess === undefined ? 'skipped' : feedback.right ? 'right' : 'wrong';
  const rule = feedback.rule;
  const whose = lesson ? 'the lesson’s answer' : 'the rule’s answer';
  return (
    <div className={`guide-feedback ${cls}`} role="status" data-testid="guide-feedback">
      <p className="guide-feedback-q">
        <Inline text={feedback.question} />
      </p>
      {rule !== undefined ? (
        feedback.guess === undefined ? (
          <p>
            You skipped this question. {lesson ? 'The lesson’s answer' : 'The rule’s answer'}: <strong>{answerText(feedback.answer)}</strong>.{ruleRun(rule)}
          </p>
        ) : feedback.right ? (
          <p>
            <strong>Right!</strong> You said <strong>{feedback.guess}</strong>, and that is {lesson ? 'the lesson’s answer' : 'what the rule says'}.{ruleRun(rule)}
          </p>
        ) : (
          <p>
            <strong>Not quite.</strong> You said <strong>{feedback.guess}</strong>; {whose} is <strong>{answerText(feedback.answer)}</strong>.{ruleRun(rule)}
          </p>
        )
      ) : feedback.guess === undefined ? (
        <p>
          You skipped this question. What the engine did: <strong>{answerText(feedback.answer)}</strong>.
        </p>
      ) : feedback.right ? (
        <p>
          <strong>Right!</strong> You said <strong>{feedback.guess}</strong>, and that is what the engine did.
        </p>
      ) : (
        <p>
          <strong>Not quite.</strong> You said <strong>{feedback.guess}</strong>; the engine’s answer was <strong>{answerText(feedback.answer)}</strong>.
        </p>
      )}
      {feedback.explain !== undefined && (
        <p className="hint">
          <Inline text={feedback.explain} />
        </p>
      )}
    </div>
  );
}

function Transcript({ results }: { results: readonly StepResult[] }) {
  if (results.length === 0) return null;
  return (
    <details className="guide-transcript">
      <summary>What the guide did to the cluster</summary>
      <ol>
        {results.map((r, i) => (
          <li key={i} className={`tr-${r.status}`}>
            <code>{r.source}</code>
            {r.status === 'failed' && <span className="invalid"> — {r.message}</span>}
            {r.status === 'skipped' && <span className="muted"> (skipped)</span>}
            {r.output !== undefined && r.output.length > 0 && <span className="muted"> → {r.output.join(' · ')}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}

/** The question asked before a step runs, with its answer controls. */
/** "Step 3: Title", or just "Step 3" when the title says no more (a lesson step left untitled is named so). */
function StepTitle({ n, title }: { n: number; title: string }) {
  if (title.trim() === `Step ${n}`) return <>Step {n}</>;
  return (
    <>
      Step {n}: <Inline text={title} />
    </>
  );
}

function Question({
  predict,
  nodeIds,
  guess,
  setGuess,
}: {
  predict: Predict;
  nodeIds: readonly string[];
  guess: string;
  setGuess: (g: string) => void;
}) {
  return (
    <fieldset className="guide-question">
      <legend>Predict</legend>
      <p className="guide-question-text">
        <Inline text={predict.question} />
      </p>
      {predict.kind === 'pick-a-node' && (
        <div className="row" role="group" aria-label="Pick a node">
          {nodeIds.map((id) => (
            <button key={id} type="button" className={`btn${guess === id ? ' primary' : ''}`} aria-pressed={guess === id} onClick={() => setGuess(id)}>
              {id}
            </button>
          ))}
          <span className="hint">or click a node in the cluster view</span>
        </div>
      )}
      {(predict.kind === 'pick-a-number' || predict.kind === 'pick-an-offset') && (
        <label className="row">
          <span>{predict.kind === 'pick-an-offset' ? 'Offset' : 'Your answer'}</span>
          <input
            className="num"
            type="number"
            inputMode="numeric"
            aria-label="Your answer"
            value={guess}
            onChange={(e) => setGuess(e.target.value)}
          />
        </label>
      )}
      {predict.kind === 'pick-one' && (
        <div className="guide-choices" role="group" aria-label="Choices">
          {(predict.choices ?? []).map((c) => (
            <button
              key={c.label}
              type="button"
              className={`btn${guess === c.label ? ' primary' : ''}`}
              aria-pressed={guess === c.label}
              onClick={() => setGuess(c.label)}
            >
              <Inline text={c.label} />
            </button>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** `takeOver`: whether this player offers Try it yourself (a lesson opened from a link does not). */
function ChallengeView({ s, update, takeOver }: { s: PlayerState; update: (next: PlayerState) => void; takeOver: boolean }) {
  const c = s.chapter.challenge!;
  const ch = s.challenge!;
  const [text, setText] = useState('');
  const goal = ch.goal;
  return (
    <>
      <h2 className="guide-step-title" tabIndex={-1}>
        Challenge: <Inline text={c.title} />
      </h2>
      <Markdown text={c.prose} />
      {c.hint !== undefined && (
        <details className="guide-hint">
          <summary>Hint</summary>
          <p>
            <Inline text={c.hint} />
          </p>
        </details>
      )}
      <p className="hint">
        {takeOver ? (
          <>
            Use <em>Try it yourself</em> to work on this cluster in the simulator, or type scenario commands here
          </>
        ) : (
          'Type scenario commands here'
        )}{' '}
        (for example <code>run 500ms</code>,{' '}
        <code>crash leader</code>, <code>check messaging</code>). Each run goes on from where the last one left the cluster; <em>Start over</em> gives the
        cluster back as the challenge began.
      </p>
      <details className="guide-hint">
        <summary>Commands</summary>
        <p>
          A node is named by its id (<code>n1</code>) or as <code>leader</code> or <code>follower</code>; times take <code>ms</code> or{' '}
          <code>s</code>. Checks read like <code>expect leader term &gt;= 2</code>, <code>expect any down</code> or <code>expect n3 log &gt;= 4</code>.
        </p>
        <ul className="guide-command-list">
          {CHALLENGE_COMMANDS.map((line) => (
            <li key={line}>
              <code>{line}</code>
            </li>
          ))}
        </ul>
      </details>
      <form
        className="guide-commands"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim() === '') return;
          update(runChallengeCommands(s, text));
          setText('');
        }}
      >
        <textarea aria-label="Scenario commands" rows={3} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} autoCapitalize="off" autoCorrect="off" />
        <div className="row">
          <button type="submit" className="btn" disabled={text.trim() === ''}>
            Run
          </button>
          <button type="button" className="btn primary" onClick={() => update(checkChallenge(s))}>
            Check
          </button>
          <button type="button" className="btn" disabled={ch.log.length === 0 && ch.error === undefined} onClick={() => update(openChallenge(s.chapter, s.seed))}>
            Start over
          </button>
        </div>
      </form>
      {ch.error !== undefined && (
        <p className="invalid" role="alert">
          {ch.error}
        </p>
      )}
      {ch.log.length > 0 && (
        <ol className="guide-log" aria-label="Commands run">
          {ch.log.map((r, i) => (
            <li key={i} className={`tr-${r.status}`}>
              <code>{r.source}</code>
              {r.status === 'failed' && <span className="invalid"> — {r.message}</span>}
              {r.status === 'skipped' && <span className="muted"> (skipped after the failure)</span>}
              {r.output !== undefined && r.output.length > 0 && <span className="muted"> → {r.output.join(' · ')}</span>}
            </li>
          ))}
        </ol>
      )}
      {goal !== undefined && <GoalNote goal={goal} />}
      <details className="guide-hint">
        <summary>Show one solution</summary>
        <pre>
          <code>{c.solution.text}</code>
        </pre>
      </details>
    </>
  );
}

export function GoalNote({ goal }: { goal: { ok: boolean; detail: string; messaging?: string } }) {
  return (
    <div className={`guide-goal ${goal.ok ? 'right' : 'wrong'}`} role="status" data-testid="guide-goal">
      {goal.ok ? (
        <p>
          <strong>Challenge complete!</strong> The goal holds now: {goal.detail}
        </p>
      ) : (
        <p>
          <strong>Not yet:</strong> {goal.detail}
        </p>
      )}
      {goal.messaging !== undefined && goal.messaging !== 'ran' && <p className="hint">Note: {goal.messaging}.</p>}
    </div>
  );
}

/** The scenario commands a challenge takes (the cluster's settings are the chapter's, and `at …` lines are a recording's). */
const CHALLENGE_COMMANDS = (() => {
  const all = scenarioHelp();
  return all.slice(all.findIndex((line) => line.startsWith('run '))).filter((line) => !line.startsWith('at '));
})();

/** A title without its Markdown marks, for places that show plain text (a menu's options). */
function plain(text: string): string {
  return text.replace(/[*`_]/g, '');
}

function StepLinks({ s, go }: { s: PlayerState; go: (to: number | 'challenge') => void }) {
  const ch = s.chapter;
  const current = s.challenge !== undefined ? 'challenge' : s.position;
  const item = (to: number | 'challenge', label: string, title: string) => (
    <li key={String(to)}>
      <a
        href={formatGuideHash(to === 'challenge' ? { kind: 'challenge', chapter: ch.id } : { kind: 'step', chapter: ch.id, step: to })}
        aria-current={current === to ? 'step' : undefined}
        title={title}
        onClick={(e) => {
          e.preventDefault();
          go(to);
        }}
      >
        {label}
      </a>
    </li>
  );
  return (
    <nav className="guide-steps" aria-label="Steps">
      <ol>
        {item(0, 'Intro', 'Introduction')}
        {ch.steps.map((st: ChapterStep) => item(st.index + 1, String(st.index + 1), st.title))}
        {ch.challenge !== undefined && item('challenge', 'Challenge', ch.challenge.title)}
      </ol>
      {/* On a phone the chips would take three rows: one menu of the steps, by title, instead. */}
      <label className="guide-steps-jump">
        <span>Go to</span>
        <select value={String(current)} onChange={(e) => go(e.target.value === 'challenge' ? 'challenge' : Number(e.target.value))}>
          <option value="0">Introduction</option>
          {ch.steps.map((st: ChapterStep) => (
            <option key={st.index} value={String(st.index + 1)}>
              {`${st.index + 1}. ${plain(st.title)}`}
            </option>
          ))}
          {ch.challenge !== undefined && <option value="challenge">{`Challenge: ${plain(ch.challenge.title)}`}</option>}
        </select>
      </label>
    </nav>
  );
}

const GUIDE_KEYS = new Set(['stepEvent', 'stepDelivery', 'nextElection', 'nextLeader', 'nextCommit']);
const GOAL_OF: Readonly<Record<string, UntilGoal>> = { stepDelivery: 'delivery', nextElection: 'election', nextLeader: 'leader', nextCommit: 'commit' };

function withDirectives(panels: ReadonlySet<PanelId>, view: StepViewNow): Set<PanelId> {
  return new Set([...panels, ...view.panels]);
}

/** One chapter, step by step. */
export function GuidePlayer({ chapter, start = 0, seed, onNavigate, onTakeOver, onMenu, onClose, onOpenChapter, chapters = allChapters, heading, lesson = false }: GuidePlayerProps) {
  const [s, setS] = useState<PlayerState>(() => initial(chapter, start, seed ?? chapter.seed));
  const [guess, setGuess] = useState('');
  const [takeOverError, setTakeOverError] = useState<string | undefined>(undefined);
  const [exploring, setExploring] = useState<Exploring | null>(null);
  const [exploreError, setExploreError] = useState<string | undefined>(undefined);
  const [panels, setPanels] = useState<ReadonlySet<PanelId>>(() => withDirectives(new Set(DEFAULT_PANELS), viewAt(chapter, s.position, s.outcome)));
  const [inspect, setInspect] = useState<string | undefined>(() => viewAt(chapter, s.position, s.outcome).inspect);
  const [kind, setKind] = useState<StepKind>(() => viewAt(chapter, s.position, s.outcome).watch);
  const [touched, setTouched] = useState<ReadonlySet<PanelId>>(() => new Set());
  const textRef = useRef<HTMLElement>(null);
  const twoColumns = !useMedia(GUIDE_ONE_COLUMN);
  const explorerRef = useRef<Explorer | null>(null);

  const n = chapter.steps.length;
  const failed = s.outcome !== undefined && !s.outcome.ok;
  const inChallenge = s.challenge !== undefined;
  const nextStep = !inChallenge && !failed ? chapter.steps[s.position] : undefined;
  const predict = nextStep?.predict;
  const nextChapter = chapters[chapters.findIndex((c) => c.id === chapter.id) + 1];

  useEffect(() => {
    reachStep(chapter.id, s.position);
    if (s.challenge?.goal?.ok === true) winChallenge(chapter.id);
  }, [chapter.id, s]);

  useEffect(() => {
    const el = textRef.current;
    if (el === null) return;
    el.scrollTop = 0;
    // On a phone the text and the view share one scrolling column: back to its top too.
    const scroller = el.closest('.guide-scroll');
    if (scroller !== null) scroller.scrollTop = 0;
    // On a small phone the whole player scrolls (its header too).
    const player = el.closest('.guide-player');
    if (player !== null) player.scrollTop = 0;
    const active = document.activeElement;
    // Keep the learner's focus where it is, unless the control they used has gone.
    if (active === null || active === document.body || !active.isConnected) el.querySelector<HTMLElement>('.guide-step-title')?.focus();
  }, [s.position, inChallenge]);

  // The learner's stepped copy belongs to one step: dropped when the player moves or closes.
  const dropExplorer = (): void => {
    explorerRef.current?.dispose();
    explorerRef.current = null;
    setExploring(null);
    setExploreError(undefined);
  };
  useEffect(() => () => explorerRef.current?.dispose(), []);

  /** The copy of this step's cluster the learner steps through (made on first use). */
  const explorer = (): Explorer | undefined => {
    if (explorerRef.current !== null) return explorerRef.current;
    try {
      const x = Explorer.of(liveCluster(s));
      explorerRef.current = x;
      setExploring({ x, v: x.version, trail: [] });
      return x;
    } catch (err) {
      setExploreError(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  };
  const stepOnce = (): void => {
    const x = explorer();
    if (x === undefined) return;
    const report = x.step(kind);
    setExploring((prev) => afterMove(prev, x, report, kind));
  };
  const until = (goal: UntilGoal): void => {
    const x = explorer();
    if (x === undefined) return;
    const report = x.until(goal, kind);
    setExploring((prev) => afterMove(prev, x, report, kind));
  };

  // The space-time diagram draws the copy's events: make it when the diagram is open.
  const needsFeed = panels.has('spacetime');
  useEffect(() => {
    if (needsFeed && explorerRef.current === null) explorer();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- made once per step; `explorer` reads the current step
  }, [needsFeed, s]);

  const move = (next: PlayerState): void => {
    dropExplorer();
    setS(next);
    setGuess('');
    setTakeOverError(undefined);
    const view = viewAt(chapter, next.challenge !== undefined ? n : next.position, next.outcome);
    setPanels((p) => withDirectives(p, view));
    if (view.inspect !== undefined) setInspect(view.inspect);
    setKind(view.watch);
    onNavigate?.(routeOf(next));
  };
  const update = (next: PlayerState): void => {
    dropExplorer();
    setS(next);
  };
  const go = (to: number | 'challenge'): void => move(to === 'challenge' ? openChallenge(chapter, s.seed) : openAt(chapter, to, s.seed));
  const next = (answer: string | undefined): void => {
    if (nextStep === undefined) return;
    move(advance(s, answer));
  };
  const back = (): void => {
    if (inChallenge) go(n);
    else if (s.position > 0) go(s.position - 1);
  };
  const takeOver = (): void => {
    if (onTakeOver === undefined) return;
    const err = onTakeOver(exploring?.x.driver.cluster ?? liveCluster(s), routeOf(s));
    setTakeOverError(err);
  };
  const view = useMemo(() => (exploring !== null ? exploring.x.snap() : s.snap), [exploring, s]);
  // Topics and client lines open by themselves once there is something in them, until the learner decides.
  const open = useMemo(() => {
    const o = new Set(panels);
    if (!touched.has('history') && view.topics !== undefined && view.topics.list.length > 0) o.add('history');
    if (!touched.has('replies') && view.clientLines.length > 0) o.add('replies');
    return o;
  }, [panels, touched, view]);
  const featured = useMemo(() => viewAt(chapter, inChallenge ? n : s.position, s.outcome).panels, [chapter, inChallenge, n, s]);
  const togglePanel = (id: PanelId): void => {
    setTouched((t) => new Set(t).add(id));
    const out = new Set(open);
    if (out.has(id)) out.delete(id);
    else out.add(id);
    setPanels(out);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    const target = e.target as HTMLElement;
    const tag = target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable) return;
    if ((e.key === ' ' || e.key === 'Enter') && (tag === 'BUTTON' || tag === 'A' || target.getAttribute('role') === 'button')) return;
    const a = actionForKey(e);
    if (a === undefined || !GUIDE_KEYS.has(a.name)) return;
    e.preventDefault();
    if (a.name === 'stepEvent') stepOnce();
    else until(GOAL_OF[a.name]);
  };

  const pick =
    predict?.kind === 'pick-a-node' ? { selected: guess === '' ? undefined : guess, onPick: (id: string) => setGuess(id) } : undefined;
  const progressNow = inChallenge ? n + 1 : s.position;
  const progressMax = n + (chapter.challenge !== undefined ? 1 : 0);
  const where = inChallenge ? 'Challenge' : s.position === 0 ? 'Introduction' : `Step ${s.position} of ${n}`;

  let body;
  if (inChallenge) body = <ChallengeView key="challenge" s={s} update={update} takeOver={onTakeOver !== undefined} />;
  else if (failed) {
    body = (
      <>
        <h2 className="guide-step-title" tabIndex={-1}>
          <StepTitle n={s.position} title={s.outcome!.title} />
        </h2>
        <div className="guide-failure" role="alert" data-testid="guide-failure">
          <p>
            <strong>This step did not go as the {lesson ? 'lesson' : 'chapter'} expects</strong>, so its explanation is not shown: the guide never narrates
            something that did not happen. What the engine reported:
          </p>
          <ul>
            {s.outcome!.failures.map((f, i) => (
              <li key={i}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
          <p className="hint">
            {lesson
              ? 'A check of this lesson does not hold on this run: its author can fix the check or the steps (the lesson editor’s Check walks them the same way).'
              : 'Please report this (with the seed and time above).'}{' '}
            You can still go back, or take this cluster over and look around.
          </p>
        </div>
        <Transcript results={s.outcome!.results} />
      </>
    );
  } else if (s.position === 0) {
    body = (
      <>
        <h2 className="guide-step-title" tabIndex={-1}>
          <Inline text={chapter.title} />
        </h2>
        <p className="guide-summary">
          <Inline text={chapter.summary} />
        </p>
        <Markdown text={chapter.intro} />
        <Sources chapter={chapter} />
      </>
    );
  } else {
    const step = chapter.steps[s.position - 1];
    body = (
      <>
        {s.feedback !== undefined && <FeedbackNote feedback={s.feedback} lesson={lesson} />}
        <h2 className="guide-step-title" tabIndex={-1}>
          <StepTitle n={s.position} title={step.title} />
        </h2>
        <Markdown text={s.outcome?.prose ?? step.prose} />
        {s.outcome !== undefined && <Transcript results={s.outcome.results} />}
        {s.position === n && chapter.challenge === undefined && <Sources chapter={chapter} />}
      </>
    );
  }

  // In DOM order right after the text where the text and its nav bar make one column beside the view
  // (Tab reaches Check or Next before the view's controls, as the eye does); on one column, where the
  // view comes under the text and the bar is a footer, after both.
  const guideNav = (
    <nav className="guide-nav" aria-label="Guide">
      <button type="button" className="btn" onClick={back} disabled={!inChallenge && s.position === 0}>
        ← Back
      </button>
      {predict !== undefined && (
        <button type="button" className="btn primary" disabled={guess.trim() === ''} onClick={() => next(guess)} aria-label="Check my answer">
          Check<span className="guide-long"> my answer</span>
        </button>
      )}
      {nextStep !== undefined && (
        <button
          // A new element when it turns from Next into Skip: the focus then goes to the new step's title
          // (a second Enter on the same element would skip the question unread).
          key={predict !== undefined ? 'skip' : 'next'}
          type="button"
          className={`btn${predict === undefined ? ' primary' : ''}`}
          onClick={() => next(undefined)}
          {...(predict !== undefined ? { 'aria-label': 'Skip the question' } : {})}
        >
          {predict !== undefined ? (
            <>
              Skip<span className="guide-long"> the question</span>
            </>
          ) : s.position === 0 ? (
            'Start →'
          ) : (
            'Next →'
          )}
        </button>
      )}
      {!inChallenge && !failed && s.position === n && chapter.challenge !== undefined && (
        <button type="button" className="btn primary" onClick={() => go('challenge')}>
          Take the challenge →
        </button>
      )}
      {(inChallenge || (s.position === n && chapter.challenge === undefined)) && nextChapter !== undefined && onOpenChapter !== undefined && (
        <button type="button" className="btn" onClick={() => onOpenChapter(nextChapter.id)}>
          {/* One flex item: the button's gap would otherwise fall before the colon. */}
          <span>
            Next chapter<span className="guide-long">: <Inline text={nextChapter.title} /></span>
            <span className="guide-short"> →</span>
          </span>
        </button>
      )}
      {onTakeOver !== undefined && (
        <button type="button" className="btn guide-takeover" onClick={takeOver} title="Hand this very cluster to the simulator and play with it freely" aria-label="Try it yourself">
          Try it<span className="guide-long"> yourself</span>
        </button>
      )}
    </nav>
  );

  return (
    <div className="guide-player" data-chapter={chapter.id} data-step={inChallenge ? 'challenge' : s.position} onKeyDown={onKeyDown}>
      <header className="guide-head" role="none">
        {onMenu !== undefined && (
          <button type="button" className="btn small guide-menu-btn" onClick={onMenu}>
            All chapters
          </button>
        )}
        <h1 className="guide-title">
          <span className="muted">{heading ?? `Chapter ${chapter.order}:`}</span> <Inline text={chapter.title} />
        </h1>
        <div className="guide-progress">
          <div
            className="guide-bar"
            role="progressbar"
            aria-label="Chapter progress"
            aria-valuemin={0}
            aria-valuemax={progressMax}
            aria-valuenow={progressNow}
            aria-valuetext={where}
          >
            <div className="guide-bar-fill" style={{ width: `${(100 * progressNow) / Math.max(1, progressMax)}%` }} />
          </div>
          <span className="guide-where" data-testid="guide-where">
            {where}
          </span>
        </div>
        {onClose !== undefined && (
          <button
            type="button"
            className="btn small guide-close"
            onClick={onClose}
            aria-label={lesson ? 'Close the lesson' : 'Close the guide'}
            aria-keyshortcuts="Escape"
            title={`Close the ${lesson ? 'lesson' : 'guide'} (Esc): back to the simulator`}
          >
            ✕
          </button>
        )}
      </header>
      <StepLinks s={s} go={go} />
      <div className="guide-body">
        <div className="guide-scroll">
          <article className="guide-text" ref={textRef} aria-label="Guide text">
            {body}
            {predict !== undefined && <Question predict={predict} nodeIds={s.snap.nodes.map((v) => v.id)} guess={guess} setGuess={setGuess} />}
            {takeOverError !== undefined && (
              <p className="invalid" role="alert">
                Could not hand the cluster to the simulator: {takeOverError}
              </p>
            )}
          </article>
          {twoColumns && guideNav}
          <GuideView
            snap={view}
            cluster={exploring?.x.driver.cluster ?? liveCluster(s)}
            exploring={exploring}
            stepNow={s.snap.now}
            stepStart={s.stepStart}
            {...(pick ? { pick } : {})}
            questionOpen={predict !== undefined}
            onStep={stepOnce}
            onUntil={until}
            onReset={dropExplorer}
            panels={open}
            featured={featured}
            onTogglePanel={togglePanel}
            inspect={inspect}
            onInspect={setInspect}
            {...(exploreError !== undefined ? { error: exploreError } : {})}
            kind={kind}
            onKind={setKind}
          />
        </div>
        {!twoColumns && guideNav}
        {/* Said on every move: after Check, first whether the answer was right (the note is inserted already filled, which screen readers may not read). */}
        <p className="sr-only" aria-live="polite" data-testid="guide-announce">
          {s.feedback !== undefined ? `${verdictWord(s.feedback)}: the answer is ${answerText(s.feedback.answer).replace(/[*`]/g, '')}. ` : ''}
          {where}
          {s.outcome !== undefined && !inChallenge ? `: ${s.outcome.title}` : ''}
        </p>
      </div>
    </div>
  );
}

/** The list of chapters with their step counts and the learner's progress. */
export function GuideMenu({
  chapters = allChapters,
  onOpen,
  error,
  onClose,
  footer,
}: {
  chapters?: readonly Chapter[];
  /** Shown below the list (the page puts "write your own lesson" there). */
  footer?: ReactNode;
  /** Open a chapter at a step (0: its introduction). Without it, the links change the address bar. */
  onOpen?: (id: string, step: number) => void;
  /** Shown above the list (e.g. a deep link that does not work). */
  error?: string;
  onClose?: () => void;
}) {
  const progress = useGuideProgress((p) => p.progress);
  return (
    <div className="guide-menu-page">
      <header className="guide-head" role="none">
        <h1 className="guide-title">Guides</h1>
        <p className="muted guide-tagline">A course on the real simulator: every step runs the engine and checks it before it explains.</p>
        {onClose !== undefined && (
          <button type="button" className="btn small guide-close" onClick={onClose} aria-label="Close the guide" aria-keyshortcuts="Escape" title="Close the guide (Esc): back to the simulator">
            ✕
          </button>
        )}
      </header>
      {error !== undefined && (
        <p className="guide-error" role="alert">
          This guide link does not work: {error}. Pick a chapter below.
        </p>
      )}
      <ol className="guide-menu" aria-label="Chapters">
        {chapters.map((c) => {
          const p = progress[c.id];
          const reached = Math.min(p?.step ?? 0, c.steps.length);
          const link = (step: number, label: string, primary = false) => (
            <a
              className={`btn small${primary ? ' primary' : ''}`}
              href={formatGuideHash({ kind: 'step', chapter: c.id, step })}
              // Nineteen links read "Start" in a screen reader's list of links: each names its chapter.
              aria-label={`${label}: chapter ${c.order}, ${c.title.replace(/[*`]/g, '')}`}
              onClick={(e) => {
                if (onOpen === undefined) return;
                e.preventDefault();
                onOpen(c.id, step);
              }}
            >
              {label}
            </a>
          );
          return (
            <li key={c.id} className="guide-card" data-chapter={c.id}>
              <h2>
                <span className="muted">{c.order}.</span> <Inline text={c.title} />
              </h2>
              <p>
                <Inline text={c.summary} />
              </p>
              <p className="guide-card-meta">
                <span>
                  {c.steps.length} steps{c.challenge !== undefined ? ' + a challenge' : ''}
                </span>
                <span className="guide-card-progress" aria-label={`Progress: ${reached} of ${c.steps.length} steps`}>
                  <span className="guide-mini-bar" aria-hidden="true">
                    <span style={{ width: `${(100 * reached) / c.steps.length}%` }} />
                  </span>
                  {reached === 0 ? 'not started' : reached >= c.steps.length ? 'reached the end' : `${reached} / ${c.steps.length}`}
                  {p?.challenge === true ? ' · challenge won' : ''}
                </span>
              </p>
              <p className="row">
                {link(0, reached > 0 ? 'Start over' : 'Start', reached === 0)}
                {reached > 0 && reached < c.steps.length && link(reached, `Continue at step ${reached}`, true)}
              </p>
            </li>
          );
        })}
      </ol>
      {footer}
    </div>
  );
}
