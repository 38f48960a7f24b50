// The Wiber broker on one node: answers client lines (each client over one connection, in order and
// at most once, see connection.ts), turns PUBs into Raft entries, applies committed entries to the
// topic store, and pushes MSG lines to subscribers through a hold-back buffer.
import { HoldbackBuffer, type HoldbackItem } from '../core/clocks/holdback';
import * as proto from '../core/broker/protocol';
import { serverId } from '../core/broker/ids';
import * as store from '../core/broker/state';
import type { BrokerState, SessionStamp, TopicRecord } from '../core/broker/state';
import { ConnectionEnd, type Segment } from './connection';
import type { Actor, Engine, Envelope } from './engine';
import { Timer } from './engine';
import { CLOSED_CONNECTION } from './types';

/** Client → node: one protocol line, the `seq`-th on its connection. */
export interface ClientRequest extends Segment {
  readonly type: 'ClientRequest';
  readonly line: string;
  /** A publisher's session stamp for a PUB (what a client library sends beside the line; used with dedup 'sessions'). */
  readonly session?: SessionStamp;
}

/** Node → client: the reply lines to one request (replies come in the order of the requests). */
export interface ClientReply extends Segment {
  readonly type: 'ClientReply';
  /** Seq of the request it answers (the client matches replies in order; this is for reading traces). */
  readonly req: number;
  readonly lines: readonly string[];
  /** Extra metadata for the simulated publisher: the offset of the stored (or original) record. */
  readonly offset?: number;
  /** For `OK subscribed`: the subscription's id and topic, so the client can end it with the connection. */
  readonly sub?: number;
  readonly topic?: string;
  /** The node closes the connection after this reply (QUIT). */
  readonly fin?: boolean;
}

/** Node → subscriber: one MSG line on the subscriber's connection. */
export interface ClientPush extends Segment {
  readonly type: 'ClientPush';
  /** Identifies the subscription (the node's Lamport clock when it began: unique across restarts). */
  readonly sub: number;
  readonly topic: string;
  readonly line: string;
  readonly offset: number;
  readonly late: boolean;
}

/** Either way: a pure acknowledgement (seq 0) of everything up to `ack`. */
export interface ClientAck extends Segment {
  readonly type: 'ClientAck';
}

/** Node → client: there is no such connection (any more); the client closes its end. */
export interface ClientReset {
  readonly type: 'ClientReset';
  readonly conn: number;
  readonly epoch: number;
}

/** Follower → leader: a PUB it forwards; leader → follower: the leader's answer. */
export interface ForwardPub {
  readonly type: 'ForwardPub';
  readonly fwdId: number;
  readonly topic: string;
  readonly id: string;
  readonly message: string;
  readonly session?: SessionStamp;
}

export interface ForwardReply {
  readonly type: 'ForwardReply';
  readonly fwdId: number;
  readonly line: string;
  readonly offset?: number;
}

/** Follower → leader (safe reads, §8): "what index must I apply before I may answer a read?" */
export interface ReadIndexRequest {
  readonly type: 'ReadIndex';
  readonly readId: number;
}

/** Leader → follower: the read index once its leadership is confirmed, or the ERR line to answer. */
export interface ReadIndexReply {
  readonly type: 'ReadIndexReply';
  readonly readId: number;
  readonly index?: number;
  readonly error?: string;
}

/** How HISTORY is served (§8, thesis §6.4). */
export type ReadMode = 'local' | 'readIndex' | 'lease';

/** A client this far behind (segments sent, not acknowledged) is cut off, as a server closes a dead connection. */
const MAX_UNACKED = 1000;

export const CLIENT_MESSAGE_TYPES = new Set([
  'ClientRequest', 'ClientReply', 'ClientPush', 'ClientAck', 'ClientReset', 'ForwardPub', 'ForwardReply', 'ReadIndex', 'ReadIndexReply',
]);

export interface BrokerSettings {
  dedupWindow: number;
  /** true is 'window'; 'sessions' adds publisher sessions (Raft §8) to the id window. */
  dedup: boolean | 'window' | 'sessions';
  commitTimeoutMs: number;
  forwardTimeoutMs: number;
  maxDelayMs: number;
  /** Shortest retransmission timeout of a client connection (it adapts to the round trip above this). */
  pushRetransmitMs: number;
  /** 'local' answers HISTORY from this node's applied state (the original's, may be stale). */
  reads: ReadMode;
  /** Records kept per topic (Infinity: all, as the original). */
  retain: number;
}

export const DEFAULT_BROKER: BrokerSettings = {
  dedupWindow: store.DEFAULT_DEDUP_WINDOW,
  dedup: true,
  commitTimeoutMs: 2000,
  forwardTimeoutMs: 1500,
  maxDelayMs: 100,
  pushRetransmitMs: 200,
  reads: 'local',
  retain: Infinity,
};

/** What the broker needs of its node. */
export interface BrokerHost {
  readonly id: string;
  readonly engine: Engine;
  /** Ticks the node's Lamport clock (a local event) and returns the new value. */
  tick(): number;
  send(to: Actor, type: string, payload: unknown): void;
  actor(id: string): Actor;
  /** Raft's view: role and known leader. */
  role(): 'follower' | 'candidate' | 'leader';
  leaderId(): string | null;
  term(): number;
  propose(command: unknown): { index: number; term: number } | undefined;
  localNow(): number;
  correctedNow(): number;
  /** True time at which this node's corrected clock reads `correctedMs`. */
  trueTimeAtCorrected(correctedMs: number): number;
  /** The node's connection epoch: it moves on whenever every client connection is closed (crash, disconnect). */
  connEpoch(): number;
  /** Highest log index this node has ever applied (kept across crashes): re-applying up to it stores nothing new. */
  appliedHighWater(): number;
  /** Leader: start a ReadIndex round (undefined when not leader); `readConfirmed` follows. */
  requestRead(): { index: number; seq: number } | undefined;
  /** Leader: its read lease holds now (thesis §6.4.1). */
  leaseValid(): boolean;
  /** Leader: its commit index, once an entry of its term is committed (else undefined). */
  readIndexNow(): number | undefined;
}

/** A read waiting for its index, for leadership to be confirmed, or for its index to be applied. */
interface PendingRead {
  /** Leader side: the heartbeat round that must be confirmed (0 when not waiting for one). */
  seq: number;
  /** The index to apply before answering (-1 until known). */
  index: number;
  deadline: number;
  /** Answer with an ERR line, or (undefined) go ahead: the state now reflects every earlier acknowledged write. */
  done: (error: string | undefined, index: number) => void;
  /** Leader side serving a follower's ReadIndex: no need to wait for the leader's own apply. */
  forFollower: boolean;
}

type Respond = (line: string, offset?: number) => void;

interface PendingPub {
  index: number;
  term: number;
  topic: string;
  id: string;
  deadline: number;
  waiters: Respond[];
}

interface PendingForward {
  deadline: number;
  /** The leader it went to. */
  leader: string;
  /** What went (its topic, id, message and session, should this node have to store it itself). */
  fwd: ForwardPub;
  respond: Respond;
}

interface Subscription {
  id: number;
  conn: ServerConnection;
  topic: string;
  buffer: HoldbackBuffer<TopicRecord>;
  /** Records of entries at or below this index were applied here before the SUB (or are re-applied after a restart): not pushed. */
  fromIndex: number;
}

/** What goes out on a connection, in order: a reply (waiting until it is known) or a MSG push. */
type OutItem =
  | { kind: 'reply'; req: number; lines?: readonly string[]; offset?: number; sub?: number; topic?: string; fin?: boolean }
  | { kind: 'push'; sub: number; topic: string; line: string; offset: number; late: boolean };

/** The node's end of one client's connection. */
interface ServerConnection {
  readonly client: Actor;
  readonly end: ConnectionEnd<ClientReply | ClientPush, ClientRequest | ClientAck>;
  readonly timer: Timer;
  /** Replies and pushes not yet sent: a reply holds back what comes after it until it is known (TCP order). */
  readonly out: OutItem[];
  readonly subs: Subscription[];
  /** QUIT was answered: no more lines are read; the connection ends once the goodbye is acknowledged. */
  closing: boolean;
}

/** What the broker tells the cluster (for checkers and the journal). */
export interface BrokerObserver {
  published(topic: string, id: string, message: string): void;
  /** `command`: the log's command the record was made from (lives as long as the run keeps it). */
  stored(node: string, topic: string, record: TopicRecord, command: { readonly id: string; readonly message: string }): void;
  duplicate(node: string, topic: string, id: string, offset: number | undefined): void;
}

/**
 * How many of a follower's forwards past a gap a node remembers before it gives the gap up. A gap is most
 * often forwards that went to another leader (a follower forwards to whichever it knows), or lost ones:
 * neither comes. An original held back by reordering while this many later ones overtook it would be
 * taken for a copy and get no answer (the follower's forward then times out, as for a lost one).
 */
const FORWARDS_KEPT = 32;

export class BrokerNode {
  state: BrokerState;
  private pending = new Map<number, PendingPub>(); // by log index
  private pendingById = new Map<string, PendingPub>(); // by topic + '\n' + id
  /** The last entry applied with no PUB waiting for it (its index, 0 for none, and result): a cluster of one applies inside propose, before the PUB waits. */
  private unclaimedIndex = 0;
  private unclaimedResult: store.ApplyResult | undefined;
  private forwards = new Map<number, PendingForward>();
  private fwdSeq = 0;
  /**
   * The forwards this node took, by sender: a network copy of one is not a second PUB, so it gets no second
   * answer (which could reach the follower first and tell the client `OK duplicate` of what its own PUB just
   * stored) and is never stored again once its id has left the window. A sender numbers its forwards 1, 2, 3…:
   * every id up to `upTo` was taken, and `above` holds those taken past a gap (one still on its way, or lost).
   */
  private forwardsTaken = new Map<Actor, { upTo: number; above: Set<number> }>();
  private subs = new Map<string, Subscription[]>(); // by topic
  /** One connection per client: a newer connection from the same client replaces the older one. */
  private conns = new Map<Actor, ServerConnection>();
  /** Per client, the highest connection id this node closed: later segments of those get a reset. */
  private closedUpTo = new Map<Actor, number>();
  private readonly connTimers = new Map<Timer, ServerConnection>();
  /** Safe reads in progress, by local read id. */
  private reads = new Map<number, PendingRead>();
  private readSeq = 0;
  readonly timeoutTimer: Timer;
  readonly releaseTimer: Timer;

  constructor(
    private readonly host: BrokerHost,
    private readonly actor: Actor,
    private readonly settings: BrokerSettings,
    private readonly observer: BrokerObserver | undefined,
  ) {
    this.state = this.freshState();
    this.timeoutTimer = new Timer(actor, 'pubTimeout');
    this.releaseTimer = new Timer(actor, 'holdback');
  }

  private freshState(): BrokerState {
    return store.createBrokerState({ dedupWindow: this.settings.dedupWindow, dedup: this.settings.dedup, retain: this.settings.retain });
  }

  /** Crash: everything here is volatile; the topic store is rebuilt by re-applying the committed log. */
  reset(): void {
    this.state = this.freshState();
    this.pending.clear();
    this.pendingById.clear();
    this.forwards.clear();
    this.forwardsTaken.clear();
    this.dropConnections();
    this.closedUpTo.clear();
    this.reads.clear();
    this.host.engine.stopTimer(this.timeoutTimer);
    this.host.engine.stopTimer(this.releaseTimer);
  }

  /** Every client connection ends at once (the node crashed or was cut off); clients are told by the cluster. */
  dropConnections(): void {
    for (const c of this.conns.values()) this.host.engine.stopTimer(c.timer);
    this.conns.clear();
    this.connTimers.clear();
    this.subs.clear();
  }

  /** The connection from `client` is gone (reset by the network): its subscriptions end; nothing is sent. */
  forgetConnection(client: Actor): void {
    const c = this.conns.get(client);
    if (c !== undefined) this.closeConnection(c, 'connection reset', false);
  }

  /** Whether `client` has a connection open here. */
  connectedFrom(client: Actor): boolean {
    return this.conns.has(client);
  }

  // ---- messages ----

  /** A client's segment of a connection this node has closed (before a crash or disconnect, or an older one): thrown away. */
  discards(env: Envelope): string | undefined {
    const seg = env.payload as { type: string; conn: number; epoch: number };
    if (seg.type !== 'ClientRequest' && seg.type !== 'ClientAck') return undefined;
    if (seg.epoch !== this.host.connEpoch()) return CLOSED_CONNECTION;
    const c = this.conns.get(env.from);
    return c !== undefined && seg.conn < c.end.conn ? CLOSED_CONNECTION : undefined;
  }

  onMessage(env: Envelope): void {
    const msg = env.payload as { type: string };
    switch (msg.type) {
      case 'ClientRequest':
      case 'ClientAck':
        return this.onSegment(env.from, msg as ClientRequest | ClientAck);
      case 'ForwardPub':
        return this.onForwardPub(env.from, msg as ForwardPub);
      case 'ForwardReply':
        return this.onForwardReply(msg as ForwardReply);
      case 'ReadIndex':
        return this.onReadIndex(env.from, msg as ReadIndexRequest);
      case 'ReadIndexReply':
        return this.onReadIndexReply(msg as ReadIndexReply);
    }
  }

  // ---- client connections ----

  /** A segment from a client: find (or open) its connection, and read the lines that are now in order. */
  private onSegment(client: Actor, seg: ClientRequest | ClientAck): void {
    // From before a crash or disconnect of this node: that connection is gone, and the client knows.
    if (seg.epoch !== this.host.connEpoch()) return;
    let c = this.conns.get(client);
    if (c !== undefined && c.end.conn !== seg.conn) {
      if (seg.conn < c.end.conn) return; // an older connection's late segment
      // The client opened a new connection: it has given up the old one.
      this.closeConnection(c, 'the client opened a new connection', false);
      c = undefined;
    }
    if (c === undefined) {
      if (seg.conn <= (this.closedUpTo.get(client) ?? 0)) {
        if (seg.seq !== 0) {
          const reset: ClientReset = { type: 'ClientReset', conn: seg.conn, epoch: seg.epoch };
          this.host.send(client, 'ClientReset', reset);
        }
        return;
      }
      if (seg.seq === 0) return;
      c = this.openConnection(client, seg.conn, seg.epoch);
    }
    const r = c.end.receive(this.host.engine.now, seg);
    for (const again of r.resend) this.host.send(client, again.type, again);
    for (const req of r.deliver) {
      if (c.closing) break;
      if (req.type === 'ClientRequest') this.onRequest(c, req);
    }
    if (this.conns.get(client) !== c) return;
    if (c.closing && c.out.length === 0 && c.end.unackedCount === 0) return this.closeConnection(c, 'QUIT', false);
    if (r.ackNow) this.sendAck(c);
    this.arm(c);
  }

  private openConnection(client: Actor, conn: number, epoch: number): ServerConnection {
    const c: ServerConnection = {
      client, end: new ConnectionEnd(conn, epoch, this.settings.pushRetransmitMs), timer: new Timer(this.actor, 'connection'),
      out: [], subs: [], closing: false,
    };
    this.conns.set(client, c);
    this.connTimers.set(c.timer, c);
    return c;
  }

  /** This end of the connection is over: its subscriptions end; `reset` tells the client (best effort). */
  private closeConnection(c: ServerConnection, why: string, reset: boolean): void {
    if (this.conns.get(c.client) !== c) return;
    this.conns.delete(c.client);
    this.connTimers.delete(c.timer);
    this.host.engine.stopTimer(c.timer);
    this.closedUpTo.set(c.client, Math.max(this.closedUpTo.get(c.client) ?? 0, c.end.conn));
    for (const s of c.subs) this.removeSubscription(s, why);
    if (reset) {
      const r: ClientReset = { type: 'ClientReset', conn: c.end.conn, epoch: c.end.epoch };
      this.host.send(c.client, 'ClientReset', r);
    }
  }

  private arm(c: ServerConnection): void {
    const at = c.end.deadline;
    if (at === Infinity) this.host.engine.stopTimer(c.timer);
    else this.host.engine.setTimer(c.timer, at);
  }

  private sendAck(c: ServerConnection): void {
    const ack: ClientAck = { type: 'ClientAck', conn: c.end.conn, epoch: c.end.epoch, ...c.end.ackStamp(this.host.engine.now) };
    this.host.send(c.client, 'ClientAck', ack);
  }

  /** Whether `timer` is one of this broker's connection timers. */
  ownsTimer(timer: Timer): boolean {
    return this.connTimers.has(timer);
  }

  /** A connection's timer: resend what is unacknowledged, send an owed ack, or give the client up. */
  onConnectionTimer(timer: Timer): void {
    const c = this.connTimers.get(timer);
    if (c === undefined) return;
    const due = c.end.due(this.host.engine.now);
    if (due.dead) return this.closeConnection(c, 'the client stopped acknowledging: connection timed out', true);
    for (const seg of due.resend) this.host.send(c.client, seg.type, seg);
    if (due.ack) this.sendAck(c);
    this.arm(c);
  }

  /** Sends what is ready at the head of the connection's queue, in order. */
  private flush(c: ServerConnection): void {
    if (this.conns.get(c.client) !== c) return;
    const now = this.host.engine.now;
    const { end } = c;
    while (c.out.length > 0) {
      const item = c.out[0];
      if (item.kind === 'reply' && item.lines === undefined) break;
      c.out.shift();
      let seg: ClientReply | ClientPush;
      if (item.kind === 'reply') {
        seg = end.send(now, (stamp): ClientReply => {
          const r: { -readonly [K in keyof ClientReply]: ClientReply[K] } = {
            type: 'ClientReply', conn: end.conn, epoch: end.epoch, ...stamp, req: item.req, lines: item.lines!,
          };
          if (item.offset !== undefined) r.offset = item.offset;
          if (item.sub !== undefined) {
            r.sub = item.sub;
            r.topic = item.topic;
          }
          if (item.fin === true) r.fin = true;
          return r;
        });
      } else {
        seg = end.send(now, (stamp): ClientPush => ({
          type: 'ClientPush', conn: end.conn, epoch: end.epoch, ...stamp, sub: item.sub, topic: item.topic, line: item.line, offset: item.offset, late: item.late,
        }));
      }
      this.host.send(c.client, seg.type, seg);
    }
    if (end.unackedCount > MAX_UNACKED) return this.closeConnection(c, `${MAX_UNACKED} lines unacknowledged: connection reset`, true);
    this.arm(c);
  }

  /** One line from a client, in order: its reply takes the next place in the connection's queue. */
  private onRequest(c: ServerConnection, req: ClientRequest): void {
    const slot: Extract<OutItem, { kind: 'reply' }> = { kind: 'reply', req: req.seq };
    c.out.push(slot);
    const answer = (lines: readonly string[], offset?: number): void => {
      if (slot.lines !== undefined) return;
      slot.lines = lines;
      if (offset !== undefined) slot.offset = offset;
      this.flush(c);
    };
    const cmd = proto.parseLine(req.line);
    switch (cmd.kind) {
      case 'error':
        return answer([cmd.reply]);
      case 'ping':
        return answer([proto.PONG]);
      case 'quit':
        for (const s of [...c.subs]) this.removeSubscription(s, 'QUIT');
        c.closing = true;
        slot.fin = true;
        return answer([proto.OK_BYE]);
      case 'history': {
        const reply = (): void => answer(proto.formatHistoryReply(cmd.topic, store.history(this.state, cmd.topic, cmd.n)));
        if (this.settings.reads === 'local') return reply();
        return this.safeRead((error) => (error === undefined ? reply() : answer([error])));
      }
      case 'sub': {
        const sub = this.subscribe(c, cmd.topic);
        slot.sub = sub.id;
        slot.topic = sub.topic;
        return answer([proto.okSubscribed(cmd.topic)]);
      }
      case 'pub': {
        const id = cmd.id ?? serverId(this.host.id, this.host.term(), this.host.tick());
        this.observer?.published(cmd.topic, id, cmd.message);
        this.publish(cmd.topic, id, cmd.message, (line, offset) => answer([line], offset), true, req.session);
        return;
      }
    }
  }

  /** A PUB at this node: the leader stores it through Raft; a follower forwards it to the leader it knows. */
  private publish(topic: string, id: string, message: string, respond: Respond, mayForward: boolean, session?: SessionStamp): void {
    const host = this.host;
    if (host.role() !== 'leader') {
      const leader = host.leaderId();
      if (leader === null || leader === host.id) return respond(proto.ERR_NOT_LEADER);
      if (!mayForward) return respond(proto.redirect(leader));
      const fwdId = ++this.fwdSeq;
      const deadline = host.engine.now + this.settings.forwardTimeoutMs;
      const fwd: ForwardPub = session === undefined ? { type: 'ForwardPub', fwdId, topic, id, message } : { type: 'ForwardPub', fwdId, topic, id, message, session };
      this.forwards.set(fwdId, { deadline, leader, fwd, respond });
      host.send(host.actor(leader), 'ForwardPub', fwd);
      this.armTimeoutAt(deadline);
      return;
    }
    // With sessions: this publisher's request was applied already (a retry), whatever the window says.
    const stamp = this.state.sessions !== null ? session : undefined;
    const replied = stamp === undefined ? undefined : store.lookupSession(this.state, stamp);
    if (replied !== undefined) return respond(proto.okDuplicate(id), replied.offset);
    // Already stored (and still in the dedup window): answer at once with the original's offset.
    const stored = store.lookupDuplicate(this.state, topic, id);
    if (stored !== undefined) return respond(proto.okDuplicate(id), stored);
    // Already in the log, not yet applied (a retry racing its original): wait for the same entry.
    const key = topic + '\n' + id;
    const inFlight = this.pendingById.get(key);
    if (inFlight !== undefined) {
      // The retry will be answered as a duplicate of the entry already in the log.
      inFlight.waiters.push((line, offset) => respond(line.startsWith('OK published ') ? proto.okDuplicate(id) : line, offset));
      return;
    }
    const command = store.pubCommand(topic, id, message, host.localNow(), host.correctedNow(), host.tick(), stamp);
    const at = host.propose(command);
    if (at === undefined) return respond(proto.ERR_NOT_LEADER);
    const early = this.unclaimedIndex === at.index ? this.unclaimedResult : undefined;
    if (early !== undefined) {
      // Committed and applied already (no one else to wait for): answer as apply would have.
      if (early.kind === 'stored') return respond(proto.okPublished(id), early.record.offset);
      if (early.kind === 'duplicate') return respond(proto.okDuplicate(id), early.offset);
    }
    const deadline = host.engine.now + this.settings.commitTimeoutMs;
    // A PUB of an older term still waiting at this index lost its entry (our log was overwritten
    // while we were not leader): it will never commit, so answer it now rather than orphan its retries.
    const stale = this.pending.get(at.index);
    if (stale !== undefined) {
      this.pendingById.delete(stale.topic + '\n' + stale.id);
      for (const w of stale.waiters) w(proto.ERR_TIMEOUT_WAITING_COMMIT);
    }
    const p: PendingPub = { index: at.index, term: at.term, topic, id, deadline, waiters: [respond] };
    this.pending.set(at.index, p);
    this.pendingById.set(key, p);
    this.armTimeoutAt(deadline);
  }

  /** A new deadline: the timer moves only if this one comes first. */
  private armTimeoutAt(deadline: number): void {
    if (deadline < this.timeoutTimer.deadline) this.host.engine.setTimer(this.timeoutTimer, deadline);
  }

  private onForwardPub(from: Actor, fwd: ForwardPub): void {
    if (!this.takeForward(from, fwd.fwdId)) return;
    this.publish(
      fwd.topic,
      fwd.id,
      fwd.message,
      (line, offset) => {
        const r: ForwardReply = offset === undefined ? { type: 'ForwardReply', fwdId: fwd.fwdId, line } : { type: 'ForwardReply', fwdId: fwd.fwdId, line, offset };
        this.host.send(from, 'ForwardReply', r);
      },
      false,
      fwd.session,
    );
  }

  /** Notes forward `id` from `from` as taken; false if it was taken before (a network copy). */
  private takeForward(from: Actor, id: number): boolean {
    let t = this.forwardsTaken.get(from);
    if (t === undefined) this.forwardsTaken.set(from, (t = { upTo: 0, above: new Set() }));
    if (id <= t.upTo || t.above.has(id)) return false;
    t.above.add(id);
    while (t.above.delete(t.upTo + 1)) t.upTo++;
    // A gap that stays open (its forward was lost) is given up past FORWARDS_KEPT later ones: it will not come.
    if (t.above.size > FORWARDS_KEPT) {
      t.upTo = Math.min(...t.above);
      t.above.delete(t.upTo);
      while (t.above.delete(t.upTo + 1)) t.upTo++;
    }
    return true;
  }

  private onForwardReply(r: ForwardReply): void {
    const f = this.forwards.get(r.fwdId);
    if (f === undefined) return; // timed out already, or a network duplicate
    this.forwards.delete(r.fwdId);
    if (r.line.startsWith('OK published ')) f.respond(proto.okRedirected(f.fwd.id), r.offset);
    else if (r.line === proto.ERR_NOT_LEADER) this.forwardFailed(f);
    else f.respond(r.line, r.offset);
  }

  /**
   * A forward the leader it went to did not take (no answer in time, or it is no longer leader): the
   * client is sent to the leader this node knows now — a new one after a failover, the same one when
   * none took its place in its eyes. If that is this node, it stores the PUB itself (a retry of one
   * already in the log is answered as a duplicate).
   */
  private forwardFailed(f: PendingForward): void {
    const now = this.host.leaderId();
    if (now === this.host.id && this.host.role() === 'leader') this.publish(f.fwd.topic, f.fwd.id, f.fwd.message, f.respond, false, f.fwd.session);
    else f.respond(proto.redirect(now ?? f.leader));
  }

  // ---- commit timeouts ----

  private armTimeout(): void {
    let next = Infinity;
    for (const p of this.pending.values()) if (p.deadline < next) next = p.deadline;
    for (const f of this.forwards.values()) if (f.deadline < next) next = f.deadline;
    for (const r of this.reads.values()) if (r.deadline < next) next = r.deadline;
    if (next === Infinity) this.host.engine.stopTimer(this.timeoutTimer);
    else this.host.engine.setTimer(this.timeoutTimer, next);
  }

  onTimeout(): void {
    const now = this.host.engine.now;
    for (const [index, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(index);
      this.pendingById.delete(p.topic + '\n' + p.id);
      for (const w of p.waiters) w(proto.ERR_TIMEOUT_WAITING_COMMIT);
    }
    for (const [fwdId, f] of this.forwards) {
      if (f.deadline > now) continue;
      this.forwards.delete(fwdId);
      this.forwardFailed(f); // could not reach the leader
    }
    for (const [id, r] of this.reads) {
      if (r.deadline > now) continue;
      this.reads.delete(id);
      r.done(proto.ERR_READ_TIMEOUT, r.index);
    }
    this.armTimeout();
  }

  // ---- apply ----

  /** A committed entry, in log order. */
  apply(index: number, entryTerm: number, command: unknown): void {
    const result = store.apply(this.state, index, command);
    if (this.reads.size > 0) this.releaseApplied();
    const p = this.pending.get(index);
    this.unclaimedIndex = p === undefined ? index : 0;
    this.unclaimedResult = p === undefined ? result : undefined;
    if (p !== undefined) {
      this.pending.delete(index);
      this.pendingById.delete(p.topic + '\n' + p.id);
    }
    if (p !== undefined) {
      if (p.term === entryTerm) {
        if (result.kind === 'stored') for (const w of p.waiters) w(proto.okPublished(p.id), result.record.offset);
        else if (result.kind === 'duplicate') for (const w of p.waiters) w(proto.okDuplicate(p.id), result.offset);
      } else {
        // Our entry was overwritten by another leader's: it will never commit.
        for (const w of p.waiters) w(proto.ERR_TIMEOUT_WAITING_COMMIT);
      }
    }
    if (result.kind === 'stored') {
      this.observer?.stored(this.host.id, result.topic, result.record, result.command);
      const subs = this.subs.get(result.topic);
      // Only records new to this node since the SUB: after a restart the log is re-applied, and those are not news.
      if (subs !== undefined) for (const s of subs) if (index > s.fromIndex) this.hold(s, result.record);
    } else if (result.kind === 'duplicate') {
      this.observer?.duplicate(this.host.id, result.topic, result.id, result.offset);
    }
  }

  // ---- subscriptions ----

  /** A SUB: records applied from now on are pushed; what this node applied before (even before a crash) is not. */
  private subscribe(c: ServerConnection, topic: string): Subscription {
    const existing = c.subs.find((s) => s.topic === topic);
    if (existing !== undefined) return existing;
    let list = this.subs.get(topic);
    if (list === undefined) this.subs.set(topic, (list = []));
    const s: Subscription = {
      id: this.host.tick(), conn: c, topic, buffer: new HoldbackBuffer(this.settings.maxDelayMs),
      fromIndex: Math.max(this.state.appliedIndex, this.host.appliedHighWater()),
    };
    list.push(s);
    c.subs.push(s);
    return s;
  }

  private removeSubscription(s: Subscription, why: string): void {
    const list = this.subs.get(s.topic);
    if (list !== undefined) {
      const rest = list.filter((x) => x !== s);
      if (rest.length === 0) this.subs.delete(s.topic);
      else this.subs.set(s.topic, rest);
    }
    const i = s.conn.subs.indexOf(s);
    if (i >= 0) s.conn.subs.splice(i, 1);
    this.host.engine.record({ at: this.host.engine.now, kind: 'unsubscribed', node: this.host.id, to: s.conn.client.id, detail: `${s.topic}: ${why}` });
  }

  private hold(s: Subscription, record: TopicRecord): void {
    const item: HoldbackItem<TopicRecord> = { correctedTs: record.correctedTs, lamport: record.lamport, id: record.id, payload: record };
    if (s.buffer.add(item)) {
      // It arrived after a later message was already released: it cannot be put in order any more.
      this.host.engine.record({
        at: this.host.engine.now, kind: 'late', node: this.host.id, to: s.conn.client.id,
        detail: `${s.topic} offset ${record.offset} (id ${record.id}) arrived too late to be ordered`,
      });
      this.push(s, record, true);
    }
    this.armRelease();
  }

  private push(s: Subscription, record: TopicRecord, late: boolean): void {
    s.conn.out.push({ kind: 'push', sub: s.id, topic: s.topic, line: proto.formatMsgLine(s.topic, record), offset: record.offset, late });
    this.flush(s.conn);
  }

  /** One timer serves every subscription: release the messages whose hold-back time has come. */
  private armRelease(): void {
    const host = this.host;
    let next = Infinity;
    for (const list of this.subs.values()) {
      for (const s of list) {
        const r = s.buffer.nextReleaseAt();
        if (r !== undefined) next = Math.min(next, host.trueTimeAtCorrected(r));
      }
    }
    if (next === Infinity) host.engine.stopTimer(this.releaseTimer);
    // Release times are exact (HoldbackBuffer compares ts + delay, trueTimeAtCorrected rounds up);
    // the microsecond floor only guarantees that no future slip can pin virtual time in place.
    else host.engine.setTimer(this.releaseTimer, Math.max(next, host.engine.now + 1e-3));
  }

  onRelease(): void {
    const corrected = this.host.correctedNow();
    for (const list of [...this.subs.values()]) {
      for (const s of [...list]) {
        for (const item of s.buffer.release(corrected)) this.push(s, item.payload, false);
      }
    }
    this.armRelease();
  }

  // ---- safe reads (§8, thesis §6.4) ----

  /**
   * Gets this node ready to answer a read that reflects every write acknowledged before it: a leader
   * confirms its leadership (a heartbeat round answered by a majority, or a valid lease) and applies up
   * to its commit index; a follower asks the leader for that index and applies up to it. `done` gets
   * undefined when the read may be answered from the local state, or the ERR line to answer instead.
   */
  private safeRead(done: (error: string | undefined) => void): void {
    const host = this.host;
    const deadline = host.engine.now + this.settings.commitTimeoutMs;
    if (host.role() === 'leader') {
      const now = host.readIndexNow();
      if (this.settings.reads === 'lease' && now !== undefined && host.leaseValid()) return done(undefined);
      const r = host.requestRead();
      if (r === undefined) return done(proto.ERR_NOT_LEADER);
      this.addRead({ seq: r.seq, index: r.index, deadline, forFollower: false, done: (e) => done(e) });
      return;
    }
    const leader = host.leaderId();
    if (leader === null || leader === host.id) return done(proto.ERR_NOT_LEADER);
    const readId = this.addRead({ seq: 0, index: -1, deadline, forFollower: false, done: (e) => done(e) });
    const msg: ReadIndexRequest = { type: 'ReadIndex', readId };
    host.send(host.actor(leader), 'ReadIndex', msg);
  }

  private addRead(r: PendingRead): number {
    const id = ++this.readSeq;
    this.reads.set(id, r);
    this.armTimeoutAt(r.deadline);
    return id;
  }

  /** Leader: a follower asks for a read index. */
  private onReadIndex(from: Actor, req: ReadIndexRequest): void {
    const host = this.host;
    const answer = (error: string | undefined, index: number): void => {
      const reply: ReadIndexReply = error === undefined ? { type: 'ReadIndexReply', readId: req.readId, index } : { type: 'ReadIndexReply', readId: req.readId, error };
      host.send(from, 'ReadIndexReply', reply);
    };
    if (host.role() !== 'leader') return answer(proto.ERR_NOT_LEADER, -1);
    const now = host.readIndexNow();
    if (this.settings.reads === 'lease' && now !== undefined && host.leaseValid()) return answer(undefined, now);
    const r = host.requestRead();
    if (r === undefined) return answer(proto.ERR_NOT_LEADER, -1);
    this.addRead({ seq: r.seq, index: r.index, deadline: host.engine.now + this.settings.commitTimeoutMs, forFollower: true, done: answer });
  }

  /** Follower: the leader's answer; then wait until this node has applied the read index. */
  private onReadIndexReply(reply: ReadIndexReply): void {
    const r = this.reads.get(reply.readId);
    if (r === undefined || r.index >= 0) return; // timed out already, or a network duplicate
    if (reply.error !== undefined || reply.index === undefined) {
      this.reads.delete(reply.readId);
      return r.done(reply.error ?? proto.ERR_NOT_LEADER, -1);
    }
    r.index = reply.index;
    this.releaseApplied();
  }

  /** Leader: a majority answered every heartbeat round up to `seq` (Raft's `readConfirmed`). */
  onReadConfirmed(seq: number): void {
    for (const r of this.reads.values()) if (r.seq > 0 && r.seq <= seq) r.seq = 0;
    this.releaseApplied();
  }

  /** Reads whose leadership is confirmed and whose index this node has applied are answered now. */
  private releaseApplied(): void {
    const applied = this.state.appliedIndex;
    for (const [id, r] of this.reads) {
      if (r.seq !== 0 || r.index < 0 || (!r.forFollower && r.index > applied)) continue;
      this.reads.delete(id);
      r.done(undefined, r.index);
    }
  }

  /** This node stopped being leader: reads it was confirming as leader can no longer be made safe. */
  onLeadershipLost(): void {
    for (const [id, r] of this.reads) {
      if (r.seq === 0 && !r.forFollower) continue;
      this.reads.delete(id);
      r.done(proto.ERR_NOT_LEADER, -1);
    }
  }

  // ---- snapshots (§7) ----

  /** The state to keep in a snapshot: topics, offsets and dedup windows as of the last applied entry. */
  snapshotData(): store.BrokerState {
    return store.cloneBrokerState(this.state);
  }

  /**
   * Replace the state by a snapshot's (installed from the leader, or restored at restart). Records the
   * snapshot adds are still handed to this node's subscribers, so they see no gap.
   */
  restore(data: unknown): void {
    const before = this.state;
    this.state = store.cloneBrokerState(data as store.BrokerState);
    for (const [topic, list] of this.subs) {
      const next = store.nextOffset(before, topic);
      const t = this.state.topics.get(topic);
      if (t === undefined) continue;
      for (let i = Math.max(0, next - t.firstOffset); i < t.commands.length; i++) {
        const record = store.recordOf(t.commands.at(i)!, t.firstOffset + i);
        for (const s of list) this.hold(s, record);
      }
    }
    // PUBs waiting on entries the snapshot covers cannot learn their outcome here.
    for (const [index, p] of this.pending) {
      if (index > this.state.appliedIndex) continue;
      this.pending.delete(index);
      this.pendingById.delete(p.topic + '\n' + p.id);
      for (const w of p.waiters) w(proto.ERR_TIMEOUT_WAITING_COMMIT);
    }
    if (this.reads.size > 0) this.releaseApplied();
  }

  history(topic: string): TopicRecord[] {
    return store.history(this.state, topic);
  }

  topics(): string[] {
    return store.topics(this.state);
  }

  subscriptionCount(): number {
    let n = 0;
    for (const list of this.subs.values()) n += list.length;
    return n;
  }
}
