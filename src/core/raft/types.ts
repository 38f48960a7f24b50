// Types of the pure Raft node: log entries, RPC messages, rule switches and the outbox it fills.

/** One log entry. Entries are immutable once created by a leader; followers hold the same objects. */
export interface Entry {
  readonly term: number;
  /** The client command; `null` is a leader's no-op. */
  readonly command: unknown;
}

export type Role = 'follower' | 'candidate' | 'leader';

/** State that survives a crash (Raft paper Figure 2, "Persistent state on all servers"). */
export interface RaftPersistent {
  currentTerm: number;
  votedFor: string | null;
  /** log[0] is a sentinel `{term: 0}`; log[i] is entry i (1-based). */
  log: Entry[];
}

export interface RequestVote {
  readonly type: 'RequestVote';
  readonly term: number;
  readonly candidateId: string;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}

export interface RequestVoteReply {
  readonly type: 'RequestVoteReply';
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
}

export type RaftMessage = RequestVote | RequestVoteReply | AppendEntries | AppendEntriesReply;

/**
 * Rule switches. All true is correct Raft; a guide may turn one off to show what breaks.
 * - voteLogCheck: a voter refuses candidates whose log is less up to date (§5.4.1).
 * - commitCurrentTermOnly: a leader counts replicas only for entries of its own term (§5.4.2).
 */
export interface RaftRules {
  voteLogCheck: boolean;
  commitCurrentTermOnly: boolean;
}

export const DEFAULT_RULES: RaftRules = { voteLogCheck: true, commitCurrentTermOnly: true };

export interface RaftOptions {
  /** Largest number of entries in one AppendEntries. */
  maxEntriesPerMessage: number;
  /**
   * Flow control (as etcd's inflights): at most this many AppendEntries carrying entries may be
   * unacknowledged per follower while entries are pipelined to it.
   */
  maxInflight: number;
  rules: RaftRules;
}

export const DEFAULT_RAFT_OPTIONS: RaftOptions = { maxEntriesPerMessage: 64, maxInflight: 4, rules: DEFAULT_RULES };

/** What a node asks its host to do, or reports; drained by the host after every call. */
export type RaftOutput =
  | { readonly kind: 'send'; readonly to: string; readonly msg: RaftMessage }
  | { readonly kind: 'electionTimer'; readonly run: boolean } // run=true: (re)start with a fresh random timeout
  | { readonly kind: 'heartbeatTimer'; readonly run: boolean }
  // New entries wait for the end of the instant, so that proposals made together leave as one message per follower.
  | { readonly kind: 'flushSoon' }
  | { readonly kind: 'role'; readonly role: Role; readonly term: number }
  | { readonly kind: 'commit'; readonly index: number }
  | { readonly kind: 'apply'; readonly index: number; readonly entry: Entry }
  | { readonly kind: 'vote'; readonly candidate: string; readonly granted: boolean; readonly reason: string }
  | { readonly kind: 'truncate'; readonly fromIndex: number };
