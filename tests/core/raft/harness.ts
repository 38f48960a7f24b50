// Helpers for driving the pure Raft node by hand: build nodes with given logs, feed messages, read the outbox.
import {
  SENTINEL,
  logOf,
  createRaftNode,
  electionTimeout,
  receive,
  type RaftNode,
} from '../../../src/core/raft/node';
import {
  DEFAULT_RAFT_OPTIONS,
  type AppendEntries,
  type AppendEntriesReply,
  type Entry,
  type RaftMessage,
  type RaftOptions,
  type RaftOutput,
  type RaftRules,
  type RequestVote,
  type RequestVoteReply,
} from '../../../src/core/raft/types';

export const IDS3 = ['n1', 'n2', 'n3'] as const;
export const IDS5 = ['n1', 'n2', 'n3', 'n4', 'n5'] as const;

/** Log entries from a list of terms: terms [1, 1, 2] is entries 1..3 of terms 1, 1, 2. */
export function entries(terms: readonly number[], tag = 'c'): Entry[] {
  return terms.map((term, i) => ({ term, command: `${tag}${i + 1}@${term}` }));
}

export interface NodeSpec {
  id?: string;
  peers?: readonly string[];
  term?: number;
  votedFor?: string | null;
  /** Terms of the log entries 1..n. */
  log?: readonly number[];
  options?: Partial<Omit<RaftOptions, 'rules'>> & { rules?: Partial<RaftRules> };
}

/** A fresh node (as after start or restart) holding the given persistent state; the outbox is emptied. */
export function makeNode(spec: NodeSpec = {}): RaftNode {
  const id = spec.id ?? 'n1';
  const log = logOf([SENTINEL, ...entries(spec.log ?? [], id)]);
  const options: RaftOptions = {
    ...DEFAULT_RAFT_OPTIONS,
    ...spec.options,
    rules: { ...DEFAULT_RAFT_OPTIONS.rules, ...spec.options?.rules },
  };
  const node = createRaftNode(
    id,
    spec.peers ?? IDS3,
    { currentTerm: spec.term ?? 0, votedFor: spec.votedFor ?? null, log },
    options,
  );
  node.outbox.length = 0;
  return node;
}

/** Takes what the node asked for since the last drain. */
export function drain(node: RaftNode): RaftOutput[] {
  const out = node.outbox.slice();
  node.outbox.length = 0;
  return out;
}

type Sent<T extends RaftMessage['type']> = { to: string; msg: Extract<RaftMessage, { type: T }> };

/** The messages of one type in an outbox, with their destination. */
export function sent<T extends RaftMessage['type']>(out: readonly RaftOutput[], type: T): Sent<T>[] {
  const found: Sent<T>[] = [];
  for (const o of out) {
    if (o.kind === 'send' && o.msg.type === type) found.push({ to: o.to, msg: o.msg as Extract<RaftMessage, { type: T }> });
  }
  return found;
}

/** The one message of a type sent to `to` (fails when there is not exactly one). */
export function sentTo<T extends RaftMessage['type']>(out: readonly RaftOutput[], type: T, to: string): Extract<RaftMessage, { type: T }> {
  const found = sent(out, type).filter((s) => s.to === to);
  if (found.length !== 1) throw new Error(`expected one ${type} to ${to}, found ${found.length}`);
  return found[0].msg;
}

export const electionTimerReset = (out: readonly RaftOutput[]): boolean =>
  out.some((o) => o.kind === 'electionTimer' && o.run);

export const roleChanges = (out: readonly RaftOutput[]): string[] =>
  out.flatMap((o) => (o.kind === 'role' ? [`${o.role}@${o.term}`] : []));

export const commits = (out: readonly RaftOutput[]): number[] =>
  out.flatMap((o) => (o.kind === 'commit' ? [o.index] : []));

export const applied = (out: readonly RaftOutput[]): number[] =>
  out.flatMap((o) => (o.kind === 'apply' ? [o.index] : []));

export const logTerms = (node: RaftNode): number[] => node.p.log.slice(1).map((e) => e.term);

// ---- message builders ----

export function rv(term: number, candidateId: string, lastLogIndex = 0, lastLogTerm = 0): RequestVote {
  return { type: 'RequestVote', term, candidateId, lastLogIndex, lastLogTerm };
}

export function rvReply(term: number, voteGranted: boolean): RequestVoteReply {
  return { type: 'RequestVoteReply', term, voteGranted };
}

export function ae(
  term: number,
  leaderId: string,
  prevLogIndex: number,
  prevLogTerm: number,
  ents: readonly Entry[] = [],
  leaderCommit = 0,
): AppendEntries {
  return { type: 'AppendEntries', term, leaderId, prevLogIndex, prevLogTerm, entries: ents, leaderCommit };
}

export function aeOk(term: number, matchIndex: number): AppendEntriesReply {
  return { type: 'AppendEntriesReply', term, success: true, matchIndex, conflictTerm: 0, conflictIndex: 0, seq: 0 };
}

export function aeFail(term: number, conflictTerm: number, conflictIndex: number): AppendEntriesReply {
  return { type: 'AppendEntriesReply', term, success: false, matchIndex: 0, conflictTerm, conflictIndex, seq: 0 };
}

/**
 * Makes `node` the leader of `term` the normal way: it times out (from term - 1) and the first
 * peers grant it their votes until it holds a majority. Returns the outbox of becoming leader.
 */
export function electLeader(node: RaftNode, term: number): RaftOutput[] {
  node.p.currentTerm = term - 1;
  node.p.votedFor = null;
  electionTimeout(node);
  let out = drain(node);
  for (const peer of node.peers) {
    if (node.role === 'leader') break;
    receive(node, peer, rvReply(term, true));
    out = out.concat(drain(node));
  }
  if (node.role !== 'leader') throw new Error(`${node.id} did not become leader of term ${term}`);
  return out;
}
