// The replicated broker state machine: every node applies committed log entries here, in log order, to get identical topics, offsets and dedup tables.
import { Column, recentLeaves } from '../column';

/** One stored message. Same shape as the headless API's `TopicRecord` (sim re-exports or mirrors it). */
export interface TopicRecord {
  readonly id: string;
  /** 1-based position in its topic, assigned at apply, so identical on every node. */
  readonly offset: number;
  /** The leader's local clock (ms) when it accepted the PUB; carried in the entry. */
  readonly ts: number;
  /** `ts` after the leader's clock-sync correction (ms); carried in the entry. */
  readonly correctedTs: number;
  /** The leader's Lamport stamp for the PUB; carried in the entry. */
  readonly lamport: number;
  /** The message text, verbatim (never interpreted or escaped here). */
  readonly message: string;
}

/**
 * A publisher's session stamp (Raft paper §8, Ongaro's thesis §6.3): `client`'s `seq`-th publish,
 * sent with every retry of it; every publish of that client numbered below `done` is finished for
 * the client (acknowledged or given up), so the state machine may forget their replies.
 */
export interface SessionStamp {
  readonly client: string;
  readonly seq: number;
  readonly done: number;
}

/** The log command of a publish. Every value a record needs is in the entry, so replay gives the same record. */
export interface PubCommand {
  readonly op: 'pub';
  readonly topic: string;
  readonly id: string;
  readonly message: string;
  readonly ts: number;
  readonly correctedTs: number;
  readonly lamport: number;
  /** Only with session dedup: who sent it, as which of its requests. */
  readonly session?: SessionStamp;
}

/**
 * Builds a `PubCommand` with a fixed property order (one hidden class for every entry); frozen, as log
 * entries are immutable. With session dedup it carries its publisher's `session` stamp.
 */
export function pubCommand(
  topic: string,
  id: string,
  message: string,
  ts: number,
  correctedTs: number,
  lamport: number,
  session?: SessionStamp,
): PubCommand {
  topic = internTopic(topic);
  if (session === undefined) return Object.freeze({ op: 'pub', topic, id, message, ts, correctedTs, lamport });
  return { op: 'pub', topic, id, message, ts, correctedTs, lamport, session };
}

/**
 * One string per topic name: a name parsed from each PUB line is a new string, and every entry (and
 * the record applied from it) would keep its own copy (about 1.4 MB per 60,000 publishes). Strings
 * are compared by value, so sharing one changes nothing else. Bounded: past it, names are kept as given.
 */
const topicNames = new Map<string, string>();
const TOPIC_NAMES_MAX = 4096;

function internTopic(topic: string): string {
  const known = topicNames.get(topic);
  if (known !== undefined) return known;
  if (topicNames.size < TOPIC_NAMES_MAX) topicNames.set(topic, topic);
  return topic;
}

function isSessionStamp(x: unknown): x is SessionStamp {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Partial<SessionStamp>;
  return typeof s.client === 'string' && Number.isSafeInteger(s.seq) && Number.isSafeInteger(s.done);
}

/** True when a log command is a well-formed publish; anything else is ignored by `apply`. */
export function isPubCommand(command: unknown): command is PubCommand {
  if (typeof command !== 'object' || command === null) return false;
  const c = command as Partial<PubCommand>;
  return (
    c.op === 'pub' &&
    typeof c.topic === 'string' &&
    typeof c.id === 'string' &&
    typeof c.message === 'string' &&
    typeof c.ts === 'number' &&
    typeof c.correctedTs === 'number' &&
    typeof c.lamport === 'number' &&
    (c.session === undefined || isSessionStamp(c.session))
  );
}

/** Default dedup window: the ids of the last 100 records stored per topic (as the original Wiber). */
export const DEFAULT_DEDUP_WINDOW = 100;

export interface BrokerOptions {
  /** Ids remembered per topic (the last N stored). 0 disables dedup. Default 100. */
  dedupWindow?: number;
  /**
   * `false` disables dedup regardless of `dedupWindow`. `'sessions'` adds publisher sessions to the
   * id window: a retry stamped with a session is never stored twice while its session lives. Default true ('window').
   */
  dedup?: boolean | 'window' | 'sessions';
  /**
   * Records kept per topic (retention, as Kafka's): older ones are dropped, offsets stay absolute.
   * Default Infinity: everything is kept, as the original did.
   */
  retain?: number;
}

/** What the state machine keeps of one publisher (its session). */
export interface Session {
  /** Every seq below this is finished for the client: a request numbered below it is a stale copy. */
  done: number;
  /** Replies (topic and offset) of the applied requests at or above `done`, by seq. */
  readonly replies: Map<number, { readonly topic: string; readonly offset: number }>;
}

/** Per-topic storage and dedup window (per topic) */
export interface TopicState {
  /**
   * The commands stored, oldest first: the record of commands[i] is at offset firstOffset + i
   * (firstOffset is 1 until retention drops older records), and is made from it on reading
   * (`recordOf`). The log's own command objects are kept, not a record per node or per publish: a
   * record repeats its command's fields (about 100 bytes a publish for the whole run). A Column: the
   * nodes' stores of one topic hold the same commands and share their leaves (see `recentLeaves`).
   */
  commands: Column<PubCommand>;
  firstOffset: number;
  /**
   * Ids of the last (up to dedupWindow) records dropped by retention, oldest first (frozen; empty
   * until retention drops any). The dedup window is the ids of the last dedupWindow records stored:
   * these, then the commands' ids. It is derived, not kept here (see `windowOf`).
   */
  droppedIds: readonly string[];
}

/**
 * The dedup window of a topic: id → offset of the stored record, for the ids of the last
 * `dedupWindow` records. Invariant: ids.size === ring.length <= dedupWindow, and ring holds exactly the keys of ids.
 */
interface DedupWindow {
  readonly ids: Map<string, number>;
  /** Ids in store order, used as a ring once full; `head` is the oldest (next evicted). */
  readonly ring: string[];
  head: number;
  /** What it was built from and kept up to date with: valid while the topic still holds exactly these. */
  commands: Column<PubCommand>;
  length: number;
  last: PubCommand | undefined;
  dropped: readonly string[];
}

/**
 * Each topic's window lives beside the state, not in it: snapshots of the simulation walk the state
 * (a window of 100 ids is a Map and a ring they would copy for every topic of every node at every
 * checkpoint, as it changes with every publish), while the window follows from the commands and
 * `droppedIds`, which they keep anyway. The window is checked against them on every use (the same
 * array, length, last command and dropped ids it was brought up to date with; a command object is
 * stored once, so the last one and the length pin the contents) and rebuilt when they differ, e.g.
 * after a restore wrote an earlier or later state back into the topic.
 */
const windows = new WeakMap<TopicState, DedupWindow>();
const NO_IDS: readonly string[] = Object.freeze([]);

function windowOf(topic: TopicState, dedupWindow: number): DedupWindow {
  const c = topic.commands;
  const n = c.length;
  const w = windows.get(topic);
  if (w !== undefined && w.commands === c && w.length === n && w.last === c.last() && w.dropped === topic.droppedIds) return w;
  const ids = new Map<string, number>();
  const ring: string[] = [];
  const d = topic.droppedIds;
  const take = Math.min(dedupWindow, d.length + n);
  const first = topic.firstOffset + n - take;
  for (let k = 0; k < take; k++) {
    const offset = first + k;
    const j = offset - topic.firstOffset;
    const id = j >= 0 ? c.at(j)!.id : d[d.length + j];
    ring.push(id);
    ids.set(id, offset);
  }
  const built: DedupWindow = { ids, ring, head: 0, commands: c, length: n, last: c.last(), dropped: d };
  windows.set(topic, built);
  return built;
}

export interface BrokerState {
  /** 0 when dedup is disabled. */
  readonly dedupWindow: number;
  /** Records kept per topic (Infinity: all). */
  readonly retain: number;
  // Invariant: appliedIndex only grows; entries 1..appliedIndex have been applied exactly once.
  appliedIndex: number;
  /** Topics in the order their first record was stored. */
  readonly topics: Map<string, TopicState>;
  /** Records stored across all topics. */
  recordCount: number;
  /** Publisher sessions by client, with session dedup; null without it. Rebuilt by applying the log, like the window. */
  readonly sessions: Map<string, Session> | null;
}

export function createBrokerState(options: BrokerOptions = {}): BrokerState {
  const dedupWindow = options.dedup === false ? 0 : (options.dedupWindow ?? DEFAULT_DEDUP_WINDOW);
  if (!Number.isInteger(dedupWindow) || dedupWindow < 0) {
    throw new RangeError(`dedupWindow must be a non-negative integer, got ${String(options.dedupWindow)}`);
  }
  const retain = options.retain ?? Infinity;
  if (!(retain === Infinity || (Number.isInteger(retain) && retain >= 1))) throw new RangeError(`retain must be a whole number >= 1 (got ${String(options.retain)})`);
  return { dedupWindow, retain, appliedIndex: 0, topics: new Map(), recordCount: 0, sessions: options.dedup === 'sessions' ? new Map() : null };
}

/** What applying one entry did. */
export type ApplyResult =
  | { readonly kind: 'stored'; readonly topic: string; readonly record: TopicRecord; readonly command: PubCommand }
  /** `offset` is undefined for a stale copy of a session request whose reply was already forgotten. */
  | { readonly kind: 'duplicate'; readonly topic: string; readonly id: string; readonly offset: number | undefined }
  /** Not a publish (a leader's `null` no-op, a raw test string, a malformed command): nothing stored. */
  | { readonly kind: 'ignored' }
  /** index <= appliedIndex: already applied, nothing changed (replay after restart). */
  | { readonly kind: 'already_applied' };

/** The record a stored command stands for at `offset` (a record depends only on its command and offset). */
export function recordOf(command: PubCommand, offset: number): TopicRecord {
  return Object.freeze({ id: command.id, offset, ts: command.ts, correctedTs: command.correctedTs, lamport: command.lamport, message: command.message });
}

// Shared results for the allocation-free outcomes.
const IGNORED: ApplyResult = Object.freeze({ kind: 'ignored' });
const ALREADY_APPLIED: ApplyResult = Object.freeze({ kind: 'already_applied' });

/**
 * Applies the committed entry at `index` (1-based). Entries must come in log order: an index at or
 * below `appliedIndex` is a no-op, and a gap (index > appliedIndex + 1) throws, because skipping an
 * entry would silently diverge this node's offsets from every other node's.
 */
export function apply(state: BrokerState, index: number, command: unknown): ApplyResult {
  if (index <= state.appliedIndex) return ALREADY_APPLIED;
  if (index !== state.appliedIndex + 1) {
    throw new Error(`broker apply out of order: index ${index} after appliedIndex ${state.appliedIndex}`);
  }
  state.appliedIndex = index;
  if (!isPubCommand(command)) return IGNORED;

  const { topic: name, id } = command;
  const stamp = state.sessions !== null ? command.session : undefined;
  let session: Session | undefined;
  if (stamp !== undefined) {
    session = state.sessions!.get(stamp.client);
    if (session === undefined) state.sessions!.set(stamp.client, (session = { done: 0, replies: new Map() }));
    const known = session.replies.get(stamp.seq);
    if (known !== undefined) return { kind: 'duplicate', topic: known.topic, id, offset: known.offset };
    // Finished for the client already: a late copy of a request it stopped waiting for.
    if (stamp.seq < session.done) return { kind: 'duplicate', topic: name, id, offset: undefined };
  }
  let topic = state.topics.get(name);
  if (topic === undefined) {
    topic = { commands: new Column(recentLeaves), firstOffset: 1, droppedIds: NO_IDS };
    state.topics.set(name, topic);
  } else if (state.dedupWindow > 0) {
    const offset = windowOf(topic, state.dedupWindow).ids.get(id);
    if (offset !== undefined) {
      if (session !== undefined) noteReply(session, stamp!, name, offset);
      return { kind: 'duplicate', topic: name, id, offset };
    }
  }

  const offset = topic.firstOffset + topic.commands.length;
  // Brought up to date before the push, so it still matches the topic it was checked against.
  const w = state.dedupWindow > 0 ? windowOf(topic, state.dedupWindow) : undefined;
  topic.commands.push(command);
  state.recordCount++;
  if (w !== undefined) remember(w, state.dedupWindow, id, offset, topic.commands);
  // Retention: drop the oldest in chunks, so each record costs O(1) amortised.
  if (topic.commands.length >= 2 * state.retain) {
    const drop = topic.commands.length - state.retain;
    const dropped: string[] = [];
    for (let i = 0; i < drop; i++) dropped.push(topic.commands.at(i)!.id);
    topic.droppedIds = Object.freeze([...topic.droppedIds, ...dropped].slice(-state.dedupWindow || Infinity));
    topic.commands.dropFront(drop);
    topic.firstOffset += drop;
  }
  if (session !== undefined) noteReply(session, stamp!, name, offset);
  return { kind: 'stored', topic: name, record: recordOf(command, offset), command };
}

/** A session remembers the reply to this request, and forgets those the client has finished with. */
function noteReply(session: Session, stamp: SessionStamp, topic: string, offset: number): void {
  session.replies.set(stamp.seq, { topic, offset });
  if (stamp.done > session.done) {
    session.done = stamp.done;
    for (const seq of session.replies.keys()) if (seq < session.done) session.replies.delete(seq);
  }
}

/** The stored reply of a session request, while the session remembers it (the leader asks at PUB time). */
export function lookupSession(state: BrokerState, stamp: SessionStamp): { topic: string; offset: number } | undefined {
  return state.sessions?.get(stamp.client)?.replies.get(stamp.seq);
}

/** Records `id` in the window (the topic has just stored its command), evicting the oldest id once the window is full: O(1). */
function remember(w: DedupWindow, dedupWindow: number, id: string, offset: number, commands: Column<PubCommand>): void {
  if (w.ring.length < dedupWindow) {
    w.ring.push(id);
  } else {
    w.ids.delete(w.ring[w.head]);
    w.ring[w.head] = id;
    w.head = w.head + 1 === dedupWindow ? 0 : w.head + 1;
  }
  w.ids.set(id, offset);
  w.length = commands.length;
  w.last = commands.last();
}

/**
 * The offset of the applied record `(topic, id)` while it is still in the dedup window, else
 * undefined (always undefined with dedup disabled). The leader asks this at PUB time to answer
 * `OK duplicate <id>` without appending; it reads only, so it never changes the window (read-only)
 */
export function lookupDuplicate(state: BrokerState, topic: string, id: string): number | undefined {
  if (state.dedupWindow === 0) return undefined;
  const t = state.topics.get(topic);
  return t === undefined ? undefined : windowOf(t, state.dedupWindow).ids.get(id);
}

/**
 * The last `n` records of `topic`, oldest first (all of them when `n` is undefined; none when
 * `n <= 0` or the topic is unknown). A fresh array the caller may keep.
 */
export function history(state: BrokerState, topic: string, n?: number): TopicRecord[] {
  const t = state.topics.get(topic);
  if (t === undefined || (n !== undefined && !(n > 0))) return [];
  const commands = t.commands;
  const from = n === undefined ? 0 : Math.max(0, commands.length - Math.floor(n));
  const out: TopicRecord[] = [];
  for (let i = from; i < commands.length; i++) out.push(recordOf(commands.at(i)!, t.firstOffset + i));
  return out;
}

/** Topic names in the order their first record was stored. */
export function topics(state: BrokerState): string[] {
  return [...state.topics.keys()];
}

/** The offset the next record of `topic` will get (1 for a new topic). */
export function nextOffset(state: BrokerState, topic: string): number {
  const t = state.topics.get(topic);
  return t === undefined ? 1 : t.firstOffset + t.commands.length;
}

/** Records held in `topic` (after retention), or stored across all topics when `topic` is omitted. */
export function recordCount(state: BrokerState, topic?: string): number {
  if (topic === undefined) return state.recordCount;
  return state.topics.get(topic)?.commands.length ?? 0;
}

/**
 * A copy of the state that shares the (immutable) records but no mutable structure: what a snapshot
 * holds (§7), and what a node restores from one. Topics, offsets, the dedup windows and the publisher sessions all travel.
 */
export function cloneBrokerState(state: BrokerState): BrokerState {
  const topics = new Map<string, TopicState>();
  for (const [name, t] of state.topics) {
    topics.set(name, { commands: t.commands.copy(), firstOffset: t.firstOffset, droppedIds: t.droppedIds });
  }
  let sessions: Map<string, Session> | null = null;
  if (state.sessions !== null) {
    sessions = new Map();
    for (const [client, s] of state.sessions) sessions.set(client, { done: s.done, replies: new Map(s.replies) });
  }
  return { dedupWindow: state.dedupWindow, retain: state.retain, appliedIndex: state.appliedIndex, topics, recordCount: state.recordCount, sessions };
}
