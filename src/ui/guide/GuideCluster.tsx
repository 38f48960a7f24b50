// The guide's views of its own cluster (the simulator's panels draw the store's run only): nodes on a
// ring with the messages in flight, a node table, the messages in flight with their arrival times,
// clocks, topics and clients, and an inspector for one node. In a pick-a-node question the ring's
// nodes are the answer buttons.
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { engineSettings } from '../../guides/settings';
import { MESSAGING_PROPERTIES } from '../../sim/checkers/messaging';
import { RAFT_PROPERTIES } from '../../sim/checkers/raft';
import type { SimCluster } from '../../sim/cluster';
import type { InFlight, NodeView } from '../../sim/types';
import { layerOf, stepKindLabel, type StepKind } from '../../store/stepKinds';
import { formatMs } from '../../store/time';
import { commandText } from '../explain';
import { cutWords } from '../messageFate';
import { plural } from '../plural';
import type { ClusterSnap } from './model';

/** Messages in flight the ring draws at most (the table under it lists every one's count). */
const SHOWN_DOTS = 200;

export interface NodePick {
  readonly selected: string | undefined;
  readonly onPick: (id: string) => void;
}

/** A box that scrolls sideways (a wide table): focusable, so that a keyboard can scroll it too. */
function ScrollBox({ label, children, ...rest }: { label: string; children: ReactNode; 'data-testid'?: string }) {
  return (
    <div className="guide-table-wrap" role="region" aria-label={label} tabIndex={0} {...rest}>
      {children}
    </div>
  );
}

/** A table of the guide's (headers, then the rows given), in a box that scrolls sideways when narrow. */
function Table({ label, headers, className, children }: { label: string; headers: ReadonlyArray<ReactNode>; className?: string; children: ReactNode }) {
  return (
    // (Named apart from its panel, whose section bears the same name: two landmarks must not share one.)
    <ScrollBox label={`${label}: table`}>
      <table className={`guide-nodes${className !== undefined ? ` ${className}` : ''}`} aria-label={label}>
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </ScrollBox>
  );
}

/** The page's one time format (src/store/time.ts). */
export const formatTime = formatMs;

function roleOf(v: NodeView): string {
  if (!v.up) return 'down';
  return v.role;
}

/** The role as the guide's ring and table say it: a follower that may not vote yet is a learner (thesis §4.2.1). */
function roleWord(v: NodeView): string {
  return v.up && v.role === 'follower' && v.learner ? 'learner' : roleOf(v);
}

/** The index of a node's last entry, counting those its snapshot replaced (§7). */
const lastIndexOf = (v: NodeView): number => (v.snapshot?.lastIncludedIndex ?? 0) + v.log.length;

function messageClass(m: InFlight): string {
  const kind = m.type.startsWith('RequestVote') ? 'rv' : m.type.startsWith('AppendEntries') ? 'ae' : 'other';
  return `gmsg ${kind}${m.type.endsWith('Reply') ? ' reply' : ''}${m.lost ? ' lost' : ''}`;
}

/** Time left on a node's election timer, when it runs (a leader's does not). */
function timerLeft(v: NodeView, now: number): number | undefined {
  if (!v.up || v.role === 'leader' || v.electionDeadline === undefined) return undefined;
  return Math.max(0, v.electionDeadline - now);
}

/** The nodes on a ring with the messages in flight; in a pick-a-node question the nodes are buttons. */
export function Ring({ snap, pick }: { snap: ClusterSnap; pick?: NodePick }) {
  const n = snap.nodes.length;
  const R = n <= 5 ? 100 : 112;
  const r = n <= 5 ? 25 : n <= 9 ? 19 : 12;
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
  // At most SHOWN_DOTS dots, the soonest to arrive (a slow network can hold thousands in flight; each dot is an SVG element).
  const inRing = snap.inFlight.filter((m) => pos.has(m.from) && pos.has(m.to));
  const messages = inRing.length > SHOWN_DOTS ? [...inRing].sort((a, b) => a.arriveAt - b.arriveAt).slice(0, SHOWN_DOTS) : inRing;
  // Room under the lowest node for its role and timer lines (a node sits at the very bottom of an even ring).
  let lowest = 0;
  for (const p of pos.values()) lowest = Math.max(lowest, p.y);
  const bottom = Math.max(152, Math.ceil(lowest + r + 34));
  const key = (id: string) => (e: KeyboardEvent<SVGGElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      pick?.onPick(id);
    }
  };
  return (
    <svg className="guide-ring" viewBox={`-160 -140 320 ${bottom + 140 + (inRing.length > messages.length ? 14 : 0)}`} role="group" aria-label="The guide's cluster: nodes on a ring and the messages in flight">
      {links.map(([a, b]) => {
        const p = pos.get(a)!;
        const q = pos.get(b)!;
        const cut = snap.cuts.some(([from, to]) => (from === a && to === b) || (from === b && to === a));
        return <line key={`${a}-${b}`} className={cut ? 'glink cut' : 'glink'} x1={p.x} y1={p.y} x2={q.x} y2={q.y} />;
      })}
      {/* A link cut one way: a cross near the receiver, on the blocked direction (the other way still carries messages). */}
      {snap.cuts
        .filter(([from, to]) => pos.has(from) && pos.has(to))
        .map(([from, to]) => {
          const p = pos.get(from)!;
          const q = pos.get(to)!;
          const x = p.x + (q.x - p.x) * 0.68;
          const y = p.y + (q.y - p.y) * 0.68;
          return (
            <g key={`cut-${from}-${to}`} className="gcut" transform={`translate(${x} ${y})`}>
              <title>{`${from}→${to} cut: ${from}'s messages to ${to} are dropped (${to}'s to ${from} still arrive)`}</title>
              <path d="M -5 -5 L 5 5 M -5 5 L 5 -5" />
            </g>
          );
        })}
      {messages.map((m) => {
        const p = pos.get(m.from)!;
        const q = pos.get(m.to)!;
        const span = m.arriveAt - m.sentAt;
        const f = span > 0 ? Math.min(1, Math.max(0, (snap.now - m.sentAt) / span)) : 0;
        return (
          <circle key={`${m.id}-${m.duplicate ? 1 : 0}`} className={messageClass(m)} r={4.5} cx={p.x + (q.x - p.x) * f} cy={p.y + (q.y - p.y) * f}>
            <title>{`${m.type} ${m.from}→${m.to}, ${m.lost ? 'lost at' : m.cut === 'closed' ? 'arrives, to be thrown away, at' : m.cut !== undefined ? 'dropped at' : 'arrives at'} ${formatTime(m.arriveAt)}`}</title>
          </circle>
        );
      })}
      {inRing.length > messages.length && (
        <text className="gmore" x={-156} y={bottom + 10}>{`+${(inRing.length - messages.length).toLocaleString('en-US')} more messages in flight (the soonest ${SHOWN_DOTS} are drawn)`}</text>
      )}
      {snap.nodes.map((v) => {
        const p = pos.get(v.id)!;
        const role = roleOf(v);
        const picked = pick?.selected === v.id;
        const label = `${v.id}: ${role}${v.up && !v.connected ? ', disconnected' : ''}, term ${v.term}`;
        const timer = timerLeft(v, snap.now);
        return (
          <g key={v.id}>
            <g
              className={`gnode ${role}${picked ? ' picked' : ''}${pick ? ' pickable' : ''}${v.up && !v.connected ? ' disconnected' : ''}`}
              transform={`translate(${p.x},${p.y})`}
              data-node={v.id}
              {...(pick
                ? { role: 'button', tabIndex: 0, 'aria-pressed': picked, 'aria-label': `Pick ${label}`, onClick: () => pick.onPick(v.id), onKeyDown: key(v.id) }
                : { role: 'img', 'aria-label': label })}
            >
              {/* A larger, invisible target: a finger on a phone is wider than the drawn node. */}
              {pick && <circle className="ghit" r={r + 10} />}
              <circle className="gbody" r={r} />
            </g>
            {/* The labels say what the node's name already says: drawn over it, not part of the button. */}
            <g className={`glabel ${role}`} transform={`translate(${p.x},${p.y})`} aria-hidden="true">
              <text className="gid" y={-3}>
                {v.id}
              </text>
              <text className="gterm" y={r / 2 + 1}>
                T{v.term}
              </text>
              <text className="grole" y={r + 13}>
                {roleWord(v)}
              </text>
              {timer !== undefined && (
                <text className="gtimer" y={r + 28}>
                  {timer.toFixed(0)} ms
                </text>
              )}
            </g>
          </g>
        );
      })}
    </svg>
  );
}

/**
 * One row per node: role, election timer, term, vote, log length, commit, Lamport clock (and clock error,
 * suspects when any). The timer comes early: the first chapters ask about it, and a phone shows only the first columns.
 */
export function NodeTable({ snap, pick }: { snap: ClusterSnap; pick?: NodePick }) {
  const showClock = snap.nodes.some((v) => Math.abs(v.clock.offsetMs) > 1e-6 || Math.abs(v.clock.errorMs) > 1e-6);
  const showSuspects = snap.nodes.some((v) => v.suspects.length > 0);
  return (
    <Table
      label="Nodes and timers"
      headers={[
        'Node', 'Role',
        <span key="timer" title="Time left before the node's election timer fires">Timer</span>,
        'Term', 'Voted for', 'Log', 'Commit',
        <span key="lamport" title="A logical clock: a count of the node's events, not a time (chapter 11, Lamport clocks and happened-before)">Lamport</span>,
        ...(showClock ? [<span key="clock" title="How far the node's own clock is from true time, after any synchronisation (chapter 12, Physical clocks and clock sync)">Clock error</span>] : []),
        ...(showSuspects ? ['Suspects'] : []),
      ]}
    >
      {snap.nodes.map((v) => {
        const left = timerLeft(v, snap.now);
        return (
          <tr key={v.id} className={pick?.selected === v.id ? 'picked' : undefined}>
            <th scope="row">{v.id}</th>
            <td>
              <span className={`role-badge ${roleOf(v)}`}>{roleOf(v)}</span>
              {v.up && v.learner && <span className="role-badge learner">learner</span>}
              {v.up && !v.connected && <span className="role-badge disconnected">cut off</span>}
            </td>
            <td>{left === undefined ? '—' : `${left.toFixed(0)} ms`}</td>
            <td>{v.term}</td>
            <td>{v.votedFor ?? '—'}</td>
            <td>{lastIndexOf(v)}</td>
            <td>{v.commitIndex}</td>
            <td>{v.lamport}</td>
            {showClock && <td>{v.clock.errorMs.toFixed(1)} ms</td>}
            {showSuspects && <td>{v.suspects.join(' ') || '—'}</td>}
          </tr>
        );
      })}
    </Table>
  );
}

const SHOWN_MESSAGES = 12;

/** The messages in flight, soonest arrival first, with when each arrives: what decides "whose message lands first". */
export function InFlightPanel({ snap, kind }: { snap: ClusterSnap; kind: StepKind }) {
  const [all, setAll] = useState(false);
  const [every, setEvery] = useState(false);
  const watchedOnes = snap.inFlight.filter((m) => {
    if (kind === 'all' || every) return true;
    const layer = layerOf({ at: m.sentAt, kind: 'send', type: m.type });
    return layer === kind || layer === 'other' || layer === 'any';
  });
  const hidden = snap.inFlight.length - watchedOnes.length;
  // Name what is hidden: under a Clocks & detector step it is Raft's AppendEntries, not pings.
  const shownSet = new Set(watchedOnes);
  const hiddenKinds = [...new Set(snap.inFlight.filter((m) => !shownSet.has(m)).map((m) => layerOf({ at: m.sentAt, kind: 'send', type: m.type })))]
    .filter((k): k is 'raft' | 'messaging' | 'time' => k === 'raft' || k === 'messaging' || k === 'time')
    .map(stepKindLabel);
  const sorted = [...watchedOnes].sort((a, b) => a.arriveAt - b.arriveAt || a.id - b.id);
  const shown = all ? sorted : sorted.slice(0, SHOWN_MESSAGES);
  return (
    <div className="guide-inflight" data-testid="guide-inflight">
      {sorted.length === 0 ? (
        <p className="hint">No {kind === 'all' || every ? '' : `${stepKindLabel(kind)} `}messages in flight.</p>
      ) : (
        <Table label="Messages in flight" headers={['Message', 'From → to', 'Arrives at', 'In']}>
          {shown.map((m) => (
            <tr key={`${m.id}-${m.duplicate ? 1 : 0}`} className={m.lost ? 'lost' : undefined}>
              <td>
                <span className={`gdot ${messageClass(m)}`} aria-hidden="true" /> {m.type}
                {m.duplicate ? ' (copy)' : ''}
              </td>
              <td>
                {m.from} → {m.to}
              </td>
              <td>{m.lost ? `lost at ${formatTime(m.arriveAt)}` : m.cut === 'closed' ? `${formatTime(m.arriveAt)}, thrown away (${cutWords(m, snap.nodes)})` : m.cut !== undefined ? `dropped at ${formatTime(m.arriveAt)} (${cutWords(m, snap.nodes)})` : formatTime(m.arriveAt)}</td>
              <td>{formatTime(Math.max(0, m.arriveAt - snap.now))}</td>
            </tr>
          ))}
        </Table>
      )}
      <p className="row guide-inflight-more">
        {sorted.length > shown.length && (
          <button type="button" className="btn small" onClick={() => setAll(true)}>
            Show all {sorted.length}
          </button>
        )}
        {hidden > 0 && (
          <button type="button" className="btn small" onClick={() => setEvery(true)}>
            Show {hidden} more of other kinds{hiddenKinds.length > 0 ? ` (${hiddenKinds.join(', ')})` : ''}
          </button>
        )}
      </p>
    </div>
  );
}

/** Every node's physical clock against true time (the engine's virtual time). */
export function ClocksTable({ snap }: { snap: ClusterSnap }) {
  return (
    <>
      <Table label="Clocks" headers={['Node', 'Local clock', 'Offset', 'Drift', 'Corrected', 'Error left']}>
        {snap.nodes.map((v) => (
          <tr key={v.id}>
            <th scope="row">{v.id}</th>
            <td>{formatTime(v.clock.localMs)}</td>
            <td>{signed(v.clock.offsetMs)}</td>
            <td>{v.clock.driftPpm.toFixed(0)} ppm</td>
            <td>{formatTime(v.clock.correctedMs)}</td>
            <td>{signed(v.clock.errorMs)}</td>
          </tr>
        ))}
      </Table>
      <p className="hint">True time is t = {formatTime(snap.now)}. Offset: local clock − true time; error left: corrected clock − true time.</p>
    </>
  );
}

/** A record's clock reading, as a guide's prose quotes it (`{{$x|ms}}`: at most one decimal). */
function stampMs(ms: number): string {
  return `${Math.round(ms * 10) / 10} ms`;
}

function signed(ms: number): string {
  return `${ms >= 0 ? '+' : '−'}${Math.abs(ms).toFixed(1)} ms`;
}

export function Topics({ snap }: { snap: ClusterSnap }) {
  const t = snap.topics;
  if (t === undefined || t.list.length === 0) return null;
  return (
    <div className="guide-topics">
      <h4>Topics on {t.node}</h4>
      <Table label="Topics" headers={['Topic', 'Offset', 'Id', 'Message', 'Lamport', <code key="ts">ts</code>, <code key="cts">corrected_ts</code>]}>
        {t.list.flatMap(({ topic, count, recent }) =>
          recent.map((r, i) => (
            <tr key={`${topic}-${r.offset}`}>
              <td>{i === 0 ? `${topic}${count > recent.length ? ` (${count})` : ''}` : ''}</td>
              <td>{r.offset}</td>
              <td>
                <code>{r.id}</code>
              </td>
              <td className="guide-msg">{r.message}</td>
              <td>{r.lamport}</td>
              <td>{stampMs(r.ts)}</td>
              <td>{stampMs(r.correctedTs)}</td>
            </tr>
          )),
        )}
      </Table>
      <p className="hint">
        Each record carries the leader’s Lamport stamp for the PUB (a count of its events, not a time), <code>ts</code> (the leader’s own clock when
        it accepted it, which runs ahead of or behind true time: it can read later than the page’s <em>t</em>) and <code>corrected_ts</code> (that
        reading after clock synchronisation).
      </p>
    </div>
  );
}

export function ClientLines({ snap }: { snap: ClusterSnap }) {
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

/**
 * The properties the checkers found broken, each once with its first report (a broken rule may report
 * every heartbeat: fifty lines buried the one a step is about) and how many more followed.
 */
export function Violations({ snap }: { snap: ClusterSnap }) {
  if (snap.violations.length === 0) return null;
  const byProperty = new Map<string, { first: string; more: number }>();
  for (const v of snap.violations) {
    const seen = byProperty.get(v.property);
    if (seen === undefined) byProperty.set(v.property, { first: v.message, more: 0 });
    else seen.more++;
  }
  return (
    <div className="guide-violations" role="status" tabIndex={0}>
      <h4>Checkers: {plural(byProperty.size, 'property', 'properties')} broken</h4>
      <ul>
        {[...byProperty].map(([property, { first, more }]) => (
          <li key={property}>
            {first}
            {more > 0 && <span className="muted"> ({plural(more, 'more report')} of {property})</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}

const ENTRIES_SHOWN = 40;

/** A log entry's command as a learner reads it: a publish as its PUB line with its id and stamps. */
export function describeCommand(command: unknown): string {
  if (command === null || command === undefined) return 'no-op (a new leader’s first entry)';
  const c = command as Partial<{ op: string; topic: string; id: string; message: string; lamport: number }>;
  if (typeof command === 'object' && c.op === 'pub' && typeof c.topic === 'string') {
    return `PUB ${c.topic} ${commandText(c.message ?? '')} (id ${c.id ?? '?'}, Lamport ${c.lamport ?? '?'})`;
  }
  return commandText(command);
}

/** One node in detail: what survives a crash (term, vote, log) and what does not, its entries with their commands, clocks and topics. */
export function GuideInspector({ snap, cluster, id, onInspect }: { snap: ClusterSnap; cluster: SimCluster; id: string; onInspect: (id: string) => void }) {
  const v = snap.nodes.find((x) => x.id === id) ?? snap.nodes[0];
  if (v === undefined) return null;
  const left = timerLeft(v, snap.now);
  const peers = Object.keys(v.matchIndex);
  const entries = v.log.slice(-ENTRIES_SHOWN);
  const topics = v.up ? cluster.topics(v.id) : [];
  return (
    <div className="guide-inspector" data-testid="guide-inspector">
      <div className="row" role="group" aria-label="Inspect a node">
        {snap.nodes.map((x) => (
          <button key={x.id} type="button" className={`btn small${x.id === v.id ? ' primary' : ''}`} aria-pressed={x.id === v.id} onClick={() => onInspect(x.id)}>
            {x.id}
          </button>
        ))}
      </div>
      <h4>
        {v.id} <span className={`role-badge ${roleOf(v)}`}>{roleOf(v)}</span>
        {v.up && !v.connected && <span className="role-badge disconnected">cut off</span>}
      </h4>
      <div className="guide-insp-cols">
        <dl className="guide-fields">
          <dt>On disk (survives a crash)</dt>
          <dd>
            term <strong>{v.term}</strong>, voted for <strong>{v.votedFor ?? 'nobody'}</strong>,{' '}
            {v.snapshot ? (
              <>
                a snapshot up to index <strong>{v.snapshot.lastIncludedIndex}</strong> (term {v.snapshot.lastIncludedTerm}) and <strong>{v.log.length}</strong> entries after it
              </>
            ) : (
              <>
                log of <strong>{v.log.length}</strong> entries
              </>
            )}
          </dd>
          <dt>Configuration</dt>
          <dd data-testid="guide-configuration">
            {v.members.length === 0 && v.learners.length === 0 ? (
              // A server just added has an empty log: no configuration of its own until the leader's entries reach it.
              <>
                none yet (its log is empty)
                {snap.leader !== undefined && snap.nodes.find((x) => x.id === snap.leader)?.learners.includes(v.id) ? `; ${snap.leader}’s configuration lists ${v.id} as a learner` : ''}
              </>
            ) : (
              <>
                voters <strong>{v.members.join(' ') || 'none'}</strong>
                {v.learners.length > 0 ? `, learners ${v.learners.join(' ')}` : ''}
                {v.snapshot !== null && v.configIndex <= v.snapshot.lastIncludedIndex
                  ? ' (kept in the snapshot, committed)'
                  : v.configIndex > 0
                    ? ` (entry ${v.configIndex}${v.configIndex <= v.commitIndex ? ', committed' : ', not known committed here'})`
                    : ''}
                ; {v.id} is{' '}
                {v.removed ? 'removed' : v.learner ? 'a learner: it gets the log but does not vote' : v.members.includes(v.id) ? 'a voter' : 'not a voter'}
              </>
            )}
            {v.preCandidate ? `; running a pre-vote for term ${v.term + 1}` : ''}
            {v.transferee !== null ? `; handing leadership to ${v.transferee}` : ''}
          </dd>
          <dt>In memory (lost in a crash)</dt>
          <dd>
            commit index <strong>{v.commitIndex}</strong>, applied <strong>{v.lastApplied}</strong>, leader {v.leaderId ?? 'unknown'}
            {v.role === 'candidate' ? `, votes from ${v.votes.join(', ') || 'nobody'}` : ''}
            {cluster.options.reads === 'lease' && v.role === 'leader' && v.up && (
              <span data-testid="guide-lease">
                ;{' '}
                {v.leaseMs > 0 ? (
                  <>
                    read lease <strong>{formatTime(v.leaseMs)}</strong> left: it answers reads alone (thesis §6.4.1)
                  </>
                ) : v.transferee !== null ? (
                  'no read lease: given up for the transfer (thesis §6.4.1)'
                ) : (
                  'no read lease: a read waits for a heartbeat round'
                )}
              </span>
            )}
          </dd>
          <dt>Election timer</dt>
          <dd>{left !== undefined ? `fires in ${formatTime(left)} (at ${formatTime(v.electionDeadline!)})` : v.role === 'leader' && v.up ? 'off: a leader sends heartbeats instead' : v.up ? 'not running' : 'off (down)'}</dd>
          <dt>Clocks</dt>
          <dd>
            Lamport <strong>{v.lamport}</strong>; physical {formatTime(v.clock.localMs)} (offset {signed(v.clock.offsetMs)}, corrected error {signed(v.clock.errorMs)})
          </dd>
          <dt>Failure detector</dt>
          <dd>{(cluster.options.detector?.kind ?? 'timeout') === 'off' ? 'off in this cluster' : v.suspects.length > 0 ? `suspects ${v.suspects.join(', ')}` : 'suspects nobody'}</dd>
        </dl>
        {peers.length > 0 && (
          <Table label={`${v.id}'s view of its followers`} headers={['Follower', 'nextIndex', 'matchIndex']} className="guide-repl">
            {peers.map((p) => (
              <tr key={p}>
                <th scope="row">{p}</th>
                <td>{v.nextIndex[p]}</td>
                <td>{v.matchIndex[p]}</td>
              </tr>
            ))}
          </Table>
        )}
      </div>
      {entries.length > 0 && (
        <Table label={`${v.id}'s log`} headers={['Index', 'Term', 'Command', 'State']}>
          {entries.map((e) => (
            <tr key={e.index}>
              <td>{e.index}</td>
              <td>{e.term}</td>
              <td className="guide-msg">{describeCommand(e.command)}</td>
              <td>{e.index <= v.lastApplied ? 'applied' : e.index <= v.commitIndex ? 'committed' : 'not known committed here'}</td>
            </tr>
          ))}
        </Table>
      )}
      {topics.length > 0 && (
        <p className="hint">
          Topics applied here: {topics.map((t) => `${t} (${cluster.history(v.id, t).length})`).join(', ')}.
        </p>
      )}
    </div>
  );
}

/** The failure detector on every node: whom it suspects now, how often it suspected, and how often wrongly. */
export function DetectorPanel({ snap, cluster }: { snap: ClusterSnap; cluster: SimCluster }) {
  const d = cluster.options.detector;
  const kind = d?.kind ?? 'timeout';
  if (kind === 'off') return <p className="hint">The failure detector is off in this cluster (no pings, no suspicions).</p>;
  const stats = cluster.detectorStats();
  // The engine's figures for this cluster (its defaults included), never typed here.
  const settings = engineSettings(cluster.options);
  return (
    <div data-testid="guide-detector">
      <p className="hint">
        {kind === 'phi'
          ? `Phi-accrual: a peer is suspected when φ, from the spread of its past heartbeat gaps, passes ${settings.phiThreshold.value as number}.`
          : `Timeout: a peer is suspected after ${formatTime(settings.suspectAfter.value as number)} without news of it${d?.mode === 'direct' ? ' (a message from it)' : ' (a message from it, or a leader’s heartbeat saying it heard from it)'}.`}{' '}
        A false suspicion is one of a peer that was up and reachable.
      </p>
      <Table label="Failure detector" headers={['Node', 'Suspects now', 'Suspicions', 'False']}>
        {snap.nodes.map((v) => (
          <tr key={v.id}>
            <th scope="row">{v.id}</th>
            <td>{v.up ? v.suspects.join(', ') || 'nobody' : '— (down)'}</td>
            <td>{stats.byNode[v.id]?.suspicions ?? 0}</td>
            <td>{stats.byNode[v.id]?.falseSuspicions ?? 0}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

/** The live checkers: every safety property watched on every event, and whether one broke. */
export function ChecksPanel({ snap }: { snap: ClusterSnap }) {
  const broken = new Map<string, number>();
  for (const v of snap.violations) broken.set(v.property, (broken.get(v.property) ?? 0) + 1);
  const row = (p: string) => (
    <li key={p} className={broken.has(p) ? 'broken' : 'holds'}>
      <span aria-hidden="true">{broken.has(p) ? '✗' : '✓'}</span> {p}
      <span className="sr-only">{broken.has(p) ? ': broken' : ': holds'}</span>
      {broken.has(p) ? ` — broken ${broken.get(p)} time${broken.get(p) === 1 ? '' : 's'}` : ''}
    </li>
  );
  return (
    <div className="guide-checks" data-testid="guide-checks">
      <p className="hint">Checked after every event of this run; a broken property is reported with the seed and the time.</p>
      <h4>Raft (Figure 3 and more)</h4>
      <ul>{RAFT_PROPERTIES.map(row)}</ul>
      <h4>Messaging</h4>
      <ul>{MESSAGING_PROPERTIES.map(row)}</ul>
      <p className="hint">The messaging properties that need a settled cluster (nothing lost, no gaps) are checked when a guide step or you ask for it.</p>
      {snap.findings.length > 0 && (
        <>
          <h4>Findings</h4>
          <p className="hint">Not broken guarantees: what a setting of this run does, as documented.</p>
          <ul>
            {[...new Set(snap.findings.map((f) => f.property))].map((p) => {
              const list = snap.findings.filter((f) => f.property === p);
              return (
                <li key={p} className="finding">
                  <span aria-hidden="true">!</span> <strong>{p}</strong> — {plural(list.length, 'time')}: {list[list.length - 1].message}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </div>
  );
}
