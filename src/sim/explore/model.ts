// The explorer's world: the real Raft nodes (src/core/raft) and checker, hosted without time, where every delivery and timer is a move.
//
// The engine decides when things happen; here nothing happens by itself. A state holds each node's
// Raft state, the messages in flight and which timers are running; a move delivers one message, fires
// one timer, or (within budgets) drops or duplicates a message, crashes or restarts a node, or has the
// leader take a client command. The host below does what NodeActor and the engine do for Raft
// messages and timers, move for move, so that a run found here replays exactly on the engine
// (tests/sim/explore.test.ts walks both side by side). Time-layer and client traffic are left out
// (frozen): pings and clock sync never change Raft state; a client request would, so runs where it arrives are not explored.
import * as raft from '../../core/raft/node';
import { RAFT_MESSAGE_TYPES, type Entry, type RaftMessage, type RaftPersistent } from '../../core/raft/types';
import { RaftChecker } from '../checkers/raft';

export type TimerName = 'election' | 'heartbeat' | 'replicate';
export const TIMERS: readonly TimerName[] = ['election', 'heartbeat', 'replicate'];

/** A node as the checker sees it, plus which of its Raft timers are running. */
export interface ModelNode {
  readonly id: string;
  up: boolean;
  persistent: RaftPersistent;
  raft: raft.RaftNode;
  timers: Record<TimerName, boolean>;
  /**
   * Heard from a leader within the minimum election timeout (thesis §4.2.3; used only with sticky
   * votes). Time does not move while exploring (a found run replays at one instant), so once set it stays set.
   */
  heard: boolean;
}

/** A message in flight. Frozen: states share them. */
export interface Msg {
  readonly id: number;
  /** The network's second copy of message `id`. */
  readonly copy: boolean;
  readonly from: number;
  readonly to: number;
  readonly payload: RaftMessage;
  /** Lost on the way (the network's coin, before exploring began): its arrival is a drop. */
  readonly lost: boolean;
}

export interface Used {
  drops: number;
  duplicates: number;
  crashes: number;
  proposals: number;
}

/**
 * What the checker remembers of the past, as the state key needs it: two states with the same
 * nodes but different pasts can differ in what the checker will catch later. Kept by the explorer
 * from what the nodes report (so that it does not depend on how the checker stores it), with
 * entries written as `term:command` (within one run that names an entry).
 */
export interface History {
  /** term → the node that led it. */
  leaders: Map<number, string>;
  /** Per node: the last term it was leader in (0: never). */
  leaderTerm: number[];
  /** index → `term:command@commit term` of the entry committed there. */
  committed: string[];
  /** (index, term) → the terms of the log prefix it was first seen with. */
  seen: Map<number, string>;
}

export interface World {
  nodes: ModelNode[];
  /** Messages in flight that can still change something (see `dead`). */
  inflight: Msg[];
  /** Id of the last Raft message sent. The engine numbers every message (pings, clock sync too): its ids can be higher (index.ts engineId maps them). */
  lastMsgId: number;
  checker: RaftChecker;
  /** Shared with the world it was copied from until this world changes it (see ownHistory). */
  history: History;
  historyOwned: boolean;
  used: Used;
  /** The first broken property (`Property: detail`), once a checker reported one. */
  violation: string | null;
}

/** What stays fixed while exploring: ids, who can reach whom, the rule switches. */
export interface Fixed {
  readonly ids: readonly string[];
  /** reach[a][b]: a message from node a reaches node b (partitions and cuts in force when exploring began). */
  readonly reach: readonly (readonly boolean[])[];
  readonly options: raft.RaftNode['options'];
}

export type Move =
  | { readonly kind: 'deliver'; readonly id: number; readonly copy: boolean }
  | { readonly kind: 'fire'; readonly node: number; readonly timer: TimerName }
  | { readonly kind: 'drop'; readonly id: number }
  | { readonly kind: 'duplicate'; readonly id: number }
  | { readonly kind: 'crash'; readonly node: number }
  | { readonly kind: 'restart'; readonly node: number }
  | { readonly kind: 'propose'; readonly node: number; readonly command: string };

export interface Bounds {
  /** Moves per run (the depth of the search). */
  maxDepth: number;
  /** No election timer fires at a node already in this term, so terms stay at or below it. */
  maxTerm: number;
  /** No election or heartbeat timer fires while this many live Raft messages are in flight (each sends one per peer). */
  maxInFlight: number;
  /** Stop after this many distinct states. */
  maxStates: number;
  /** Per run: messages the network may lose, duplicate; nodes that may crash (a crashed node may restart). */
  drops: number;
  duplicates: number;
  crashes: number;
  /** Client commands a leader may be handed, in this order (each once per run). */
  proposals: readonly string[];
  /** Whether a leader's heartbeat timer is a move (off: leaders send only when replies or proposals prompt them). */
  heartbeats: boolean;
  /** Nodes whose election timer may fire (null: every node's). A story like Figure 8 names who times out. */
  timeouts: readonly string[] | null;
}

export const DEFAULT_BOUNDS: Bounds = {
  maxDepth: 12,
  maxTerm: 2,
  maxInFlight: 6,
  maxStates: 1_000_000,
  drops: 0,
  duplicates: 0,
  crashes: 0,
  proposals: [],
  heartbeats: true,
  timeouts: null,
};

// ---------------------------------------------------------------------------------------------
// Violations: the checker reports into whichever world is being moved
// ---------------------------------------------------------------------------------------------

let current: World | null = null;

function report(property: string, detail: string): void {
  if (current !== null && current.violation === null) current.violation = `${property}: ${detail}`;
}

// ---------------------------------------------------------------------------------------------
// Building and copying worlds
// ---------------------------------------------------------------------------------------------

export interface NodeStart {
  id: string;
  up: boolean;
  persistent: RaftPersistent;
  raft: raft.RaftNode;
  timers: readonly string[];
  heard: boolean;
}

export interface InFlightStart {
  id: number;
  duplicate: boolean;
  from: string;
  to: string;
  type: string;
  payload: unknown;
  lost: boolean;
}


/**
 * The world as a cluster stands now (copied: the cluster is not touched). Messages that are not Raft's
 * and timers other than election, heartbeat and replicate are left out. The checker starts from this
 * state: what happened before is known only through it (the logs, terms and commit indices).
 */
export function worldFrom(nodes: readonly NodeStart[], inflight: readonly InFlightStart[], lastMsgId: number, reach: (a: string, b: string) => boolean): { world: World; fixed: Fixed } {
  const ids = nodes.map((n) => n.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const fixed: Fixed = {
    ids,
    reach: ids.map((a) => ids.map((b) => a === b || reach(a, b))),
    options: nodes[0].raft.options,
  };
  const raftMsgs = inflight.filter((m) => RAFT_MESSAGE_TYPES.has(m.type) && index.has(m.from) && index.has(m.to));
  // Entries are copied once and frozen, so that an entry carried by a message in flight is the same
  // object as in its leader's log (the checker tells entries by identity) and states can share it.
  const entries = new Map<object, Entry>();
  const entry = (e: Entry): Entry => {
    let c = entries.get(e);
    if (c === undefined) entries.set(e, (c = Object.freeze({ ...e })));
    return c;
  };
  const modelNodes: ModelNode[] = nodes.map((n) => {
    const persistent = { ...n.persistent, log: raft.logOf(n.persistent.log.toArray().map(entry)) };
    const running = new Set(n.timers);
    return {
      id: n.id,
      up: n.up,
      persistent,
      raft: copyRaft(n.raft, persistent, fixed.options),
      timers: { election: running.has('election'), heartbeat: running.has('heartbeat'), replicate: running.has('replicate') },
      heard: n.heard,
    };
  });
  const msgs: Msg[] = raftMsgs.map((m) => {
    const p = m.payload as Record<string, unknown>;
    const payload = Object.freeze({ ...(copyData(p) as object), ...(Array.isArray(p.entries) ? { entries: Object.freeze((p.entries as Entry[]).map(entry)) } : {}) });
    return Object.freeze({ id: m.id, copy: m.duplicate, from: index.get(m.from)!, to: index.get(m.to)!, payload: payload as unknown as RaftMessage, lost: m.lost });
  });
  const world: World = {
    nodes: modelNodes,
    inflight: msgs,
    lastMsgId,
    checker: new RaftChecker(modelNodes, report),
    history: { leaders: new Map(), leaderTerm: modelNodes.map(() => 0), committed: [], seen: new Map() },
    historyOwned: true,
    used: { drops: 0, duplicates: 0, crashes: 0, proposals: 0 },
    violation: null,
  };
  for (const n of modelNodes) freezeLog(n);
  current = world;
  try {
    modelNodes.forEach((n, i) => {
      world.checker.afterEvent(i);
      // What the node applied before exploring began (the engine's checker saw each of them).
      const base = n.persistent.snapshot.lastIncludedIndex;
      if (n.up) for (let k = base + 1; k <= n.raft.lastApplied; k++) world.checker.onApply(i, k, n.persistent.log.at(k - base)!);
      observe(world, i);
      for (let k = base + 1; k <= n.raft.commitIndex; k++) noteCommitted(world, n, k);
    });
  } finally {
    current = null;
  }
  purge(world, fixed);
  return { world, fixed };
}

/** Log entries never change once made; freezing them lets copies share them (the checker compares entries by identity). */
function freezeLog(n: ModelNode): void {
  const log = n.persistent.log;
  for (let i = log.length - 1; i >= 0 && !Object.isFrozen(log.at(i)); i--) Object.freeze(log.at(i));
}

/**
 * A copy of plain data: arrays, Maps, Sets and objects copied all the way down, frozen things (log
 * entries, messages) and functions shared. It does not keep two references to one object as one
 * object: the Raft state and the checker hold no such pairs (node.raft.p is handled by the caller).
 */
function copyData(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v) || v instanceof WeakMap || v instanceof WeakSet) return v;
  if (Array.isArray(v)) {
    const a = v.slice();
    for (let i = 0; i < a.length; i++) if (typeof a[i] === 'object' && a[i] !== null) a[i] = copyData(a[i]);
    return a;
  }
  if (v instanceof Map) {
    const m = new Map<unknown, unknown>();
    for (const [k, x] of v) m.set(k, typeof x === 'object' && x !== null ? copyData(x) : x);
    return m;
  }
  if (v instanceof Set) return flat(v.values()) ? new Set(v) : new Set([...v].map(copyData));
  if (ArrayBuffer.isView(v)) return (v as unknown as { slice(): unknown }).slice();
  const proto = Object.getPrototypeOf(v) as object | null;
  const o = (proto === Object.prototype ? { ...v } : Object.assign(Object.create(proto) as object, v)) as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (typeof x === 'object' && x !== null) o[k] = copyData(x);
  }
  return o;
}

/** Holds nothing that can change (numbers, strings, frozen objects): a shallow copy is a full copy. */
function flat(values: Iterable<unknown>): boolean {
  for (const x of values) if (typeof x === 'object' && x !== null && !Object.isFrozen(x)) return false;
  return true;
}

/** A copy of a Raft node's state: containers copied, settings shared, entries (frozen) shared. */
function copyRaft(r: raft.RaftNode, p: RaftPersistent, options: raft.RaftNode['options']): raft.RaftNode {
  const c = { ...r } as Record<string, unknown>;
  for (const k in c) {
    const v = c[k];
    if (typeof v !== 'object' || v === null || v === options || k === 'peers') continue;
    if (k === 'p') c[k] = p;
    else if (k === 'outbox') c[k] = [];
    else c[k] = copyData(v);
  }
  return c as unknown as raft.RaftNode;
}

function copyNode(n: ModelNode, options: raft.RaftNode['options']): ModelNode {
  const persistent = { ...n.persistent, log: n.persistent.log.copy() };
  return { id: n.id, up: n.up, persistent, raft: copyRaft(n.raft, persistent, options), timers: { ...n.timers }, heard: n.heard };
}

/** The node a move changes (-1: none; messages and budgets only). */
export function touchedBy(w: World, move: Move): number {
  switch (move.kind) {
    case 'deliver':
      return w.inflight.find((m) => m.id === move.id && m.copy === move.copy)?.to ?? -1;
    case 'drop':
    case 'duplicate':
      return -1;
    default:
      return move.node;
  }
}

/**
 * An independent copy of a world to make a move in. With `only`, only that node is copied and the
 * others are shared with `w` (a move changes one node): neither world may change them afterwards.
 */
export function copyWorld(w: World, fixed: Fixed, only?: number): World {
  const nodes: ModelNode[] = w.nodes.map((n, i) => (only === undefined || i === only ? copyNode(n, fixed.options) : n));
  const checker = Object.assign(Object.create(Object.getPrototypeOf(w.checker) as object) as object, w.checker) as Record<string, unknown>;
  for (const k in checker) {
    const v = checker[k];
    if (k === 'nodes') checker[k] = nodes;
    else if (typeof v === 'object' && v !== null) checker[k] = copyData(v);
  }
  return {
    nodes,
    inflight: w.inflight.slice(),
    lastMsgId: w.lastMsgId,
    checker: checker as unknown as RaftChecker,
    history: w.history,
    historyOwned: false,
    used: { ...w.used },
    violation: w.violation,
  };
}

// ---------------------------------------------------------------------------------------------
// The host: what NodeActor.drain and the engine do, for Raft only
// ---------------------------------------------------------------------------------------------

function send(w: World, fixed: Fixed, from: number, to: number, payload: RaftMessage): void {
  const id = ++w.lastMsgId;
  // The engine drops a message at once when its link is cut (it still numbers it).
  if (!fixed.reach[from][to]) return;
  w.inflight.push(Object.freeze({ id, copy: false, from, to, payload, lost: false }));
}

function drain(w: World, fixed: Fixed, i: number): void {
  const n = w.nodes[i];
  const out = n.raft.outbox;
  for (let k = 0; k < out.length; k++) {
    const o = out[k];
    switch (o.kind) {
      case 'send':
        send(w, fixed, i, fixed.ids.indexOf(o.to), o.msg);
        break;
      case 'electionTimer':
        n.timers.election = o.run;
        break;
      case 'heartbeatTimer':
        n.timers.heartbeat = o.run;
        break;
      case 'flushSoon':
        n.timers.replicate = true;
        break;
      case 'apply':
        w.checker.onApply(i, o.index, o.entry);
        break;
      case 'role':
        if (o.role === 'leader' && (!w.history.leaders.has(o.term) || w.history.leaderTerm[i] !== o.term)) {
          const h = ownHistory(w);
          if (!h.leaders.has(o.term)) h.leaders.set(o.term, n.id);
          h.leaderTerm[i] = o.term;
        }
        break;
      case 'commit':
        for (let k = w.history.committed.length; k <= o.index; k++) noteCommitted(w, n, k);
        break;
      case 'restore':
        w.checker.onRestore(i, o.snapshot.lastIncludedIndex, o.snapshot.lastIncludedTerm);
        break;
      case 'snapshot':
        // Compaction is the host's choice (snapshotEvery, the snapshot button): the explorer refuses both.
        throw new Error('explorer: a node compacted its log while exploring');
      default:
        // vote, truncate, config, configCommitted, restore (the broker's state machine is not modelled),
        // readRound, readConfirmed, transfer, preVote, stepDown: journal records and the broker's business.
        break;
    }
  }
  out.length = 0;
  freezeLog(n);
  observe(w, i);
}

/** The first entry committed at (absolute) index k (as the checker keeps it). */
function noteCommitted(w: World, n: ModelNode, k: number): void {
  const base = n.persistent.snapshot.lastIncludedIndex;
  if (k === 0 || w.history.committed[k] !== undefined || k - base >= n.persistent.log.length) return;
  const c = ownHistory(w).committed;
  for (let j = c.length; j < k; j++) c[j] ??= '';
  c[k] = k <= base ? `s${base}/${n.persistent.snapshot.lastIncludedTerm}` : `${entryKey(n.persistent.log.at(k - base)!)}@${n.persistent.currentTerm}`;
}

/** Records the (index, term) pairs of node i's log not seen before, with the prefix they came with. */
function observe(w: World, i: number): void {
  const p = w.nodes[i].persistent;
  const log = p.log;
  const base = p.snapshot.lastIncludedIndex;
  let seen = w.history.seen;
  // A compacted prefix is committed, so the same on every node: its last index and term name it.
  let prefix = base > 0 ? `s${base}/${p.snapshot.lastIncludedTerm};` : '';
  for (let k = 1; k < log.length; k++) {
    const term = log.at(k)!.term;
    prefix += `${term},`;
    const key = (base + k) * 2097152 + term;
    if (!seen.has(key)) {
      seen = ownHistory(w).seen;
      seen.set(key, prefix);
    }
  }
}

/** Keys of histories, made once per history object (it is shared by every world that did not change it). */
const historyKeys = new WeakMap<History, string>();

/** The world's history, made its own before it changes: until then it shares its parent's. */
function ownHistory(w: World): History {
  if (!w.historyOwned) {
    const h = w.history;
    w.history = { leaders: new Map(h.leaders), leaderTerm: h.leaderTerm.slice(), committed: h.committed.slice(), seen: new Map(h.seen) };
    w.historyOwned = true;
  } else historyKeys.delete(w.history);
  return w.history;
}

function historyKey(h: History): string {
  let out = historyKeys.get(h);
  if (out !== undefined) return out;
  out = 'L';
  for (const [term, id] of [...h.leaders].sort((a, b) => a[0] - b[0])) out += `${term}=${id},`;
  out += `|${h.leaderTerm.join(',')}|C${h.committed.join(',')}|S`;
  for (const [k, prefix] of [...h.seen].sort((a, b) => a[0] - b[0])) out += `${k}=${prefix};`;
  historyKeys.set(h, out);
  return out;
}

/**
 * A message is dead when delivering it can change nothing, ever: it was lost on the way, its link
 * is cut, or it is a reply from an older term than its receiver's (a node's term never goes down,
 * and Raft ignores replies from other terms). Dead messages are dropped from the world: the engine
 * keeps them in flight, but the explorer never delivers them.
 */
function purge(w: World, fixed: Fixed): void {
  let dead = false;
  for (const m of w.inflight) if (isDead(w, fixed, m)) dead = true;
  if (dead) w.inflight = w.inflight.filter((m) => !isDead(w, fixed, m));
}

function isDead(w: World, fixed: Fixed, m: Msg): boolean {
  if (m.lost || !fixed.reach[m.from][m.to]) return true;
  const t = m.payload.type;
  return (t === 'RequestVoteReply' || t === 'AppendEntriesReply' || t === 'InstallSnapshotReply') && m.payload.term < w.nodes[m.to].persistent.currentTerm;
}

/** Makes `move` in `w` (which it changes). The checker's first complaint lands in `w.violation`. */
export function applyMove(w: World, fixed: Fixed, move: Move): void {
  current = w;
  try {
    makeMove(w, fixed, move);
  } finally {
    current = null;
  }
  purge(w, fixed);
}

function makeMove(w: World, fixed: Fixed, move: Move): void {
  {
    switch (move.kind) {
      case 'deliver': {
        const at = w.inflight.findIndex((m) => m.id === move.id && m.copy === move.copy);
        if (at < 0) throw new Error(`explorer: message #${move.id} is not in flight`);
        const m = w.inflight[at];
        w.inflight.splice(at, 1);
        const to = w.nodes[m.to];
        // As the engine: a lost message, a cut link or a down receiver make the arrival a drop.
        if (m.lost || !fixed.reach[m.from][m.to] || !to.up) return;
        const r = to.raft;
        const type = m.payload.type;
        const from = fixed.ids[m.from];
        // As NodeActor.deliver: whether it heard a leader lately decides sticky votes.
        if (type === 'RequestVote' || type === 'PreVote') r.heardLeader = r.role === 'leader' || to.heard;
        raft.receive(r, from, m.payload);
        if ((type === 'AppendEntries' || type === 'InstallSnapshot') && r.leaderId === from) to.heard = true;
        drain(w, fixed, m.to);
        w.checker.afterEvent(m.to);
        return;
      }
      case 'fire': {
        const n = w.nodes[move.node];
        if (!n.up || !n.timers[move.timer]) throw new Error(`explorer: ${n.id}'s ${move.timer} timer is not running`);
        n.timers[move.timer] = false;
        if (move.timer === 'election') raft.electionTimeout(n.raft);
        else if (move.timer === 'heartbeat') raft.heartbeat(n.raft);
        else raft.flush(n.raft);
        drain(w, fixed, move.node);
        w.checker.afterEvent(move.node);
        return;
      }
      case 'drop': {
        // The user's drop takes every copy of the message.
        w.inflight = w.inflight.filter((m) => m.id !== move.id);
        w.used.drops++;
        return;
      }
      case 'duplicate': {
        const m = w.inflight.find((x) => x.id === move.id && !x.copy)!;
        w.inflight.push(Object.freeze({ ...m, copy: true }));
        w.used.duplicates++;
        return;
      }
      case 'crash': {
        const n = w.nodes[move.node];
        n.up = false;
        n.timers = { election: false, heartbeat: false, replicate: false };
        n.raft = raft.createRaftNode(n.id, [], n.persistent, fixed.options);
        n.raft.outbox.length = 0;
        w.checker.onCrash(move.node);
        w.checker.afterEvent(move.node);
        w.used.crashes++;
        return;
      }
      case 'restart': {
        const n = w.nodes[move.node];
        w.checker.onCrash(move.node);
        n.up = true;
        n.raft = raft.createRaftNode(n.id, [], n.persistent, fixed.options);
        // As NodeActor.restart: it waits as if it had just heard from a leader.
        n.heard = true;
        drain(w, fixed, move.node);
        w.checker.afterEvent(move.node);
        return;
      }
      case 'propose': {
        raft.propose(w.nodes[move.node].raft, move.command);
        drain(w, fixed, move.node);
        w.checker.afterEvent(move.node);
        w.used.proposals++;
        return;
      }
    }
  }
}

/** Every move the bounds allow in `w`, in a fixed order (so searches are deterministic). */
export function movesOf(w: World, bounds: Bounds, fixed?: Fixed): Move[] {
  const out: Move[] = [];
  const msgs = [...w.inflight].sort((a, b) => a.id - b.id || Number(a.copy) - Number(b.copy));
  for (const m of msgs) out.push({ kind: 'deliver', id: m.id, copy: m.copy });
  const room = w.inflight.length < bounds.maxInFlight;
  w.nodes.forEach((n, i) => {
    if (!n.up) return;
    const mayTimeOut = bounds.timeouts === null || bounds.timeouts.includes(fixed?.ids[i] ?? n.id);
    if (n.timers.election && room && mayTimeOut && n.persistent.currentTerm < bounds.maxTerm && n.raft.role !== 'leader') out.push({ kind: 'fire', node: i, timer: 'election' });
    if (n.timers.heartbeat && room && bounds.heartbeats) out.push({ kind: 'fire', node: i, timer: 'heartbeat' });
    if (n.timers.replicate) out.push({ kind: 'fire', node: i, timer: 'replicate' });
  });
  if (w.used.drops < bounds.drops) for (const m of msgs) if (!m.copy) out.push({ kind: 'drop', id: m.id });
  if (w.used.duplicates < bounds.duplicates) {
    for (const m of msgs) if (!m.copy && !msgs.some((x) => x.id === m.id && x.copy)) out.push({ kind: 'duplicate', id: m.id });
  }
  w.nodes.forEach((n, i) => {
    if (n.up && w.used.crashes < bounds.crashes) out.push({ kind: 'crash', node: i });
    if (!n.up) out.push({ kind: 'restart', node: i });
  });
  const next = bounds.proposals[w.used.proposals];
  if (next !== undefined) w.nodes.forEach((n, i) => n.up && n.raft.role === 'leader' && out.push({ kind: 'propose', node: i, command: next }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The canonical form of a state: equal strings, same future
// ---------------------------------------------------------------------------------------------

/** A value as canonical text (maps and sets sorted): equal texts, equal values. */
export function canon(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object') return String(v);
  if (Object.isFrozen(v)) {
    // Frozen things (entries, configurations, messages) never change: their key is made once.
    let k = frozenCanon.get(v);
    if (k === undefined) frozenCanon.set(v, (k = canonOf(v)));
    return k;
  }
  return canonOf(v);
}

const frozenCanon = new WeakMap<object, string>();

function canonOf(v: object): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v instanceof Map) return `M{${[...v].map(([k, x]) => `${canon(k)}:${canon(x)}`).sort().join(',')}}`;
  if (v instanceof Set) return `S{${[...v].map(canon).sort().join(',')}}`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${k}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Keys of frozen things (entries, messages) are made once: states share them. */
const frozenKeys = new WeakMap<object, string>();

function entryKey(e: { term: number; command: unknown }): string {
  let k = frozenKeys.get(e);
  if (k === undefined) {
    k = `${e.term}:${canon(e.command)}`;
    if (Object.isFrozen(e)) frozenKeys.set(e, k);
  }
  return k;
}

function msgKey(m: Msg): string {
  let k = frozenKeys.get(m);
  if (k === undefined) {
    k = `${m.from}>${m.to}:${canon(m.payload)}`;
    frozenKeys.set(m, k);
  }
  return k;
}

/** Fields the key writes itself, or that never change. */
const RAFT_KNOWN = new Set([
  'id', 'peers', 'p', 'options', 'outbox', 'majority', 'role', 'leaderId', 'commitIndex', 'lastApplied', 'votes', 'flushPending',
  'nextIndex', 'matchIndex', 'progress', 'ticks', 'heardLeader',
  // Derived from the log and committedConfig (scanConfigs, refreshConfig): the log is in the key already.
  'configs', 'config', 'committed', 'isVoter',
  // Compared only with ticks, by a leader: written as ages below.
  'quorumTick', 'transferTick',
  // Written below: always, or only for the role that uses them (a new leader resets them).
  'committedConfig', 'readSeq', 'readFlush', 'timeoutNowSent', 'preCandidate', 'preVotes',
  'termStart', 'confirmedSeq', 'ackSeq', 'recentActive', 'transferee', 'catchUp',
]);

/**
 * Raft node fields the key does not know (a field added to RaftNode later): written as they are. Every
 * node is made by createRaftNode with the same fields, so the list is made once.
 */
let unknownFields: { keys: readonly string[]; ticks: boolean } | null = null;

function unknownOf(r: raft.RaftNode): { keys: readonly string[]; ticks: boolean } {
  if (unknownFields === null) {
    const keys = Object.keys(r).filter((k) => !RAFT_KNOWN.has(k));
    unknownFields = { keys, ticks: keys.some((k) => /tick/i.test(k)) };
  }
  return unknownFields;
}

function sortedSet(s: ReadonlySet<string>): string {
  return s.size === 0 ? '' : s.size === 1 ? s.values().next().value! : [...s].sort().join(',');
}

/**
 * A Raft node's volatile state. What only a leader uses (nextIndex, matchIndex, progress, ticks; a
 * new leader sets them afresh) is left out for other roles, and a candidate's votes for other roles.
 * A leader counts heartbeats (`ticks`) only to tell how long an AppendEntries has gone unanswered
 * (`sentTick[0] <= ticks - 2`): each age, capped at 2, is written instead of the raw counts. If the
 * node has other tick fields whose meaning we do not know, the raw counts are written. Fields this
 * function does not know are written as they are.
 */
function raftKey(r: raft.RaftNode): string {
  let out = `${r.role[0]}${r.leaderId ?? '-'}c${r.commitIndex}a${r.lastApplied}${r.flushPending ? 'f' : ''}`;
  if (r.role === 'candidate') out += `v${sortedSet(r.votes)}`;
  out += `g${r.committedConfig}s${r.readSeq}${r.readFlush ? 'F' : ''}${r.timeoutNowSent ? 'N' : ''}`;
  if (r.preCandidate) out += `P${sortedSet(r.preVotes)}`;
  const rec = r as unknown as Record<string, unknown>;
  const unknown = unknownOf(r);
  const otherTicks = unknown.ticks;
  for (const k of unknown.keys) out += `|${k}:${canon(rec[k])}`;
  if (r.role === 'leader') {
    out += `L${r.termStart},${r.confirmedSeq}`;
    if (r.ackSeq.size > 0) out += [...r.ackSeq].map(([peer, seq]) => `${peer}:${seq}`).sort().join(',');
    if (r.options.checkQuorum) out += `R${sortedSet(r.recentActive)}`;
    if (r.transferee !== null) out += `X${r.transferee}`;
    if (r.catchUp.size > 0) out += canon(r.catchUp);
    // Maps made from the peer list: their order is fixed.
    for (const x of r.nextIndex.values()) out += `n${x}`;
    for (const x of r.matchIndex.values()) out += `m${x}`;
    for (const pr of r.progress.values()) {
      out += `${pr.mode[0]}${pr.waiting ? 'w' : ''}[${pr.inflight.join(',')}/`;
      for (const t of pr.sentTick) out += otherTicks ? `${t},` : `${Math.min(r.ticks - t, 2)},`;
      out += ']';
      // An InstallSnapshot is resent when two heartbeats have passed (node.ts replicateTo).
      if (pr.mode === 'snapshot') out += `s${otherTicks ? pr.snapshotTick : Math.min(r.ticks - pr.snapshotTick, 2)}`;
      const extra = Object.keys(pr).filter((k) => !['mode', 'waiting', 'inflight', 'sentTick', 'snapshotTick'].includes(k));
      for (const k of extra) out += `${k}:${canon((pr as unknown as Record<string, unknown>)[k])}`;
    }
    // CheckQuorum and an abandoned transfer look at the ticks since a mark, up to electionTicks.
    const cap = r.options.electionTicks;
    out += `q${otherTicks ? r.quorumTick : Math.min(r.ticks - r.quorumTick, cap)}`;
    if (r.transferee !== null) out += `T${otherTicks ? r.transferTick : Math.min(r.ticks - r.transferTick, cap)}`;
    if (otherTicks || r.catchUp.size > 0) out += `t${r.ticks}`;
  }
  return out;
}

/** Node keys, kept while the node object is shared by states (it no longer changes then). */
const nodeKeys = new WeakMap<ModelNode, string>();

function nodeKey(n: ModelNode): string {
  const p = n.persistent;
  const t = n.timers;
  let out = `${n.up ? 'U' : 'D'}${p.currentTerm}/${p.votedFor ?? '-'}/`;
  for (let k = 1; k < p.log.length; k++) out += `${entryKey(p.log.at(k)!)},`;
  out += `/${t.election ? 'e' : ''}${t.heartbeat ? 'h' : ''}${t.replicate ? 'r' : ''}/`;
  if (n.up) out += raftKey(n.raft);
  const s = p.snapshot;
  // A snapshot's data is the state machine after its last index: (index, term) name it (State Machine Safety).
  if (s.lastIncludedIndex > 0) out += `|s${s.lastIncludedIndex}/${s.lastIncludedTerm}${canon(s.config)}`;
  if (n.raft.options.stickyVotes) out += n.heard ? '|h' : '';
  const pk = Object.keys(p);
  if (pk.length > 4) for (const k of pk) if (k !== 'log' && k !== 'currentTerm' && k !== 'votedFor' && k !== 'snapshot') out += `|${k}:${canon((p as unknown as Record<string, unknown>)[k])}`;
  return out;
}

/**
 * Everything a state's future depends on, and nothing else (no message ids, no Lamport clocks, no
 * time). `cache`: the world will not change any more (the search's worlds), so node keys may be kept.
 */
export function stateKey(w: World, cache = false): string {
  let out = '';
  for (const n of w.nodes) {
    let k = cache ? nodeKeys.get(n) : undefined;
    if (k === undefined) {
      k = nodeKey(n);
      if (cache) nodeKeys.set(n, k);
    }
    out += k + '\n';
  }
  const msgs = w.inflight.map(msgKey).sort();
  out += msgs.join(';');
  out += '\n' + historyKey(w.history);
  const u = w.used;
  out += `\n${u.drops},${u.duplicates},${u.crashes},${u.proposals}`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Words for moves (the counterexample's narration)
// ---------------------------------------------------------------------------------------------

function describeMsg(m: RaftMessage): string {
  switch (m.type) {
    case 'RequestVote':
      return `RequestVote (term ${m.term}, log ends at ${m.lastLogIndex}/${m.lastLogTerm})`;
    case 'RequestVoteReply':
      return `RequestVoteReply (term ${m.term}, ${m.voteGranted ? 'granted' : 'denied'})`;
    case 'AppendEntries':
      return `AppendEntries (term ${m.term}, after ${m.prevLogIndex}/${m.prevLogTerm}, ${m.entries.length === 0 ? 'no entries' : `entries ${m.entries.map((e, i) => `${m.prevLogIndex + 1 + i}/${e.term}`).join(' ')}`}, commit ${m.leaderCommit})`;
    case 'AppendEntriesReply':
      return `AppendEntriesReply (term ${m.term}, ${m.success ? `ok up to ${m.matchIndex}` : 'refused'})`;
    case 'PreVote':
      return `PreVote (for term ${m.term}, log ends at ${m.lastLogIndex}/${m.lastLogTerm})`;
    case 'PreVoteReply':
      return `PreVoteReply (term ${m.term}, ${m.voteGranted ? 'granted' : 'refused'})`;
    case 'InstallSnapshot':
      return `InstallSnapshot (term ${m.term}, up to ${m.lastIncludedIndex}/${m.lastIncludedTerm})`;
    case 'InstallSnapshotReply':
      return `InstallSnapshotReply (term ${m.term}, has ${m.matchIndex})`;
    case 'TimeoutNow':
      return `TimeoutNow (term ${m.term})`;
  }
}

/** The move in words, given the world it is made in: `deliver #7 RequestVote (term 2, …) n1→n3`. */
export function describeMove(w: World, fixed: Fixed, move: Move): string {
  const ids = fixed.ids;
  switch (move.kind) {
    case 'deliver': {
      const m = w.inflight.find((x) => x.id === move.id && x.copy === move.copy);
      if (m === undefined) return `deliver #${move.id}`;
      const fate = m.lost ? ' — lost on the way' : !fixed.reach[m.from][m.to] ? ' — cut off' : !w.nodes[m.to].up ? ` — ${ids[m.to]} is down` : '';
      return `deliver #${m.id}${m.copy ? ' (copy)' : ''} ${ids[m.from]}→${ids[m.to]}: ${describeMsg(m.payload)}${fate}`;
    }
    case 'fire':
      return `${ids[move.node]}'s ${move.timer} timer fires`;
    case 'drop': {
      const m = w.inflight.find((x) => x.id === move.id);
      return `the network loses #${move.id}${m === undefined ? '' : ` ${ids[m.from]}→${ids[m.to]}: ${describeMsg(m.payload)}`}`;
    }
    case 'duplicate':
      return `the network duplicates #${move.id}`;
    case 'crash':
      return `${ids[move.node]} crashes`;
    case 'restart':
      return `${ids[move.node]} restarts`;
    case 'propose':
      return `a client asks leader ${ids[move.node]} to append "${move.command}"`;
  }
}
