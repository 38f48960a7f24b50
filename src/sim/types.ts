// The public types of the headless API (names and meanings fixed by docs/architecture.md).
import type { RaftRules } from '../core/raft/types';
import type { ClientLogLine, CommandHandle, Received } from './client';
import type { DetectorStats, DetectorView } from './nodeActor';

export interface ClusterOptions {
  /** Default 1; same seed + same calls ⇒ identical run. */
  seed?: number;
  /** Ids 'n1'..'nN', default 5 (ignored when config is given). */
  nodes?: number;
  /** cluster.yaml text; invalid ⇒ throws ConfigError(message). */
  config?: string;
  /** Default [150, 300]. */
  electionTimeoutMs?: [number, number];
  /** Default 50. */
  heartbeatMs?: number;
  /** No node starts an election before this virtual time (the original's start-up grace). Default 0. */
  startupGraceMs?: number;
  network?: Partial<NetworkSettings>;
  clocks?: Partial<ClockSettings>;
  detector?: {
    /** Default 300. */
    suspectAfterMs?: number;
    /** 'timeout' (Wiber's, default), 'phi' (phi-accrual), or 'off' (no pings, no suspicion: for benchmarks). */
    kind?: 'timeout' | 'phi' | 'off';
    /** Phi-accrual suspicion threshold (default 8). */
    phiThreshold?: number;
    /**
     * How news of a peer's liveness travels (docs/time.md, "Failure detector"). 'gossip' (default):
     * any message from a peer counts, and the leader's AppendEntries relay how long ago it last heard
     * each other peer, so followers ping only peers they have had no news of. 'direct': every node
     * hears every peer itself (a ping to each peer it has sent nothing to for suspectAfterMs/3).
     */
    mode?: 'gossip' | 'direct';
  };
  /** Rule switches ("break it"); all on by default. */
  rules?: Partial<RaftRules>;
  /**
   * Invariant checkers: 'throw' (default) throws a CheckerViolation at the first broken property;
   * 'record' keeps running and lists violations in `cluster.violations()`; false turns them off.
   */
  checkers?: 'throw' | 'record' | false;
  /** How many recent events `journal()` keeps (default 50,000). */
  journalLimit?: number;
  /**
   * false: keep no action log (actions() stays empty, so the run cannot be replayed or shared). Every
   * publish() is an action, so long headless runs under load use this to keep memory flat. Default true.
   */
  recordActions?: boolean;
  /** Broker settings: dedup window (default 100 per topic), dedup on/off, hold-back delay. */
  /**
   * Broker settings: dedup window (default 100 ids per topic); dedup: true/'window' (the spec's id
   * window), 'sessions' (also a session per publisher, Raft §8: a retry is never stored twice while
   * its session lives) or false (off); hold-back delay; commit timeout; retention.
   */
  broker?: {
    dedupWindow?: number;
    dedup?: boolean | 'window' | 'sessions';
    maxDelayMs?: number;
    commitTimeoutMs?: number;
    /** Records kept per topic (retention; offsets stay absolute). Default: all, as the original. */
    retain?: number;
  };
  /** Largest number of entries per AppendEntries (default 64). */
  maxEntriesPerMessage?: number;
  /** Flow control: AppendEntries with entries unacknowledged per follower while pipelining (default 4). */
  maxInflight?: number;
  /**
   * Snapshots (§7): a node snapshots its broker state (topics, offsets, dedup windows) after this many
   * applied entries since its last snapshot and drops the log up to there. 0 = never (default).
   */
  snapshotEvery?: number;
  /**
   * How HISTORY is served (§8, thesis §6.4): 'local' (default, the original's) answers from the node's
   * own applied state, possibly stale; 'readIndex' answers after the leader confirmed its leadership
   * with a heartbeat round and the node applied up to the leader's commit index; 'lease' lets the leader
   * answer at once within its lease (minElectionTimeout·(1 − clocks.driftPpmMax·10⁻⁶) on its own clock),
   * a follower asks the leader. A read that cannot be made safe answers an ERR line.
   */
  reads?: 'local' | 'readIndex' | 'lease';
  /** Pre-Vote (thesis §9.6) and CheckQuorum (thesis §6.2), both off by default (plain §5 behaviour). */
  raft?: { preVote?: boolean; checkQuorum?: boolean };
}

export interface ClockSettings {
  offsetMsMax: number;
  driftPpmMax: number;
  sync: 'ntp' | 'cristian' | 'berkeley' | 'off';
  syncIntervalMs: number;
  /** ntp: count the node's own offset (0) in the mean (default false, as the original). */
  countSelf?: boolean;
}

export interface NetworkSettings {
  latencyMs: [number, number];
  dropRate: number;
  duplicateRate: number;
  reorderRate: number;
  reorderDelayMs: [number, number];
}

export type Role = 'follower' | 'candidate' | 'leader';

export interface LogEntryView {
  index: number;
  term: number;
  command: unknown;
}

export interface NodeView {
  id: string;
  up: boolean;
  connected: boolean;
  role: Role;
  term: number;
  votedFor: string | null;
  log: ReadonlyArray<LogEntryView>;
  commitIndex: number;
  lastApplied: number;
  leaderId: string | null;
  lamport: number;
  /** Leader only: per follower. */
  nextIndex: Readonly<Record<string, number>>;
  matchIndex: Readonly<Record<string, number>>;
  /** Candidate only: who granted a vote this term. */
  votes: readonly string[];
  /** The voters of the configuration this node uses now: its latest configuration entry, committed or not (§6). */
  members: readonly string[];
  /** Learners of that configuration (they receive the log, do not vote). */
  learners: readonly string[];
  /**
   * Index of the entry holding that configuration: 0 for the one the cluster started with. Once a snapshot
   * holds it, the snapshot's last index on a node that installed or restarted from the snapshot, but the
   * old index (or 0) on one that took the snapshot itself: read it as "kept in the snapshot" whenever it is
   * at most `snapshot.lastIncludedIndex`.
   */
  configIndex: number;
  /** The voters of the latest configuration committed on this node. */
  committedMembers: readonly string[];
  /** Not a voter in its configuration, and not being removed: an added node catching up (thesis §4.2.1). */
  learner: boolean;
  /** Removed from the cluster and stopped (§6). */
  removed: boolean;
  /**
   * The snapshot this node's log starts after (§7), or null. `log` then holds only the entries after
   * it, still with absolute 1-based indices.
   */
  snapshot: { lastIncludedIndex: number; lastIncludedTerm: number } | null;
  /** Running a pre-vote (thesis §9.6): still a follower, term unchanged. */
  preCandidate: boolean;
  /** Leader only: the voter it is handing leadership to (thesis §3.10), else null. */
  transferee: string | null;
  /** Leader only, reads 'lease': true-time milliseconds its read lease has left (0 when none). */
  leaseMs: number;
  /** Virtual time at which the election timer fires (undefined when not running). */
  electionDeadline?: number;
  clock: {
    localMs: number;
    correctedMs: number;
    offsetMs: number;
    driftPpm: number;
    rttMs?: number;
    /** The sync algorithm's estimate of offsetMs (−correction). */
    estimatedOffsetMs: number;
    /** correctedMs − true time: what is left after correction. */
    errorMs: number;
  };
  suspects: readonly string[];
}

export interface Publish {
  readonly id: string;
  readonly status: 'pending' | 'ok' | 'failed';
  readonly offset?: number;
  /** Virtual time of the publish() call. */
  readonly startedAt: number;
  /** Virtual time the ack arrived or the client gave up. */
  readonly doneAt?: number;
  /** Requests sent so far (1 + retries). */
  readonly attempts: number;
}

export interface TopicRecord {
  id: string;
  offset: number;
  ts: number;
  correctedTs: number;
  lamport: number;
  message: string;
}

/** What happened, as the journal records it. */
export interface SimEvent {
  /** Virtual ms. */
  at: number;
  /** 'send' | 'deliver' | 'drop' | 'timer' | 'crash' | 'restart' | 'role' | 'commit' | 'apply' | 'vote' | … */
  kind: string;
  node?: string;
  from?: string;
  to?: string;
  /** Message type, e.g. 'RequestVote'; or the timer's name for 'timer'. */
  type?: string;
  /** Stamp carried by the message (send/deliver/drop). */
  lamport?: number;
  /** Bus message id (send/deliver/drop). */
  msgId?: number;
  term?: number;
  index?: number;
  role?: Role;
  /** 'commit': the term of the entry at `index` (-1 if the log no longer holds it). */
  entryTerm?: number;
  /** Why: drop reason ('loss' | 'partition' | 'down' | …), vote reason, action arguments. */
  detail?: string;
  /** The message payload (send/deliver/drop), shared, never to be mutated. */
  payload?: unknown;
}

/** A message on the bus, as the UI animates it. */
export interface InFlight {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  readonly type: string;
  readonly sentAt: number;
  readonly arriveAt: number;
  readonly lamport: number;
  readonly payload: unknown;
  /** Lost by the network: it will vanish at arriveAt instead of being delivered. */
  readonly lost: boolean;
  /**
   * Not lost, but dropped when it arrives if nothing changes first: its two ends are in different groups of a
   * partition, its link is cut (that direction), one end is disconnected, or the receiver is down (healing,
   * reconnecting or a restart in time lets it through). 'closed': it is delivered, but it belongs to a client
   * connection its receiver has already closed (a reset or a crash), so the receiver throws it away; nothing
   * lets it through.
   */
  readonly cut?: 'partition' | 'link' | 'disconnected' | 'down' | 'closed';
  /** The network's second copy of a duplicated message. */
  readonly duplicate: boolean;
}

/** The detail of a delivery its receiver throws away: a segment of a client connection it has already closed. */
export const CLOSED_CONNECTION = 'connection closed';

/** One user action as recorded for replay and share links. */
export interface ActionRecord {
  at: number;
  /** Scheduler events processed before the action (replay stops exactly there, even mid-millisecond). */
  events: number;
  op: string;
  args: unknown[];
}

export interface Violation {
  property: string;
  at: number;
  seed: number;
  message: string;
}

export interface Cluster {
  readonly now: number;
  readonly nodeIds: readonly string[];
  readonly seed: number;
  /** Processes the next `count` events (default 1); false when none was left to process. */
  step(count?: number): boolean;
  /** `ms` must be finite and non-negative (RangeError otherwise). */
  runFor(ms: number): void;
  /** `maxMs` must be finite and non-negative (RangeError otherwise). */
  runUntil(done: () => boolean, maxMs: number): boolean;

  node(id: string): NodeView;
  leader(): string | undefined;

  crash(id: string): void;
  restart(id: string): void;
  disconnect(id: string): void;
  reconnect(id: string): void;
  partition(groups: string[][]): void;
  heal(): void;
  /** One-way cut: messages from `from` to `to` are lost until restored (heal restores too). */
  cutLink(from: string, to: string): void;
  restoreLink(from: string, to: string): void;
  setNetwork(settings: Partial<NetworkSettings>): void;
  readonly network: Readonly<NetworkSettings>;
  setClock(id: string, change: { offsetMs?: number; driftPpm?: number; stepMs?: number }): void;
  /** Fire a node's election timeout now (a learner's "timeout" button). */
  timeout(id: string): void;
  /** Drop one message in flight (it vanishes now). Returns false when it is not in flight. */
  dropMessage(msgId: number): boolean;
  /** Message #msgId (`copy`: its network duplicate) arrives now, ahead of its time (the interleaving explorer's move). */
  deliver(msgId: number, copy?: boolean): boolean;
  /** A node's running timer ('election', 'heartbeat', 'replicate', …) fires now, ahead of its deadline. */
  fire(id: string, timer: string): boolean;
  /** The network makes a second copy of a message in flight. */
  duplicate(msgId: number): boolean;

  propose(id: string, command: string): { index: number; term: number } | undefined;

  /**
   * Membership (§6, thesis §4, single-server changes). Starts a new empty node 'n<k>' (the smallest k
   * no node of this cluster ever had) that catches up as a non-voting learner; then the leader appends a
   * configuration entry that makes it a voter. One change at a time: later requests queue. `id`, `host`
   * and `port` may be given (the config file's labels). Throws RangeError beyond 50 nodes.
   */
  addNode(options?: { id?: string; host?: string; port?: number }): string;
  /**
   * The leader appends a configuration without `id`; once that commits, `id` stops (a removed leader
   * steps down first). Queued behind earlier changes. Throws RangeError for an unknown id or the last voter.
   */
  removeNode(id: string): void;
  /** Voters of the latest committed configuration. */
  members(): readonly string[];
  /** Membership requests not yet committed, oldest first. */
  pendingChanges(): ReadonlyArray<{ op: 'add' | 'remove'; id: string; requestedAt: number }>;
  /**
   * Adds and removes nodes so that the cluster matches a cluster.yaml (ids not yet present are added,
   * ids no longer listed are removed). Invalid YAML throws ConfigError and changes nothing.
   */
  reconfigure(yaml: string): { added: string[]; removed: string[] };
  /**
   * Leadership transfer (thesis §3.10): the leader stops accepting proposals, brings `to` up to date,
   * then sends TimeoutNow. False if refused (no leader, `to` is not a voter or already leads).
   */
  transferLeadership(to: string): boolean;
  /** Snapshot now (§7): the node compacts its log up to what it has applied. False when down or nothing new. */
  snapshot(id: string): boolean;

  publish(topic: string, message: string, options?: { id?: string; via?: string; client?: string }): Publish;
  history(id: string, topic: string): TopicRecord[];
  /** One protocol line typed at a node by a client ('console' unless named); the handle fills in as replies arrive. */
  command(nodeId: string, line: string, options?: { client?: string }): CommandHandle;
  /** Breaks a client's connection to a node (a network reset): both ends learn it at once. False when none was open. */
  resetConnection(clientId: string, nodeId: string): boolean;
  /** A subscriber client ('sub' unless named) sends `SUB <topic>` to a node; its MSG lines go to `received(client)`. */
  subscribe(nodeId: string, topic: string, options?: { client?: string }): CommandHandle;
  /** A client's transcript: lines typed and received (MSG pushes included). */
  clientLog(clientId?: string): readonly ClientLogLine[];
  /** MSG lines a subscriber client received, in delivery order. */
  received(clientId: string): readonly Received[];
  /** Topics a node has applied records for ([] while down). */
  topics(id: string): string[];
  /** Messaging checks that need a healed, settled cluster (no lost acked publish, no subscriber gaps). */
  checkMessaging(): void;
  detectorStats(): { total: DetectorStats; byNode: Record<string, DetectorStats> };
  /** Node `id`'s failure detector, per peer: last news, heartbeat counter, suspected (for display). */
  detector(id: string): DetectorView;
  /** Partition group of each node (equal numbers can talk). */
  groups(): Record<string, number>;
  cutLinks(): Array<[string, string]>;

  sentCount(type?: string): number;
  /** Scheduler events processed so far (deliveries, drops, timer fires). */
  readonly eventCount: number;
  onEvent(listener: (event: SimEvent) => void): () => void;

  /** The most recent events (at most journalLimit), oldest first. */
  journal(): readonly SimEvent[];
  /** Messages in the network now. */
  inFlight(): InFlight[];
  /** User actions so far, for replay and sharing: a copy, costing their number (a workload records 60,000 in 10 minutes). */
  actions(): readonly ActionRecord[];
  /** How many actions there are so far (what `actions().length` would be, without the copy). */
  actionCount(): number;
  /** Action i, counting from 0 (undefined outside 0 … actionCount() - 1), without copying the others. */
  actionAt(i: number): ActionRecord | undefined;
  /** The actions from index `from` on: a copy of those only. */
  actionsSince(from: number): ActionRecord[];
  violations(): readonly Violation[];
  /** Documented consequences of chosen settings the checkers saw (e.g. a retry stored again past the dedup window). */
  findings(): readonly Violation[];
}
