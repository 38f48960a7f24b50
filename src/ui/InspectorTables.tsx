// The inspector's readable views of structured state: a message's payload as labelled fields (the `alive`
// table of a gossip AppendEntries as a table), and a node's failure detector per peer. Loaded with InspectorDetail.
import type { AliveEntry, DetectorView } from '../sim';
import { isConfigCommand } from '../core/raft/types';
import { commandText } from './explain';
import { plural } from './plural';
import './inspector.css';

/** A duration in ms as a learner reads it: one decimal (the engine's tenths), so columns line up. */
export const ms = (x: number): string => (Math.round(x * 10) / 10).toFixed(1);

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** What each Raft field means (Figure 2 of the paper), shown beside its value. */
const FIELD_HINTS: Readonly<Record<string, string>> = {
  term: 'the sender’s term',
  leaderId: 'so followers can redirect clients',
  candidateId: 'the candidate asking for the vote',
  prevLogIndex: 'index of the entry just before the new ones',
  prevLogTerm: 'term of that entry: the follower must hold it',
  leaderCommit: 'the leader’s commitIndex',
  lastLogIndex: 'index of the candidate’s last entry',
  lastLogTerm: 'term of the candidate’s last entry',
  seq: 'heartbeat round, echoed in the reply (for reads)',
  transfer: 'leadership transfer: ignore leader stickiness',
  lastIncludedIndex: 'the snapshot replaces the log up to here',
  lastIncludedTerm: 'term of that entry',
  round: 'the sync round this belongs to',
};

/** The client connection's segment fields (ClientRequest, ClientReply, ClientPush, ClientAck…), like TCP's: other meanings than Raft's. */
const SEGMENT_HINTS: Readonly<Record<string, string>> = {
  conn: 'the connection, numbered by the client',
  epoch: 'the node’s connection epoch when it was opened: a segment from before a crash or disconnect is stale',
  seq: 'this segment’s number on the connection (0: a pure acknowledgement)',
  ack: 'every segment from the other end up to this one arrived (cumulative, as TCP’s ACK)',
  ts: 'the sender’s clock when it sent this copy',
  echo: 'the ts of the segment that last moved the sender’s ack on: the other end measures its round trip with it',
};

/**
 * What a reply's fields say, which depends on the reply: an AppendEntriesReply's conflict fields are 0 on a
 * success and on a refusal for a stale term (node.ts onAppendEntries), its matchIndex 0 on any refusal.
 */
function replyHint(payload: Record<string, unknown>, key: string): string | undefined {
  if (payload.type === 'RequestVoteReply' && key === 'voteGranted') return payload.voteGranted === true ? 'the vote (or pre-vote) is given' : 'the vote (or pre-vote) is refused';
  if (payload.type !== 'AppendEntriesReply') return undefined;
  const ok = payload.success === true;
  const cTerm = typeof payload.conflictTerm === 'number' ? payload.conflictTerm : 0;
  const cIndex = typeof payload.conflictIndex === 'number' ? payload.conflictIndex : 0;
  const why = cTerm > 0 ? 'its entry at prevLogIndex has another term than prevLogTerm' : cIndex > 0 ? 'its log is too short: it has no entry at prevLogIndex' : 'the request’s term was older than the follower’s (the reply’s term makes that leader step down)';
  switch (key) {
    case 'success':
      return ok ? 'the follower held the entry at prevLogIndex with prevLogTerm, and now holds the entries sent' : `refused: ${why}`;
    case 'matchIndex':
      return ok ? 'the follower’s log matches the leader’s up to here' : '0 on a refusal';
    case 'conflictTerm':
      return ok ? '0: nothing conflicts' : cTerm > 0 ? 'the term of the follower’s entry at prevLogIndex' : cIndex > 0 ? '0: the follower’s log is too short' : '0: refused for a stale term, not a conflict';
    case 'conflictIndex':
      return ok ? '0: nothing conflicts' : cTerm > 0 ? 'the follower’s first index of conflictTerm: the leader backs up to it, unless it holds that term too' : cIndex > 0 ? 'the follower’s last index + 1: the leader backs up to it' : '0: refused for a stale term, not a conflict';
    default:
      return undefined;
  }
}

/** The hint for a field of this message. */
function hintFor(payload: Record<string, unknown>, key: string): string | undefined {
  if (typeof payload.type === 'string' && payload.type.startsWith('Client')) return SEGMENT_HINTS[key];
  return replyHint(payload, key) ?? FIELD_HINTS[key];
}

const MAX_ITEMS = 20;

function Scalar({ v }: { v: unknown }) {
  if (v === null || v === undefined) return <span className="muted">—</span>;
  if (typeof v === 'boolean') return <>{v ? 'yes' : 'no'}</>;
  if (typeof v === 'number') return <>{Number.isInteger(v) ? v : Math.round(v * 1000) / 1000}</>;
  if (typeof v === 'string') return <>{v === '' ? <span className="muted">(empty)</span> : v}</>;
  return <>{String(v)}</>;
}

/** Any value as nested labelled fields (depth-limited: snapshots can be large). */
function Value({ v, depth }: { v: unknown; depth: number }) {
  if (!(typeof v === 'object') || v === null) return <Scalar v={v} />;
  if (isConfigCommand(v)) return <>{commandText(v)}</>;
  if (Array.isArray(v)) {
    if (v.length === 0) return <span className="muted">none</span>;
    const more = v.length > MAX_ITEMS ? <span className="muted"> …and {v.length - MAX_ITEMS} more</span> : null;
    if (v.every((x) => typeof x !== 'object' || x === null)) {
      return (
        <>
          {v.slice(0, MAX_ITEMS).map((x) => (x === null || x === undefined ? '—' : String(x))).join(', ')}
          {more}
        </>
      );
    }
    return (
      <>
        <ol className="payload-list">
          {v.slice(0, MAX_ITEMS).map((x, i) => (
            <li key={i}>
              <Value v={x} depth={depth + 1} />
            </li>
          ))}
        </ol>
        {more}
      </>
    );
  }
  const keys = Object.keys(v).filter((k) => v[k as keyof typeof v] !== undefined);
  if (keys.length === 0) return <span className="muted">nothing</span>;
  if (depth >= 3) return <span className="muted">{plural(keys.length, 'field')}</span>;
  return (
    <dl className="payload-fields">
      {keys.slice(0, MAX_ITEMS).map((k) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>
            <Value v={(v as Record<string, unknown>)[k]} depth={depth + 1} />
          </dd>
        </div>
      ))}
      {keys.length > MAX_ITEMS && <div className="muted">…and {keys.length - MAX_ITEMS} more fields</div>}
    </dl>
  );
}

/** The entries an AppendEntries carries, with the index each will have (prevLogIndex + 1 onwards). */
function Entries({ entries, first }: { entries: ReadonlyArray<{ term?: unknown; command?: unknown }>; first: number }) {
  if (entries.length === 0) return <span className="muted">none (a heartbeat)</span>;
  return (
    <>
      <ol className="payload-list">
        {entries.slice(0, MAX_ITEMS).map((e, i) => (
          <li key={i}>
            entry {first + i}, term {String(e.term)}: {e.command === null ? 'no-op (a new leader’s first entry)' : commandText(e.command)}
          </li>
        ))}
      </ol>
      {entries.length > MAX_ITEMS && <span className="muted">…and {entries.length - MAX_ITEMS} more</span>}
    </>
  );
}

/** A gossip AppendEntries' liveness news: per peer, how long ago its sender heard it and its heartbeat counter. */
export function AliveTable({ table, sender }: { table: Readonly<Record<string, AliveEntry>>; sender: string }) {
  const peers = Object.keys(table);
  return (
    <table className="data-table" aria-label="Liveness news">
      <caption>
        Liveness news (gossip failure detector): when {sender} last heard each peer itself, and that peer’s heartbeat
        counter then. The receiver counts an entry only if the counter is new to it.
      </caption>
      <thead>
        <tr>
          <th scope="col">Peer</th>
          <th scope="col" className="num">Heard</th>
          <th scope="col" className="num">Heartbeat counter</th>
        </tr>
      </thead>
      <tbody>
        {peers.length === 0 ? (
          <tr>
            <td colSpan={3} className="muted">
              none: {sender} heard no peer within the suspicion timeout
            </td>
          </tr>
        ) : (
          peers.map((p) => (
            <tr key={p}>
              <th scope="row">{p}</th>
              <td className="num">{`${ms(table[p].agoMs)}\u00a0ms ago`}</td>
              <td className="num">{table[p].hb}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** A message payload as labelled fields; `type` is in the heading already. */
export function PayloadView({ payload, from }: { payload: unknown; from: string }) {
  if (!isObj(payload)) {
    return (
      <p className="payload-scalar">
        <Scalar v={payload} />
      </p>
    );
  }
  const keys = Object.keys(payload).filter((k) => k !== 'type' && k !== 'alive' && payload[k] !== undefined);
  const alive = payload.alive;
  const entries = payload.entries;
  const prev = typeof payload.prevLogIndex === 'number' ? payload.prevLogIndex : 0;
  return (
    <>
      <dl className="payload-fields">
        {keys.map((k) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              {k === 'entries' && Array.isArray(entries) ? <Entries entries={entries as Array<{ term?: unknown; command?: unknown }>} first={prev + 1} /> : <Value v={payload[k]} depth={1} />}
              {hintFor(payload, k) !== undefined && <span className="field-hint"> — {hintFor(payload, k)}</span>}
            </dd>
          </div>
        ))}
      </dl>
      {isObj(alive) && <AliveTable table={alive as Readonly<Record<string, AliveEntry>>} sender={from} />}
    </>
  );
}

function caption(id: string, d: DetectorView): string {
  if (!d.up) return `${id} is down: its failure detector holds nothing (a down node suspects no one).`;
  if (d.kind === 'off') return `The failure detector is off in this run.`;
  const rule =
    d.kind === 'phi'
      ? `A peer is suspected when its silence is unlikely given the gaps seen so far (phi above ${d.phiThreshold}); “left” is how much more silence that takes.`
      : `A peer with no news for more than ${d.suspectAfterMs} ms is suspected; “left” is how much more silence that takes.`;
  const news =
    d.mode === 'gossip'
      ? ' News comes from the peer itself or relayed in the leader’s AppendEntries; the heartbeat counter is the peer’s Lamport stamp on the latest news.'
      : ' Only messages from the peer itself count (direct mode).';
  return `What ${id}’s failure detector knows of each peer, on its own clock. ${rule}${news}`;
}

/** A node's failure detector as a table: per peer, last news, heard itself, heartbeat counter, suspected. */
export function DetectorTable({ id, view }: { id: string; view: DetectorView }) {
  const gossip = view.mode === 'gossip';
  const on = view.up && view.kind !== 'off';
  if (!on) {
    return (
      <div className="detector">
        <h3>Failure detector</h3>
        <p className="hint">{caption(id, view)}</p>
      </div>
    );
  }
  return (
    <div className="detector">
      <h3>Failure detector</h3>
      <table className="data-table" aria-label={`Failure detector of ${id}`}>
        <caption>{caption(id, view)}</caption>
        <thead>
          <tr>
            <th scope="col">Peer</th>
            <th scope="col" className="num">Last news</th>
            {gossip && <th scope="col" className="num">Heard itself</th>}
            {gossip && <th scope="col" className="num">Heartbeat</th>}
            <th scope="col">Suspected</th>
          </tr>
        </thead>
        <tbody>
          {view.peers.map((p) => (
            <tr key={p.id} className={p.suspected ? 'suspected' : undefined}>
              <th scope="row">{p.id}</th>
              <td className="num">{p.newsAgoMs === null ? <span className="muted">none yet</span> : `${ms(p.newsAgoMs)}\u00a0ms ago`}</td>
              {gossip && <td className="num">{p.directAgoMs === null ? <span className="muted">never</span> : `${ms(p.directAgoMs)}\u00a0ms ago`}</td>}
              {gossip && <td className="num">{p.heartbeat === null ? <span className="muted">—</span> : p.heartbeat}</td>}
              <td>{p.suspected ? <strong>yes</strong> : p.suspectInMs === null ? 'no' : `no (${Math.round(p.suspectInMs)}\u00a0ms left)`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
