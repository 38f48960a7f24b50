// The inspector's detail views, loaded when a message or node is first selected: the message (fields, payload, drop it)
// or the node (term, vote, indices, log grid, replication, clocks, topics).
import { memo, useState } from 'react';
import { NodeMembership } from './RaftControls';
import type { InFlight, LogEntryView, NodeView } from '../sim';
import { act, formatMs, getDriver, inFlightNow, selectMessage, selectNode, useSim } from '../store/sim';
import { commandText } from './explain';
import { TimeoutButton } from './TimeoutButton';
import { termClass } from './colors';
import { plural } from './plural';
import { DetectorTable, PayloadView } from './InspectorTables';
import { fateLong } from './messageFate';

function Field({ label, value, title }: { label: string; value: React.ReactNode; title?: string }) {
  return (
    <div className="field" title={title}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function payloadText(payload: unknown): string {
  try {
    return JSON.stringify(payload, (_k, v: unknown) => (v === undefined ? null : v), 2) ?? String(payload);
  } catch {
    return String(payload);
  }
}

export function MessageInspector({ id }: { id: number }) {
  useSim((s) => s.seq);
  useSim((s) => s.now);
  const nodes = useSim((s) => s.nodes);
  const msgs = inFlightNow().filter((m) => m.id === id);
  const m: InFlight | undefined = msgs[0];
  if (m === undefined) {
    return (
      <section className="inspector" aria-label="Message">
        <h2>Message #{id}</h2>
        <p className="hint">This message is no longer in flight (delivered or dropped).</p>
        <button type="button" className="btn" onClick={() => selectMessage(null)}>
          Close
        </button>
      </section>
    );
  }
  return (
    <section className="inspector" aria-label="Message">
      <header className="insp-head">
        <h2>
          {m.type} <span className="muted">#{m.id}</span>
        </h2>
        <button type="button" className="btn small" onClick={() => selectMessage(null)} aria-label="Close message">
          ✕
        </button>
      </header>
      <dl className="fields">
        <Field label="From → to" value={`${m.from} → ${m.to}`} />
        <Field label="Sent at" value={formatMs(m.sentAt)} />
        <Field label="Arrives at" value={formatMs(m.arriveAt)} />
        <Field label="Lamport stamp" value={m.lamport} />
        <Field label="Fate" value={fateLong(m, msgs.length, nodes)} />
        {m.duplicate && <Field label="Copy" value="the network's duplicate" />}
      </dl>
      <h3>Payload</h3>
      <div className="payload" data-testid="payload">
        <PayloadView payload={m.payload} from={m.from} />
      </div>
      <details className="raw-payload">
        <summary>The payload as JSON</summary>
        <pre>{payloadText(m.payload)}</pre>
      </details>
      <button type="button" className="btn danger" onClick={() => act('dropMessage', [m.id])}>
        Drop this message
      </button>
    </section>
  );
}

const LOG_SHOWN = 240;

/** The log grid re-renders only when the log or its indices change (not on every clock tick). */
const LogGrid = memo(LogGridInner, (a, b) => {
  const x = a.v;
  const y = b.v;
  if (x.id !== y.id || x.log.length !== y.log.length || x.commitIndex !== y.commitIndex || x.lastApplied !== y.lastApplied) return false;
  return x.log.every((e, i) => e.term === y.log[i].term && e.command === y.log[i].command);
});

function LogGridInner({ v }: { v: NodeView }) {
  const [picked, setPicked] = useState<LogEntryView | null>(null);
  const log = v.log;
  const start = Math.max(0, log.length - LOG_SHOWN);
  const entries = log.slice(start);
  return (
    <div className="log">
      <h3>
        Log{' '}
        <span className="muted">
          {v.snapshot === null
            ? `(${plural(log.length, 'entry', 'entries')}, ${v.commitIndex} committed)`
            : `(${log.length === 0 ? 'no entries' : log.length === 1 ? `entry ${v.snapshot.lastIncludedIndex + 1}` : `entries ${v.snapshot.lastIncludedIndex + 1}–${v.snapshot.lastIncludedIndex + log.length}`} after a snapshot up to ${v.snapshot.lastIncludedIndex}; ${v.commitIndex} committed)`}
        </span>
      </h3>
      {log.length === 0 ? (
        <p className="hint">Empty.</p>
      ) : (
        <>
          {start > 0 && <p className="hint">…{plural(start, 'earlier entry', 'earlier entries')} not shown</p>}
          <ol className="log-grid" aria-label={`Log of ${v.id}`}>
            {entries.map((e) => {
              const committed = e.index <= v.commitIndex;
              const applied = e.index <= v.lastApplied;
              return (
                <li key={e.index}>
                  <button
                    type="button"
                    className={`cell ${termClass(e.term)}${committed ? ' committed' : ''}${picked?.index === e.index ? ' picked' : ''}`}
                    title={`index ${e.index}, term ${e.term}, ${committed ? 'committed' : 'not known committed here'}${applied ? ', applied' : ''}: ${commandText(e.command)}`}
                    aria-label={`${e.index} t${e.term}: entry ${e.index} of term ${e.term}, ${committed ? 'committed' : 'not known committed here'}`}
                    onClick={() => setPicked(picked?.index === e.index ? null : e)}
                  >
                    <span className="ci">{e.index}</span> <span className="ct">t{e.term}</span>
                  </button>
                </li>
              );
            })}
          </ol>
          {picked !== null && (
            <p className="entry-detail" data-testid="entry-detail">
              Entry {picked.index} (term {picked.term}): <span className="command">{picked.command === null ? 'no-op (a new leader’s first entry)' : typeof picked.command === 'string' ? picked.command : commandText(picked.command)}</span>
            </p>
          )}
        </>
      )}
    </div>
  );
}

function Replication({ v }: { v: NodeView }) {
  const peers = Object.keys(v.matchIndex);
  if (v.role !== 'leader' || peers.length === 0) return null;
  // Indexes count from the start of the log, the compacted part included (§7).
  const last = (v.snapshot?.lastIncludedIndex ?? 0) + v.log.length;
  return (
    <div className="replication">
      <h3>Replication (leader’s view)</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Follower</th>
            <th scope="col">nextIndex</th>
            <th scope="col">matchIndex</th>
            <th scope="col" className="progress-col">
              <span className="sr-only">Progress</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {peers.map((p) => (
            <tr key={p}>
              <th scope="row">
                <button type="button" className="linkish" onClick={() => selectNode(p)}>
                  {p}
                </button>
              </th>
              <td>{v.nextIndex[p]}</td>
              <td>{v.matchIndex[p]}</td>
              <td>
                <meter min={0} max={Math.max(1, last)} value={v.matchIndex[p]} aria-label={`${p} holds ${v.matchIndex[p]} of ${last}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface TopicRecordLike {
  id: string;
  offset: number;
  lamport: number;
  message: string;
}

/** The node's topics and their latest records (its applied broker state). */
function Topics({ id }: { id: string }) {
  useSim((s) => s.seq);
  const c = getDriver().cluster as unknown as { topics?: (id: string) => string[]; history?: (id: string, topic: string) => TopicRecordLike[] };
  if (typeof c.topics !== 'function' || typeof c.history !== 'function') return null;
  const topics = c.topics(id);
  return (
    <div className="topics">
      <h3>Topics</h3>
      {topics.length === 0 ? (
        <p className="hint">None applied here yet (publish from the Client tab).</p>
      ) : (
        topics.map((t) => {
          const records = c.history!(id, t);
          return (
            <details key={t}>
              <summary>
                {t} <span className="muted">({plural(records.length, 'message')})</span>
              </summary>
              <ol className="records">
                {records.slice(-20).map((r) => (
                  <li key={r.offset}>
                    <span className="muted">#{r.offset}</span> {r.message} <span className="muted">(id {r.id}, Lamport {r.lamport})</span>
                  </li>
                ))}
              </ol>
            </details>
          );
        })
      )}
    </div>
  );
}

export function NodeInspector({ id }: { id: string }) {
  const v = useSim((s) => s.nodes.find((n) => n.id === id));
  const now = useSim((s) => s.now);
  if (v === undefined) return null;
  const timer = v.electionDeadline !== undefined ? `${formatMs(Math.max(0, v.electionDeadline - now))} left` : v.role === 'leader' ? 'off (leader)' : v.up ? '—' : 'off (down)';
  return (
    <section className="inspector" aria-label={`Node ${v.id}`}>
      <header className="insp-head">
        <h2>
          {v.id} <span className={`role-badge ${v.up ? v.role : 'down'}`}>{v.up ? v.role : 'down'}</span>
          {!v.connected && <span className="role-badge disconnected">disconnected</span>}
          {v.up && (v.learner || v.removed) && <span className="role-badge learner">{v.removed ? 'removed' : 'learner'}</span>}
        </h2>
        <div className="insp-actions">
          <button type="button" className="btn small" onClick={() => act(v.up ? 'crash' : 'restart', [v.id])}>
            {v.up ? 'Crash' : 'Restart'}
          </button>
          <TimeoutButton v={v} />
          <button type="button" className="btn small" onClick={() => act(v.connected ? 'disconnect' : 'reconnect', [v.id])}>
            {v.connected ? 'Disconnect' : 'Reconnect'}
          </button>
          <button type="button" className="btn small" onClick={() => selectNode(null)} aria-label="Close node">
            ✕
          </button>
        </div>
      </header>
      <dl className="fields">
        <Field label="Term" value={v.term} title="currentTerm: persistent, survives crashes" />
        <Field label="Voted for" value={v.votedFor ?? '—'} title="votedFor in the current term: persistent" />
        <Field label="Leader" value={v.leaderId ?? '—'} title="The leader of this term as far as this node knows" />
        <Field label="commitIndex" value={v.commitIndex} title="Highest entry known committed (volatile)" />
        <Field label="lastApplied" value={v.lastApplied} title="Highest entry applied to the state machine (volatile)" />
        <Field label="Election timer" value={timer} />
        {v.role === 'candidate' && <Field label="Votes" value={`${v.votes.join(', ')} (${v.votes.length})`} />}
        <Field label="Lamport" value={v.lamport} title="This node's Lamport clock" />
        <Field label="Suspects" value={v.suspects.length > 0 ? v.suspects.join(', ') : 'none'} title="Peers its failure detector suspects" />
      </dl>
      <NodeMembership v={v} />
      <DetectorTable id={v.id} view={getDriver().cluster.detector(v.id)} />
      <h3>Clocks</h3>
      <dl className="fields">
        <Field label="Local" value={formatMs(v.clock.localMs)} title="This node's own physical clock reading" />
        <Field label="Corrected" value={formatMs(v.clock.correctedMs)} title="After the sync algorithm's correction" />
        <Field label="Offset" value={`${v.clock.offsetMs.toFixed(1)} ms`} title="Local clock minus true time" />
        <Field label="Drift" value={`${v.clock.driftPpm.toFixed(0)} ppm`} />
        {v.clock.rttMs !== undefined && <Field label="Last RTT" value={formatMs(v.clock.rttMs)} />}
      </dl>
      <LogGrid v={v} />
      <Replication v={v} />
      <Topics id={v.id} />
    </section>
  );
}
