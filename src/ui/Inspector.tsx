// The inspector: the selected message or node (their views load on first use, InspectorDetail.tsx), or an overview table.
import { Suspense, lazy, useEffect, useMemo, useRef, useState } from 'react';
import { ClusterMembership } from './RaftExtras';
import { afterEngine, afterFirstFrame, inFlightNow, selectMessage, selectNode, useSim } from '../store/sim';
import { plural } from './plural';

const MessageInspector = lazy(() => afterEngine(() => import('./InspectorDetail')).then((m) => ({ default: m.MessageInspector })));
const NodeInspector = lazy(() => afterEngine(() => import('./InspectorDetail')).then((m) => ({ default: m.NodeInspector })));
// The log grid comes after the first frame too (at time 0 every log is empty): it kept the first load under 100 KB.
const ClusterLogGrid = lazy(() => afterFirstFrame().then(() => import('./LogGrid')).then((m) => ({ default: m.LogGrid })));

/** Who leads, as the nodes themselves believe: after a partition two can, in different terms (§5.1); the older one is stale. */
function leadersText(nodes: ReadonlyArray<{ id: string; up: boolean; role: string; term: number; connected: boolean }>): string {
  const leaders = nodes.filter((n) => n.up && n.role === 'leader').sort((a, b) => b.term - a.term);
  const cut = (n: { connected: boolean }): string => (n.connected ? '' : ', cut off');
  if (leaders.length === 0) return 'Leader: none right now';
  if (leaders.length === 1) return `Leader: ${leaders[0].id}${leaders[0].connected ? '' : ' (cut off)'}`;
  const top = leaders[0];
  return `Leaders: ${leaders.map((n, i) => (i === 0 || n.term === top.term ? `${n.id} (term ${n.term}${cut(n)})` : `${n.id} (term ${n.term}${cut(n)}: stale, it has not heard of term ${top.term} yet)`)).join(' and ')}`;
}

function Overview() {
  const nodes = useSim((s) => s.nodes);
  const rows = useMemo(() => nodes.map((n) => ({ id: n.id, role: n.up ? n.role : 'down', term: n.term, commit: n.commitIndex, len: n.log.length, connected: n.connected })), [nodes]);
  return (
    <section className="inspector" aria-label="Overview">
      <h2>Cluster</h2>
      <p className="hint">{leadersText(nodes)}. Click a node (here or in the view) to inspect it, or a message to see its payload.</p>
      <table className="overview">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Role</th>
            <th scope="col">Term</th>
            <th scope="col">Commit</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                <button type="button" className="linkish" onClick={() => selectNode(r.id)}>
                  {r.id}
                </button>
              </th>
              <td>
                <span className={`role-badge ${r.role}`}>{r.role}</span>
                {!r.connected && <span className="role-badge disconnected">cut off</span>}
              </td>
              <td>{r.term}</td>
              <td>{r.commit}</td>
              <td>{r.len}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ClusterMembership />
      <Suspense fallback={null}>
        <ClusterLogGrid nodes={nodes} maxColumns={24} />
      </Suspense>
      <InFlightList />
    </section>
  );
}

/** Messages in flight as a list: an accessible way to inspect and drop them. */
function InFlightList() {
  useSim((s) => s.seq);
  // The list is built only while it is open: closed, its rows were rebuilt at every refresh for nothing (issue 11).
  const [open, setOpen] = useState(false);
  const msgs = inFlightNow();
  return (
    <details className="inflight" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{plural(msgs.length, 'message')} in flight</summary>
      <ul>
        {(open ? msgs.slice(0, 60) : []).map((m) => (
          <li key={`${m.id}-${m.duplicate ? 1 : 0}-${m.arriveAt}`}>
            <button type="button" className="linkish" onClick={() => selectMessage(m.id)}>
              #{m.id} {m.type} {m.from}→{m.to}
              {m.lost ? ' (lost)' : m.cut === 'closed' ? ' (to be thrown away)' : m.cut !== undefined ? ' (to be dropped)' : ''}
              {m.duplicate ? ' (dup)' : ''}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function Inspector() {
  const sel = useSim((s) => s.selection);
  // Opening or closing a node's or message's details replaces the button that did it: focus would fall to the
  // page's body, so it goes to the panel instead (a keyboard user goes on from there).
  // Not when the panel first mounts: focus would start inside it, and a phone would open scrolled down to it.
  const shown = useRef<string | null>(null);
  const key = `${sel.message ?? ''}/${sel.node ?? ''}`;
  useEffect(() => {
    const before = shown.current;
    shown.current = key;
    if (before !== null && before !== key && document.activeElement === document.body) document.getElementById('side-panel-inspect')?.focus({ preventScroll: true });
  }, [key]);
  if (sel.message === null && sel.node === null) return <Overview />;
  return (
    <Suspense fallback={<p className="hint">Loading…</p>}>
      {sel.message !== null ? <MessageInspector id={sel.message} /> : <NodeInspector id={sel.node!} />}
    </Suspense>
  );
}
