// The explorer's panel: pick or write a small scenario, set the bounds, search every interleaving in a Web Worker, and step through a counterexample in the simulator.
import { useEffect, useRef, useState } from 'react';
import { checkBounds, DEFAULT_BOUNDS, EXAMPLES, type Bounds } from '../../sim/explore';
import type { ActionRecord, ClusterOptions } from '../../sim';
import { encodeHash, savedRun } from '../../store/share';
import type { RunOptions } from '../../store/runOptions';
import { noteOwnHash, openSaved } from '../shareLink';
import { explore, type FoundRun, type Report, type StartMessage } from './protocol';
import './explore.css';

/** Keys a page run (share link) carries; a scenario with any other engine setting opens only as text. */
const RUN_KEYS = new Set(['seed', 'nodes', 'config', 'electionTimeoutMs', 'heartbeatMs', 'startupGraceMs', 'network', 'clocks', 'rules', 'maxEntriesPerMessage']);

/** The page's run options for a found run, or why it cannot open in the page. */
export function runOf(options: ClusterOptions): RunOptions | string {
  const extra = Object.keys(options).filter((k) => !RUN_KEYS.has(k) && k !== 'checkers' && (options as Record<string, unknown>)[k] !== undefined);
  const rules = options.rules ?? {};
  if (Object.keys(rules).some((k) => k !== 'voteLogCheck' && k !== 'commitCurrentTermOnly')) extra.push('rules');
  if (extra.length > 0) return `its settings (${extra.join(', ')}) are not part of a page run: copy the scenario text instead`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) if (RUN_KEYS.has(k) && v !== undefined) out[k] = v;
  return { seed: 1, ...out } as RunOptions;
}

/** A runner: a Web Worker where there is one, else slices on the page's own thread (tests, old browsers). */
interface Running {
  stop(): void;
}

function startRunning(msg: StartMessage, onReport: (r: Report) => void): Running {
  if (typeof Worker === 'function') {
    const worker = new Worker(new URL('./explore.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (e: MessageEvent<Report>) => onReport(e.data);
    worker.onerror = (e) => onReport({ type: 'error', message: `the explorer's worker failed: ${e.message}` });
    worker.postMessage(msg);
    return { stop: () => worker.terminate() };
  }
  let stopped = false;
  void explore(msg, (r) => !stopped && onReport(r), () => new Promise((resolve) => setTimeout(resolve, 0)), () => performance.now(), 30);
  return { stop: () => (stopped = true) };
}

type Status = 'idle' | 'running' | 'done' | 'stopped' | 'error';

interface Form {
  maxDepth: string;
  maxTerm: string;
  maxInFlight: string;
  maxStates: string;
  crashes: string;
  drops: string;
  duplicates: string;
  timeouts: string;
  heartbeats: boolean;
}

function formOf(b: Partial<Bounds>): Form {
  const x = { ...DEFAULT_BOUNDS, ...b };
  return {
    maxDepth: String(x.maxDepth), maxTerm: String(x.maxTerm), maxInFlight: String(x.maxInFlight), maxStates: String(x.maxStates),
    crashes: String(x.crashes), drops: String(x.drops), duplicates: String(x.duplicates),
    timeouts: x.timeouts === null ? '' : x.timeouts.join(' '), heartbeats: x.heartbeats,
  };
}

function boundsOf(f: Form): Partial<Bounds> {
  const num = (s: string): number => (s.trim() === '' ? NaN : Number(s));
  const ids = f.timeouts.split(/[\s,]+/).filter((s) => s.length > 0);
  return {
    maxDepth: num(f.maxDepth), maxTerm: num(f.maxTerm), maxInFlight: num(f.maxInFlight), maxStates: num(f.maxStates),
    crashes: num(f.crashes), drops: num(f.drops), duplicates: num(f.duplicates),
    timeouts: ids.length === 0 ? null : ids, heartbeats: f.heartbeats,
  };
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

const STOPPED: Record<string, string> = {
  exhausted: 'Every interleaving within the bounds was explored.',
  'max-states': 'Stopped at the state limit: the bounds may allow more states than were explored.',
  violation: 'Stopped at the first broken property (breadth first, so the run below is a shortest one).',
};

type BoundField = Exclude<keyof Form, 'heartbeats'>;

/** Each bound's label in the form: messages about a bound name it by its label, not by its key. */
const LABELS: Record<BoundField, string> = {
  maxDepth: 'Moves', maxTerm: 'Highest term', maxInFlight: 'In flight', crashes: 'Crashes', drops: 'Losses',
  duplicates: 'Duplicates', timeouts: 'Who may time out', maxStates: 'State limit',
};

/** An error about a bound (the explorer's words start with the bound's key), with the field to mark; others as they are. */
function aboutField(message: string): { text: string; field: BoundField | null } {
  const m = /^(\w+)\b(.*)$/s.exec(message);
  const key = m?.[1] as BoundField | undefined;
  if (m === null || key === undefined || !(key in LABELS)) return { text: message, field: null };
  return { text: `${LABELS[key]}${m[2]}`, field: key };
}

/** Why the form's bounds cannot start an exploration (a field that is not a whole number, or out of range), or null. */
function formError(f: Form): { text: string; field: BoundField } | null {
  for (const key of Object.keys(LABELS) as BoundField[]) {
    if (key === 'timeouts') continue;
    const typed = f[key].trim();
    if (typed === '' || !Number.isFinite(Number(typed))) return { text: `${LABELS[key]} must be a whole number (it reads “${typed}”)`, field: key };
  }
  try {
    checkBounds(boundsOf(f));
  } catch (e) {
    const named = aboutField(e instanceof Error ? e.message : String(e));
    if (named.field !== null) return { text: named.text, field: named.field };
  }
  return null;
}

export function ExplorePanel() {
  const [exampleId, setExampleId] = useState(EXAMPLES[0].id);
  const [text, setText] = useState(EXAMPLES[0].text);
  const [form, setForm] = useState<Form>(() => formOf(EXAMPLES[0].bounds));
  const [status, setStatus] = useState<Status>('idle');
  const [progress, setProgress] = useState<Extract<Report, { type: 'progress' | 'done' }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [found, setFound] = useState<FoundRun | null>(null);
  const [notes, setNotes] = useState<readonly string[]>([]);
  const [shown, setShown] = useState<number | null>(null);
  const [link, setLink] = useState('');
  const [openError, setOpenError] = useState<string | null>(null);
  /** The bound the last error is about (marked invalid), if any. */
  const [badField, setBadField] = useState<BoundField | null>(null);
  const running = useRef<Running | null>(null);
  const [maxDepth, setMaxDepth] = useState(0);

  useEffect(() => () => running.current?.stop(), []);
  const exploreRef = useRef<HTMLButtonElement>(null);
  const stopRef = useRef<HTMLButtonElement>(null);
  /** The verdict (no checker failed, or what broke), when the search found one. */
  const verdictRef = useRef<HTMLParagraphElement>(null);
  // A finished search's verdict lies under its progress, below the fold of the panel: brought into view.
  // The keyboard focus follows the buttons: Explore disables itself (the focus would fall to the page),
  // so Stop takes it while the search runs, and the verdict (or Explore again) once it ends.
  const wasRunning = useRef(false);
  useEffect(() => {
    const active = document.activeElement;
    if (status === 'running') {
      wasRunning.current = true;
      if (active === null || active === document.body || active === exploreRef.current) stopRef.current?.focus();
      return;
    }
    const verdict = document.querySelector<HTMLElement>('#side-panel-explore [data-testid="explore-verdict"], #side-panel-explore [data-testid="explore-stats"]');
    if (status === 'done') verdict?.scrollIntoView?.({ block: 'nearest' });
    if (!wasRunning.current) return;
    wasRunning.current = false;
    if (active === null || active === document.body || active === stopRef.current) {
      (verdictRef.current ?? exploreRef.current)?.focus();
    }
  }, [status]);

  const pick = (id: string): void => {
    const ex = EXAMPLES.find((e) => e.id === id);
    if (ex === undefined) return;
    setExampleId(id);
    setText(ex.text);
    setForm(formOf(ex.bounds));
  };

  const start = (): void => {
    running.current?.stop();
    setError(null);
    setFound(null);
    setNotes([]);
    setShown(null);
    setLink('');
    setOpenError(null);
    setProgress(null);
    const bad = formError(form);
    setBadField(bad?.field ?? null);
    if (bad !== null) {
      setStatus('error');
      setError(`${bad.text}.`);
      return;
    }
    const bounds = boundsOf(form);
    setMaxDepth(bounds.maxDepth ?? DEFAULT_BOUNDS.maxDepth);
    setStatus('running');
    running.current = startRunning({ type: 'start', text, bounds }, (r) => {
      if (r.type === 'progress') setProgress(r);
      else if (r.type === 'error') {
        setStatus('error');
        const named = aboutField(r.message);
        setBadField(named.field);
        setError(r.line !== undefined && !named.text.startsWith('line ') ? `line ${r.line}: ${named.text}` : named.text);
        running.current = null;
      } else {
        setProgress(r);
        setNotes(r.notes);
        setFound(r.found ?? null);
        setStatus('done');
        running.current = null;
      }
    });
  };

  const stop = (): void => {
    running.current?.stop();
    running.current = null;
    setStatus('stopped');
  };

  /** Opens the found run in the simulator, after `k` of its moves (paused there). */
  const show = (k: number): void => {
    if (found === null) return;
    const run = runOf(found.options);
    if (typeof run === 'string') {
      setOpenError(`This run cannot open in the simulator: ${run}.`);
      return;
    }
    const actions: ActionRecord[] = found.actions.slice(0, found.prefixActions + k);
    const err = openSaved(savedRun(run, actions, found.at), 'The explorer’s run');
    setOpenError(err === undefined ? null : `The simulator could not open it: ${err}`);
    if (err === undefined) setShown(k);
  };

  const share = async (): Promise<void> => {
    if (found === null) return;
    const run = runOf(found.options);
    if (typeof run === 'string') {
      setOpenError(`No link for this run: ${run}.`);
      return;
    }
    const hash = await encodeHash(savedRun(run, found.actions, found.at));
    noteOwnHash(hash);
    setLink(`${location.origin}${location.pathname}${location.search}${hash}`);
  };

  const field = (key: BoundField, hint: string) => (
    <label className="explore-field">
      <span>{LABELS[key]}</span>
      <input
        type="text"
        inputMode={key === 'timeouts' ? 'text' : 'numeric'}
        value={form[key]}
        title={hint}
        aria-invalid={badField === key}
        onChange={(e) => {
          setForm({ ...form, [key]: e.target.value });
          if (badField === key) setBadField(null);
        }}
        disabled={status === 'running'}
      />
    </label>
  );

  const stats = progress?.stats;
  const rate = stats !== undefined && progress !== null && progress.elapsedMs > 0 ? (stats.states / progress.elapsedMs) * 1000 : 0;
  const example = EXAMPLES.find((e) => e.id === exampleId);

  return (
    <div className="explore">
      <p className="hint">
        Explores every order in which messages can arrive and timers can fire, from where a small scenario leaves the cluster, up to a number of
        moves. States already seen are not explored again. When a safety checker fails, you get the shortest run that breaks it.
      </p>
      <label className="explore-field wide">
        <span>Example</span>
        <select value={exampleId} onChange={(e) => pick(e.target.value)} disabled={status === 'running'}>
          {EXAMPLES.map((e) => (
            <option key={e.id} value={e.id}>
              {e.title}
            </option>
          ))}
        </select>
      </label>
      {example !== undefined && <p className="muted explore-summary">{example.summary}</p>}
      <label className="explore-field wide">
        <span>Scenario (header, then the commands that set the scene)</span>
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={6} spellCheck={false} disabled={status === 'running'} />
      </label>
      <fieldset className="explore-bounds" disabled={status === 'running'}>
        <legend>Bounds</legend>
        {field('maxDepth', 'Largest number of moves (deliveries, timer firings, faults) in one run')}
        {field('maxTerm', 'A node already in this term does not time out')}
        {field('maxInFlight', 'No election or heartbeat timer fires while this many live Raft messages are in flight')}
        {field('crashes', 'Crashes allowed in one run (the same node may crash again; restarting costs nothing)')}
        {field('drops', 'Messages the network may lose in one run')}
        {field('duplicates', 'Messages the network may duplicate in one run')}
        {field('timeouts', 'Node ids whose election timer may fire; empty: every node')}
        {field('maxStates', 'Stop after this many distinct states')}
        <label className="explore-check">
          <input type="checkbox" checked={form.heartbeats} onChange={(e) => setForm({ ...form, heartbeats: e.target.checked })} /> Heartbeats are moves
        </label>
        <p className="hint">
          Whether a leader’s heartbeat timer firing is a move. Off, a leader sends AppendEntries only when a reply or a proposal prompts it, so far fewer orders are explored
          (the Figure 8 examples keep it off).
        </p>
      </fieldset>
      <div className="explore-buttons">
        <button ref={exploreRef} type="button" className="btn primary" onClick={start} disabled={status === 'running'}>
          Explore
        </button>
        <button ref={stopRef} type="button" className="btn" onClick={stop} disabled={status !== 'running'}>
          Stop
        </button>
      </div>
      {error !== null && (
        <p className="explore-error" role="alert">
          {error}
        </p>
      )}
      {/* Said once when the search starts and once when it ends: the counters above change many times a second. */}
      <p className="sr-only" role="status" data-testid="explore-announce">
        {announcement(status, stats, found)}
      </p>
      {stats !== undefined && (
        <div className="explore-progress">
          {/* Full only when every depth was explored: a search stopped at a violation or the state limit stops short. */}
          <progress max={Math.max(1, maxDepth)} value={status === 'done' && stats.stopped === 'exhausted' ? maxDepth : stats.depth} aria-label="Depth explored" />
          <p data-testid="explore-stats">
            {status === 'running' ? 'Exploring' : status === 'stopped' ? 'Stopped by you' : 'Done'}: depth {stats.depth} of {maxDepth} ·{' '}
            <strong>{fmt(stats.states)}</strong> distinct states · {fmt(stats.transitions)} moves made · {fmt(rate)} states/s ·{' '}
            {(progress!.elapsedMs / 1000).toFixed(1)} s
          </p>
          {status === 'done' && stats.stopped !== undefined && <p>{STOPPED[stats.stopped]}</p>}
          {status === 'done' && (
            <p className="muted">States by number of moves: {stats.perDepth.map(fmt).join(' · ')}</p>
          )}
          {notes.map((n) => (
            <p key={n} className="muted">
              Note: {n}
            </p>
          ))}
        </div>
      )}
      {status === 'done' && stats?.stopped === 'exhausted' && found === null && (
        <p ref={verdictRef} className="explore-ok" data-testid="explore-verdict" tabIndex={-1}>
          No checker failed in any of the {fmt(stats.states)} states.
        </p>
      )}
      {found !== null && (
        <div className="explore-found" data-testid="explore-found">
          <p ref={verdictRef} className="explore-violation" data-testid="explore-verdict" tabIndex={-1}>
            Broken: {found.violation}
          </p>
          <p className="muted">
            {found.steps.length} moves after the scenario’s commands{found.confirmed ? '; the engine, replaying them, broke it too.' : '. The engine, replaying them, did not break it: please report this.'}{' '}
            (Message numbers are the explorer’s, which counts Raft messages only: in the simulator the same messages may carry higher
            numbers.)
          </p>
          <ol className="explore-steps" start={1}>
            {found.steps.map((s, i) => (
              <li key={i} className={shown === i + 1 ? 'current' : undefined}>
                <button type="button" className="linklike" onClick={() => show(i + 1)} title="Show the cluster after this move">
                  {s}
                </button>
              </li>
            ))}
          </ol>
          <div className="explore-buttons">
            <button type="button" className="btn" onClick={() => show(0)}>
              Open the start
            </button>
            <button type="button" className="btn" onClick={() => show(Math.max(0, (shown ?? 1) - 1))} disabled={shown === null || shown === 0}>
              ◂ Previous move
            </button>
            <button type="button" className="btn" onClick={() => show(Math.min(found.steps.length, (shown ?? 0) + 1))} disabled={shown === found.steps.length}>
              Next move ▸
            </button>
            <button type="button" className="btn" onClick={() => void share()}>
              Share link
            </button>
          </div>
          {shown !== null && (
            <p className="muted" data-testid="explore-shown">
              The simulator shows the cluster after {shown} of {found.steps.length} moves.
            </p>
          )}
          {openError !== null && <p className="explore-error">{openError}</p>}
          {link !== '' && (
            <label className="explore-field wide">
              <span>Link to the whole run</span>
              <input type="text" readOnly value={link} onFocus={(e) => e.target.select()} />
            </label>
          )}
          <details>
            <summary>Scenario text (replays it exactly; ends in expect violation)</summary>
            <textarea readOnly value={found.scenario} rows={8} spellCheck={false} aria-label="Counterexample scenario" />
          </details>
        </div>
      )}
    </div>
  );
}

/** What a screen reader hears of a search: that it runs, then its result (not the counters as they change). */
function announcement(status: Status, stats: Extract<Report, { type: 'progress' | 'done' }>['stats'] | undefined, found: FoundRun | null): string {
  if (status === 'running') return 'Exploring…';
  if (status === 'stopped') return stats === undefined ? 'Stopped.' : `Stopped by you after ${fmt(stats.states)} distinct states.`;
  if (status !== 'done' || stats === undefined) return '';
  if (found !== null) return `Done: ${fmt(stats.states)} distinct states. Broken: ${found.violation}`;
  if (stats.stopped === 'exhausted') return `Done: no checker failed in any of the ${fmt(stats.states)} states.`;
  return `Done: ${fmt(stats.states)} distinct states. ${stats.stopped !== undefined ? STOPPED[stats.stopped] : ''}`;
}
