// Simulated Wiber clients on the bus: the console's raw lines, publishers that retry with the same id
// until acknowledged, and subscribers. Each client speaks to a node over one connection modelled on
// TCP (in order, at most once, closed by a crash, a disconnect or QUIT, the close shown in its log).
import { appendOnly, shrunk } from '../core/appendOnly';
import { clientId } from '../core/broker/ids';
import type { SessionStamp } from '../core/broker/state';
import type { ClientAck, ClientPush, ClientReply, ClientRequest } from './brokerNode';
import { ConnectionEnd } from './connection';
import type { Actor, Engine, Envelope } from './engine';
import { Timer } from './engine';
import type { Rng } from './rng';
import { CLOSED_CONNECTION, type Publish } from './types';

export interface CommandHandle {
  readonly client: string;
  readonly node: string;
  readonly line: string;
  readonly sentAt: number;
  /** Reply lines so far (one request gets one reply; MSG pushes go to the client's log). */
  readonly lines: readonly string[];
  readonly done: boolean;
}

export interface ClientLogLine {
  at: number;
  /** The engine's event count when the line was written: orders lines of one instant across clients. */
  events: number;
  node: string;
  /** 'out': typed by the client; 'in': a reply or a push; 'note': what the client itself noticed (a close, a timeout, a cut). */
  dir: 'out' | 'in' | 'note';
  line: string;
}

/** A message a subscriber received, in the order it was handed to the application. */
export interface Received {
  at: number;
  node: string;
  topic: string;
  offset: number;
  line: string;
  late: boolean;
}

export interface ClientObserver {
  published(client: string, topic: string, id: string, message: string): void;
  acked(client: string, topic: string, id: string, offset: number | undefined, issuedAt: number, duplicate: boolean): void;
  received(client: string, node: string, sub: number, topic: string, offset: number, line: string): void;
  /** A subscription ended with its connection: what it had not yet delivered is not a gap. */
  subscriptionEnded(client: string, node: string, sub: number): void;
  /** A console line leaves; the returned mark orders it among acknowledgements (same-instant events included). */
  sending?(client: string, node: string, line: string): number;
  /** A console line and its reply (the checkers read HISTORY replies and PUB acknowledgements). */
  answered?(client: string, node: string, line: string, mark: number, reply: readonly string[], offset: number | undefined): void;
}

interface PublishOp extends Publish {
  id: string;
  status: 'pending' | 'ok' | 'failed';
  offset?: number;
  readonly topic: string;
  readonly message: string;
  readonly startedAt: number;
  /** Its number in this client's session: every retry carries it (Raft §8's serial number). */
  readonly seq: number;
  node: string;
  attempts: number;
  /** Moves on when an attempt is abandoned: answers to older attempts are then stale. */
  token: number;
  reply?: string;
  /** Virtual time the operation ended (ack received or given up). */
  doneAt?: number;
  /** Set while a request is out: when to give up on it. */
  readonly timer: Timer;
  retryDelayMs: number;
  /** The timer is a pause before the next attempt, not a wait for a reply. */
  retrying: boolean;
}

/** What a request's sender hears: the reply, or undefined when the connection closed first (or was refused). */
type OnReply = (reply: ClientReply | undefined) => void;

/** The client's end of its connection to one node. */
interface Connection {
  readonly node: string;
  readonly target: Actor;
  readonly end: ConnectionEnd<ClientRequest, ClientReply | ClientPush | ClientAck>;
  readonly timer: Timer;
  /** Requests sent and not yet answered, oldest first: the node answers a connection's lines in order. */
  readonly pending: OnReply[];
  /** Subscriptions on this connection (by the node's id for them), learned from their pushes. */
  readonly subs: Map<number, string>;
}

/** Lines kept in a client's log; older ones are cut in chunks, and the cut is said in the log. */
export const LOG_LIMIT = 2000;
/** Messages kept in `received`. */
export const RECEIVED_LIMIT = 50_000;
const CONSOLE_TIMEOUT_MS = 5000;

export interface ClientSettings {
  requestTimeoutMs: number;
  giveUpAfterMs: number;
  /** Shortest retransmission timeout of a connection. */
  minRtoMs: number;
  /** Lines kept in the client's log (LOG_LIMIT unless set; see SimCluster.keepClientLines). */
  logLines?: number;
}

export const DEFAULT_CLIENT: ClientSettings = { requestTimeoutMs: 2000, giveUpAfterMs: 10_000, minRtoMs: 200 };

/** Where a PublishHandle keeps its operation (a symbol: not listed among the handle's fields). */
const OP: unique symbol = Symbol('publish operation');

/**
 * The caller's live view of a publish: it reads the operation's fields, never its internals. A
 * class with getters on its prototype: an object literal of six getters took V8 about 1.5 µs a
 * publish to make (against 0.04), a few per cent of a seek's replay at 100 publishes/s.
 */
class PublishHandle implements Publish {
  private readonly [OP]: PublishOp;
  constructor(op: PublishOp) {
    this[OP] = op;
  }
  get id(): string {
    return this[OP].id;
  }
  get status(): Publish['status'] {
    return this[OP].status;
  }
  get offset(): number | undefined {
    return this[OP].offset;
  }
  get startedAt(): number {
    return this[OP].startedAt;
  }
  get doneAt(): number | undefined {
    return this[OP].doneAt;
  }
  get attempts(): number {
    return this[OP].attempts;
  }
  /** The fields, as JSON showed the object literal this replaced. */
  toJSON(): Publish {
    return { id: this.id, status: this.status, offset: this.offset, startedAt: this.startedAt, doneAt: this.doneAt, attempts: this.attempts };
  }
}

export class ClientActor implements Actor {
  readonly isNode = false;
  up = true;
  lamport = 0;
  private pubSeq = 0;
  private connSeq = 0;
  private sessionSeq = 0;
  /** Session numbers of the publishes still pending, lowest first (they are added in increasing order). */
  private readonly openSeqs = new Map<number, true>();
  private readonly conns = new Map<string, Connection>();
  private readonly byTimer = new Map<Timer, () => void>();
  readonly log: ClientLogLine[] = appendOnly([]);
  readonly received: Received[] = appendOnly([]);
  /**
   * Operations still running (publishes, console lines). The callbacks in `byTimer` and in the
   * connections' `pending` close over them; holding them here too keeps them reachable through data,
   * as the cluster's saved states require (src/sim/snapshot.ts).
   */
  private readonly running = new Set<object>();
  /** How much was cut from the front of `log` and `received` (memory stays bounded in long runs). */
  readonly truncated = { log: 0, received: 0 };

  constructor(
    readonly index: number,
    readonly id: string,
    private readonly engine: Engine,
    private readonly rng: Rng,
    /** The cluster's nodes now (membership changes while running). */
    private readonly nodes: () => readonly string[],
    private readonly actor: (id: string) => Actor,
    /** A node's connection epoch now: a connection opened in an earlier epoch is closed. */
    private readonly epochOf: (node: string) => number,
    private readonly settings: ClientSettings,
    private readonly observer: ClientObserver | undefined,
  ) {}

  private note(node: string, dir: 'out' | 'in' | 'note', line: string): void {
    this.log.push(Object.freeze({ at: this.engine.now, events: this.engine.eventCount, node, dir, line }));
    // Trim in chunks so a long run does not pay a full copy per line; the first line says what went.
    const limit = this.settings.logLines ?? LOG_LIMIT;
    if (this.log.length > 2 * limit) {
      const hadNote = this.truncated.log > 0; // then log[0] is the note of the last cut
      const removed = this.log.splice(0, this.log.length - limit);
      this.truncated.log += removed.length - (hadNote ? 1 : 0);
      const last = removed[removed.length - 1];
      this.log.unshift(Object.freeze({
        at: last.at, events: last.events, node: '', dir: 'note' as const,
        line: `(${this.truncated.log} earlier lines not kept, up to t=${Math.round(last.at)}ms: the log keeps the latest ${limit})`,
      }));
      shrunk(this.log, 0);
    }
  }

  // ---- connections ----

  private open(node: string, target: Actor): Connection {
    const conn = ++this.connSeq;
    const c: Connection = {
      node, target, end: new ConnectionEnd(conn, this.epochOf(node), this.settings.minRtoMs), timer: new Timer(this, 'connection'),
      pending: [], subs: new Map(),
    };
    this.byTimer.set(c.timer, () => this.onConnectionTimer(c));
    this.conns.set(node, c);
    return c;
  }

  private arm(c: Connection): void {
    const at = c.end.deadline;
    if (at === Infinity) this.engine.stopTimer(c.timer);
    else this.engine.setTimer(c.timer, at);
  }

  private sendAck(c: Connection): void {
    const ack: ClientAck = { type: 'ClientAck', conn: c.end.conn, epoch: c.end.epoch, ...c.end.ackStamp(this.engine.now) };
    this.engine.send(this, c.target, 'ClientAck', ack);
  }

  private onConnectionTimer(c: Connection): void {
    if (this.conns.get(c.node) !== c) return;
    const due = c.end.due(this.engine.now);
    if (due.dead) return this.close(c.node, `no answer from ${c.node} to ${c.end.unackedCount} resent lines: timed out`);
    for (const seg of due.resend) this.engine.send(this, c.target, seg.type, seg);
    if (due.ack) this.sendAck(c);
    this.arm(c);
  }

  /**
   * The connection to `node` is gone (the node crashed or was cut off, it reset the connection, or
   * it said goodbye): the log says so, its subscriptions end, and every unanswered line is told.
   */
  close(node: string, why: string): void {
    const c = this.conns.get(node);
    if (c === undefined) return;
    this.conns.delete(node);
    this.byTimer.delete(c.timer);
    this.engine.stopTimer(c.timer);
    this.note(node, 'note', `(connection closed: ${why})`);
    for (const onReply of c.pending.splice(0)) onReply(undefined);
    for (const [sub, topic] of c.subs) {
      this.note(node, 'note', `(subscription to ${topic} ended with the connection)`);
      this.observer?.subscriptionEnded(this.id, node, sub);
    }
  }

  /** Whether this client has a connection open to `node` (for the cluster's reachability checks). */
  connectedTo(node: string): boolean {
    return this.conns.has(node);
  }

  /** Sends one line on the connection to `node` (opening it first); `onReply` gets the reply, or undefined. */
  private request(node: string, line: string, onReply: OnReply, session?: SessionStamp): boolean {
    const target = this.actor(node);
    this.note(node, 'out', line);
    if (!target.up) {
      // Like a refused TCP connection: the client learns at once that the node is down.
      this.engine.record({ at: this.engine.now, kind: 'refused', from: this.id, to: node, detail: line });
      onReply(undefined);
      return false;
    }
    let c = this.conns.get(node);
    if (c !== undefined && c.end.epoch !== this.epochOf(node)) {
      // The node crashed or was cut off since this connection opened (the cluster normally closes it then).
      this.close(node, `${node} lost the connection`);
      c = undefined;
    }
    c ??= this.open(node, target);
    const end = c.end;
    const seg = end.send(this.engine.now, (stamp): ClientRequest =>
      session === undefined
        ? { type: 'ClientRequest', conn: end.conn, epoch: end.epoch, ...stamp, line }
        : { type: 'ClientRequest', conn: end.conn, epoch: end.epoch, ...stamp, line, session },
    );
    c.pending.push(onReply);
    this.engine.send(this, target, 'ClientRequest', seg);
    this.arm(c);
    return true;
  }

  // ---- the console ----

  command(node: string, line: string): CommandHandle {
    const handle = { client: this.id, node, line, sentAt: this.engine.now, lines: [] as string[], done: false };
    const timer = new Timer(this, 'console');
    const mark = this.observer?.sending?.(this.id, node, line) ?? 0;
    this.running.add(handle);
    const finish = (lines: readonly string[], offset?: number): void => {
      if (handle.done) return;
      handle.lines.push(...lines);
      handle.done = true;
      this.running.delete(handle);
      this.engine.retireTimer(timer); // never set again: `handle.done` guards this function
      this.byTimer.delete(timer);
      for (const l of lines) this.note(node, 'in', l);
      this.observer?.answered?.(this.id, node, line, mark, lines, offset);
    };
    const sent = this.request(node, line, (reply) => finish(reply === undefined ? ['ERR unavailable'] : reply.lines, reply?.offset));
    if (sent && !handle.done) {
      // The console's patience: a line unanswered for 5 s shows ERR unavailable (a late answer is then ignored).
      this.byTimer.set(timer, () => {
        this.note(node, 'note', `(no answer within ${CONSOLE_TIMEOUT_MS / 1000} s)`);
        finish(['ERR unavailable']);
        // The console gives up on the connection too (its later lines open a new one).
        this.close(node, `no answer within ${CONSOLE_TIMEOUT_MS / 1000} s: closed by the client`);
      });
      this.engine.setTimer(timer, this.engine.now + CONSOLE_TIMEOUT_MS);
    }
    return handle;
  }

  // ---- the publisher ----

  /** The id the next publish without one will get. */
  nextPublishId(): string {
    return clientId(this.id, this.pubSeq + 1);
  }

  publish(topic: string, message: string, id: string | undefined, via: string | undefined): Publish {
    const op: PublishOp = {
      id: id ?? clientId(this.id, ++this.pubSeq),
      status: 'pending',
      topic,
      message,
      startedAt: this.engine.now,
      seq: ++this.sessionSeq,
      node: via ?? this.rng.pick(this.nodes()),
      attempts: 0,
      token: 0,
      timer: new Timer(this, 'publish'),
      retryDelayMs: 50,
      retrying: false,
      // Present from the start (one object shape): fields added later made a restore delete them and V8 drop optimized code.
      offset: undefined,
      reply: undefined,
      doneAt: undefined,
    };
    this.observer?.published(this.id, topic, op.id, message);
    this.openSeqs.set(op.seq, true);
    this.running.add(op);
    this.byTimer.set(op.timer, () => this.onPublishTimer(op));
    this.attempt(op);
    return new PublishHandle(op);
  }

  /** The operation is over (acked or given up): its timer and its entry in the timer table go. */
  private finishOp(op: PublishOp): void {
    op.doneAt = this.engine.now;
    this.openSeqs.delete(op.seq);
    this.running.delete(op);
    // Never set again (every path that sets it first checks the status, now no longer 'pending').
    this.engine.retireTimer(op.timer);
    this.byTimer.delete(op.timer);
  }

  private attempt(op: PublishOp): void {
    if (op.status !== 'pending') return;
    if (this.engine.now - op.startedAt >= this.settings.giveUpAfterMs) {
      op.status = 'failed';
      this.finishOp(op);
      this.engine.record({ at: this.engine.now, kind: 'publishFailed', node: this.id, detail: `${op.topic} ${op.id}` });
      return;
    }
    op.attempts++;
    const token = ++op.token;
    const line = `PUB ${op.topic} --id ${op.id} ${op.message}`;
    const node = op.node;
    // The session stamp: this publish's number, and the lowest number still open (all below are finished).
    const done = this.openSeqs.keys().next().value ?? this.sessionSeq + 1;
    const session: SessionStamp = { client: this.id, seq: op.seq, done };
    const sent = this.request(node, line, (reply) => this.onPublishReply(op, node, token, reply), session);
    if (sent && op.status === 'pending') this.engine.setTimer(op.timer, this.engine.now + this.settings.requestTimeoutMs);
  }

  private onPublishTimer(op: PublishOp): void {
    if (op.status !== 'pending') return;
    if (op.retrying) {
      op.retrying = false;
      this.attempt(op);
      return;
    }
    // No answer in time: the node may be cut off or stuck. Like a client library after a request
    // timeout, close that connection (a late answer could not be matched, and a line still being
    // resent must not arrive later), then try another node with the same id.
    const stale = op.node;
    op.token++;
    this.note(stale, 'note', '(no reply: timed out)');
    this.close(stale, `no reply within ${this.settings.requestTimeoutMs / 1000} s: closed by the client`);
    op.node = this.otherNode(stale);
    this.attempt(op);
  }

  private retryLater(op: PublishOp): void {
    const delay = op.retryDelayMs;
    op.retryDelayMs = Math.min(delay * 2, 800);
    op.retrying = true;
    this.engine.setTimer(op.timer, this.engine.now + delay);
  }

  private otherNode(node: string): string {
    if (this.nodes().length === 1) return node;
    let next = node;
    while (next === node) next = this.rng.pick(this.nodes());
    return next;
  }

  private onPublishReply(op: PublishOp, node: string, token: number, reply: ClientReply | undefined): void {
    if (op.status !== 'pending') return;
    const line = reply?.lines[0];
    const acked = line !== undefined && (line.startsWith('OK published ') || line.startsWith('OK REDIRECTED ') || line.startsWith('OK duplicate '));
    if (line !== undefined) this.note(node, 'in', line);
    // An answer to an attempt we already moved on from counts only when it is an ack.
    if (token !== op.token && !acked) return;
    if (reply === undefined || line === undefined) {
      op.node = this.otherNode(node);
      this.retryLater(op);
      return;
    }
    op.reply = line;
    if (acked) {
      op.status = 'ok';
      op.offset = reply.offset;
      this.finishOp(op);
      this.observer?.acked(this.id, op.topic, op.id, reply.offset, op.startedAt, line.startsWith('OK duplicate '));
      return;
    }
    if (line.startsWith('REDIRECT ')) {
      const to = line.slice('REDIRECT '.length);
      op.node = this.nodes().includes(to) && to !== node ? to : this.otherNode(node);
    } else if (line === 'ERR not_leader' || line === 'ERR timeout_waiting_commit') {
      // No leader here, or one that cannot reach a majority: another node may do better.
      op.node = this.otherNode(node);
    }
    // Whatever the answer, try again with the same id after a pause: dedup makes that safe.
    this.retryLater(op);
  }

  // ---- bus ----

  /** A segment of a connection that is closed (or of an older one) has no one to go to. */
  discards(env: Envelope): string | undefined {
    const seg = env.payload as { conn: number; epoch: number };
    const c = this.conns.get(env.from.id);
    return c === undefined || seg.conn !== c.end.conn || seg.epoch !== c.end.epoch ? CLOSED_CONNECTION : undefined;
  }

  deliver(env: Envelope): void {
    const seg = env.payload as ClientReply | ClientPush | ClientAck | { type: string; conn: number; epoch: number };
    const node = env.from.id;
    const c = this.conns.get(node);
    if (c === undefined || seg.conn !== c.end.conn || seg.epoch !== c.end.epoch) return; // see discards
    if (seg.type === 'ClientReset') return this.close(node, `reset by ${node}`);
    if (seg.type !== 'ClientReply' && seg.type !== 'ClientPush' && seg.type !== 'ClientAck') return;
    const r = c.end.receive(this.engine.now, seg as ClientReply | ClientPush | ClientAck);
    for (const again of r.resend) this.engine.send(this, c.target, again.type, again);
    let fin = false;
    for (const s of r.deliver) {
      if (s.type === 'ClientReply') {
        const reply = s as ClientReply;
        if (reply.sub !== undefined && reply.topic !== undefined) c.subs.set(reply.sub, reply.topic);
        c.pending.shift()?.(reply);
        if (reply.fin === true) fin = true;
      } else if (s.type === 'ClientPush') this.onPush(c, s as ClientPush);
    }
    if (this.conns.get(node) !== c) return;
    if (fin) {
      // The node said goodbye (QUIT): acknowledge it, and the connection is over.
      this.sendAck(c);
      return this.close(node, `${node} closed it after QUIT`);
    }
    if (r.ackNow) this.sendAck(c);
    this.arm(c);
  }

  /** A MSG line, in order and once (the connection sees to that). */
  private onPush(c: Connection, p: ClientPush): void {
    this.note(c.node, 'in', p.line);
    this.received.push(Object.freeze({ at: this.engine.now, node: c.node, topic: p.topic, offset: p.offset, line: p.line, late: p.late }));
    if (this.received.length > 2 * RECEIVED_LIMIT) {
      const cut = this.received.length - RECEIVED_LIMIT;
      this.received.splice(0, cut);
      shrunk(this.received, 0);
      this.truncated.received += cut;
    }
    this.observer?.received(this.id, c.node, p.sub, p.topic, p.offset, p.line);
  }

  fire(timer: Timer): void {
    const run = this.byTimer.get(timer);
    if (run !== undefined) run();
  }

  /** Entries in the timer table: bounded by open connections, console lines in wait and pending publishes. */
  timerCount(): number {
    return this.byTimer.size;
  }

  /** Requests sent and not yet answered, over all open connections. */
  pendingCount(): number {
    let n = 0;
    for (const c of this.conns.values()) n += c.pending.length;
    return n;
  }
}
