// The guide's view of its own cluster (the simulator's ClusterView draws the store's run only): nodes
// on a ring with the messages in flight, and a table of role, term, vote, log, commit and timers. In a
// pick-a-node question the nodes are the answer buttons.
import type { KeyboardEvent } from 'react';
import type { InFlight, NodeView } from '../../sim/types';
import type { ClusterSnap } from './model';

export interface NodePick {
  readonly selected: string | undefined;
  readonly onPick: (id: string) => void;
}

export function formatTime(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(3)} s`;
  return `${ms.toFixed(1)} ms`;
}

function roleOf(v: NodeView): string {
  if (!v.up) return 'down';
  return v.role;
}

function messageClass(m: InFlight): string {
  const kind = m.type.startsWith('RequestVote') ? 'rv' : m.type.startsWith('AppendEntries') ? 'ae' : 'other';
  return `gmsg ${kind}${m.type.endsWith('Reply') ? ' reply' : ''}${m.lost ? ' lost' : ''}`;
}

function Ring({ snap, pick }: { snap: ClusterSnap; pick?: NodePick }) {
  const n = snap.nodes.length;
  const R = n <= 5 ? 100 : 112;
  const r = n <= 5 ? 24 : n <= 9 ? 18 : 12;
  const pos = new Map<string, { x: number; y: number }>();
  snap.nodes.forEach((v, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    pos.set(v.id, { x: R * Math.cos(a), y: R * Math.sin(a) });
  });
  const links: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = snap.nodes[i].id;
      const b = snap.nodes[j].id;
      if (snap.groups[a] === snap.groups[b]) links.push([a, b]);
    }
  }
  const messages = snap.inFlight.filter((m) => pos.has(m.from) && pos.has(m.to));
  const key = (id: string) => (e: KeyboardEvent<SVGGElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      pick?.onPick(id);
    }
  };
  return (
    <svg className="guide-ring" viewBox="-150 -150 300 300" role="group" aria-label="The guide's cluster: nodes on a ring and the messages in flight">
      {links.map(([a, b]) => {
        const p = pos.get(a)!;
        const q = pos.get(b)!;
        return <line key={`${a}-${b}`} className="glink" x1={p.x} y1={p.y} x2={q.x} y2={q.y} />;
      })}
      {messages.map((m) => {
        const p = pos.get(m.from)!;
        const q = pos.get(m.to)!;
        const span = m.arriveAt - m.sentAt;
        const f = span > 0 ? Math.min(1, Math.max(0, (snap.now - m.sentAt) / span)) : 0;
        return (
          <circle key={m.id} className={messageClass(m)} r={4} cx={p.x + (q.x - p.x) * f} cy={p.y + (q.y - p.y) * f}>
            <title>{`${m.type} ${m.from}→${m.to}${m.lost ? ' (lost)' : ''}`}</title>
          </circle>
        );
      })}
      {snap.nodes.map((v) => {
        const p = pos.get(v.id)!;
        const role = roleOf(v);
        const picked = pick?.selected === v.id;
        const label = `${v.id}: ${role}${v.up && !v.connected ? ', disconnected' : ''}, term ${v.term}`;
        const timer = v.up && v.electionDeadline !== undefined ? Math.max(0, v.electionDeadline - snap.now) : undefined;
        return (
          <g
            key={v.id}
            className={`gnode ${role}${picked ? ' picked' : ''}${pick ? ' pickable' : ''}${v.up && !v.connected ? ' disconnected' : ''}`}
            transform={`translate(${p.x},${p.y})`}
            data-node={v.id}
            {...(pick
              ? { role: 'button', tabIndex: 0, 'aria-pressed': picked, 'aria-label': `Pick ${label}`, onClick: () => pick.onPick(v.id), onKeyDown: key(v.id) }
              : { role: 'img', 'aria-label': label })}
          >
            <circle r={r} />
            <text className="gid" y={-2}>
              {v.id}
            </text>
            <text className="gterm" y={r / 2 + 1}>
              T{v.term}
            </text>
            <text className="grole" y={r + 13}>
              {role}
              {timer !== undefined && v.role !== 'leader' ? ` · ${timer.toFixed(0)} ms` : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function InFlightList({ messages }: { messages: readonly InFlight[] }) {
  if (messages.length === 0) return <p className="hint">No messages in flight.</p>;
  const shown = messages.slice(0, 8);
  return (
    <div className="guide-inflight">
      <h4>
        {messages.length} message{messages.length === 1 ? '' : 's'} in flight
      </h4>
      <ul>
        {shown.map((m) => (
          <li key={m.id}>
            <span className={`gdot ${messageClass(m)}`} aria-hidden="true" /> {m.type} {m.from}→{m.to}
            {m.lost ? ' (will be lost)' : ''}
          </li>
        ))}
        {messages.length > shown.length && <li className="hint">and {messages.length - shown.length} more</li>}
      </ul>
    </div>
  );
}

function Topics({ snap }: { snap: ClusterSnap }) {
  const t = snap.topics;
  if (t === undefined || t.list.length === 0) return null;
  return (
    <div className="guide-topics">
      <h4>Topics on {t.node}</h4>
      <table className="guide-nodes">
        <thead>
          <tr>
            <th scope="col">Topic</th>
            <th scope="col">Offset</th>
            <th scope="col">Id</th>
            <th scope="col">Message</th>
          </tr>
        </thead>
        <tbody>
          {t.list.flatMap(({ topic, count, recent }) =>
            recent.map((r, i) => (
              <tr key={`${topic}-${r.offset}`}>
                <td>{i === 0 ? `${topic}${count > recent.length ? ` (${count})` : ''}` : ''}</td>
                <td>{r.offset}</td>
                <td>
                  <code>{r.id}</code>
                </td>
                <td className="guide-msg">{r.message}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

function ClientLines({ snap }: { snap: ClusterSnap }) {
  if (snap.clientLines.length === 0) return null;
  return (
    <div className="guide-clients">
      <h4>Clients</h4>
      <ul>
        {snap.clientLines.map((l, i) => (
          <li key={i}>
            <span className="muted">{formatTime(l.at)}</span> {l.dir === 'out' ? `${l.client} → ${l.node}` : l.dir === 'note' ? `${l.client} (${l.node})` : `${l.node} → ${l.client}`}: <code>{l.line}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The guide's cluster: ring, node table, messages in flight and any violations, from one snapshot. */
export function GuideCluster({ snap, pick }: { snap: ClusterSnap; pick?: NodePick }) {
  const showClock = snap.nodes.some((v) => Math.abs(v.clock.offsetMs) > 1e-6 || Math.abs(v.clock.errorMs) > 1e-6);
  const showSuspects = snap.nodes.some((v) => v.suspects.length > 0);
  return (
    <section className="guide-cluster" aria-label="Cluster" data-testid="guide-cluster" data-fingerprint={snap.fingerprint} data-now={snap.now}>
      <p className="guide-clock">
        <span data-testid="guide-now">t = {formatTime(snap.now)}</span>
        <span>seed {snap.seed}</span>
        <span>{snap.leader !== undefined ? `leader ${snap.leader}` : 'no leader'}</span>
      </p>
      <Ring snap={snap} {...(pick ? { pick } : {})} />
      <div className="guide-table-wrap">
        <table className="guide-nodes">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Role</th>
              <th scope="col">Term</th>
              <th scope="col">Voted for</th>
              <th scope="col">Log</th>
              <th scope="col">Commit</th>
              <th scope="col">Timer</th>
              <th scope="col">Lamport</th>
              {showClock && <th scope="col">Clock error</th>}
              {showSuspects && <th scope="col">Suspects</th>}
            </tr>
          </thead>
          <tbody>
            {snap.nodes.map((v) => {
              const timer = v.up && v.electionDeadline !== undefined && v.role !== 'leader' ? `${Math.max(0, v.electionDeadline - snap.now).toFixed(0)} ms` : '—';
              return (
                <tr key={v.id} className={pick?.selected === v.id ? 'picked' : undefined}>
                  <th scope="row">{v.id}</th>
                  <td>
                    <span className={`role-badge ${roleOf(v)}`}>{roleOf(v)}</span>
                    {v.up && !v.connected && <span className="role-badge disconnected">cut off</span>}
                  </td>
                  <td>{v.term}</td>
                  <td>{v.votedFor ?? '—'}</td>
                  <td>{v.log.length}</td>
                  <td>{v.commitIndex}</td>
                  <td>{timer}</td>
                  <td>{v.lamport}</td>
                  {showClock && <td>{v.clock.errorMs.toFixed(1)} ms</td>}
                  {showSuspects && <td>{v.suspects.join(' ') || '—'}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {snap.cuts.length > 0 && <p className="hint">Cut one way: {snap.cuts.map(([a, b]) => `${a}→${b}`).join(', ')}</p>}
      <InFlightList messages={snap.inFlight} />
      <Topics snap={snap} />
      <ClientLines snap={snap} />
      {snap.violations.length > 0 && (
        <div className="guide-violations" role="status">
          <h4>Safety checkers</h4>
          <ul>
            {snap.violations.map((v, i) => (
              <li key={i}>{v.message}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
