// Every node's log side by side, as the Raft paper's figures 6–8 draw them: one row per node, one
// column per log index, each entry coloured by the term that created it with the term number in it,
// committed entries solid and the rest dashed, a bar after each node's commit index, and the prefix a
// snapshot replaced (§7) hatched.
import { memo } from 'react';
import type { NodeView } from '../sim';
import { termClass } from './colors';
import { explainers } from './explainLater';
import './logGrid.css';

export interface LogGridProps {
  readonly nodes: readonly NodeView[];
  /** A row to highlight (the inspected or picked node). */
  readonly focus?: string;
  /** At most this many indices, the newest (default 60): earlier ones are summarised in one cell. */
  readonly maxColumns?: number;
  /** The heading above the grid (default "Logs"); empty for none. */
  readonly title?: string;
}

const DEFAULT_COLUMNS = 60;

/** A cell's tooltip text for an entry's command, per entry view (the nodes' views share one per index). */
const commandTitles = new WeakMap<object, string>();
function commandTitle(e: { command: unknown }): string {
  let t = commandTitles.get(e);
  if (t === undefined) commandTitles.set(e, (t = explainers()?.commandText(e.command) ?? ''));
  return t;
}

function roleOf(v: NodeView): string {
  if (!v.up) return 'down';
  return v.role;
}

/** The index the node's snapshot ends at (0: none); its log holds the entries after it (§7). */
export function snapshotIndexOf(v: NodeView): number {
  return v.snapshot?.lastIncludedIndex ?? 0;
}

/** The index of the node's last entry, counting the entries its snapshot replaced. */
export function lastIndexOf(v: NodeView): number {
  return snapshotIndexOf(v) + v.log.length;
}

/** What the row's name says besides its role: learner (thesis §4.2.1), or not a voter of its own configuration. */
function memberNote(v: NodeView): string {
  if (v.removed === true) return 'removed';
  if (v.learner === true) return 'learner';
  return '';
}

/** Everything the grid shows, as one string: equal keys draw the same grid. */
export function logGridKey({ nodes, focus, maxColumns = DEFAULT_COLUMNS, title }: LogGridProps): string {
  const width = nodes.reduce((m, v) => Math.max(m, lastIndexOf(v)), 0);
  const first = Math.max(1, width - maxColumns + 1);
  let key = `${focus ?? ''}|${title ?? ''}|${first}|${width}`;
  for (const v of nodes) {
    const snap = snapshotIndexOf(v);
    key += `|${v.id}:${roleOf(v)}:${memberNote(v)}:${v.connected ? 1 : 0}:${v.commitIndex}:${snap}:${v.log.length}:`;
    for (let i = Math.max(0, first - 1 - snap); i < v.log.length; i++) key += `${v.log[i].term},`;
  }
  return key;
}

function LogGridInner({ nodes, focus, maxColumns = DEFAULT_COLUMNS, title = 'Logs' }: LogGridProps) {
  const width = nodes.reduce((m, v) => Math.max(m, lastIndexOf(v)), 0);
  const compacted = nodes.some((v) => snapshotIndexOf(v) > 0);
  const first = Math.max(1, width - maxColumns + 1);
  const indices: number[] = [];
  for (let i = first; i <= width; i++) indices.push(i);
  // Cells are keyed by their column, not their index: after a seek, or as the newest entries push the window on,
  // a column's cell is updated in place (often only its title) instead of every cell being built anew (issue 11).
  return (
    <section className="loggrid" aria-label={title || 'Logs'} data-testid="log-grid">
      {title !== '' && <h3 className="loggrid-title">{title}</h3>}
      {width === 0 ? (
        <p className="hint">Every log is empty.</p>
      ) : (
        <div className="loggrid-wrap" role="region" aria-label={`${title || 'Logs'}: index × node`} tabIndex={0}>
          <table className="loggrid-table">
            <caption className="sr-only">Each node’s log: one row per node, one column per log index; a cell shows the term of its entry.</caption>
            <thead>
              <tr>
                <th scope="col" className="lg-corner">
                  <span className="sr-only">Node</span>
                  <span aria-hidden="true">index</span>
                </th>
                {first > 1 && (
                  <th scope="col" className="lg-more" title={`entries 1–${first - 1} are not shown`}>
                    …
                  </th>
                )}
                {indices.map((i) => (
                  <th key={i - first} scope="col" className="lg-index">
                    {i}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {nodes.map((v) => {
                const role = roleOf(v);
                const cut = v.up && !v.connected;
                const note = memberNote(v);
                const snap = snapshotIndexOf(v);
                const said = `${v.id}: ${role}${note ? `, ${note}` : ''}${cut ? ', cut off' : ''}, commit index ${v.commitIndex}${snap > 0 ? `, snapshot up to ${snap}` : ''}`;
                return (
                  <tr key={v.id} className={`lg-row ${role}${note ? ` ${note}` : ''}${cut ? ' cut' : ''}${focus === v.id ? ' focus' : ''}`} data-node={v.id} data-commit={v.commitIndex} data-snapshot={snap}>
                    <th scope="row" className="lg-node" aria-label={said} title={said}>
                      <span className={`lg-dot ${role}${note ? ` ${note}` : ''}`} />
                      <span className="lg-id">{v.id}</span>
                      {note === 'learner' && <span className="lg-note">learner</span>}
                      <span className="lg-commit">c{v.commitIndex}</span>
                    </th>
                    {first > 1 && <td className="lg-more" />}
                    {indices.map((i) => {
                      if (i <= snap) {
                        const last = i === snap;
                        const edge = i === v.commitIndex;
                        return (
                          <td
                            key={i - first}
                            className={`lg-cell compacted${last ? ' snap-end' : ''}${edge ? ' edge' : ''}`}
                            title={`${v.id}, index ${i}: in its snapshot (§7) — the log up to index ${snap} (term ${v.snapshot?.lastIncludedTerm ?? '?'}) was replaced by the state it produced`}
                            data-compacted=""
                          >
                            {last ? (v.snapshot?.lastIncludedTerm ?? '') : ''}
                            <span className="sr-only">{last ? ` last entry of the snapshot, term ${v.snapshot?.lastIncludedTerm ?? '?'}` : ' in the snapshot'}</span>
                          </td>
                        );
                      }
                      const e = v.log[i - snap - 1];
                      if (e === undefined) return <td key={i - first} className="lg-cell empty" />;
                      const committed = i <= v.commitIndex;
                      const edge = i === v.commitIndex;
                      return (
                        <td
                          key={i - first}
                          className={`lg-cell ${termClass(e.term)} ${committed ? 'committed' : 'pending'}${edge ? ' edge' : ''}`}
                          title={`${v.id}, index ${i}: term ${e.term}, ${committed ? 'committed' : 'not known committed here'} — ${commandTitle(e)}`}
                          data-term={e.term}
                        >
                          {e.term}
                          <span className="sr-only">{committed ? ' committed' : ' not known committed here'}</span>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className="loggrid-legend" aria-hidden="true">
        <span>
          <span className="lg-key committed" /> committed
        </span>
        <span>
          {/* A node knows an entry committed up to its commit index (Figure 2): past it, the entry may be committed elsewhere already. */}
          <span className="lg-key pending" /> not known committed here
        </span>
        <span>
          <span className="lg-key edge" /> commit index (c)
        </span>
        {compacted && (
          <span>
            <span className="lg-key compacted" /> in a snapshot (log compacted, §7)
          </span>
        )}
        <span>number = term</span>
      </p>
    </section>
  );
}

/** Redraws only when what it shows changed (not on every published frame of a running cluster). */
export const LogGrid = memo(LogGridInner, (a, b) => a.nodes === b.nodes || logGridKey(a) === logGridKey(b));
