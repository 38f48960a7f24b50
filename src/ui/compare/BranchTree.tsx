// The run's branches as a tree under the timeline: one line per branch from its fork to its end, joined
// to the branch it forked from; click one to switch to it (it is replayed at the same moment).
import { useRef } from 'react';
import { branchName, switchBranch, useBranches, type Branch } from '../../store/branches';
import { formatMs, showNotice, useSim } from '../../store/sim';
import { openCompare } from './compareState';
import { useWidth } from '../useWidth';
import './compare.css';

const ROW = 22;
const PAD = 10;

/** Depth-first order: each branch right below the one it forked from, earlier forks first. */
export function treeOrder(branches: readonly Branch[]): Array<{ b: Branch; depth: number }> {
  const out: Array<{ b: Branch; depth: number }> = [];
  const visit = (parent: number | null, depth: number): void => {
    for (const b of branches.filter((x) => x.parent === parent).sort((x, y) => x.forkAt - y.forkAt || x.id - y.id)) {
      out.push({ b, depth });
      visit(b.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** Under the timeline; draws (and follows the playhead) only once the run has forked. */
export function BranchTree() {
  const forked = useBranches((s) => s.branches.length > 1);
  return forked ? <Tree /> : null;
}

function Tree() {
  const branches = useBranches((s) => s.branches);
  const current = useBranches((s) => s.current);
  const now = useSim((s) => s.now);
  const horizon = useSim((s) => s.horizon);
  const liveMarks = useSim((s) => s.marks);
  const busy = useSim((s) => s.task !== null);
  const wrap = useRef<HTMLDivElement>(null);
  const width = useWidth(wrap, 600);
  const order = treeOrder(branches);
  const endOf = (b: Branch): number => (b.id === current ? Math.max(horizon, now) : b.end);
  const maxEnd = Math.max(1, ...branches.map(endOf));
  const inner = Math.max(10, width - 2 * PAD);
  const x = (t: number): number => PAD + (t / maxEnd) * inner;
  const rowOf = new Map(order.map((o, i) => [o.b.id, i]));
  const go = (id: number): void => {
    if (busy) return;
    const err = switchBranch(id);
    if (err !== undefined) showNotice({ kind: 'error', text: `Could not switch branches: ${err}` });
  };
  const height = order.length * ROW + 4;
  return (
    <div className="branches" aria-label="Branches of this run">
      <div className="branches-head">
        <span className="branches-title">
          Branches <span className="muted">({branches.length}) — each fork keeps the run it replaced; pick one to replay it</span>
        </span>
        <button type="button" className="btn small" onClick={() => openCompare()} data-testid="compare-open">
          Compare two…
        </button>
      </div>
      <div className="branches-body">
        <ul className="branches-list">
          {order.map(({ b, depth }) => (
            <li key={b.id} style={{ height: ROW }}>
              <button
                type="button"
                className={`branch-btn${b.id === current ? ' current' : ''}`}
                style={{ paddingLeft: `${0.3 + depth * 0.8}rem` }}
                aria-current={b.id === current ? 'true' : undefined}
                disabled={busy}
                onClick={() => go(b.id)}
                title={`${branchName(b)} — ends at ${formatMs(endOf(b))}`}
                data-branch={b.id}
              >
                {depth > 0 && <span aria-hidden="true">↳ </span>}
                {branchName(b)}
              </button>
            </li>
          ))}
        </ul>
        <div className="branches-plot" ref={wrap}>
          <svg width={width} height={height} aria-hidden="true">
            {order.map(({ b }, i) => {
              const y = i * ROW + ROW / 2 + 2;
              const parentRow = b.parent === null ? undefined : rowOf.get(b.parent);
              const marks = b.id === current ? liveMarks.filter((m) => m.kind === 'leader' || m.kind === 'crash' || m.kind === 'violation') : b.marks;
              return (
                <g key={b.id} className={`branch-row${b.id === current ? ' current' : ''}`} onClick={() => go(b.id)}>
                  {parentRow !== undefined && (
                    <path className="branch-link" d={`M${x(b.forkAt)},${parentRow * ROW + ROW / 2 + 2} V${y}`} />
                  )}
                  <line className="branch-line" x1={x(b.forkAt)} x2={Math.max(x(b.forkAt) + 2, x(endOf(b)))} y1={y} y2={y} />
                  <circle className="branch-fork" cx={x(b.forkAt)} cy={y} r={3.5} />
                  {marks.slice(0, 300).map((m) =>
                    m.at >= b.forkAt ? <line key={`${m.kind}-${m.seq}`} className={`branch-mark ${m.kind}`} x1={x(m.at)} x2={x(m.at)} y1={y - 5} y2={y + 5} /> : null,
                  )}
                  <rect className="branch-hit" x={x(b.forkAt)} y={y - ROW / 2} width={Math.max(6, x(endOf(b)) - x(b.forkAt))} height={ROW} />
                </g>
              );
            })}
            {rowOf.has(current) && <line className="branch-now" x1={x(now)} x2={x(now)} y1={rowOf.get(current)! * ROW + 3} y2={rowOf.get(current)! * ROW + ROW + 1} />}
          </svg>
          <div className="branches-axis">
            <span>0</span>
            <span>{formatMs(maxEnd)}</span>
          </div>
        </div>
      </div>
    </div>
  );
}
