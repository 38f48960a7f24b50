// What a Step moves to: the kinds of event a learner can watch (Raft, pub/sub, clocks and failure
// detection, or everything) and the "to next delivery / election / leader / commit" goals, shared by
// the simulator's toolbar and the guide's step bar.
import type { SimEvent } from '../sim';
import type { FeedItem } from './driver';

export { DEFAULT_STEP_KIND, STEP_KINDS, stepKindLabel, type StepKind } from './stepKindNames';
import { stepKindLabel, type StepKind } from './stepKindNames';

export const RAFT_MESSAGES: ReadonlySet<string> = new Set([
  'RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply',
  // issue 13: Pre-Vote (thesis §9.6), InstallSnapshot (§7), leadership transfer (thesis §3.10),
  // and a follower asking the leader for a read index (thesis §6.4): Raft's read protocol, not pub/sub.
  'PreVote', 'PreVoteReply', 'InstallSnapshot', 'InstallSnapshotReply', 'TimeoutNow', 'ReadIndex', 'ReadIndexReply',
]);
/** The broker's and clients' messages (a connection's acknowledgements and resets included). */
export const MESSAGING_MESSAGES: ReadonlySet<string> = new Set(['ClientRequest', 'ClientReply', 'ForwardPub', 'ForwardReply', 'ClientPush', 'ClientAck', 'ClientReset']);
const TIME_MESSAGES = new Set(['Ping', 'SyncRequest', 'SyncReply', 'TimeRequest', 'TimeReply', 'BerkeleyPoll', 'BerkeleyReply', 'BerkeleyAdjust']);
const RAFT_TIMERS = new Set(['election', 'heartbeat']);
const TIME_TIMERS = new Set(['detector', 'sync', 'syncRound']);
const RAFT_KINDS = new Set([
  'role', 'vote', 'commit', 'apply', 'truncate',
  'config', 'configCommitted', 'membership', 'removed', 'stepDown', 'snapshot', 'restore', 'preVoteStart', 'preVote', 'transfer',
]);
const TIME_KINDS = new Set(['sync', 'suspect', 'unsuspect', 'ntpSample', 'cristianSample', 'berkeleyRound', 'berkeleyAdjust']);
const MESSAGING_KINDS = new Set(['late', 'unsubscribed', 'publishFailed', 'refused']);
/** Things a person did (or a recorded action coming due) and broken safety: every watcher stops there. */
const ALWAYS = new Set([
  'crash', 'restart', 'disconnect', 'reconnect', 'partition', 'heal', 'cutLink', 'restoreLink', 'setNetwork', 'setClock',
  'timeout', 'dropMessage', 'propose', 'publish', 'command', 'subscribe', 'violation', 'duplicate',
  'addNode', 'removeNode', 'transferLeadership',
]);

/** The layer an event belongs to ('any': every watcher sees it; 'other': only "every event"). */
export function layerOf(e: SimEvent): Exclude<StepKind, 'all'> | 'any' | 'other' {
  const k = e.kind;
  if (k === 'send' || k === 'deliver' || k === 'drop') {
    const t = e.type ?? '';
    if (RAFT_MESSAGES.has(t)) return 'raft';
    if (MESSAGING_MESSAGES.has(t)) return 'messaging';
    if (TIME_MESSAGES.has(t)) return 'time';
    return 'other';
  }
  if (k === 'timer') {
    const t = e.type ?? '';
    if (RAFT_TIMERS.has(t)) return 'raft';
    if (TIME_TIMERS.has(t)) return 'time';
    return 'messaging';
  }
  if (RAFT_KINDS.has(k)) return 'raft';
  if (TIME_KINDS.has(k)) return 'time';
  if (MESSAGING_KINDS.has(k)) return 'messaging';
  if (ALWAYS.has(k)) return 'any';
  return 'other';
}

/** Whether a learner watching `kind` wants a Step to stop at this event. */
export function watched(kind: StepKind, e: SimEvent): boolean {
  if (kind === 'all') return true;
  const layer = layerOf(e);
  return layer === kind || layer === 'any';
}

export type UntilGoal = 'delivery' | 'election' | 'leader' | 'commit';

interface Goal {
  readonly label: string;
  readonly running: string;
  readonly stop: (item: FeedItem) => boolean;
  readonly none: string;
}

/** "Run to the next …": where it stops, what the busy indicator says, and what to say when it never came. */
export const UNTIL: Readonly<Record<UntilGoal, Goal>> = {
  delivery: {
    label: 'Delivery',
    running: 'Running to the next delivery',
    stop: (i) => i.e.kind === 'deliver',
    none: 'No message was delivered within 60 s of simulated time.',
  },
  election: {
    label: 'Election',
    running: 'Running to the next election',
    stop: (i) => i.e.kind === 'role' && i.e.role === 'candidate',
    none: 'No election started within 60 s of simulated time.',
  },
  leader: {
    label: 'Leader',
    running: 'Running until a leader is elected',
    stop: (i) => i.e.kind === 'role' && i.e.role === 'leader',
    none: 'No leader was elected within 60 s of simulated time.',
  },
  commit: {
    label: 'Commit',
    running: 'Running to the next commit',
    stop: (i) => i.e.kind === 'commit',
    none: 'Nothing was committed within 60 s of simulated time (propose a command first?).',
  },
};

/** A goal for a learner watching `kind`: the next delivery is the next delivery of that kind (not a ping). */
export function untilGoal(goal: UntilGoal, kind: StepKind): Goal {
  const g = UNTIL[goal];
  if (goal !== 'delivery' || kind === 'all') return g;
  const label = stepKindLabel(kind);
  return {
    ...g,
    running: `Running to the next ${label} delivery`,
    stop: (i) => i.e.kind === 'deliver' && watched(kind, i.e),
    none: `No ${label} message was delivered within 60 s of simulated time.`,
  };
}

/** The Step of a watcher: where it stops and what to say when nothing of that kind came. */
export function stepGoal(kind: StepKind): { readonly running: string; readonly stop: (item: FeedItem) => boolean; readonly none: string } {
  const label = stepKindLabel(kind);
  return {
    running: `Stepping to the next ${label} event`,
    stop: (i) => watched(kind, i.e),
    none: `No ${label} event happened within 60 s of simulated time.`,
  };
}
