// A Wiber node as an actor on the bus: drives the pure Raft node and carries out what its outbox asks.
import * as raft from '../core/raft/node';
import type { RaftNode } from '../core/raft/node';
import type { RaftMessage, RaftOptions, RaftPersistent } from '../core/raft/types';
import type { Actor, Engine, Envelope, Timer as TimerT } from './engine';
import { Timer } from './engine';
import type { Rng } from './rng';

export interface NodeTiming {
  electionTimeoutMs: [number, number];
  heartbeatMs: number;
  startupGraceMs: number;
}

export class NodeActor implements Actor {
  readonly isNode = true;
  up = true;
  /** Persisted across crashes, like the Raft state on disk. */
  lamport = 0;
  readonly persistent: RaftPersistent = raft.newPersistent();
  raft: RaftNode;
  readonly electionTimer: Timer;
  readonly heartbeatTimer: Timer;
  /** Hooks for the layers above Raft (broker, clocks); set by the cluster. */
  onApply: ((index: number, command: unknown) => void) | undefined;
  onOtherMessage: ((env: Envelope) => void) | undefined;
  onOtherTimer: ((timer: TimerT) => void) | undefined;

  constructor(
    readonly index: number,
    readonly id: string,
    readonly peers: readonly string[],
    private readonly engine: Engine,
    private readonly timing: NodeTiming,
    private readonly timerRng: Rng,
    private readonly raftOptions: RaftOptions,
    private readonly peerActor: (id: string) => Actor,
  ) {
    this.electionTimer = new Timer(this, 'election');
    this.heartbeatTimer = new Timer(this, 'heartbeat');
    this.raft = raft.createRaftNode(id, peers, this.persistent, raftOptions);
    this.drain();
  }

  deliver(env: Envelope): void {
    switch (env.type) {
      case 'RequestVote':
      case 'RequestVoteReply':
      case 'AppendEntries':
      case 'AppendEntriesReply':
        raft.receive(this.raft, env.from.id, env.payload as RaftMessage);
        this.drain();
        return;
      default:
        this.onOtherMessage?.(env);
    }
  }

  fire(timer: TimerT): void {
    if (timer === this.electionTimer) raft.electionTimeout(this.raft);
    else if (timer === this.heartbeatTimer) raft.heartbeat(this.raft);
    else {
      this.onOtherTimer?.(timer);
      return;
    }
    this.drain();
  }

  propose(command: unknown): { index: number; term: number } | undefined {
    const result = raft.propose(this.raft, command);
    this.drain();
    return result;
  }

  /** A learner's "time out now": the election timer fires at once. */
  forceTimeout(): void {
    this.engine.stopTimer(this.electionTimer);
    this.lamport++;
    this.engine.record({ at: this.engine.now, kind: 'timer', node: this.id, type: 'election', detail: 'forced' });
    raft.electionTimeout(this.raft);
    this.drain();
  }

  crash(): void {
    this.up = false;
    this.engine.stopTimer(this.electionTimer);
    this.engine.stopTimer(this.heartbeatTimer);
    // Volatile state is gone; the persistent object stays for the restart.
    this.raft = raft.createRaftNode(this.id, this.peers, this.persistent, this.raftOptions);
    this.raft.outbox.length = 0;
  }

  restart(): void {
    this.up = true;
    this.raft = raft.createRaftNode(this.id, this.peers, this.persistent, this.raftOptions);
    this.drain();
  }

  /** Carry out the outbox: sends, timers, and journal records of what changed. */
  drain(): void {
    const node = this.raft;
    const out = node.outbox;
    const engine = this.engine;
    for (let i = 0; i < out.length; i++) {
      const o = out[i];
      switch (o.kind) {
        case 'send':
          engine.send(this, this.peerActor(o.to), o.msg.type, o.msg);
          break;
        case 'electionTimer':
          if (o.run) {
            const [min, max] = this.timing.electionTimeoutMs;
            const start = Math.max(engine.now, this.timing.startupGraceMs);
            engine.setTimer(this.electionTimer, start + this.timerRng.between(min, max));
          } else engine.stopTimer(this.electionTimer);
          break;
        case 'heartbeatTimer':
          if (o.run) engine.setTimer(this.heartbeatTimer, engine.now + this.timing.heartbeatMs);
          else engine.stopTimer(this.heartbeatTimer);
          break;
        case 'role':
          engine.record({ at: engine.now, kind: 'role', node: this.id, role: o.role, term: o.term });
          break;
        case 'commit':
          engine.record({ at: engine.now, kind: 'commit', node: this.id, index: o.index, term: node.p.currentTerm });
          break;
        case 'apply':
          engine.record({ at: engine.now, kind: 'apply', node: this.id, index: o.index, term: o.entry.term, payload: o.entry.command });
          this.onApply?.(o.index, o.entry.command);
          break;
        case 'vote':
          engine.record({
            at: engine.now, kind: 'vote', node: this.id, to: o.candidate, term: node.p.currentTerm,
            detail: (o.granted ? 'granted: ' : 'denied: ') + o.reason,
          });
          break;
        case 'truncate':
          engine.record({ at: engine.now, kind: 'truncate', node: this.id, index: o.fromIndex, term: node.p.currentTerm });
          break;
      }
    }
    out.length = 0;
  }
}
