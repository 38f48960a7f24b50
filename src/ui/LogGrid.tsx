// Every node's log side by side, as the Raft paper's figures 6–8 draw them: one row per node, one
// column per log index, each entry coloured by the term that created it with the term number in it,
// committed entries solid and the rest dashed, and a bar after each node's commit index.
import { memo, useLayoutEffect, useRef } from 'react';
import type { NodeView } from '../sim';
import { termColor, termInk } from './colors';
import { commandText } from './explain';
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

function roleOf(v: NodeView): string {
  if (!v.up) return 'down';
  return v.role;
}

/** Everything the grid shows, as one string: equal keys draw the same grid. */
export function logGridKey({ nodes, focus, maxColumns = DEFAULT_COLUMNS, title }: LogGridProps): string {
  const width = nodes.reduce((m, v) => Math.max(m, v.log.length), 0);
  const first = Math.max(1, width - maxColumns + 1);
  let key = `${focus ?? ''}|${title ?? ''}|${first}|${width}`;
  for (const v of nodes) {
    key += `|${v.id}:${roleOf(v)}:${v.connected ? 1 : 0}:${v.commitIndex}:${v.log.length}:`;
    for (let i = first - 1; i < v.log.length; i++) key += `${v.log[i].term},`;
  }
  return key;
}

function LogGridInner({ nodes, focus, maxColumns = DEFAULT_COLUMNS, title = 'Logs' }: LogGridProps) {
  const wrap = useRef<HTMLDivElement>(null);
  const width = nodes.reduce((m, v) => Math.max(m, v.log.length), 0);
  const first = Math.max(1, width - maxColumns + 1);
  const indices: number[] = [];
  for (let i = first; i <= width; i++) indices.push(i);
  // The newest entries are what changes: keep them in view when the grid is wider than its box.
  useLayoutEffect(() => {
    const el = wrap.current;
    if (el !== null && el.scrollWidth > el.clientWidth) el.scrollLeft = el.scrollWidth;
  }, [width]);
  return (
    <section className="loggrid" aria-label={title || 'Logs'} data-testid="log-grid">
      {title !== '' && <h3 className="loggrid-title">{title}</h3>}
      {width === 0 ? (
        <p className="hint">Every log is empty.</p>
      ) : (
        <div className="loggrid-wrap" ref={wrap} role="region" aria-label={`${title || 'Logs'}: index × node`} tabIndex={0}>
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
                  <th key={i} scope="col" className="lg-index">
                    {i}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {nodes.map((v) => {
                const role = roleOf(v);
                const cut = v.up && !v.connected;
                return (
                  <tr key={v.id} className={`lg-row ${role}${cut ? ' cut' : ''}${focus === v.id ? ' focus' : ''}`} data-node={v.id} data-commit={v.commitIndex}>
                    <th scope="row" className="lg-node" aria-label={`${v.id}: ${role}${cut ? ', cut off' : ''}, commit index ${v.commitIndex}`} title={`${v.id}: ${role}${cut ? ', cut off' : ''}, commit index ${v.commitIndex}`}>
                      <span className={`lg-dot ${role}`} />
                      <span className="lg-id">{v.id}</span>
                      <span className="lg-commit">c{v.commitIndex}</span>
                    </th>
                    {first > 1 && <td className="lg-more" />}
                    {indices.map((i) => {
                      const e = v.log[i - 1];
                      if (e === undefined) return <td key={i} className="lg-cell empty" />;
                      const committed = i <= v.commitIndex;
                      const edge = i === v.commitIndex;
                      return (
                        <td
                          key={i}
                          className={`lg-cell ${committed ? 'committed' : 'pending'}${edge ? ' edge' : ''}`}
                          style={{ '--term': termColor(e.term), '--ink': committed ? termInk(e.term) : undefined } as React.CSSProperties}
                          title={`${v.id}, index ${i}: term ${e.term}, ${committed ? 'committed' : 'not committed'} — ${commandText(e.command)}`}
                          data-term={e.term}
                        >
                          {e.term}
                          <span className="sr-only">{committed ? ' committed' : ' not committed'}</span>
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
          <span className="lg-key pending" /> not yet committed
        </span>
        <span>
          <span className="lg-key edge" /> commit index (c)
        </span>
        <span>number = term</span>
      </p>
    </section>
  );
}

/** Redraws only when what it shows changed (not on every published frame of a running cluster). */
export const LogGrid = memo(LogGridInner, (a, b) => a.nodes === b.nodes || logGridKey(a) === logGridKey(b));
