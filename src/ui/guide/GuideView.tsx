// The right-hand (on a phone: lower) half of a guide step: the step bar (Step to the next event of the
// watched kind, or to the next delivery / election / leader / commit, each explained in a sentence),
// the ring, every node's log as a grid, and the panels the learner or the step opens (nodes, messages
// in flight with their arrival times, space-time diagram, inspector, clocks).
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SimCluster } from '../../sim/cluster';
import { UNTIL, watched, type StepKind, type UntilGoal } from '../../store/stepKinds';
import { getAction } from '../actions';
import { ACTION_DESCRIPTIONS } from '../actionDescriptions';
import { explainItem } from '../feedContext';
import { LogGrid } from '../LogGrid';
import { SPACETIME_WINDOWS, SpaceTimeView } from '../SpaceTime';
import { categoryOf } from '../feedContext';
import { StepKindSelect } from '../StepKindSelect';
import { PANELS, type PanelId } from './directives';
import type { Explorer, StepReport } from './explore';
import { ChecksPanel, ClientLines, ClocksTable, DetectorPanel, GuideInspector, InFlightPanel, NodeTable, Ring, Topics, Violations, formatTime, type NodePick } from './GuideCluster';
import type { ClusterSnap } from './model';

const GOALS: ReadonlyArray<{ goal: UntilGoal; action: string }> = [
  { goal: 'delivery', action: 'stepDelivery' },
  { goal: 'election', action: 'nextElection' },
  { goal: 'leader', action: 'nextLeader' },
  { goal: 'commit', action: 'nextCommit' },
];

export interface NarrationLine {
  readonly seq: number;
  readonly kind: string;
  readonly text: string;
  readonly rule: string;
}

/** The learner's stepping state at this step (absent: the cluster is where the step left it). */
export interface Exploring {
  readonly x: Explorer;
  /** The last move's outcome. */
  readonly report?: StepReport;
  /** Explorer.version when this was made (a new object per move, for React). */
  readonly v: number;
  /** The sentences of the latest moves, oldest first; the last move's are those with `move === v`. */
  readonly trail: ReadonlyArray<NarrationLine & { readonly move: number }>;
}

const TRAIL = 12;

/** The sentences for the last move: each event of the watched kind in its final moment, with its rule. */
export function narrate(x: Explorer, kind: StepKind): NarrationLine[] {
  const items = x.feed(600);
  const index = new Map(items.map((item, i) => [item.seq, i]));
  return x.lastStep
    .filter((item) => kind === 'all' || watched(kind, item.e))
    .flatMap((item) => {
      const i = index.get(item.seq);
      return i === undefined ? [] : [{ seq: item.seq, kind: item.e.kind, ...explainItem(items, i) }];
    });
}

/** The stepping state after a move: its outcome and its sentences added to the trail. */
export function afterMove(prev: Exploring | null, x: Explorer, report: StepReport, kind: StepKind): Exploring {
  const lines = narrate(x, kind).map((l) => ({ ...l, move: x.version }));
  return { x, report, v: x.version, trail: [...(prev?.x === x ? prev.trail : []), ...lines].slice(-TRAIL) };
}

export interface GuideViewProps {
  /** What to draw: the step's cluster, or the learner's stepped copy of it. */
  readonly snap: ClusterSnap;
  /** The cluster behind `snap` (the inspector reads topics from it). */
  readonly cluster: SimCluster;
  readonly exploring: Exploring | null;
  /** The step's own moment (time), to say how far the learner has stepped. */
  readonly stepNow: number;
  /** When the step began (its scenario's first command), for the diagram's first window. */
  readonly stepStart: number;
  readonly pick?: NodePick;
  /** A question is waiting for an answer: stepping would run past it. */
  readonly questionOpen: boolean;
  readonly onStep: () => void;
  readonly onUntil: (goal: UntilGoal) => void;
  /** Back to the step's own moment. */
  readonly onReset: () => void;
  readonly panels: ReadonlySet<PanelId>;
  /** Panels the step itself opens (its view, its question's `visible`): drawn first, under the step bar. */
  readonly featured: readonly PanelId[];
  readonly onTogglePanel: (id: PanelId) => void;
  readonly inspect: string | undefined;
  readonly onInspect: (id: string) => void;
  /** Why the cluster could not be copied for stepping, if it could not. */
  readonly error?: string;
  /** What Step moves to (the step's `watch`, or the learner's choice). */
  readonly kind: StepKind;
  readonly onKind: (kind: StepKind) => void;
}

function StepBar(props: GuideViewProps) {
  const { exploring, onStep, onUntil, onReset, questionOpen, error, stepNow, snap } = props;
  const lines = exploring?.trail ?? [];
  const narration = useRef<HTMLDivElement>(null);
  // The newest sentences are at the bottom of a short box: keep them in view.
  useEffect(() => {
    const el = narration.current;
    if (el === null) return;
    el.scrollTop = el.scrollHeight;
    // On a phone the Step button sits at the bottom of the screen and what it did below it: bring that into view.
    if (exploring !== null && el.getBoundingClientRect().bottom > window.innerHeight && window.matchMedia?.('(max-width: 768px)').matches) el.scrollIntoView?.({ block: 'nearest' });
  }, [exploring]);
  const moved = exploring?.x.moved ?? 0;
  const report = exploring?.report;
  const step = getAction('stepEvent');
  return (
    <section className="guide-stepbar" aria-label="Step through events" data-testid="guide-stepbar">
      <div className="guide-stepbar-row">
        <button type="button" className="btn primary" onClick={onStep} title={`${ACTION_DESCRIPTIONS[step.name]} (${step.keyLabel})`} aria-keyshortcuts={step.keyLabel} data-action="stepEvent">
          Step
        </button>
        <StepKindSelect value={props.kind} onChange={props.onKind} />
        <span className="guide-until" role="group" aria-label="Run to the next">
          <span className="muted" aria-hidden="true">
            to next
          </span>
          {GOALS.map(({ goal, action }) => {
            const a = getAction(action);
            return (
              <button key={goal} type="button" className="btn small" onClick={() => onUntil(goal)} title={`${ACTION_DESCRIPTIONS[a.name]} (${a.keyLabel})`} aria-keyshortcuts={a.keyLabel} data-action={action}>
                {UNTIL[goal].label}
              </button>
            );
          })}
        </span>
      </div>
      <p className="guide-stepstate">
        <span data-testid="guide-now">t = {formatTime(snap.now)}</span>
        {moved > 0 ? (
          <>
            <span data-testid="guide-explored">
              {moved} event{moved === 1 ? '' : 's'} ({formatTime(snap.now - stepNow)}) past this step
            </span>
            <button type="button" className="btn small" onClick={onReset}>
              ↺ Back to the step
            </button>
          </>
        ) : (
          <span className="muted">where this step left the cluster</span>
        )}
      </p>
      {error !== undefined && (
        <p className="invalid" role="alert">
          Stepping is not available here: {error}
        </p>
      )}
      <div className="guide-narration" aria-live="polite" data-testid="guide-narration" ref={narration} tabIndex={0}>
        {report?.message !== undefined && <p className="hint">{report.message}</p>}
        {lines.length > 0 && (
          <ol>
            {lines.map((l) => (
              <li key={l.seq} className={`k-${l.kind}${l.move === exploring?.v ? ' latest' : ''}`}>
                {l.text}
                {l.rule && <span className="rule">{l.rule}</span>}
              </li>
            ))}
          </ol>
        )}
        {report !== undefined && report.skipped > 0 && (
          <p className="hint">
            Passed over {report.skipped} event{report.skipped === 1 ? '' : 's'} of other kinds (pings, clock sync…).
          </p>
        )}
        {moved === 0 && report === undefined && (
          <p className="hint">
            {questionOpen
              ? 'Answer the question first if you want to test yourself: stepping runs the cluster on and may show the answer. '
              : 'Step through what happens next, one event at a time. '}
            Next always continues the chapter from this step’s moment.
          </p>
        )}
      </div>
    </section>
  );
}

function Panel({ id, featured, children }: { id: PanelId; featured: boolean; children: ReactNode }) {
  const label = PANELS.find((p) => p.id === id)!.label;
  return (
    <section className={`guide-panel guide-panel-${id}${featured ? ' featured' : ''}`} aria-label={label} data-panel={id}>
      <h3>{label}</h3>
      {children}
    </section>
  );
}

/** The smallest window that shows what happened since the step's moment began, with a margin (20 ms at least). */
function windowFor(ms: number): number {
  return SPACETIME_WINDOWS.find((w) => w >= ms) ?? SPACETIME_WINDOWS[SPACETIME_WINDOWS.length - 1];
}

/** Whether the guide's diagram draws heartbeats and pings: off at first (the story's messages first), then as the learner last chose, step after step. */
let guideHeartbeats = false;

function GuideSpaceTime({ exploring, snap, stepStart }: { exploring: Exploring | null; snap: ClusterSnap; stepStart: number }) {
  const [selected, setSelected] = useState<number | null>(null);
  const source = useMemo(() => (exploring === null ? null : { feed: exploring.x.feed(8000), inFlight: exploring.x.driver.inFlight() }), [exploring]);
  // The first window: a little more than the step's own span, so its messages are all in view and a
  // step of a few milliseconds is not squeezed against the right edge. The span starts at the step's
  // first event that is not background (heartbeats, pings, sync), which the diagram hides at first;
  // in a step of background only (the first pings), at its first event (not at its start: on a phone,
  // 100 quiet ms squeezed the pings into the right fifth of the chart).
  // SpaceTimeView takes it once, when it mounts (the diagram appears once the source is ready).
  const first = useMemo(() => {
    const inStep = source?.feed.filter((item) => item.e.at >= stepStart) ?? [];
    const start = (inStep.find((item) => categoryOf(item) !== 'background') ?? inStep[0])?.e.at ?? stepStart;
    return windowFor(Math.max(20, (snap.now - start) * 1.25));
  }, [source, snap.now, stepStart]);
  if (source === null) return <p className="hint">Preparing the diagram…</p>;
  return (
    <SpaceTimeView
      feed={source.feed}
      now={snap.now}
      nodeIds={snap.nodes.map((v) => v.id)}
      inFlight={source.inFlight}
      selected={selected}
      onSelect={setSelected}
      initialWindowMs={first}
      minLaneHeight={30}
      // The story's messages first: heartbeats and pings are one click away, and stay shown once ticked.
      initialHeartbeats={guideHeartbeats}
      onHeartbeatsChange={(on) => {
        guideHeartbeats = on;
      }}
    />
  );
}

/** Whether a panel's chip is offered: the usual ones always, the others when this cluster has something for them. */
function offered(id: PanelId, snap: ClusterSnap, cluster: SimCluster): boolean {
  if (id === 'history') return snap.topics !== undefined && snap.topics.list.length > 0;
  if (id === 'replies') return snap.clientLines.length > 0;
  if (id === 'detector') return (cluster.options.detector?.kind ?? 'timeout') !== 'off';
  return true;
}

/** Who leads, as the ring shows it: every node up in the leader role (two when a stale leader has not heard of a newer one, or a safety rule is off). */
function leadersText(snap: ClusterSnap): string {
  const leaders = snap.nodes.filter((v) => v.up && v.role === 'leader');
  if (leaders.length === 0) return 'no leader';
  if (leaders.length === 1) return `leader ${leaders[0].id}`;
  return `leaders ${leaders.map((v) => `${v.id} (term ${v.term})`).join(', ')}`;
}

export function GuideView(props: GuideViewProps) {
  const { snap, cluster, exploring, pick, panels, featured, onTogglePanel, inspect, onInspect, stepStart, kind } = props;
  // A panel opened from its chip on a phone lands below the fold, where nothing seems to change: bring it into view.
  const opened = useRef<PanelId | null>(null);
  useEffect(() => {
    const id = opened.current;
    if (id === null) return;
    opened.current = null;
    const el = document.querySelector<HTMLElement>(`.guide-view [data-panel="${id}"]`);
    if (el !== null && el.getBoundingClientRect().top > window.innerHeight * 0.8) el.scrollIntoView?.({ block: 'nearest' });
  });
  const nodeIds = snap.nodes.map((v) => v.id);
  const inspected = inspect !== undefined && nodeIds.includes(inspect) ? inspect : (snap.leader ?? nodeIds[0]);
  const panel = (id: PanelId, first = false) => (
    <Panel key={id} id={id} featured={first}>
      {id === 'nodes' && <NodeTable snap={snap} {...(pick ? { pick } : {})} />}
      {id === 'inflight' && <InFlightPanel snap={snap} kind={kind} />}
      {id === 'spacetime' && <GuideSpaceTime exploring={exploring} snap={snap} stepStart={stepStart} />}
      {id === 'inspector' && <GuideInspector snap={snap} cluster={cluster} id={inspected} onInspect={onInspect} />}
      {id === 'clocks' && <ClocksTable snap={snap} />}
      {id === 'history' && (snap.topics !== undefined && snap.topics.list.length > 0 ? <Topics snap={snap} /> : <p className="hint">No topic holds a message yet.</p>)}
      {id === 'replies' && (snap.clientLines.length > 0 ? <ClientLines snap={snap} /> : <p className="hint">No client has typed anything yet.</p>)}
      {id === 'detector' && <DetectorPanel snap={snap} cluster={cluster} />}
      {id === 'checks' && <ChecksPanel snap={snap} />}
    </Panel>
  );
  return (
    <section className="guide-view" aria-label="The cluster" data-testid="guide-cluster" data-fingerprint={snap.fingerprint} data-now={snap.now} data-events={snap.events}>
      <StepBar {...props} />
      <Violations snap={snap} />
      {PANELS.filter((p) => panels.has(p.id) && featured.includes(p.id)).map((p) => panel(p.id, true))}
      <div className="guide-view-main">
        <div className="guide-ring-box">
          <p className="guide-clock">
            <span>seed {snap.seed}</span>
            <span>{leadersText(snap)}</span>
          </p>
          <Ring snap={snap} {...(pick ? { pick } : {})} />
          {pick !== undefined && <p className="hint guide-pick-hint">Tap a node to answer, or use the buttons under the question.</p>}
        </div>
        <LogGrid nodes={snap.nodes} {...(pick?.selected !== undefined ? { focus: pick.selected } : {})} />
      </div>
      {snap.cuts.length > 0 && <p className="hint">Cut one way: {snap.cuts.map(([a, b]) => `${a}→${b}`).join(', ')}</p>}
      <div className="guide-panel-chips" role="group" aria-label="Show panels">
        {PANELS.filter((p) => panels.has(p.id) || offered(p.id, snap, cluster)).map((p) => (
          <button key={p.id} type="button" className={`chip${panels.has(p.id) ? ' on' : ''}`} aria-pressed={panels.has(p.id)}
            onClick={() => {
              if (!panels.has(p.id)) opened.current = p.id;
              onTogglePanel(p.id);
            }}
          >
            {p.label}
          </button>
        ))}
      </div>
      {PANELS.filter((p) => panels.has(p.id) && !featured.includes(p.id)).map((p) => panel(p.id))}
    </section>
  );
}
