// Two runs side by side: two branches of this run, or this run's actions on two seeds. Both are replayed
// headlessly; one time slider drives both panes (each node's state and the latest events at that
// moment), and the first event where the runs differ is marked, with each node's state right after it.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { branchName, savedBranches, useBranches, type Branch } from '../../store/branches';
import { clusterOptions } from '../../store/runOptions';
import { plural } from '../plural';
import { formatMs, getDriver } from '../../store/sim';
import { STEP_KINDS, type StepKind } from '../../store/stepKinds';
import { closeCompare } from './compareState';
import { MAX_ROWS, RunCursor, capRuns, comparedUpTo, differingFields, firstDifference, nodeLines, record, type Difference, type NodeLine, type Recorded, type Row, type RunSpec } from './compareModel';
import { LayerError } from '../LayerError';
import './compare.css';

/** Said when a run passed the events a comparison keeps. */
const NOT_COMPARED = `(a comparison keeps the first ${MAX_ROWS.toLocaleString('en-US')} events of each run), so a difference after that is not found`;

/** What Compare found when the runs agree on every event it kept: the same up to the shorter end, or only up to where it stopped keeping. */
function sameText(r: Result, kindName: string): { head: string; rest: string } {
  const n = Math.min(r.a.rows.length, r.b.rows.length).toLocaleString('en-US');
  const upTo = comparedUpTo(r.a, r.b);
  return upTo.cut
    ? { head: `Not compared past ${formatMs(upTo.at)}`, rest: `the two runs have the same first ${n} ${kindName}events ${NOT_COMPARED}.` }
    : { head: 'No difference', rest: `the two runs have the same ${n} ${kindName}events up to ${formatMs(upTo.at)}.` };
}

type Mode = 'branches' | 'seeds';

interface Result {
  a: Recorded;
  b: Recorded;
  diff: Difference | null;
  /** Node states right after each run's first differing event. */
  atDiff?: { a: NodeLine[]; b: NodeLine[] };
  /** Compared only up to `at` (MAX_COMPARE_NODE_MS on `nodes`): the runs went on to `longest`. */
  capped?: { at: number; nodes: number; longest: number };
}

const SEED_RUN_MS = 3000;


/** Which branch runs as side A or B. */
function BranchSelect({ side, branches, value, onChange }: { side: 'A' | 'B'; branches: readonly Branch[]; value: number; onChange: (id: number) => void }) {
  return (
    <label>
      {side}{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))} aria-label={`Run ${side}`}>
        {branches.map((b) => (
          <option key={b.id} value={b.id}>
            {branchName(b)}
          </option>
        ))}
      </select>
    </label>
  );
}

function branchSpec(b: Branch): RunSpec {
  return { label: branchName(b), options: clusterOptions(b.run), actions: b.actions, end: b.end };
}

function seedSpec(base: Branch, seed: number, end: number): RunSpec {
  return { label: `seed ${seed}`, options: { ...clusterOptions(base.run), seed }, actions: base.actions, end, byTime: true };
}

/** Index of the last row at or before `t` (−1 when none). */
function lastAt(rows: readonly Row[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid].at <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The time of the next (dir 1) or previous (dir −1) compared event of either run, from `t`. */
function stepTime(r: Result, t: number, dir: 1 | -1): number {
  let best = dir === 1 ? Math.max(r.a.end, r.b.end) : 0;
  for (const rows of [r.a.rows, r.b.rows]) {
    const k = lastAt(rows, t);
    if (dir === 1) {
      const next = rows[k + 1];
      if (next !== undefined && next.at < best) best = next.at;
    } else {
      // The last event strictly before t.
      let j = k;
      while (j >= 0 && rows[j].at >= t) j--;
      if (j >= 0 && rows[j].at > best) best = rows[j].at;
    }
  }
  return best;
}

function NodeTable({ lines, other, caption }: { lines: readonly NodeLine[]; other: readonly NodeLine[]; caption: string }) {
  return (
    <table className="cmp-nodes">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">node</th>
          <th scope="col">state</th>
          <th scope="col">term</th>
          <th scope="col">voted</th>
          <th scope="col">log</th>
          <th scope="col">commit</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((n) => {
          const d = differingFields(lines, other, n.id);
          /** A cell, marked when it differs from the other run's (by colour, and in words for a screen reader). */
          const cell = (k: keyof NodeLine, text: ReactNode, extra = ''): ReactNode => (
            <td className={`${d.has(k) ? 'cmp-differs' : ''} ${extra}`.trim() || undefined}>
              {text}
              {d.has(k) && <span className="sr-only"> (differs)</span>}
            </td>
          );
          return (
            <tr key={n.id}>
              <th scope="row">{n.id}</th>
              {cell('role', n.role, `role-${n.role}`)}
              {cell('term', n.term)}
              {cell('votedFor', n.votedFor ?? '—')}
              {cell('log', n.log)}
              {cell('commit', n.commit)}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Events({ rows, t, diff, first }: { rows: readonly Row[]; t: number; diff: Difference | null; first: Row | undefined }) {
  const k = lastAt(rows, t);
  const from = Math.max(0, k - 11);
  const shown = rows.slice(from, Math.min(rows.length, k + 3));
  return (
    <ol className="cmp-events" start={from + 1} aria-label="Events up to this moment (and the next two)">
      {shown.map((r) => {
        const isFirst = first !== undefined && r.i === first.i;
        const after = diff !== null && (first === undefined ? r.at > diff.at : r.i > first.i);
        const cls = [r.at > t ? 'cmp-future' : '', isFirst ? 'cmp-first-diff' : after ? 'cmp-after' : ''].join(' ').trim();
        return (
          <li key={r.i} className={cls || undefined} {...(isFirst ? { 'data-testid': 'cmp-first-diff-row' } : {})}>
            <span className="cmp-at">{formatMs(r.at)}</span> {r.text}
          </li>
        );
      })}
      {shown.length === 0 && <li className="muted">No event yet.</li>}
    </ol>
  );
}

/** The comparison, behind an error boundary: a failure says so, and the page behind it stays. */
export function CompareView() {
  return (
    <LayerError what="The comparison" onClose={closeCompare}>
      <CompareViewBody />
    </LayerError>
  );
}

function CompareViewBody() {
  const [branches] = useState(savedBranches);
  const current = useBranches.getState().current;
  const cur = branches.find((b) => b.id === current) ?? branches[0];
  const [mode, setMode] = useState<Mode>(branches.length >= 2 ? 'branches' : 'seeds');
  const [aId, setA] = useState(cur.id);
  const [bId, setB] = useState(() => cur.parent ?? branches.find((b) => b.id !== cur.id)?.id ?? cur.id);
  const [seedA, setSeedA] = useState(cur.run.seed);
  const [seedB, setSeedB] = useState(cur.run.seed + 1);
  const [kind, setKind] = useState<StepKind>('raft');
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [t, setT] = useState(0);
  const [cursors, setCursors] = useState<{ a: RunCursor; b: RunCursor } | null>(null);

  const compare = (): void => {
    setError(null);
    try {
      let sa: RunSpec;
      let sb: RunSpec;
      if (mode === 'branches') {
        const ba = branches.find((b) => b.id === aId)!;
        const bb = branches.find((b) => b.id === bId)!;
        sa = branchSpec(ba);
        sb = branchSpec(bb);
      } else {
        const end = Math.max(cur.end, SEED_RUN_MS);
        sa = seedSpec(cur, seedA, end);
        sb = seedSpec(cur, seedB, end);
      }
      // The runs compared share the run's options: its nodes now stand for theirs. Past the cap, only their start is compared.
      const nodes = getDriver().cluster.nodeIds.length;
      const capped = capRuns(sa, sb, nodes);
      [sa, sb] = capped.specs;
      const a = record(sa, kind);
      const b = record(sb, kind);
      const diff = firstDifference(a, b);
      const r: Result = { a, b, diff, ...(capped.at !== undefined ? { capped: { at: capped.at, nodes, longest: capped.longest } } : {}) };
      if (diff !== null) {
        const ca = new RunCursor(sa);
        const cb = new RunCursor(sb);
        const last = (x: Recorded): number => x.rows.at(-1)?.i ?? 0;
        r.atDiff = { a: nodeLines(ca.toEvent(diff.a?.i ?? last(a))), b: nodeLines(cb.toEvent(diff.b?.i ?? last(b))) };
        ca.dispose();
        cb.dispose();
      }
      setCursors({ a: new RunCursor(sa), b: new RunCursor(sb) });
      setResult(r);
      setT(diff !== null ? diff.at : Math.max(a.end, b.end));
    } catch (err) {
      setResult(null);
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  useEffect(
    () => () => {
      cursors?.a.dispose();
      cursors?.b.dispose();
    },
    [cursors],
  );

  const states = useMemo(() => {
    if (result === null || cursors === null) return null;
    return { a: nodeLines(cursors.a.to(Math.min(t, result.a.end))), b: nodeLines(cursors.b.to(Math.min(t, result.b.end))) };
  }, [result, cursors, t]);

  const maxEnd = result === null ? 0 : Math.max(result.a.end, result.b.end);
  const diff = result?.diff ?? null;
  // "Raft " before "events" when one kind is compared; nothing for all events.
  const kindName = result === null || result.a.kind === 'all' ? '' : `${STEP_KINDS.find((k) => k.id === result.a.kind)?.label ?? ''} `;
  const sameBranch = mode === 'branches' && aId === bId;

  return (
    <div className="cmp" data-testid="compare-view">
      <header className="cmp-head" role="none">
        <h1>Compare two runs</h1>
        <button type="button" className="btn small" onClick={closeCompare} aria-label="Close the comparison">
          ✕
        </button>
      </header>
      {/* Always there (a region that appears with its text may not be read out): what Compare found, in one sentence. */}
      <p className="sr-only" role="status" data-testid="compare-announce">
        {result === null
          ? ''
          : diff === null
            ? `${sameText(result, kindName).head}: ${sameText(result, kindName).rest}`
            : diff.index === 0
              ? `The runs differ from their first ${kindName}event, at t = ${formatMs(diff.at)}.`
              : `The runs agree on their first ${diff.index} ${kindName}${diff.index === 1 ? 'event' : 'events'}, then first differ at t = ${formatMs(diff.at)}.`}
      </p>
      <div className="cmp-controls">
        <fieldset className="cmp-mode">
          <legend className="sr-only">What to compare</legend>
          <label>
            <input type="radio" name="cmp-mode" checked={mode === 'branches'} onChange={() => setMode('branches')} disabled={branches.length < 2} /> Two branches
          </label>
          <label>
            <input type="radio" name="cmp-mode" checked={mode === 'seeds'} onChange={() => setMode('seeds')} /> This run on two seeds
          </label>
        </fieldset>
        {mode === 'branches' ? (
          <>
            <BranchSelect side="A" branches={branches} value={aId} onChange={setA} />
            <BranchSelect side="B" branches={branches} value={bId} onChange={setB} />
          </>
        ) : (
          <>
            <label>
              Seed A <input type="number" value={seedA} onChange={(e) => setSeedA(Math.trunc(Number(e.target.value)))} aria-label="Seed A" className="cmp-seed" />
            </label>
            <label>
              Seed B <input type="number" value={seedB} onChange={(e) => setSeedB(Math.trunc(Number(e.target.value)))} aria-label="Seed B" className="cmp-seed" />
            </label>
            <span className="hint">
              Same options{cur.actions.length === 0 ? ' and no actions' : ` and the same ${plural(cur.actions.length, 'action')} at the same times`}, for{' '}
              {formatMs(Math.max(cur.end, SEED_RUN_MS))}.
            </span>
          </>
        )}
        <label title="Which events to compare: a difference in pings or clock sync alone is often not the one that matters">
          Events{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as StepKind)} aria-label="Events to compare">
            {STEP_KINDS.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="btn primary" onClick={compare} disabled={sameBranch} data-testid="compare-run">
          Compare
        </button>
        {sameBranch && <span className="hint">Pick two different branches.</span>}
      </div>
      {error !== null && (
        <p className="invalid cmp-pad" role="alert">
          Could not replay these runs: {error}
        </p>
      )}
      {result === null && error === null && (
        <p className="hint cmp-pad">
          Both runs are replayed from time 0; a slider then moves both to the same moment, and the first event where they differ is marked.
        </p>
      )}
      {result !== null && (
        <div className="cmp-result">
          <section className={diff === null ? 'cmp-summary same' : 'cmp-summary'} aria-label="Where the runs first differ" data-testid="compare-summary">
            {diff === null ? (
              <p>
                <strong>{sameText(result, kindName).head}</strong>: {sameText(result, kindName).rest}
              </p>
            ) : (
              <>
                <p>
                  {diff.index === 0 ? (
                    <>The runs differ from their first {kindName}event, at </>
                  ) : (
                    <>
                      The runs agree on their first <strong>{diff.index}</strong> {kindName}
                      {diff.index === 1 ? 'event' : 'events'}, then first differ at{' '}
                    </>
                  )}
                  <strong>t = {formatMs(diff.at)}</strong>:
                </p>
                <div className="cmp-two">
                  <div>
                    <h2>A: {result.a.spec.label}</h2>
                    <p className="cmp-diff-event">{diff.a !== undefined ? `${formatMs(diff.a.at)} ${diff.a.text}` : 'the run had ended'}</p>
                    {result.atDiff !== undefined && <NodeTable lines={result.atDiff.a} other={result.atDiff.b} caption="Run A's nodes right after its first differing event" />}
                  </div>
                  <div>
                    <h2>B: {result.b.spec.label}</h2>
                    <p className="cmp-diff-event">{diff.b !== undefined ? `${formatMs(diff.b.at)} ${diff.b.text}` : 'the run had ended'}</p>
                    {result.atDiff !== undefined && <NodeTable lines={result.atDiff.b} other={result.atDiff.a} caption="Run B's nodes right after its first differing event" />}
                  </div>
                </div>
                <p className="hint">Each node’s state right after that event; cells that differ between the runs are marked.</p>
              </>
            )}
            {result.capped !== undefined && (
              <p className="hint" data-testid="compare-capped">
                Compared up to {formatMs(result.capped.at)} only: on {plural(result.capped.nodes, 'node')} Compare replays at most that much of each run (they go on to{' '}
                {formatMs(result.capped.longest)}; replaying more would hold the page for long), so a difference after it is not found.
              </p>
            )}
          </section>
          <section className="cmp-sync" aria-label="Both runs at one moment">
            <div className="cmp-slider">
              <label htmlFor="cmp-t">Both runs at t =</label>
              <input
                id="cmp-t"
                type="range"
                min={0}
                max={maxEnd}
                step={0.1}
                value={t}
                onChange={(e) => setT(Number(e.target.value))}
                aria-valuetext={formatMs(t)}
                data-testid="compare-slider"
              />
              <output htmlFor="cmp-t" data-testid="compare-t">
                {formatMs(t)}
              </output>
              <button type="button" className="btn small" onClick={() => setT(stepTime(result, t, -1))} disabled={t <= 0} aria-label="Both runs to the previous event">
                ◀ Event
              </button>
              <button type="button" className="btn small" onClick={() => setT(stepTime(result, t, 1))} disabled={t >= maxEnd} aria-label="Both runs to the next event">
                Event ▶
              </button>
              {diff !== null && (
                <button type="button" className="btn small" onClick={() => setT(diff.at)}>
                  To the first difference
                </button>
              )}
            </div>
            {diff !== null && maxEnd > 0 && (
              <div className="cmp-track" aria-hidden="true">
                <div className="cmp-track-same" style={{ width: `${(100 * diff.at) / maxEnd}%` }} />
                <div className="cmp-track-mark" style={{ left: `${(100 * diff.at) / maxEnd}%` }} title={`first difference at ${formatMs(diff.at)}`} />
              </div>
            )}
            {states !== null && (
              <div className="cmp-two">
                <div className="cmp-pane" data-testid="compare-pane-a">
                  <h2>A: {result.a.spec.label}</h2>
                  <NodeTable lines={states.a} other={states.b} caption={`Run A's nodes at ${formatMs(t)}`} />
                  <Events rows={result.a.rows} t={t} diff={diff} first={diff?.a} />
                </div>
                <div className="cmp-pane" data-testid="compare-pane-b">
                  <h2>B: {result.b.spec.label}</h2>
                  <NodeTable lines={states.b} other={states.a} caption={`Run B's nodes at ${formatMs(t)}`} />
                  <Events rows={result.b.rows} t={t} diff={diff} first={diff?.b} />
                </div>
              </div>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
