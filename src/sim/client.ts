// Simulated Wiber clients on the bus: the console's raw lines, publishers that retry with the same id
// until acknowledged, and subscribers that ack, order and dedup the MSG pushes they receive.
import { clientId } from '../core/broker/ids';
import type { ClientPush, ClientReply, ClientRequest, PushAck } from './brokerNode';
import type { Actor, Engine, Envelope } from './engine';
import { Timer } from './engine';
import type { Rng } from './rng';
import type { Publish } from './types';

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
  node: string;
  /** 'out': typed by the client; 'in': a reply or a push. */
  dir: 'out' | 'in';
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
  node: string;
  attempts: number;
  reply?: string;
  /** Virtual time the operation ended (ack received or given up). */
  doneAt?: number;
  /** Set while a request is out: when to give up on it. */
  readonly timer: Timer;
  retryDelayMs: number;
  /** The timer is a pause before the next attempt, not a wait for a reply. */
  retrying: boolean;
}

interface SubState {
  nextSeq: number;
  early: Map<number, ClientPush>;
}

const LOG_LIMIT = 2000;
const CONSOLE_TIMEOUT_MS = 5000;

export interface ClientSettings {
  requestTimeoutMs: number;
  giveUpAfterMs: number;
}

export const DEFAULT_CLIENT: ClientSettings = { requestTimeoutMs: 2000, giveUpAfterMs: 10_000 };

export class ClientActor implements Actor {
  readonly isNode = false;
  up = true;
  lamport = 0;
  private reqSeq = 0;
  private pubSeq = 0;
  private readonly waiting = new Map<number, (reply: ClientReply) => void>();
  private readonly subs = new Map<string, SubState>(); // by node + '\n' + subscription id
  readonly log: ClientLogLine[] = [];
  readonly received: Received[] = [];

  constructor(
    readonly index: number,
    readonly id: string,
    private readonly engine: Engine,
    private readonly rng: Rng,
    /** The cluster's nodes now (membership changes while running). */
    private readonly nodes: () => readonly string[],
    private readonly actor: (id: string) => Actor,
    private readonly settings: ClientSettings,
    private readonly observer: ClientObserver | undefined,
  ) {}

  private note(node: string, dir: 'out' | 'in', line: string): void {
    this.log.push({ at: this.engine.now, node, dir, line });
    // Trim in chunks so a long run does not pay a full copy per line.
    if (this.log.length > 2 * LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  /** Sends one line; `onReply` gets the reply, or undefined when the node refused the connection (down). */
  private request(node: string, line: string, onReply: (reply: ClientReply | undefined) => void): number | undefined {
    const target = this.actor(node);
    this.note(node, 'out', line);
    const reqId = ++this.reqSeq;
    if (!target.up) {
      // Like a refused TCP connection: the client learns at once that the node is down.
      this.engine.record({ at: this.engine.now, kind: 'refused', from: this.id, to: node, detail: line });
      onReply(undefined);
      return undefined;
    }
    this.waiting.set(reqId, onReply);
    const req: ClientRequest = { type: 'ClientRequest', reqId, line };
    this.engine.send(this, target, 'ClientRequest', req);
    return reqId;
  }

  // ---- the console ----

  command(node: string, line: string): CommandHandle {
    const handle = { client: this.id, node, line, sentAt: this.engine.now, lines: [] as string[], done: false };
    const mark = this.observer?.sending?.(this.id, node, line) ?? 0;
    const finish = (lines: readonly string[], offset?: number): void => {
      if (handle.done) return;
      handle.lines.push(...lines);
      handle.done = true;
      for (const l of lines) this.note(node, 'in', l);
      this.observer?.answered?.(this.id, node, line, mark, lines, offset);
    };
    const reqId = this.request(node, line, (reply) => finish(reply === undefined ? ['ERR unavailable'] : reply.lines, reply?.offset));
    if (reqId !== undefined) {
      const timer = new Timer(this, 'console');
      this.timers.set(timer, () => {
        this.waiting.delete(reqId);
        finish(['ERR unavailable']);
      });
      this.engine.setTimer(timer, this.engine.now + CONSOLE_TIMEOUT_MS);
      this.waiting.set(reqId, (reply) => {
        this.engine.stopTimer(timer);
        this.timers.delete(timer);
        finish(reply.lines, reply.offset);
      });
    }
    return handle;
  }

  private readonly timers = new Map<Timer, () => void>();

  // ---- the publisher ----

  publish(topic: string, message: string, id: string | undefined, via: string | undefined): Publish {
    const op: PublishOp = {
      id: id ?? clientId(this.id, ++this.pubSeq),
      status: 'pending',
      topic,
      message,
      startedAt: this.engine.now,
      node: via ?? this.rng.pick(this.nodes()),
      attempts: 0,
      timer: new Timer(this, 'publish'),
      retryDelayMs: 50,
      retrying: false,
    };
    this.observer?.published(this.id, topic, op.id, message);
    this.timers.set(op.timer, () => this.onPublishTimer(op));
    this.attempt(op);
    // The caller's live view: it reads the operation's fields, never its internals.
    return {
      get id() {
        return op.id;
      },
      get status() {
        return op.status;
      },
      get offset() {
        return op.offset;
      },
      get startedAt() {
        return op.startedAt;
      },
      get doneAt() {
        return op.doneAt;
      },
      get attempts() {
        return op.attempts;
      },
    };
  }

  private attempt(op: PublishOp): void {
    if (op.status !== 'pending') return;
    if (this.engine.now - op.startedAt >= this.settings.giveUpAfterMs) {
      op.status = 'failed';
      op.doneAt = this.engine.now;
      this.engine.stopTimer(op.timer);
      this.timers.delete(op.timer);
      this.engine.record({ at: this.engine.now, kind: 'publishFailed', node: this.id, detail: `${op.topic} ${op.id}` });
      return;
    }
    op.attempts++;
    const line = `PUB ${op.topic} --id ${op.id} ${op.message}`;
    const node = op.node;
    const sent = this.request(node, line, (reply) => this.onPublishReply(op, node, reply));
    if (sent !== undefined) this.engine.setTimer(op.timer, this.engine.now + this.settings.requestTimeoutMs);
  }

  private onPublishTimer(op: PublishOp): void {
    if (op.status !== 'pending') return;
    if (op.retrying) {
      op.retrying = false;
      this.attempt(op);
      return;
    }
    // No answer in time: the node may be down or cut off; try another one, same id.
    this.note(op.node, 'in', '(no reply: timed out)');
    op.node = this.otherNode(op.node);
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

  private onPublishReply(op: PublishOp, node: string, reply: ClientReply | undefined): void {
    if (op.status !== 'pending') return;
    if (reply === undefined) {
      op.node = this.otherNode(node);
      this.retryLater(op);
      return;
    }
    const line = reply.lines[0] ?? '';
    this.note(node, 'in', line);
    op.reply = line;
    if (line.startsWith('OK published ') || line.startsWith('OK REDIRECTED ') || line.startsWith('OK duplicate ')) {
      op.status = 'ok';
      op.offset = reply.offset;
      op.doneAt = this.engine.now;
      this.engine.stopTimer(op.timer);
      this.timers.delete(op.timer);
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

  deliver(env: Envelope): void {
    const msg = env.payload as { type: string };
    if (msg.type === 'ClientReply') {
      const r = msg as ClientReply;
      const cb = this.waiting.get(r.reqId);
      if (cb === undefined) return; // a network duplicate, or an answer we gave up on
      this.waiting.delete(r.reqId);
      cb(r);
    } else if (msg.type === 'ClientPush') {
      this.onPush(env.from.id, msg as ClientPush);
    }
  }

  /** Pushes are numbered per subscription: hand them on in order, once each, and ack what arrived. */
  private onPush(node: string, push: ClientPush): void {
    const key = node + '\n' + push.sub;
    let s = this.subs.get(key);
    if (s === undefined) this.subs.set(key, (s = { nextSeq: 1, early: new Map() }));
    if (push.seq >= s.nextSeq) s.early.set(push.seq, push);
    for (let p = s.early.get(s.nextSeq); p !== undefined; p = s.early.get(s.nextSeq)) {
      s.early.delete(s.nextSeq);
      s.nextSeq++;
      this.note(node, 'in', p.line);
      this.received.push({ at: this.engine.now, node, topic: p.topic, offset: p.offset, line: p.line, late: p.late });
      if (this.received.length > 100_000) this.received.splice(0, 50_000);
      this.observer?.received(this.id, node, p.sub, p.topic, p.offset, p.line);
    }
    const ack: PushAck = { type: 'PushAck', sub: push.sub, topic: push.topic, seq: s.nextSeq - 1 };
    const target = this.actor(node);
    if (target.up) this.engine.send(this, target, 'PushAck', ack);
  }

  fire(timer: Timer): void {
    const run = this.timers.get(timer);
    if (run !== undefined) run();
  }
}
