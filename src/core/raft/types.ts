// Types of the pure Raft node: log entries, configurations, snapshots, RPC messages, rule switches and the outbox it fills.
import type { Column } from '../column';

/** One log entry. Entries are immutable once created by a leader; followers hold the same objects. */
export interface Entry {
  readonly term: number;
  /** The client command; `null` is a leader's no-op; a `ConfigCommand` is a membership change (§6). */
  readonly command: unknown;
}

export type Role = 'follower' | 'candidate' | 'leader';

/**
 * A cluster configuration (paper §6, thesis §4). Voters elect leaders and count in majorities;
 * learners receive the log but do not vote and are not counted (thesis §4.2.1, "non-voting members").
 */
export interface Configuration {
  readonly voters: readonly string[];
  readonly learners: readonly string[];
}

/** The command of a configuration entry: it travels in AppendEntries like any other entry. */
export interface ConfigCommand extends Configuration {
  readonly op: 'config';
}

export function configCommand(voters: readonly string[], learners: readonly string[] = []): ConfigCommand {
  return Object.freeze({ op: 'config', voters: Object.freeze([...voters]), learners: Object.freeze([...learners]) });
}

export function isConfigCommand(command: unknown): command is ConfigCommand {
  return typeof command === 'object' && command !== null && (command as { op?: unknown }).op === 'config';
}

/**
 * A snapshot (paper §7): the state machine after applying every entry up to lastIncludedIndex, with
 * the configuration in use at that index. `data` is the state machine's own frozen copy; Raft never
 * looks inside it.
 */
export interface Snapshot {
  readonly lastIncludedIndex: number;
  readonly lastIncludedTerm: number;
  readonly config: Configuration;
  readonly data: unknown;
}

/** State that survives a crash (Raft paper Figure 2, "Persistent state on all servers", plus the snapshot of §7). */
export interface RaftPersistent {
  currentTerm: number;
  votedFor: string | null;
  /**
   * log[0] stands for the last entry the snapshot covers (index snapshot.lastIncludedIndex; at the
   * start a sentinel `{term: 0}` at index 0); log[k] is entry snapshot.lastIncludedIndex + k.
   * Indices stay absolute and 1-based after compaction. A Column (frozen leaves of 64 entries):
   * the nodes' logs share their leaves, and a saved state restores a log by leaves, not entries.
   */
  log: Column<Entry>;
  snapshot: Snapshot;
}

export interface RequestVote {
  readonly type: 'RequestVote';
  readonly term: number;
  readonly candidateId: string;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Sent because the leader asked (TimeoutNow, thesis §3.10): voters set aside the leader-stickiness rule. */
  readonly transfer?: boolean;
}

export interface RequestVoteReply {
  readonly type: 'RequestVoteReply';
  readonly term: number;
  readonly voteGranted: boolean;
}

/**
 * Pre-Vote (thesis §9.6): "would you vote for me in `term`?" — asked before a node increments its
 * term; answering changes nothing on the voter.
 */
export interface PreVote {
  readonly type: 'PreVote';
  /** The term the candidate would stand in: its currentTerm + 1. */
  readonly term: number;
  readonly candidateId: string;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}

export interface PreVoteReply {
  readonly type: 'PreVoteReply';
  /** The pre-vote's term when granted; the voter's currentTerm when refused. */
  readonly term: number;
  readonly voteGranted: boolean;
}

export interface AppendEntries {
  readonly type: 'AppendEntries';
  readonly term: number;
  readonly leaderId: string;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
  /** The leader's heartbeat-round number, echoed in the reply: confirms leadership for reads (§8, thesis §6.4). */
  readonly seq?: number;
  /**
   * Not Raft's: the simulator's failure detector may attach its news here (gossip mode) before the
   * message leaves. Raft ignores it; created empty so every AppendEntries has the same shape.
   */
  alive?: unknown;
}

export interface AppendEntriesReply {
  readonly type: 'AppendEntriesReply';
  readonly term: number;
  readonly success: boolean;
  /** On success: prevLogIndex + entries.length of the request it answers (the last index sent). */
  readonly matchIndex: number;
  /** On failure: the term of the conflicting entry at prevLogIndex (0 when the log is too short). */
  readonly conflictTerm: number;
  /** On failure: the first index of conflictTerm in the follower's log, or its lastIndex + 1. */
  readonly conflictIndex: number;
  /** The `seq` of the request it answers. */
  readonly seq?: number;
}

/** Paper §7, Figure 13 (sent whole: one chunk, `done` always true). */
export interface InstallSnapshot {
  readonly type: 'InstallSnapshot';
  readonly term: number;
  readonly leaderId: string;
  readonly lastIncludedIndex: number;
  readonly lastIncludedTerm: number;
  /** The configuration as of lastIncludedIndex (§7: the snapshot includes it). */
  readonly config: Configuration;
  readonly data: unknown;
  readonly seq?: number;
}

export interface InstallSnapshotReply {
  readonly type: 'InstallSnapshotReply';
  readonly term: number;
  /** The index the follower now holds everything up to (the snapshot's lastIncludedIndex); 0 when refused. */
  readonly matchIndex: number;
  readonly seq?: number;
}

/** Leadership transfer (thesis §3.10): the leader tells an up-to-date follower to start an election now. */
export interface TimeoutNow {
  readonly type: 'TimeoutNow';
  readonly term: number;
  readonly leaderId: string;
}

export type RaftMessage =
  | RequestVote
  | RequestVoteReply
  | PreVote
  | PreVoteReply
  | AppendEntries
  | AppendEntriesReply
  | InstallSnapshot
  | InstallSnapshotReply
  | TimeoutNow;

export const RAFT_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  'RequestVote', 'RequestVoteReply', 'PreVote', 'PreVoteReply', 'AppendEntries', 'AppendEntriesReply',
  'InstallSnapshot', 'InstallSnapshotReply', 'TimeoutNow',
]);

/**
 * Rule switches. All true is correct Raft; a guide may turn one off to show what breaks.
 * - voteLogCheck: a voter refuses candidates whose log is less up to date (§5.4.1).
 * - commitCurrentTermOnly: a leader counts replicas only for entries of its own term (§5.4.2).
 * - oneChangeAtATime: a leader appends a configuration entry only when the previous one is committed
 *   and an entry of its own term is committed (thesis §4.1 and its 2015 erratum); off, it appends each
 *   change at once, so configurations whose majorities do not overlap can be in use together.
 */
export interface RaftRules {
  voteLogCheck: boolean;
  commitCurrentTermOnly: boolean;
  oneChangeAtATime: boolean;
}

export const DEFAULT_RULES: RaftRules = { voteLogCheck: true, commitCurrentTermOnly: true, oneChangeAtATime: true };

export interface RaftOptions {
  /** Largest number of entries in one AppendEntries. */
  maxEntriesPerMessage: number;
  /**
   * Flow control (as etcd's inflights): at most this many AppendEntries carrying entries may be
   * unacknowledged per follower while entries are pipelined to it.
   */
  maxInflight: number;
  rules: RaftRules;
  /** Pre-Vote (thesis §9.6): an election starts only after a majority says it would vote. */
  preVote: boolean;
  /** CheckQuorum (thesis §6.2): a leader that has not heard from a majority within an election timeout steps down. */
  checkQuorum: boolean;
  /**
   * Leader stickiness (thesis §4.2.3): a server that heard from a leader within the minimum election
   * timeout ignores RequestVote (unless sent for a leadership transfer). On with CheckQuorum and with lease reads.
   */
  stickyVotes: boolean;
  /** Every heartbeat starts a numbered round whose confirmation by a majority renews a read lease (thesis §6.4.1). */
  leaseRounds: boolean;
  /**
   * Heartbeat intervals in the minimum election timeout: how long a CheckQuorum period, a leadership
   * transfer and a learner's catch-up round may last.
   */
  electionTicks: number;
}

export const DEFAULT_RAFT_OPTIONS: RaftOptions = {
  maxEntriesPerMessage: 64,
  maxInflight: 4,
  rules: DEFAULT_RULES,
  preVote: false,
  checkQuorum: false,
  stickyVotes: false,
  leaseRounds: false,
  electionTicks: 3,
};

/** What a node asks its host to do, or reports; drained by the host after every call. */
export type RaftOutput =
  | { readonly kind: 'send'; readonly to: string; readonly msg: RaftMessage }
  | { readonly kind: 'electionTimer'; readonly run: boolean } // run=true: (re)start with a fresh random timeout
  | { readonly kind: 'heartbeatTimer'; readonly run: boolean }
  // New entries wait for the end of the instant, so that proposals made together leave as one message per follower.
  | { readonly kind: 'flushSoon' }
  | { readonly kind: 'role'; readonly role: Role; readonly term: number }
  /** `role`: the node's role when it committed (a leader removed by what it committed steps down right after). */
  | { readonly kind: 'commit'; readonly index: number; readonly role: Role }
  | { readonly kind: 'apply'; readonly index: number; readonly entry: Entry }
  | { readonly kind: 'vote'; readonly candidate: string; readonly granted: boolean; readonly reason: string; readonly pre?: boolean }
  | { readonly kind: 'truncate'; readonly fromIndex: number }
  /** The configuration this node uses changed (an entry appended, truncated, or a snapshot installed). */
  | { readonly kind: 'config'; readonly index: number; readonly config: Configuration }
  /** A configuration entry became committed on this node. */
  | { readonly kind: 'configCommitted'; readonly index: number; readonly config: Configuration }
  /** This node compacted its log into a snapshot. */
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot }
  /** The state machine must be replaced by this snapshot's (installed from the leader, or restored at restart). */
  | { readonly kind: 'restore'; readonly snapshot: Snapshot }
  /** Leader: a numbered heartbeat round leaves now. */
  | { readonly kind: 'readRound'; readonly seq: number }
  /** Leader: a majority of voters answered every round up to `seq` in this term. */
  | { readonly kind: 'readConfirmed'; readonly seq: number }
  | { readonly kind: 'transfer'; readonly to: string; readonly event: 'start' | 'timeoutNow' | 'aborted' }
  | { readonly kind: 'preVote'; readonly term: number }
  | { readonly kind: 'stepDown'; readonly reason: string };
