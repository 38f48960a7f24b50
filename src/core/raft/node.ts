// The pure Raft node (paper §5–§8, thesis §3.10, §4, §6.2, §6.4, §9.6): handlers change state and push what they want done onto `node.outbox`.
import { Column, recentLeaves } from '../column';
import {
  DEFAULT_RAFT_OPTIONS,
  configCommand,
  isConfigCommand,
  type AppendEntries,
  type AppendEntriesReply,
  type Configuration,
  type Entry,
  type InstallSnapshot,
  type InstallSnapshotReply,
  type PreVote,
  type PreVoteReply,
  type RaftMessage,
  type RaftOptions,
  type RaftOutput,
  type RaftPersistent,
  type RequestVote,
  type RequestVoteReply,
  type Role,
  type Snapshot,
  type TimeoutNow,
} from './types';

export const SENTINEL: Entry = Object.freeze({ term: 0, command: null });

/** The snapshot a server starts from: nothing applied, and the configuration it was started with. */
export function bootstrapSnapshot(voters: readonly string[]): Snapshot {
  return Object.freeze({
    lastIncludedIndex: 0,
    lastIncludedTerm: 0,
    config: Object.freeze({ voters: Object.freeze([...voters]), learners: Object.freeze([] as string[]) }),
    data: null,
  });
}

/**
 * A log holding `entries` (entry 0 stands for the snapshot). Its full leaves go through the pool the
 * checkers' copies and the topic stores use: the nodes' logs, which grow by the same entry objects
 * nearly in step, then hold one set of leaves between them. A Column only grows at its end; a
 * conflict truncates it (it announces that itself to saved states) and compaction makes a new one.
 */
export function logOf(entries: readonly Entry[]): Column<Entry> {
  const log = new Column<Entry>(recentLeaves);
  for (const e of entries) log.push(e);
  return log;
}

/**
 * Persistent state of a server started with configuration `voters`. A server added to a running
 * cluster starts with none (thesis §4.2.1): it never campaigns, and learns the configuration from the leader.
 */
export function newPersistent(voters: readonly string[] = []): RaftPersistent {
  return { currentTerm: 0, votedFor: null, log: logOf([SENTINEL]), snapshot: bootstrapSnapshot(voters) };
}

/**
 * How a leader sends entries to one follower (after etcd's Progress): `probe` sends one
 * AppendEntries at a time until a success shows where the two logs agree; `replicate` then
 * pipelines, up to `maxInflight` messages with entries unacknowledged (flow control); `snapshot`
 * waits for an InstallSnapshot to be answered, because the entries it needs are compacted (§7).
 */
export interface PeerProgress {
  mode: 'probe' | 'replicate' | 'snapshot';
  /** Probe: an AppendEntries is out and unanswered; the next one waits for its reply or the next heartbeat. */
  waiting: boolean;
  /** Replicate: the last index carried by each unacknowledged AppendEntries, oldest first. */
  inflight: number[];
  /** The heartbeat tick at which each of them was sent. */
  sentTick: number[];
  /** Snapshot: the heartbeat tick at which the InstallSnapshot was last sent. */
  snapshotTick: number;
}

/** A configuration and the index of the entry that holds it (the snapshot's index for the first). */
export interface ConfigAt {
  readonly index: number;
  readonly config: Configuration;
}

/** A learner's catch-up round (thesis §4.2.1): done when it holds `end`; fast enough when within an election timeout. */
interface CatchUp {
  end: number;
  startTick: number;
  ready: boolean;
}

export interface RaftNode {
  readonly id: string;
  /** Survives crashes; the host keeps this object and hands it to the node made at restart. */
  readonly p: RaftPersistent;
  readonly options: RaftOptions;
  role: Role;
  /** The leader of currentTerm as far as this node knows. */
  leaderId: string | null;
  // Invariant: snapshot.lastIncludedIndex <= lastApplied <= commitIndex <= lastIndex
  commitIndex: number;
  lastApplied: number;
  /** Candidate only: voters that granted their vote in currentTerm (self included). */
  votes: Set<string>;
  /** Leader only (§5.3): next index to send to each peer; always > matchIndex. */
  nextIndex: Map<string, number>;
  /** Leader only: highest index known replicated on each peer. */
  matchIndex: Map<string, number>;
  /** Leader only: probe, pipeline or snapshot, and the window of unacknowledged messages, per peer. */
  progress: Map<string, PeerProgress>;
  /** Leader only: heartbeats sent in this term, the clock by which silences and rounds are judged. */
  ticks: number;
  /** New entries wait for flush() (at the end of the instant), so proposals made together travel together. */
  flushPending: boolean;
  outbox: RaftOutput[];

  // ---- membership (§6, thesis §4) ----
  /** The configurations in the log, oldest first; the first is the snapshot's. A server uses the last, committed or not. */
  configs: ConfigAt[];
  /** Position in `configs` of the latest committed configuration. */
  committedConfig: number;
  /** The configuration in use: the latest in the log. */
  config: Configuration;
  /** The latest committed configuration. */
  committed: Configuration;
  isVoter: boolean;
  /** floor(voters / 2) + 1 of the configuration in use. */
  majority: number;
  /** Every other server of the configurations from the committed one on: a leader replicates to all of them. */
  peers: readonly string[];
  /** Leader only: catch-up rounds of the learners it is to promote. */
  catchUp: Map<string, CatchUp>;

  // ---- reads (§8, thesis §6.4) ----
  /** Leader only: index of its term's no-op; a read must wait until this is committed. */
  termStart: number;
  /** Number of the latest heartbeat round (carried in AppendEntries as `seq`). */
  readSeq: number;
  /** Leader only: the highest round a majority of voters has answered in this term. */
  confirmedSeq: number;
  /** Leader only: the highest round each peer has answered in this term. */
  ackSeq: Map<string, number>;
  /** The next flush sends something to every peer (a read round). */
  readFlush: boolean;

  // ---- disruption (thesis §9.6 Pre-Vote, §6.2 CheckQuorum, §4.2.3) ----
  /** Running a pre-vote (role stays follower, term unchanged). */
  preCandidate: boolean;
  preVotes: Set<string>;
  /** Leader only (CheckQuorum): voters heard from since the last check. */
  recentActive: Set<string>;
  quorumTick: number;
  /**
   * Set by the host before a vote request is handled: this server heard from a leader within the
   * minimum election timeout (or is the leader). Time is the host's; the rule is Raft's.
   */
  heardLeader: boolean;

  // ---- leadership transfer (thesis §3.10) ----
  transferee: string | null;
  transferTick: number;
  timeoutNowSent: boolean;
  /**
   * A TimeoutNow went out in this term: even after the transfer is abandoned it may still arrive and
   * elect the target past the followers' stickiness (thesis §4.2.3), which a read lease relies on. So
   * the leader takes no lease again in this term (thesis §6.4.1); its reads confirm by a round instead.
   */
  leaseBarred: boolean;
}

const RUN_ELECTION: RaftOutput = Object.freeze({ kind: 'electionTimer', run: true });
const STOP_ELECTION: RaftOutput = Object.freeze({ kind: 'electionTimer', run: false });

/**
 * A node over `persistent` (a fresh start or a restart). `peers` is only used when the persistent
 * state carries no snapshot (older callers): then the configuration is `peers` plus `id`.
 */
export function createRaftNode(
  id: string,
  peers: readonly string[],
  persistent: RaftPersistent | Omit<RaftPersistent, 'snapshot'>,
  options: RaftOptions = DEFAULT_RAFT_OPTIONS,
): RaftNode {
  const p = persistent as RaftPersistent;
  if (p.snapshot === undefined) p.snapshot = bootstrapSnapshot(peers.includes(id) ? peers : [id, ...peers]);
  const base = p.snapshot.lastIncludedIndex;
  const node: RaftNode = {
    id,
    p,
    options,
    role: 'follower',
    leaderId: null,
    // Everything in the snapshot was committed and is applied by restoring it (§7).
    commitIndex: base,
    lastApplied: base,
    votes: new Set(),
    nextIndex: new Map(),
    matchIndex: new Map(),
    progress: new Map(),
    ticks: 0,
    flushPending: false,
    outbox: [],
    configs: scanConfigs(p),
    committedConfig: 0,
    config: p.snapshot.config,
    committed: p.snapshot.config,
    isVoter: false,
    majority: 1,
    peers: [],
    catchUp: new Map(),
    termStart: 0,
    readSeq: 0,
    confirmedSeq: 0,
    ackSeq: new Map(),
    readFlush: false,
    preCandidate: false,
    preVotes: new Set(),
    recentActive: new Set(),
    quorumTick: 0,
    heardLeader: false,
    transferee: null,
    transferTick: 0,
    timeoutNowSent: false,
    leaseBarred: false,
  };
  refreshConfig(node, true);
  if (base > 0) node.outbox.push({ kind: 'restore', snapshot: p.snapshot });
  // A (re)started node is a follower waiting for a leader (§5.2); a learner never campaigns.
  node.outbox.push(electionTimer(node));
  return node;
}

function scanConfigs(p: RaftPersistent): ConfigAt[] {
  const base = p.snapshot.lastIncludedIndex;
  const configs: ConfigAt[] = [{ index: base, config: p.snapshot.config }];
  for (let k = 1; k < p.log.length; k++) {
    const c = p.log.at(k)!.command;
    if (isConfigCommand(c)) configs.push({ index: base + k, config: c });
  }
  return configs;
}

// ---- the log, with absolute indices over a compacted prefix (§7) ----

/** Index of the last entry the snapshot covers (0 before any). */
export const snapshotIndex = (node: RaftNode): number => node.p.snapshot.lastIncludedIndex;
export const lastIndex = (node: RaftNode): number => node.p.snapshot.lastIncludedIndex + node.p.log.length - 1;
export const lastTerm = (node: RaftNode): number => node.p.log.last()!.term;
/** Term of entry `index`, or -1 when the log does not hold it (beyond its end, or compacted). */
export const termAt = (node: RaftNode, index: number): number => node.p.log.at(index - node.p.snapshot.lastIncludedIndex)?.term ?? -1;
/** Entry `index`, or undefined when beyond the end or compacted (index 0 of the log stands for the snapshot). */
export function entryAt(node: RaftNode, index: number): Entry | undefined {
  const k = index - node.p.snapshot.lastIncludedIndex;
  return k >= 1 ? node.p.log.at(k) : undefined;
}

// ---- configurations (§6) ----

const sameMembers = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Whether the server starts elections when its timer runs out: a voter of the configuration in use,
 * or a server that configuration removes while the removal is not committed yet — it may still be
 * needed until then (thesis §4.2.2: with two servers, the other cannot be elected without it), so it
 * campaigns without counting its own vote. A learner never does (thesis §4.2.1).
 */
export function campaigns(node: RaftNode): boolean {
  return node.isVoter || (node.config !== node.committed && node.committed.voters.includes(node.id));
}

/** The election timer's command after something that restarts it (§5.2): run it only for a server that campaigns. */
function electionTimer(node: RaftNode): RaftOutput {
  return campaigns(node) ? RUN_ELECTION : STOP_ELECTION;
}

/**
 * Recomputes what follows from the configurations in the log: the one in use (the latest, committed
 * or not), the committed one, who votes, who is replicated to, and a leader's per-peer state.
 */
function refreshConfig(node: RaftNode, quiet = false): void {
  const configs = node.configs;
  const latest = configs[configs.length - 1];
  let k = configs.length - 1;
  while (k > 0 && configs[k].index > node.commitIndex) k--;
  const changed = latest.config !== node.config;
  const committedChanged = configs[k].config !== node.committed;
  const campaigned = campaigns(node);
  node.config = latest.config;
  node.committedConfig = k;
  node.committed = configs[k].config;
  node.isVoter = latest.config.voters.includes(node.id);
  node.majority = Math.floor(latest.config.voters.length / 2) + 1;
  const peers: string[] = [];
  for (let j = k; j < configs.length; j++) {
    const c = configs[j].config;
    for (const id of c.voters) if (id !== node.id && !peers.includes(id)) peers.push(id);
    for (const id of c.learners) if (id !== node.id && !peers.includes(id)) peers.push(id);
  }
  if (!sameMembers(peers, node.peers)) node.peers = peers;
  if (!quiet && changed) node.outbox.push({ kind: 'config', index: latest.index, config: latest.config });
  if (!quiet && committedChanged) node.outbox.push({ kind: 'configCommitted', index: configs[k].index, config: configs[k].config });
  if (node.role === 'leader') {
    syncProgress(node);
    // Thesis §4.2.2: a leader that is not part of the new configuration steps down once it is committed.
    if (!configs[k].config.voters.includes(node.id)) {
      node.outbox.push({ kind: 'stepDown', reason: `removed from the configuration, which is now committed (§6, thesis §4.2.2)` });
      becomeFollower(node, node.p.currentTerm, null);
    }
  } else if (!quiet && node.role === 'follower' && campaigned !== campaigns(node)) {
    node.outbox.push(electionTimer(node));
  }
}

/** Leader: per-peer state for exactly the servers it replicates to; catch-up rounds for its learners. */
function syncProgress(node: RaftNode): void {
  const last = lastIndex(node);
  for (const peer of node.peers) {
    if (node.progress.has(peer)) continue;
    node.nextIndex.set(peer, Math.max(last, snapshotIndex(node) + 1));
    node.matchIndex.set(peer, 0);
    node.progress.set(peer, newProgress());
  }
  if (node.progress.size !== node.peers.length) {
    for (const peer of [...node.progress.keys()]) {
      if (node.peers.includes(peer)) continue;
      node.progress.delete(peer);
      node.nextIndex.delete(peer);
      node.matchIndex.delete(peer);
      node.ackSeq.delete(peer);
    }
  }
  for (const learner of node.config.learners) {
    if (!node.catchUp.has(learner)) node.catchUp.set(learner, { end: last, startTick: node.ticks, ready: false });
  }
  for (const id of [...node.catchUp.keys()]) if (!node.config.learners.includes(id)) node.catchUp.delete(id);
}

const newProgress = (): PeerProgress => ({ mode: 'probe', waiting: false, inflight: [], sentTick: [], snapshotTick: 0 });

/**
 * May this leader append a configuration entry now? One change at a time: the previous configuration
 * must be committed, and so must an entry of its own term (thesis §4.1; the 2015 erratum on
 * single-server changes), and no leadership transfer may be under way.
 */
export function canChangeConfig(node: RaftNode): boolean {
  if (node.role !== 'leader' || node.transferee !== null) return false;
  if (!node.options.rules.oneChangeAtATime) return true;
  return node.configs[node.configs.length - 1].index <= node.commitIndex && node.termStart <= node.commitIndex;
}

function appendConfig(node: RaftNode, voters: readonly string[], learners: readonly string[]): { index: number; term: number } {
  const command = configCommand(voters, learners);
  node.p.log.push(Object.freeze({ term: node.p.currentTerm, command }));
  const index = lastIndex(node);
  node.configs.push({ index, config: command });
  refreshConfig(node);
  if (node.role === 'leader') {
    advanceCommit(node);
    scheduleFlush(node);
  }
  return { index, term: node.p.currentTerm };
}

/**
 * Leader: adds `id` as a learner (thesis §4.2.1): it is sent the log but neither votes nor counts;
 * once it has caught up, the leader appends a configuration that makes it a voter. Undefined when
 * refused (not leader, a change still in progress, already a member).
 */
export function addLearner(node: RaftNode, id: string): { index: number; term: number } | undefined {
  const c = node.config;
  if (!canChangeConfig(node) || c.voters.includes(id) || c.learners.includes(id)) return undefined;
  return appendConfig(node, c.voters, [...c.learners, id]);
}

/** Leader: a configuration without `id` (voter or learner); undefined when refused (see canChangeConfig) or when it is the last voter. */
export function removeServer(node: RaftNode, id: string): { index: number; term: number } | undefined {
  const c = node.config;
  if (!canChangeConfig(node)) return undefined;
  if (c.voters.includes(id)) {
    if (c.voters.length === 1) return undefined;
    return appendConfig(node, c.voters.filter((v) => v !== id), c.learners);
  }
  if (c.learners.includes(id)) return appendConfig(node, c.voters, c.learners.filter((v) => v !== id));
  return undefined;
}

/** A learner's reply moved its matchIndex: close its round when it holds the round's end. */
function noteCatchUp(node: RaftNode, peer: string): void {
  const r = node.catchUp.get(peer);
  if (r === undefined || r.ready) return;
  if (node.matchIndex.get(peer)! < r.end) return;
  // Ended before the electionTicks-th heartbeat after it began: within a minimum election timeout (§4.2.1: "less than an election timeout").
  if (node.ticks - r.startTick < node.options.electionTicks) r.ready = true;
  else {
    // Too slow: another round, up to what the leader holds now.
    r.end = lastIndex(node);
    r.startTick = node.ticks;
  }
}

/** Leader: a caught-up learner becomes a voter, one change at a time. */
function maybePromote(node: RaftNode): void {
  if (node.catchUp.size === 0) return;
  for (const [id, r] of node.catchUp) {
    if (!r.ready || !canChangeConfig(node)) continue;
    const c = node.config;
    appendConfig(node, [...c.voters, id], c.learners.filter((x) => x !== id));
    if (node.role !== 'leader') return;
  }
}

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
  node.preCandidate = false;
  if (node.transferee !== null) node.transferee = null;
  if (wasRole === 'leader') node.outbox.push({ kind: 'heartbeatTimer', run: false });
  node.outbox.push(electionTimer(node));
  if (wasRole !== 'follower') node.outbox.push({ kind: 'role', role: 'follower', term: node.p.currentTerm });
}

export function becomeCandidate(node: RaftNode, transfer = false): void {
  // §5.2: increment currentTerm, vote for self, reset the election timer, send RequestVote to all.
  node.p.currentTerm += 1;
  node.p.votedFor = node.id;
  node.role = 'candidate';
  node.leaderId = null;
  node.preCandidate = false;
  // Its own vote counts only if it is a voter of the configuration in use (thesis §4.2.2).
  node.votes = new Set(node.isVoter ? [node.id] : []);
  node.outbox.push({ kind: 'role', role: 'candidate', term: node.p.currentTerm });
  node.outbox.push(RUN_ELECTION);
  if (node.votes.size >= node.majority) {
    becomeLeader(node);
    return;
  }
  const msg: RequestVote = transfer
    ? { type: 'RequestVote', term: node.p.currentTerm, candidateId: node.id, lastLogIndex: lastIndex(node), lastLogTerm: lastTerm(node), transfer: true }
    : { type: 'RequestVote', term: node.p.currentTerm, candidateId: node.id, lastLogIndex: lastIndex(node), lastLogTerm: lastTerm(node) };
  for (const peer of node.config.voters) if (peer !== node.id) node.outbox.push({ kind: 'send', to: peer, msg });
}

export function becomeLeader(node: RaftNode): void {
  node.role = 'leader';
  node.leaderId = node.id;
  node.votes = new Set();
  node.preCandidate = false;
  node.outbox.push({ kind: 'role', role: 'leader', term: node.p.currentTerm });
  node.outbox.push(STOP_ELECTION);
  // A no-op of the new term lets earlier entries commit promptly (§5.4.2, §8).
  node.p.log.push(Object.freeze({ term: node.p.currentTerm, command: null }));
  node.termStart = lastIndex(node); // the no-op is the first thing each follower needs checked
  node.nextIndex = new Map();
  node.matchIndex = new Map();
  // Nothing is known of the followers' logs yet: probe each one.
  node.progress = new Map();
  node.ackSeq = new Map();
  node.catchUp = new Map();
  node.confirmedSeq = node.readSeq;
  node.recentActive = new Set();
  node.quorumTick = 0;
  node.transferee = null;
  node.leaseBarred = false;
  node.ticks = 0;
  syncProgress(node);
  advanceCommit(node); // a one-node cluster commits alone
  if (node.role !== 'leader') return;
  for (const peer of node.peers) replicateTo(node, peer, true);
  node.outbox.push({ kind: 'heartbeatTimer', run: true });
}

// ---- timers ----

/** The election timeout fired (§5.2): a voter that is not leader starts an election (or a pre-vote, §9.6). */
export function electionTimeout(node: RaftNode): void {
  if (node.role === 'leader') return;
  // A learner, or a server outside the configuration it knows once that is committed, never campaigns (thesis §4.2.1, §4.2.2).
  if (!campaigns(node)) {
    node.outbox.push(STOP_ELECTION);
    return;
  }
  if (node.options.preVote) startPreVote(node);
  else becomeCandidate(node);
}

/** Thesis §9.6: ask whether a majority would vote before disturbing anyone with a higher term. */
function startPreVote(node: RaftNode): void {
  if (node.role === 'candidate') {
    node.role = 'follower';
    node.outbox.push({ kind: 'role', role: 'follower', term: node.p.currentTerm });
  }
  node.preCandidate = true;
  node.leaderId = null;
  node.preVotes = new Set(node.isVoter ? [node.id] : []);
  const term = node.p.currentTerm + 1;
  node.outbox.push({ kind: 'preVote', term });
  node.outbox.push(RUN_ELECTION);
  if (node.preVotes.size >= node.majority) {
    becomeCandidate(node);
    return;
  }
  const msg: PreVote = { type: 'PreVote', term, candidateId: node.id, lastLogIndex: lastIndex(node), lastLogTerm: lastTerm(node) };
  for (const peer of node.config.voters) if (peer !== node.id) node.outbox.push({ kind: 'send', to: peer, msg });
}

/** The heartbeat timer fired: a leader sends AppendEntries (empty or not) to every peer (§5.2). */
export function heartbeat(node: RaftNode): void {
  if (node.role !== 'leader') return;
  node.ticks++;
  if (node.options.checkQuorum && node.ticks - node.quorumTick >= node.options.electionTicks) {
    // CheckQuorum (thesis §6.2): a leader that has not heard from a majority within an election timeout steps down.
    node.quorumTick = node.ticks;
    let heard = 0;
    for (const v of node.config.voters) if (v === node.id || node.recentActive.has(v)) heard++;
    node.recentActive.clear();
    if (heard < node.majority) {
      node.outbox.push({
        kind: 'stepDown',
        reason: `CheckQuorum: heard from ${heard} of ${node.config.voters.length} voters in an election timeout, a majority is ${node.majority} (thesis §6.2)`,
      });
      becomeFollower(node, node.p.currentTerm, null);
      return;
    }
  }
  if (node.transferee !== null && node.ticks - node.transferTick >= node.options.electionTicks) {
    // Thesis §3.10: a transfer that has not finished within an election timeout is abandoned.
    node.outbox.push({ kind: 'transfer', to: node.transferee, event: 'aborted' });
    node.transferee = null;
  }
  if (node.options.leaseRounds) newRound(node);
  for (const peer of node.peers) replicateTo(node, peer, true);
  maybePromote(node);
  if (node.role === 'leader') node.outbox.push({ kind: 'heartbeatTimer', run: true });
}

// ---- client requests ----

/**
 * Raft's Start: a leader appends the command to its log and replicates it; others refuse, and so
 * does a leader handing over leadership (thesis §3.10). The entry leaves at flush(), which the host
 * calls at the end of the instant: every proposal of one instant then travels in one AppendEntries per follower.
 */
export function propose(node: RaftNode, command: unknown): { index: number; term: number } | undefined {
  if (node.role !== 'leader' || node.transferee !== null) return undefined;
  node.p.log.push(Object.freeze({ term: node.p.currentTerm, command }));
  const index = lastIndex(node);
  advanceCommit(node); // a one-node cluster commits alone
  scheduleFlush(node);
  return { index, term: node.p.currentTerm };
}

function scheduleFlush(node: RaftNode): void {
  if (!node.flushPending && node.peers.length > 0) {
    node.flushPending = true;
    node.outbox.push({ kind: 'flushSoon' });
  }
}

/** The end of the instant after proposals: a leader sends the new entries to every follower whose window has room. */
export function flush(node: RaftNode): void {
  node.flushPending = false;
  if (node.role !== 'leader') return;
  const round = node.readFlush;
  node.readFlush = false;
  for (const peer of node.peers) replicateTo(node, peer, round);
}

// ---- reads (§8, thesis §6.4) ----

function newRound(node: RaftNode): number {
  const seq = ++node.readSeq;
  node.outbox.push({ kind: 'readRound', seq });
  updateConfirmed(node); // a leader that is the only voter confirms alone
  return seq;
}

/**
 * ReadIndex (thesis §6.4): a leader records its commit index (at least its term's no-op, so every
 * entry committed before it is covered) and starts a heartbeat round; the read may be served once a
 * majority has answered that round (`readConfirmed` with seq >= the returned seq) and the state
 * machine has applied up to `index`. Undefined when this node is not leader.
 */
export function requestRead(node: RaftNode): { index: number; seq: number } | undefined {
  if (node.role !== 'leader') return undefined;
  const seq = newRound(node);
  if (node.confirmedSeq < seq) {
    node.readFlush = true;
    if (!node.flushPending) {
      node.flushPending = true;
      node.outbox.push({ kind: 'flushSoon' });
    }
  }
  return { index: Math.max(node.commitIndex, node.termStart), seq };
}

function noteSeq(node: RaftNode, from: string, seq: number | undefined): void {
  if (seq === undefined || seq <= node.confirmedSeq) return;
  if (seq <= (node.ackSeq.get(from) ?? 0)) return;
  node.ackSeq.set(from, seq);
  updateConfirmed(node);
}

/** The highest round a majority of voters has answered (the leader answers its own at once). */
function updateConfirmed(node: RaftNode): void {
  const held = scratch;
  let n = 0;
  for (const v of node.config.voters) {
    const s = v === node.id ? node.readSeq : (node.ackSeq.get(v) ?? 0);
    let i = n++;
    while (i > 0 && held[i - 1] < s) {
      held[i] = held[i - 1];
      i--;
    }
    held[i] = s;
  }
  if (n < node.majority) return;
  const best = held[node.majority - 1];
  if (best > node.confirmedSeq) {
    node.confirmedSeq = best;
    node.outbox.push({ kind: 'readConfirmed', seq: best });
  }
}

// ---- leadership transfer (thesis §3.10) ----

/**
 * Leader: hand leadership to voter `to`. It stops accepting proposals, brings `to` up to date, then
 * sends TimeoutNow. Returns false when refused (not leader, `to` is itself or not a voter).
 */
export function transferLeadership(node: RaftNode, to: string): boolean {
  if (node.role !== 'leader' || to === node.id || !node.config.voters.includes(to)) return false;
  if (node.transferee === to) return true;
  node.transferee = to;
  node.transferTick = node.ticks;
  node.timeoutNowSent = false;
  node.outbox.push({ kind: 'transfer', to, event: 'start' });
  if (!maybeTimeoutNow(node)) replicateTo(node, to, false);
  return true;
}

function maybeTimeoutNow(node: RaftNode): boolean {
  const to = node.transferee;
  if (to === null || node.timeoutNowSent || node.matchIndex.get(to) !== lastIndex(node)) return false;
  node.timeoutNowSent = true;
  node.leaseBarred = true;
  const msg: TimeoutNow = { type: 'TimeoutNow', term: node.p.currentTerm, leaderId: node.id };
  node.outbox.push({ kind: 'send', to, msg });
  node.outbox.push({ kind: 'transfer', to, event: 'timeoutNow' });
  return true;
}

// ---- snapshots (§7) ----

/**
 * The state machine has captured `data`, its state after applying entry `index`: keep it as the
 * snapshot and drop the log up to `index`. Only applied entries can be compacted. Returns false
 * when there is nothing new to compact.
 */
export function compact(node: RaftNode, index: number, data: unknown): boolean {
  const base = snapshotIndex(node);
  const log = node.p.log;
  // (With a safety rule switched off, applied entries can be cut from the log: then there is nothing to keep.)
  if (index <= base || index > node.lastApplied || index - base >= log.length) return false;
  let k = node.configs.length - 1;
  while (k > 0 && node.configs[k].index > index) k--;
  const snapshot: Snapshot = Object.freeze({ lastIncludedIndex: index, lastIncludedTerm: log.at(index - base)!.term, config: node.configs[k].config, data });
  node.p.log = logOf(log.slice(index - base));
  node.p.snapshot = snapshot;
  if (k > 0) {
    node.configs = node.configs.slice(k);
    node.committedConfig -= k;
  }
  node.outbox.push({ kind: 'snapshot', snapshot });
  return true;
}

// ---- messages ----

export function receive(node: RaftNode, from: string, msg: RaftMessage): void {
  switch (msg.type) {
    // Pre-votes change nothing on the voter, not even its term (thesis §9.6).
    case 'PreVote':
      return onPreVote(node, from, msg);
    case 'PreVoteReply':
      return onPreVoteReply(node, from, msg);
    case 'RequestVote':
      // Thesis §4.2.3: a server that hears from a current leader ignores vote requests, unless sent for a transfer.
      if (node.options.stickyVotes && node.heardLeader && msg.transfer !== true && msg.term > node.p.currentTerm) {
        node.outbox.push({
          kind: 'vote', candidate: msg.candidateId, granted: false,
          reason: `ignored: ${node.role === 'leader' ? `${node.id} is the leader itself` : `heard from leader ${node.leaderId ?? '?'} within the minimum election timeout`} (§4.2.3)`,
        });
        return;
      }
  }
  // §5.1: a message from a higher term makes any node a follower of that term.
  if (msg.term > node.p.currentTerm) {
    const leader = msg.type === 'AppendEntries' || msg.type === 'InstallSnapshot' ? msg.leaderId : null;
    becomeFollower(node, msg.term, leader);
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
    case 'InstallSnapshot':
      return onInstallSnapshot(node, from, msg);
    case 'InstallSnapshotReply':
      return onInstallSnapshotReply(node, from, msg);
    case 'TimeoutNow':
      return onTimeoutNow(node, msg);
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
    node.outbox.push(electionTimer(node));
  }
  node.outbox.push({ kind: 'vote', candidate: msg.candidateId, granted, reason });
  const reply: RequestVoteReply = { type: 'RequestVoteReply', term: node.p.currentTerm, voteGranted: granted };
  node.outbox.push({ kind: 'send', to: from, msg: reply });
}

function onRequestVoteReply(node: RaftNode, from: string, msg: RequestVoteReply): void {
  // A vote counts only for the term it was cast in, and only from a voter of the configuration in use (§6).
  if (node.role !== 'candidate' || msg.term !== node.p.currentTerm || !msg.voteGranted) return;
  if (!node.config.voters.includes(from)) return;
  node.votes.add(from);
  if (node.votes.size >= node.majority) becomeLeader(node);
}

function onPreVote(node: RaftNode, from: string, msg: PreVote): void {
  const term = node.p.currentTerm;
  let granted = false;
  let reason: string;
  if (msg.term < term || (msg.term === term && (node.leaderId !== null || (node.p.votedFor !== null && node.p.votedFor !== msg.candidateId)))) {
    reason = `pre-vote for term ${msg.term}, ${node.id} is in term ${term} (§9.6)`;
  } else if (node.role === 'leader' || node.heardLeader) {
    reason = `${node.role === 'leader' ? `${node.id} is the leader itself` : `heard from leader ${node.leaderId ?? '?'} within the minimum election timeout`} (§9.6)`;
  } else if (node.options.rules.voteLogCheck && !logIsUpToDate(node, msg.lastLogTerm, msg.lastLogIndex)) {
    reason = `${msg.candidateId}'s log ends at term ${msg.lastLogTerm} index ${msg.lastLogIndex}, ${node.id}'s at term ${lastTerm(node)} index ${lastIndex(node)} (§5.4.1)`;
  } else {
    granted = true;
    reason = `would vote in term ${msg.term}`;
  }
  node.outbox.push({ kind: 'vote', candidate: msg.candidateId, granted, reason, pre: true });
  const reply: PreVoteReply = { type: 'PreVoteReply', term: granted ? msg.term : term, voteGranted: granted };
  node.outbox.push({ kind: 'send', to: from, msg: reply });
}

function onPreVoteReply(node: RaftNode, from: string, msg: PreVoteReply): void {
  if (!msg.voteGranted) {
    // Refused by a server of a later term: join that term (§5.1); the pre-vote is over.
    if (msg.term > node.p.currentTerm) becomeFollower(node, msg.term, null);
    return;
  }
  if (!node.preCandidate || msg.term !== node.p.currentTerm + 1 || !node.config.voters.includes(from)) return;
  node.preVotes.add(from);
  if (node.preVotes.size >= node.majority) becomeCandidate(node);
}

function onTimeoutNow(node: RaftNode, msg: TimeoutNow): void {
  // Thesis §3.10: start an election at once, without waiting for the timeout and without a pre-vote.
  if (msg.term !== node.p.currentTerm || node.role === 'leader' || !node.isVoter) return;
  becomeCandidate(node, true);
}

/** A follower hears the leader of its term: follow it and reset the election timer. */
function followLeader(node: RaftNode, term: number, leaderId: string): void {
  // A candidate (or pre-candidate) that hears the current leader steps down (§5.2).
  if (node.role !== 'follower') becomeFollower(node, term, leaderId);
  else {
    node.leaderId = leaderId;
    if (node.preCandidate) node.preCandidate = false;
    node.outbox.push(electionTimer(node));
  }
}

function onAppendEntries(node: RaftNode, from: string, msg: AppendEntries): void {
  const term = node.p.currentTerm;
  if (msg.term < term) {
    // §5.1: reject a stale leader; our term in the reply makes it step down.
    reply(node, from, false, 0, 0, 0, msg.seq);
    return;
  }
  // msg.term === currentTerm here.
  followLeader(node, msg.term, msg.leaderId);
  const base = snapshotIndex(node);
  let prevLogIndex = msg.prevLogIndex;
  let entries = msg.entries;
  if (prevLogIndex < base) {
    // §7: entries up to the snapshot are committed, so they match the leader's; skip them.
    const skip = base - prevLogIndex;
    if (skip >= entries.length) {
      reply(node, from, true, prevLogIndex + entries.length, 0, 0, msg.seq);
      return;
    }
    entries = entries.slice(skip);
    prevLogIndex = base;
  }
  const log = node.p.log;
  // §5.3 consistency check: our log must hold prevLogIndex with prevLogTerm.
  if (prevLogIndex > lastIndex(node)) {
    reply(node, from, false, 0, 0, lastIndex(node) + 1, msg.seq);
    return;
  }
  const prevTerm = log.at(prevLogIndex - base)!.term;
  if (prevTerm !== msg.prevLogTerm && prevLogIndex === msg.prevLogIndex) {
    let first = prevLogIndex;
    while (first > base + 1 && log.at(first - 1 - base)!.term === prevTerm) first--;
    reply(node, from, false, 0, prevTerm, first, msg.seq);
    return;
  }
  // Append, truncating at the first conflict only: a stale or repeated message must not cut entries (§5.3).
  let configChanged = false;
  for (let i = 0; i < entries.length; i++) {
    const index = prevLogIndex + 1 + i;
    const k = index - base;
    if (k < log.length) {
      if (log.at(k)!.term === entries[i].term) continue;
      // Invariant: committed entries are never truncated (guaranteed by Leader Completeness).
      log.truncate(k);
      node.outbox.push({ kind: 'truncate', fromIndex: index });
      const configs = node.configs;
      while (configs.length > 1 && configs[configs.length - 1].index >= index) {
        configs.pop();
        configChanged = true;
      }
    }
    for (let j = i; j < entries.length; j++) {
      const e = entries[j];
      log.push(e);
      if (isConfigCommand(e.command)) {
        node.configs.push({ index: prevLogIndex + 1 + j, config: e.command });
        configChanged = true;
      }
    }
    break;
  }
  if (configChanged) refreshConfig(node);
  const lastNew = prevLogIndex + entries.length;
  // Figure 2: commitIndex = min(leaderCommit, index of last new entry). Using our lastIndex instead
  // would commit unchecked entries past lastNew that may conflict with the leader's log.
  if (msg.leaderCommit > node.commitIndex) {
    const target = Math.min(msg.leaderCommit, lastNew);
    if (target > node.commitIndex) setCommitIndex(node, target);
  }
  reply(node, from, true, lastNew, 0, 0, msg.seq);
}

function reply(
  node: RaftNode,
  to: string,
  success: boolean,
  matchIndex: number,
  conflictTerm: number,
  conflictIndex: number,
  seq: number | undefined,
): void {
  const msg: AppendEntriesReply = {
    type: 'AppendEntriesReply',
    term: node.p.currentTerm,
    success,
    matchIndex,
    conflictTerm,
    conflictIndex,
    seq: seq ?? 0,
  };
  node.outbox.push({ kind: 'send', to, msg });
}

function onAppendEntriesReply(node: RaftNode, from: string, msg: AppendEntriesReply): void {
  if (node.role !== 'leader' || msg.term !== node.p.currentTerm) return; // stale reply
  const match = node.matchIndex.get(from);
  if (match === undefined) return;
  if (node.options.checkQuorum) node.recentActive.add(from);
  if (msg.seq !== undefined && msg.seq > node.confirmedSeq) noteSeq(node, from, msg.seq);
  const pr = node.progress.get(from)!;
  if (msg.success) {
    // Replies may arrive late, twice or out of order: matchIndex only moves forward.
    if (msg.matchIndex > match) {
      node.matchIndex.set(from, msg.matchIndex);
      advanceCommit(node);
      if (node.role !== 'leader') return;
    }
    const m = node.matchIndex.get(from)!;
    if (pr.mode !== 'replicate') {
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
    afterProgress(node, from);
    if (node.role !== 'leader') return;
    // The window has room again: keep a lagging follower streaming rather than waiting for the next heartbeat.
    replicateTo(node, from, false);
    return;
  }
  // Waiting for a snapshot to be installed: a refused heartbeat says nothing new.
  if (pr.mode === 'snapshot') return;
  // §5.3 back-off, accelerated with the follower's conflict hint.
  let next = msg.conflictIndex;
  if (msg.conflictTerm > 0) {
    const k = lastIndexWithTermAtMost(node, msg.conflictTerm);
    if (k > 0 && termAt(node, k) === msg.conflictTerm) next = k + 1; // we hold that term: skip past it
  }
  next = Math.min(next, lastIndex(node) + 1);
  // Stale: the follower is known to hold more than that (a late reply to an older message).
  if (next <= match) return;
  // The probe already out asks exactly this: a second copy would only duplicate it.
  if (pr.mode === 'probe' && pr.waiting && next === node.nextIndex.get(from)) return;
  becomeProbe(node, from, next);
  replicateTo(node, from, false); // retry at once
}

/** A peer's matchIndex may have moved: learner rounds, promotions and a pending transfer look at it. */
function afterProgress(node: RaftNode, from: string): void {
  if (node.catchUp.size > 0 && node.catchUp.has(from)) {
    noteCatchUp(node, from);
    maybePromote(node);
  }
  if (node.transferee === from) maybeTimeoutNow(node);
}

function onInstallSnapshot(node: RaftNode, from: string, msg: InstallSnapshot): void {
  const reject = (): void => {
    const r: InstallSnapshotReply = { type: 'InstallSnapshotReply', term: node.p.currentTerm, matchIndex: 0, seq: msg.seq ?? 0 };
    node.outbox.push({ kind: 'send', to: from, msg: r });
  };
  if (msg.term < node.p.currentTerm) return reject();
  followLeader(node, msg.term, msg.leaderId);
  const index = msg.lastIncludedIndex;
  if (index > node.commitIndex) {
    const base = snapshotIndex(node);
    const last = lastIndex(node);
    // §7: keep the entries after the snapshot if our log holds its last entry; otherwise discard the whole log.
    if (index <= last && termAt(node, index) === msg.lastIncludedTerm && index >= base) {
      node.p.log = logOf(node.p.log.slice(index - base));
    } else {
      if (last > node.commitIndex) node.outbox.push({ kind: 'truncate', fromIndex: node.commitIndex + 1 });
      node.p.log = logOf([Object.freeze({ term: msg.lastIncludedTerm, command: null })]);
    }
    node.p.snapshot = Object.freeze({ lastIncludedIndex: index, lastIncludedTerm: msg.lastIncludedTerm, config: msg.config, data: msg.data });
    node.configs = scanConfigs(node.p);
    node.committedConfig = 0;
    node.commitIndex = index;
    node.lastApplied = index;
    node.outbox.push({ kind: 'restore', snapshot: node.p.snapshot });
    node.outbox.push({ kind: 'commit', index, role: node.role });
    refreshConfig(node);
  }
  const r: InstallSnapshotReply = { type: 'InstallSnapshotReply', term: node.p.currentTerm, matchIndex: index, seq: msg.seq ?? 0 };
  node.outbox.push({ kind: 'send', to: from, msg: r });
}

function onInstallSnapshotReply(node: RaftNode, from: string, msg: InstallSnapshotReply): void {
  if (node.role !== 'leader' || msg.term !== node.p.currentTerm) return;
  const match = node.matchIndex.get(from);
  if (match === undefined) return;
  if (node.options.checkQuorum) node.recentActive.add(from);
  if (msg.seq !== undefined && msg.seq > node.confirmedSeq) noteSeq(node, from, msg.seq);
  if (msg.matchIndex > match) {
    node.matchIndex.set(from, msg.matchIndex);
    advanceCommit(node);
    if (node.role !== 'leader') return;
  }
  // Installed: find out with one AppendEntries where the logs now agree (etcd: snapshot → probe).
  if (node.progress.get(from)!.mode === 'snapshot') becomeProbe(node, from, node.matchIndex.get(from)! + 1);
  afterProgress(node, from);
  if (node.role !== 'leader') return;
  replicateTo(node, from, false);
}

/** Terms never decrease along a log, so binary search finds the last index (not compacted) whose term <= term. */
function lastIndexWithTermAtMost(node: RaftNode, term: number): number {
  const log = node.p.log;
  let lo = 0;
  let hi = log.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (log.at(mid)!.term <= term) lo = mid;
    else hi = mid - 1;
  }
  return lo + snapshotIndex(node);
}

/**
 * §5.3/§5.4.2: commit the highest index stored on a majority whose entry is from the current term.
 * The majority is counted among the voters of the configuration in use (§6): a leader outside it
 * does not count itself, learners never count.
 */
function advanceCommit(node: RaftNode): void {
  // The majority-th largest of the voters' match indices: the highest index a majority holds.
  const held = scratch;
  let n = 0;
  const self = node.id;
  const last = lastIndex(node);
  for (const v of node.config.voters) {
    const m = v === self ? last : (node.matchIndex.get(v) ?? 0);
    // Insertion into a descending list: clusters are small, and this allocates nothing.
    let i = n++;
    while (i > 0 && held[i - 1] < m) {
      held[i] = held[i - 1];
      i--;
    }
    held[i] = m;
  }
  if (n < node.majority) return;
  const best = held[node.majority - 1];
  if (best <= node.commitIndex) return;
  // Entries of the current term sit at the end of the log: if entry `best` is older, so is every entry below it.
  if (node.options.rules.commitCurrentTermOnly && termAt(node, best) !== node.p.currentTerm) return;
  setCommitIndex(node, best);
}

const scratch: number[] = [];

function setCommitIndex(node: RaftNode, index: number): void {
  node.commitIndex = index;
  node.outbox.push({ kind: 'commit', index, role: node.role });
  // Apply in order, without gaps (§5.3 "State Machine Safety").
  const base = snapshotIndex(node);
  const log = node.p.log;
  while (node.lastApplied < node.commitIndex) {
    node.lastApplied++;
    node.outbox.push({ kind: 'apply', index: node.lastApplied, entry: log.at(node.lastApplied - base)! });
  }
  const configs = node.configs;
  if (node.committedConfig + 1 < configs.length && configs[node.committedConfig + 1].index <= index) refreshConfig(node);
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
 * something: the next probe, more entries, an empty AppendEntries that carries the commit index,
 * or (for a follower whose next entries are compacted) the snapshot (§7).
 */
function replicateTo(node: RaftNode, peer: string, isHeartbeat: boolean): void {
  const pr = node.progress.get(peer);
  if (pr === undefined) return;
  const base = snapshotIndex(node);
  if (pr.mode === 'snapshot') {
    if (!isHeartbeat) return;
    // Unanswered for two heartbeats: probably lost, send it again. Meanwhile an empty AppendEntries
    // at the snapshot's index keeps the follower from timing out; its refusal is ignored.
    if (node.ticks - pr.snapshotTick >= 2) sendSnapshot(node, peer, pr);
    else sendAppend(node, peer, base + 1, false);
    return;
  }
  if (node.nextIndex.get(peer)! <= base) {
    // What it needs next is compacted: it gets the snapshot instead.
    sendSnapshot(node, peer, pr);
    return;
  }
  if (pr.mode === 'probe') {
    if (pr.waiting && !isHeartbeat) return;
    pr.waiting = true;
    sendAppend(node, peer, node.nextIndex.get(peer)!, true);
    return;
  }
  const end = lastIndex(node) + 1;
  const max = node.options.maxInflight;
  let sent = false;
  for (let next = node.nextIndex.get(peer)!; next < end && pr.inflight.length < max; next = node.nextIndex.get(peer)!) {
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
  const from = stalled ? node.nextIndex.get(peer)! : node.matchIndex.get(peer)! + 1;
  sendAppend(node, peer, Math.max(from, base + 1), false);
}

function sendSnapshot(node: RaftNode, peer: string, pr: PeerProgress): void {
  const s = node.p.snapshot;
  pr.mode = 'snapshot';
  pr.waiting = false;
  pr.inflight.length = 0;
  pr.sentTick.length = 0;
  pr.snapshotTick = node.ticks;
  const msg: InstallSnapshot = {
    type: 'InstallSnapshot',
    term: node.p.currentTerm,
    leaderId: node.id,
    lastIncludedIndex: s.lastIncludedIndex,
    lastIncludedTerm: s.lastIncludedTerm,
    config: s.config,
    data: s.data,
    seq: node.readSeq,
  };
  node.outbox.push({ kind: 'send', to: peer, msg });
}

/** One AppendEntries starting at index `from` (entries only if `withEntries`); returns the last index it covers. */
function sendAppend(node: RaftNode, peer: string, from: number, withEntries: boolean): number {
  const log = node.p.log;
  const base = snapshotIndex(node);
  const prevLogIndex = from - 1;
  const end = withEntries ? Math.min(log.length + base, from + node.options.maxEntriesPerMessage) : from;
  const entries = from < end ? log.slice(from - base, end - base) : EMPTY;
  const msg: AppendEntries = {
    type: 'AppendEntries',
    term: node.p.currentTerm,
    leaderId: node.id,
    prevLogIndex,
    prevLogTerm: log.at(prevLogIndex - base)!.term,
    entries,
    leaderCommit: node.commitIndex,
    seq: node.readSeq,
    alive: undefined,
  };
  node.outbox.push({ kind: 'send', to: peer, msg });
  return prevLogIndex + entries.length;
}

const EMPTY: readonly Entry[] = Object.freeze([]);
