// The pure Raft node (paper §5): handlers change state and push what they want done onto `node.outbox`.
import {
  DEFAULT_RAFT_OPTIONS,
  type AppendEntries,
  type AppendEntriesReply,
  type Entry,
  type RaftMessage,
  type RaftOptions,
  type RaftOutput,
  type RaftPersistent,
  type RequestVote,
  type RequestVoteReply,
  type Role,
} from './types';

export const SENTINEL: Entry = Object.freeze({ term: 0, command: null });

export function newPersistent(): RaftPersistent {
  return { currentTerm: 0, votedFor: null, log: [SENTINEL] };
}

/**
 * How a leader sends entries to one follower (after etcd's Progress): `probe` sends one
 * AppendEntries at a time until a success shows where the two logs agree; `replicate` then
 * pipelines, up to `maxInflight` messages with entries unacknowledged (flow control).
 */
export interface PeerProgress {
  mode: 'probe' | 'replicate';
  /** Probe: an AppendEntries is out and unanswered; the next one waits for its reply or the next heartbeat. */
  waiting: boolean;
  /** Replicate: the last index carried by each unacknowledged AppendEntries, oldest first. */
  inflight: number[];
  /** The heartbeat tick at which each of them was sent. */
  sentTick: number[];
}

export interface RaftNode {
  readonly id: string;
  readonly peers: readonly string[];
  /** Survives crashes; the host keeps this object and hands it to the node made at restart. */
  readonly p: RaftPersistent;
  readonly options: RaftOptions;
  role: Role;
  /** The leader of currentTerm as far as this node knows. */
  leaderId: string | null;
  // Invariant: lastApplied <= commitIndex <= lastIndex(p.log)
  commitIndex: number;
  lastApplied: number;
  /** Candidate only: voters that granted their vote in currentTerm (self included). */
  votes: Set<string>;
  /** Leader only (§5.3): next index to send to each peer; always > matchIndex. */
  nextIndex: Map<string, number>;
  /** Leader only: highest index known replicated on each peer. */
  matchIndex: Map<string, number>;
  /** Leader only: probe or pipeline, and the window of unacknowledged messages, per peer. */
  progress: Map<string, PeerProgress>;
  /** Leader only: heartbeats sent in this term, the clock by which a silent pipeline is judged lost. */
  ticks: number;
  /** New entries wait for flush() (at the end of the instant), so proposals made together travel together. */
  flushPending: boolean;
  readonly majority: number;
  outbox: RaftOutput[];
}

export function createRaftNode(
  id: string,
  peers: readonly string[],
  persistent: RaftPersistent,
  options: RaftOptions = DEFAULT_RAFT_OPTIONS,
): RaftNode {
  const node: RaftNode = {
    id,
    peers: peers.filter((p) => p !== id),
    p: persistent,
    options,
    role: 'follower',
    leaderId: null,
    commitIndex: 0,
    lastApplied: 0,
    votes: new Set(),
    nextIndex: new Map(),
    matchIndex: new Map(),
    progress: new Map(),
    ticks: 0,
    flushPending: false,
    majority: Math.floor((peers.filter((p) => p !== id).length + 1) / 2) + 1,
    outbox: [],
  };
  // A (re)started node is a follower waiting for a leader (§5.2).
  node.outbox.push({ kind: 'electionTimer', run: true });
  return node;
}

export const lastIndex = (node: RaftNode): number => node.p.log.length - 1;
export const lastTerm = (node: RaftNode): number => node.p.log[node.p.log.length - 1].term;
export const termAt = (node: RaftNode, index: number): number => node.p.log[index]?.term ?? -1;

// ---- role changes: the only places `role` is written (style: role as data) ----

export function becomeFollower(node: RaftNode, term: number, leaderId: string | null): void {
  const wasRole = node.role;
  if (term > node.p.currentTerm) {
    node.p.currentTerm = term;
    node.p.votedFor = null;
  }
  node.role = 'follower';
  node.leaderId = leaderId;
  node.votes = new Set();
  if (wasRole === 'leader') node.outbox.push({ kind: 'heartbeatTimer', run: false });
  node.outbox.push({ kind: 'electionTimer', run: true });
  if (wasRole !== 'follower') node.outbox.push({ kind: 'role', role: 'follower', term: node.p.currentTerm });
}

export function becomeCandidate(node: RaftNode): void {
  // §5.2: increment currentTerm, vote for self, reset the election timer, send RequestVote to all.
  node.p.currentTerm += 1;
  node.p.votedFor = node.id;
  node.role = 'candidate';
  node.leaderId = null;
  node.votes = new Set([node.id]);
  node.outbox.push({ kind: 'role', role: 'candidate', term: node.p.currentTerm });
  node.outbox.push({ kind: 'electionTimer', run: true });
  if (node.votes.size >= node.majority) {
    becomeLeader(node);
    return;
  }
  const msg: RequestVote = {
    type: 'RequestVote',
    term: node.p.currentTerm,
    candidateId: node.id,
    lastLogIndex: lastIndex(node),
    lastLogTerm: lastTerm(node),
  };
  for (const peer of node.peers) node.outbox.push({ kind: 'send', to: peer, msg });
}

export function becomeLeader(node: RaftNode): void {
  node.role = 'leader';
  node.leaderId = node.id;
  node.votes = new Set();
  node.outbox.push({ kind: 'role', role: 'leader', term: node.p.currentTerm });
  node.outbox.push({ kind: 'electionTimer', run: false });
  // A no-op of the new term lets earlier entries commit promptly (§5.4.2, §8).
  node.p.log.push({ term: node.p.currentTerm, command: null });
  const next = lastIndex(node); // the no-op is the first thing each follower needs checked
  node.nextIndex = new Map(node.peers.map((p) => [p, next]));
  node.matchIndex = new Map(node.peers.map((p) => [p, 0]));
  // Nothing is known of the followers' logs yet: probe each one.
  node.progress = new Map(node.peers.map((p) => [p, { mode: 'probe', waiting: false, inflight: [], sentTick: [] }]));
  node.ticks = 0;
  advanceCommit(node); // a one-node cluster commits alone
  for (const peer of node.peers) replicateTo(node, peer, true);
  node.outbox.push({ kind: 'heartbeatTimer', run: true });
}

// ---- timers ----

/** The election timeout fired (§5.2): a follower or candidate starts an election. */
export function electionTimeout(node: RaftNode): void {
  if (node.role === 'leader') return;
  becomeCandidate(node);
}

/** The heartbeat timer fired: a leader sends AppendEntries (empty or not) to every peer (§5.2). */
export function heartbeat(node: RaftNode): void {
  if (node.role !== 'leader') return;
  node.ticks++;
  for (const peer of node.peers) replicateTo(node, peer, true);
  node.outbox.push({ kind: 'heartbeatTimer', run: true });
}

// ---- client requests ----

/**
 * Raft's Start: a leader appends the command to its log and replicates it; others refuse. The
 * entry leaves at flush(), which the host calls at the end of the instant: every proposal of one
 * instant then travels in one AppendEntries per follower.
 */
export function propose(node: RaftNode, command: unknown): { index: number; term: number } | undefined {
  if (node.role !== 'leader') return undefined;
  node.p.log.push({ term: node.p.currentTerm, command });
  const index = lastIndex(node);
  advanceCommit(node); // a one-node cluster commits alone
  if (!node.flushPending && node.peers.length > 0) {
    node.flushPending = true;
    node.outbox.push({ kind: 'flushSoon' });
  }
  return { index, term: node.p.currentTerm };
}

/** The end of the instant after proposals: a leader sends the new entries to every follower whose window has room. */
export function flush(node: RaftNode): void {
  node.flushPending = false;
  if (node.role !== 'leader') return;
  for (const peer of node.peers) replicateTo(node, peer, false);
}

// ---- messages ----

export function receive(node: RaftNode, from: string, msg: RaftMessage): void {
  // §5.1: a message from a higher term makes any node a follower of that term.
  if (msg.term > node.p.currentTerm) {
    becomeFollower(node, msg.term, msg.type === 'AppendEntries' ? msg.leaderId : null);
  }
  switch (msg.type) {
    case 'RequestVote':
      return onRequestVote(node, from, msg);
    case 'RequestVoteReply':
      return onRequestVoteReply(node, from, msg);
    case 'AppendEntries':
      return onAppendEntries(node, from, msg);
    case 'AppendEntriesReply':
      return onAppendEntriesReply(node, from, msg);
  }
}

/** §5.4.1: is a log ending at (lastLogTerm, lastLogIndex) at least as up to date as ours? */
export function logIsUpToDate(node: RaftNode, lastLogTerm: number, lastLogIndex: number): boolean {
  const myTerm = lastTerm(node);
  return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= lastIndex(node));
}

function onRequestVote(node: RaftNode, from: string, msg: RequestVote): void {
  const term = node.p.currentTerm;
  let granted = false;
  let reason: string;
  if (msg.term < term) {
    reason = `stale term ${msg.term} < ${term} (§5.1)`;
  } else if (node.p.votedFor !== null && node.p.votedFor !== msg.candidateId) {
    reason = `already voted for ${node.p.votedFor} in term ${term} (§5.2)`;
  } else if (node.options.rules.voteLogCheck && !logIsUpToDate(node, msg.lastLogTerm, msg.lastLogIndex)) {
    reason =
      `${msg.candidateId}'s log ends at term ${msg.lastLogTerm} index ${msg.lastLogIndex}, ` +
      `${node.id}'s at term ${lastTerm(node)} index ${lastIndex(node)} (§5.4.1)`;
  } else {
    granted = true;
    reason = node.p.votedFor === msg.candidateId ? `already voted for it in term ${term}` : `first vote in term ${term}`;
    node.p.votedFor = msg.candidateId;
    // Granting a vote resets the election timer (§5.2, Figure 2 "Followers").
    node.outbox.push({ kind: 'electionTimer', run: true });
  }
  node.outbox.push({ kind: 'vote', candidate: msg.candidateId, granted, reason });
  const reply: RequestVoteReply = { type: 'RequestVoteReply', term: node.p.currentTerm, voteGranted: granted };
  node.outbox.push({ kind: 'send', to: from, msg: reply });
}

function onRequestVoteReply(node: RaftNode, from: string, msg: RequestVoteReply): void {
  // A vote counts only for the term it was cast in.
  if (node.role !== 'candidate' || msg.term !== node.p.currentTerm || !msg.voteGranted) return;
  node.votes.add(from);
  if (node.votes.size >= node.majority) becomeLeader(node);
}

function onAppendEntries(node: RaftNode, from: string, msg: AppendEntries): void {
  const term = node.p.currentTerm;
  if (msg.term < term) {
    // §5.1: reject a stale leader; our term in the reply makes it step down.
    reply(node, from, false, 0, 0, 0);
    return;
  }
  // msg.term === currentTerm here. A candidate that hears the current leader steps down (§5.2).
  if (node.role !== 'follower') becomeFollower(node, msg.term, msg.leaderId);
  else {
    node.leaderId = msg.leaderId;
    node.outbox.push({ kind: 'electionTimer', run: true });
  }
  const log = node.p.log;
  // §5.3 consistency check: our log must hold prevLogIndex with prevLogTerm.
  if (msg.prevLogIndex > lastIndex(node)) {
    reply(node, from, false, 0, 0, lastIndex(node) + 1);
    return;
  }
  const prevTerm = log[msg.prevLogIndex].term;
  if (prevTerm !== msg.prevLogTerm) {
    let first = msg.prevLogIndex;
    while (first > 1 && log[first - 1].term === prevTerm) first--;
    reply(node, from, false, 0, prevTerm, first);
    return;
  }
  // Append, truncating at the first conflict only: a stale or repeated message must not cut entries (§5.3).
  const entries = msg.entries;
  for (let i = 0; i < entries.length; i++) {
    const index = msg.prevLogIndex + 1 + i;
    if (index < log.length) {
      if (log[index].term === entries[i].term) continue;
      // Invariant: committed entries are never truncated (guaranteed by Leader Completeness).
      log.length = index;
      node.outbox.push({ kind: 'truncate', fromIndex: index });
    }
    for (let j = i; j < entries.length; j++) log.push(entries[j]);
    break;
  }
  const lastNew = msg.prevLogIndex + entries.length;
  // Figure 2: commitIndex = min(leaderCommit, index of last new entry). Using our lastIndex instead
  // would commit unchecked entries past lastNew that may conflict with the leader's log.
  if (msg.leaderCommit > node.commitIndex) {
    const target = Math.min(msg.leaderCommit, lastNew);
    if (target > node.commitIndex) setCommitIndex(node, target);
  }
  reply(node, from, true, lastNew, 0, 0);
}

function reply(
  node: RaftNode,
  to: string,
  success: boolean,
  matchIndex: number,
  conflictTerm: number,
  conflictIndex: number,
): void {
  const msg: AppendEntriesReply = {
    type: 'AppendEntriesReply',
    term: node.p.currentTerm,
    success,
    matchIndex,
    conflictTerm,
    conflictIndex,
  };
  node.outbox.push({ kind: 'send', to, msg });
}

function onAppendEntriesReply(node: RaftNode, from: string, msg: AppendEntriesReply): void {
  if (node.role !== 'leader' || msg.term !== node.p.currentTerm) return; // stale reply
  const match = node.matchIndex.get(from);
  if (match === undefined) return;
  const pr = node.progress.get(from)!;
  if (msg.success) {
    // Replies may arrive late, twice or out of order: matchIndex only moves forward.
    if (msg.matchIndex > match) {
      node.matchIndex.set(from, msg.matchIndex);
      advanceCommit(node);
    }
    const m = node.matchIndex.get(from)!;
    if (pr.mode === 'probe') {
      // The logs agree up to m: from here entries can be pipelined.
      pr.mode = 'replicate';
      pr.waiting = false;
      node.nextIndex.set(from, m + 1);
    } else {
      let acked = 0;
      while (acked < pr.inflight.length && pr.inflight[acked] <= m) acked++;
      if (acked > 0) {
        pr.inflight.splice(0, acked);
        pr.sentTick.splice(0, acked);
      }
      if (node.nextIndex.get(from)! <= m) node.nextIndex.set(from, m + 1);
    }
    // The window has room again: keep a lagging follower streaming rather than waiting for the next heartbeat.
    replicateTo(node, from, false);
    return;
  }
  // §5.3 back-off, accelerated with the follower's conflict hint.
  let next = msg.conflictIndex;
  if (msg.conflictTerm > 0) {
    const k = lastIndexWithTermAtMost(node.p.log, msg.conflictTerm);
    if (k > 0 && node.p.log[k].term === msg.conflictTerm) next = k + 1; // we hold that term: skip past it
  }
  next = Math.min(next, lastIndex(node) + 1);
  // Stale: the follower is known to hold more than that (a late reply to an older message).
  if (next <= match) return;
  // The probe already out asks exactly this: a second copy would only duplicate it.
  if (pr.mode === 'probe' && pr.waiting && next === node.nextIndex.get(from)) return;
  becomeProbe(node, from, next);
  replicateTo(node, from, false); // retry at once
}

/** Terms never decrease along a log, so binary search finds the last index whose term <= term. */
function lastIndexWithTermAtMost(log: readonly Entry[], term: number): number {
  let lo = 0;
  let hi = log.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (log[mid].term <= term) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** §5.3/§5.4.2: commit the highest index stored on a majority whose entry is from the current term. */
function advanceCommit(node: RaftNode): void {
  // The majority-th largest of (own last index, every matchIndex): the highest index a majority holds.
  const held = scratch;
  let n = 0;
  held[n++] = lastIndex(node);
  for (const m of node.matchIndex.values()) {
    // Insertion into a descending list: clusters are small, and this allocates nothing.
    let i = n++;
    while (i > 0 && held[i - 1] < m) {
      held[i] = held[i - 1];
      i--;
    }
    held[i] = m;
  }
  const best = held[node.majority - 1];
  if (best <= node.commitIndex) return;
  // Entries of the current term sit at the end of the log: if entry `best` is older, so is every entry below it.
  if (node.options.rules.commitCurrentTermOnly && node.p.log[best].term !== node.p.currentTerm) return;
  setCommitIndex(node, best);
}

const scratch: number[] = [];

function setCommitIndex(node: RaftNode, index: number): void {
  node.commitIndex = index;
  node.outbox.push({ kind: 'commit', index });
  // Apply in order, without gaps (§5.3 "State Machine Safety").
  while (node.lastApplied < node.commitIndex) {
    node.lastApplied++;
    node.outbox.push({ kind: 'apply', index: node.lastApplied, entry: node.p.log[node.lastApplied] });
  }
}

function becomeProbe(node: RaftNode, peer: string, next: number): void {
  const pr = node.progress.get(peer)!;
  pr.mode = 'probe';
  pr.waiting = false;
  pr.inflight.length = 0;
  pr.sentTick.length = 0;
  node.nextIndex.set(peer, next);
}

/**
 * Sends `peer` what it lacks, as far as its mode and window allow. A heartbeat always sends
 * something: the next probe, more entries, or an empty AppendEntries that carries the commit index.
 */
function replicateTo(node: RaftNode, peer: string, isHeartbeat: boolean): void {
  const pr = node.progress.get(peer)!;
  if (pr.mode === 'probe') {
    if (pr.waiting && !isHeartbeat) return;
    pr.waiting = true;
    sendAppend(node, peer, node.nextIndex.get(peer)!, true);
    return;
  }
  const log = node.p.log;
  const max = node.options.maxInflight;
  let sent = false;
  for (let next = node.nextIndex.get(peer)!; next < log.length && pr.inflight.length < max; next = node.nextIndex.get(peer)!) {
    // Optimistic pipelining: assume delivery; a rejection's hint moves nextIndex back.
    const last = sendAppend(node, peer, next, true);
    node.nextIndex.set(peer, last + 1);
    pr.inflight.push(last);
    pr.sentTick.push(node.ticks);
    sent = true;
  }
  if (!isHeartbeat || sent) return;
  // An empty heartbeat is checked at what the follower is known to hold, so that it cannot overtake
  // entries still in flight and be refused. But entries unacknowledged for a whole heartbeat interval
  // are probably lost (or their replies were): then it asks whether the follower holds everything sent.
  const stalled = pr.inflight.length > 0 && pr.sentTick[0] <= node.ticks - 2;
  sendAppend(node, peer, stalled ? node.nextIndex.get(peer)! : node.matchIndex.get(peer)! + 1, false);
}

/** One AppendEntries starting at index `from` (entries only if `withEntries`); returns the last index it covers. */
function sendAppend(node: RaftNode, peer: string, from: number, withEntries: boolean): number {
  const log = node.p.log;
  const prevLogIndex = from - 1;
  const end = withEntries ? Math.min(log.length, from + node.options.maxEntriesPerMessage) : from;
  const entries = from < end ? log.slice(from, end) : EMPTY;
  const msg: AppendEntries = {
    type: 'AppendEntries',
    term: node.p.currentTerm,
    leaderId: node.id,
    prevLogIndex,
    prevLogTerm: log[prevLogIndex].term,
    entries,
    leaderCommit: node.commitIndex,
  };
  node.outbox.push({ kind: 'send', to: peer, msg });
  return prevLogIndex + entries.length;
}

const EMPTY: readonly Entry[] = Object.freeze([]);
