// Replication benchmarks: messages per committed command, MIT 6.824's message count, and how fast a follower far behind catches up.
import { createCluster } from '../src/sim';

const RAFT_TYPES = ['RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply'];

export interface CostFigure {
  nodes: number;
  committed: number;
  /** Raft messages (requests and replies) per committed command. */
  raftPerCommand: number;
  /** AppendEntries alone per committed command. */
  appendsPerCommand: number;
  /** Every bus message (also pings and clock sync) per committed command. */
  allPerCommand: number;
}

/**
 * `rate` proposals per simulated second at the leader for `simMs` on `nodes` nodes, `perInstant`
 * of them at a time (1: each alone; more: a burst that leaves as one AppendEntries per follower).
 */
export function messagesPerCommand(nodes: number, rate: number, simMs: number, perInstant = 1): CostFigure {
  const c = createCluster({ seed: 11, nodes, checkers: false });
  c.runUntil(() => c.leader() !== undefined, 5000);
  c.runFor(500);
  const count = (types?: string[]): number => (types === undefined ? c.sentCount() : types.reduce((s, t) => s + c.sentCount(t), 0));
  const raft0 = count(RAFT_TYPES);
  const ae0 = c.sentCount('AppendEntries');
  const all0 = count();
  const leader = c.leader()!;
  const commit0 = c.node(leader).commitIndex;
  const gap = (1000 / rate) * perInstant;
  for (let t = 0; t < simMs; t += gap) {
    const l = c.leader();
    for (let k = 0; k < perInstant && l !== undefined; k++) c.propose(l, `p${t}-${k}`);
    c.runFor(gap);
  }
  c.runFor(500);
  const committed = c.node(c.leader() ?? leader).commitIndex - commit0;
  return {
    nodes,
    committed,
    raftPerCommand: (count(RAFT_TYPES) - raft0) / committed,
    appendsPerCommand: (c.sentCount('AppendEntries') - ae0) / committed,
    allPerCommand: (count() - all0) / committed,
  };
}

export interface CountFigure {
  seed: number;
  requests: number;
  heartbeats: number;
  bound: number;
}

/**
 * 6.824's TestCount on 3 nodes: an election, then 12 commands proposed at once and waited for on
 * every node. Requests are RequestVote + AppendEntries; the bound is 42 plus the heartbeats the
 * leader sent while waiting.
 */
export function mitCount(seed: number): CountFigure {
  const c = createCluster({ seed, nodes: 3, checkers: false });
  c.runUntil(() => c.leader() !== undefined, 5000);
  const l = c.leader()!;
  let heartbeats = 0;
  const off = c.onEvent((e) => {
    if (e.kind === 'timer' && e.type === 'heartbeat' && e.node === l) heartbeats++;
  });
  const first = c.propose(l, 'c0')!.index;
  for (let i = 1; i < 12; i++) c.propose(l, `c${i}`);
  c.runUntil(() => c.nodeIds.every((id) => c.node(id).commitIndex >= first + 11), 5000);
  off();
  const requests = c.sentCount('AppendEntries') + c.sentCount('RequestVote');
  return { seed, requests, heartbeats: heartbeats * 2, bound: 42 + heartbeats * 2 };
}

export interface CatchUpFigure {
  entries: number;
  simMs: number;
  entriesPerSimSec: number;
}

/** A follower down while `entries` commit, then restarted: virtual time until it holds them all. */
export function catchUp(entries: number, nodes = 3): CatchUpFigure {
  const c = createCluster({ seed: 5, nodes, checkers: false });
  c.runUntil(() => c.leader() !== undefined, 5000);
  const l = c.leader()!;
  const f = c.nodeIds.find((id) => id !== l)!;
  c.crash(f);
  for (let i = 0; i < entries; i += 100) {
    for (let k = i; k < Math.min(entries, i + 100); k++) c.propose(l, `e${k}`);
    c.runFor(20);
  }
  const last = c.node(l).log.length;
  c.runUntil(() => c.node(l).commitIndex === last, 5000);
  c.restart(f);
  const t0 = c.now;
  c.runUntil(() => c.node(f).commitIndex >= last, 60_000);
  const simMs = c.now - t0;
  return { entries: last, simMs, entriesPerSimSec: (last / simMs) * 1000 };
}
