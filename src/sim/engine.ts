// The deterministic discrete-event engine: virtual time, scheduler, network model, timers and journal.
import { Journal } from './journal';
import { notSnapshotted } from './snapshot';
import type { Rng } from './rng';
import { Scheduler } from './scheduler';
import type { InFlight, NetworkSettings, SimEvent } from './types';

export const DEFAULT_NETWORK: NetworkSettings = {
  latencyMs: [5, 15],
  dropRate: 0,
  duplicateRate: 0,
  reorderRate: 0,
  reorderDelayMs: [10, 50],
};

/** Something that lives on the bus: a Wiber node, a client, the time server. */
export interface Actor {
  readonly index: number;
  readonly id: string;
  /** Nodes sit in partition groups; clients and the time server sit outside every group. */
  readonly isNode: boolean;
  up: boolean;
  lamport: number;
  deliver(env: Envelope): void;
  fire(timer: Timer): void;
  /**
   * Why this actor throws a message away when it arrives (a segment of a connection that is already closed),
   * or undefined when it takes it. It is delivered either way (the actor's clock moves); the journal notes it.
   */
  discards?(env: Envelope): string | undefined;
}

/** A named timer of one actor. Resetting it is cheap: the queue is only touched when it must fire sooner. */
export class Timer {
  /** When it should fire; Infinity when stopped. */
  deadline = Infinity;
  /** Time of the queued wake-up that is still current; Infinity when none. */
  scheduledAt = Infinity;
  constructor(
    readonly actor: Actor,
    readonly name: string,
  ) {}
  get running(): boolean {
    return this.deadline !== Infinity;
  }
}

/** A retired timer (Engine.retireTimer): stopped for good, and any wake-up still queued for it is void. */
function retired(t: Timer): boolean {
  return t.scheduledAt !== t.scheduledAt; // NaN
}

const DELIVER = 0;
const WAKE = 1;

interface QueueItem {
  at: number;
  seq: number;
  k: number;
}

export interface Envelope extends QueueItem {
  k: typeof DELIVER;
  readonly id: number;
  readonly from: Actor;
  readonly to: Actor;
  readonly type: string;
  readonly payload: unknown;
  readonly lamport: number;
  readonly sentAt: number;
  readonly lost: boolean;
  readonly duplicate: boolean;
}

interface Wake extends QueueItem {
  k: typeof WAKE;
  timer: Timer;
}

type Item = Envelope | Wake;

/** A message or timer event as its parts: what a listener that needs no event object is handed (see Engine.setLean). */
export type LeanListener = (
  kind: 'send' | 'deliver' | 'drop' | 'timer', at: number, from: string | undefined, type: string, payload: unknown,
) => void;

/**
 * Message and timer events of the current step kept as their parts for a lean listener, in arrays
 * reused from step to step: a quick seek replays thousands of events a call, and an event object
 * each was a sixth of what it allocated (the young-generation collections were 15 % of its time).
 */
class LeanSteps {
  kind: Array<'send' | 'deliver' | 'drop' | 'timer'> = [];
  at: number[] = [];
  from: Array<string | undefined> = [];
  type: string[] = [];
  payload: unknown[] = [];
  n = 0;
  constructor(
    readonly owner: (e: SimEvent) => void,
    readonly listener: LeanListener,
  ) {}
}

/**
 * Who listens, and the events of the current step they are yet to hear: not state (a restored
 * snapshot keeps today's listeners; between steps nothing is pending). The step's events are kept
 * in an array reused from step to step (a new one each step was 150 bytes an event). A lean event
 * takes two places: its LeanSteps (still the one it was kept in if the lean listener changed since),
 * then its index there.
 */
class Listening {
  list: Array<(e: SimEvent) => void> = [];
  lean: LeanSteps | undefined = undefined;
  step: Array<SimEvent | LeanSteps | number | undefined> = [];
  /** Entries of `step` in use. */
  n = 0;
  /** An emptied step array to take next (undefined while a flush holds it: a listener may cause events and flush them). */
  spare: Array<SimEvent | LeanSteps | number | undefined> | undefined = [];
  /** Flushes under way: lean parts are reused only when none is. */
  flushing = 0;
}

export class Engine {
  now = 0;
  /** Scheduler events processed: deliveries, drops at arrival, timer fires. */
  eventCount = 0;
  sent = 0;
  readonly sentByType = new Map<string, number>();
  readonly journal: Journal;
  readonly actors: Actor[] = [];
  network: NetworkSettings;
  private readonly observers = notSnapshotted(new Listening());
  get listeners(): Array<(e: SimEvent) => void> {
    return this.observers.list;
  }
  set listeners(list: Array<(e: SimEvent) => void>) {
    this.observers.list = list;
  }
  /**
   * While `owner` is the only listener, message and timer events go to `lean` instead, as their
   * parts, and no event object is made for them (other events still go to `owner`, in order);
   * undefined `lean` ends it.
   */
  setLean(owner: (e: SimEvent) => void, lean: LeanListener | undefined): void {
    this.observers.lean = lean === undefined ? undefined : new LeanSteps(owner, lean);
  }

  /** Called after each processed event with the actor it touched. */
  afterEvent: ((actor: Actor | undefined) => void) | undefined;

  /**
   * A wake-up of a retired timer is not saved: it does nothing when it comes due (processNext), and
   * the retired timer is then neither saved nor kept alive by saved states (a run at 100 publishes/s
   * retires one per publish, and each waits up to the request timeout in the queue: two thirds of
   * the queue, which every checkpoint kept).
   */
  private readonly queue = new Scheduler<Item>((item, visit) => {
    if (item.k !== WAKE) return item;
    const timer = item.timer;
    if (retired(timer)) return undefined;
    visit(timer);
    return item;
  });
  private msgSeq = 0;
  private connected: boolean[] = [];
  private group: number[] = [];
  /** The group of nodes named in no group of the current partition (0 when healed). */
  private restGroup = 0;
  private cuts = new Set<number>();
  /** Messages the user dropped while in flight: skipped silently when they come due (queued items never change). */
  private readonly cancelled = new Set<Envelope>();

  constructor(
    private readonly netRng: Rng,
    network: NetworkSettings,
    journalLimit: number,
  ) {
    this.network = network;
    this.journal = new Journal(journalLimit);
    const j = this.journal;
    this.kindCode = { send: j.code('send'), deliver: j.code('deliver'), drop: j.code('drop'), timer: j.code('timer') };
  }

  /** Journal code of each actor's id, by actor index. */
  private readonly actorCodes: number[] = [];

  addActor<A extends Actor>(make: (index: number) => A): A {
    const actor = make(this.actors.length);
    this.actors.push(actor);
    this.actorCodes.push(this.journal.code(actor.id));
    this.connected.push(true);
    // A node added during a partition is named in no group: it joins the group of the unnamed.
    this.group.push(this.restGroup);
    return actor;
  }

  // ---- journal ----

  record(event: SimEvent): void {
    this.journal.push(event);
    const obs = this.observers;
    if (obs.list.length > 0) obs.step[obs.n++] = event;
  }

  private readonly kindCode: Record<'send' | 'deliver' | 'drop' | 'timer', number>;
  private readonly typeCodes = new Map<string, number>();

  private typeCode(type: string): number {
    let c = this.typeCodes.get(type);
    if (c === undefined) this.typeCodes.set(type, (c = this.journal.code(type)));
    return c;
  }

  /** The hot-path form of record for message and timer events: codes, and no object unless someone listens. */
  private rec(
    kind: 'send' | 'deliver' | 'drop' | 'timer', node: Actor | undefined, from: Actor | undefined, to: Actor | undefined,
    type: string, lamport: number, msgId: number, detail: string | undefined, payload: unknown,
  ): void {
    const codes = this.actorCodes;
    this.journal.addCoded(
      this.now, this.kindCode[kind], node === undefined ? 0 : codes[node.index], from === undefined ? 0 : codes[from.index],
      to === undefined ? 0 : codes[to.index], this.typeCode(type), lamport, msgId, NaN, NaN, 0, detail, payload,
    );
    const obs = this.observers;
    const list = obs.list;
    if (list.length > 0) {
      const lean = obs.lean;
      if (lean !== undefined && list.length === 1 && list[0] === lean.owner) {
        const i = lean.n++;
        lean.kind[i] = kind;
        lean.at[i] = this.now;
        lean.from[i] = from?.id;
        lean.type[i] = type;
        lean.payload[i] = payload;
        obs.step[obs.n++] = lean;
        obs.step[obs.n++] = i;
        return;
      }
      const e: SimEvent = { at: this.now, kind, type };
      if (node !== undefined) e.node = node.id;
      if (from !== undefined) e.from = from.id;
      if (to !== undefined) e.to = to.id;
      if (!Number.isNaN(lamport)) e.lamport = lamport;
      if (!Number.isNaN(msgId)) e.msgId = msgId;
      if (detail !== undefined) e.detail = detail;
      if (payload !== undefined) e.payload = payload;
      obs.step[obs.n++] = e;
    }
  }

  /** Hand the events of the step just finished to listeners (a deliver is reported after it was handled). */
  flush(): void {
    const obs = this.observers;
    const n = obs.n;
    if (n === 0) return;
    const events = obs.step;
    obs.step = obs.spare ?? [];
    obs.spare = undefined;
    obs.n = 0;
    obs.flushing++;
    try {
      for (let k = 0; k < n; k++) {
        const e = events[k]!;
        events[k] = undefined; // not kept alive by the reused array
        if (e instanceof LeanSteps) {
          const i = events[++k] as number;
          e.listener(e.kind[i], e.at[i], e.from[i], e.type[i], e.payload[i]);
          e.payload[i] = undefined;
        } else for (const l of obs.list) l(e as SimEvent);
      }
    } finally {
      if (obs.spare === undefined) obs.spare = events;
      if (--obs.flushing === 0 && obs.n === 0 && obs.lean !== undefined) obs.lean.n = 0;
    }
  }

  // ---- network ----

  reachable(a: Actor, b: Actor): boolean {
    if (!this.connected[a.index] || !this.connected[b.index]) return false;
    if (this.cuts.size > 0 && this.cuts.has(a.index * 65536 + b.index)) return false;
    if (a.isNode && b.isNode && this.group[a.index] !== this.group[b.index]) return false;
    return true;
  }

  isConnected(a: Actor): boolean {
    return this.connected[a.index];
  }

  setConnected(a: Actor, on: boolean): void {
    this.connected[a.index] = on;
  }

  /** Nodes named in no group form one more group. */
  setPartition(groups: Actor[][]): void {
    const rest = groups.length;
    this.restGroup = rest;
    for (const a of this.actors) this.group[a.index] = rest;
    groups.forEach((g, i) => g.forEach((a) => (this.group[a.index] = i)));
  }

  partitioned(): boolean {
    const nodes = this.actors.filter((a) => a.isNode);
    return nodes.some((a) => this.group[a.index] !== this.group[nodes[0].index]);
  }

  groupOf(a: Actor): number {
    return this.group[a.index];
  }

  setCut(from: Actor, to: Actor, cut: boolean): void {
    const key = from.index * 65536 + to.index;
    if (cut) this.cuts.add(key);
    else this.cuts.delete(key);
  }

  cutLinks(): Array<[number, number]> {
    return [...this.cuts].map((k) => [Math.floor(k / 65536), k % 65536]);
  }

  heal(): void {
    this.restGroup = 0;
    this.group.fill(0);
    this.connected.fill(true);
    this.cuts.clear();
  }

  /** Put a message on the bus. Reachability is checked now and again at arrival. */
  send(from: Actor, to: Actor, type: string, payload: unknown): void {
    this.sent++;
    this.sentByType.set(type, (this.sentByType.get(type) ?? 0) + 1);
    const lamport = ++from.lamport;
    const id = ++this.msgSeq;
    this.rec('send', undefined, from, to, type, lamport, id, undefined, payload);
    if (!this.reachable(from, to)) {
      const why = this.connected[from.index] && this.connected[to.index] ? 'partition' : 'disconnected';
      this.rec('drop', undefined, from, to, type, lamport, id, why, payload);
      return;
    }
    const net = this.network;
    const rng = this.netRng;
    this.enqueue(id, from, to, type, payload, lamport, rng.chance(net.dropRate), false);
    if (rng.chance(net.duplicateRate)) {
      this.enqueue(id, from, to, type, payload, lamport, rng.chance(net.dropRate), true);
    }
  }

  private enqueue(
    id: number, from: Actor, to: Actor, type: string, payload: unknown,
    lamport: number, lost: boolean, duplicate: boolean,
  ): void {
    const net = this.network;
    const rng = this.netRng;
    let latency = rng.between(net.latencyMs[0], net.latencyMs[1]);
    if (rng.chance(net.reorderRate)) latency += rng.between(net.reorderDelayMs[0], net.reorderDelayMs[1]);
    const env: Envelope = {
      at: this.now + latency, seq: 0, k: DELIVER, id, from, to, type, payload, lamport,
      sentAt: this.now, lost, duplicate,
    };
    this.queue.push(env);
  }

  inFlight(): InFlight[] {
    const out: InFlight[] = [];
    for (const item of this.queue.items()) {
      if (item.k !== DELIVER || this.cancelled.has(item)) continue;
      const reason = item.lost ? undefined : (this.cutReason(item) ?? (item.to.discards?.(item) !== undefined ? 'closed' : undefined));
      out.push({
        id: item.id, from: item.from.id, to: item.to.id, type: item.type, sentAt: item.sentAt,
        arriveAt: item.at, lamport: item.lamport, payload: item.payload, lost: item.lost,
        duplicate: item.duplicate, cut: reason,
      });
    }
    return out.sort((a, b) => a.sentAt - b.sentAt || a.id - b.id);
  }

  /** The user drops a message in flight: every copy of it vanishes now. */
  dropInFlight(msgId: number): boolean {
    let found = false;
    for (const item of this.queue.items()) {
      if (item.k !== DELIVER || item.id !== msgId || this.cancelled.has(item)) continue;
      this.cancelled.add(item);
      if (!found) this.rec('drop', undefined, item.from, item.to, item.type, item.lamport, msgId, 'user', item.payload);
      found = true;
    }
    return found;
  }

  // ---- timers ----

  setTimer(timer: Timer, at: number): void {
    timer.deadline = at;
    if (at < timer.scheduledAt) {
      timer.scheduledAt = at;
      const wake: Wake = { at, seq: 0, k: WAKE, timer };
      this.queue.push(wake);
    }
  }

  stopTimer(timer: Timer): void {
    timer.deadline = Infinity;
  }

  /**
   * Stops `timer` for good: its owner drops it and never sets it again. Its wake-ups still queued stay
   * (queued items never change) and do nothing when they come due, exactly as for a stopped timer:
   * processNext returns false for them either way, so no event and no count changes. What changes is
   * that saved states need not keep it (see the queue above); a restore to a moment before this call
   * writes back its own saved fields, scheduledAt included.
   */
  retireTimer(timer: Timer): void {
    timer.deadline = Infinity;
    timer.scheduledAt = NaN;
  }

  // ---- running ----

  /** Time of the next queued item (may be a stale wake-up), or Infinity. */
  nextAt(): number {
    return this.queue.peek()?.at ?? Infinity;
  }

  /**
   * Pops one queue item and processes it. Returns true when it was an event (a delivery, a drop,
   * a timer firing); false for a superseded wake-up, which changes nothing.
   */
  processNext(): boolean {
    const item = this.queue.pop();
    if (item === undefined) return false;
    if (item.k === WAKE) {
      const timer = item.timer;
      if (item.at !== timer.scheduledAt) return false; // superseded by an earlier wake-up
      timer.scheduledAt = Infinity;
      if (timer.deadline === Infinity) return false; // stopped
      if (timer.deadline > item.at) {
        this.setTimer(timer, timer.deadline); // pushed back since: sleep again
        return false;
      }
      this.now = item.at;
      this.ring(timer);
      return true;
    }
    if (this.cancelled.size > 0 && this.cancelled.delete(item)) return false;
    this.now = item.at;
    this.arrive(item);
    return true;
  }

  /**
   * Pops the queue items due by now that would change nothing but the queue (stale or stopped timers'
   * wake-ups, wake-ups of timers pushed back since, which sleep again, and cancelled messages), up to
   * the first that is an event. Every way of stopping calls it (a run to a time pops them anyway), and
   * so does a replay at the same point: however a run came to a moment, a learner who acts there acts
   * on the same queue, and a timer the action sets again is queued in the same order.
   */
  settle(): void {
    const q = this.queue;
    for (let item = q.peek(); item !== undefined && item.at <= this.now; item = q.peek()) {
      if (item.k === WAKE) {
        const timer = item.timer;
        if (item.at === timer.scheduledAt && timer.deadline !== Infinity && timer.deadline <= item.at) return;
      } else if (!this.cancelled.has(item)) return;
      this.processNext();
    }
  }

  /** A timer fires now. */
  private ring(timer: Timer): void {
    timer.deadline = Infinity;
    this.eventCount++;
    const actor = timer.actor;
    actor.lamport++;
    this.rec('timer', actor, undefined, undefined, timer.name, NaN, NaN, undefined, undefined);
    actor.fire(timer);
    this.afterEvent?.(actor);
    this.flush();
  }

  /** Why a message that was not lost would be dropped if it arrived now (undefined: it would be delivered). */
  private cutReason(item: Envelope): 'partition' | 'link' | 'disconnected' | 'down' | undefined {
    const from = item.from;
    const to = item.to;
    if (!this.reachable(from, to)) {
      if (!this.connected[to.index] || !this.connected[from.index]) return 'disconnected';
      return from.isNode && to.isNode && this.group[from.index] !== this.group[to.index] ? 'partition' : 'link';
    }
    if (!to.up) return 'down';
    return undefined;
  }

  /** A message arrives now: delivered, or dropped (lost, cut off, receiver down). */
  private arrive(item: Envelope): void {
    this.eventCount++;
    const to = item.to;
    const cut = item.lost ? 'loss' : this.cutReason(item);
    if (cut !== undefined) {
      // (The journal names a cut link's drop as a partition's: runs recorded before keep their events.)
      const reason = cut === 'link' ? 'partition' : cut;
      this.rec('drop', undefined, item.from, to, item.type, item.lamport, item.id, reason, item.payload);
      this.afterEvent?.(undefined);
      this.flush();
      return;
    }
    to.lamport = (to.lamport > item.lamport ? to.lamport : item.lamport) + 1;
    // (Only a client connection's segment can be thrown away: node to node, nothing is asked.)
    const thrown = to.isNode && item.from.isNode ? undefined : to.discards?.(item);
    this.rec('deliver', undefined, item.from, to, item.type, item.lamport, item.id, thrown, item.payload);
    to.deliver(item);
    this.afterEvent?.(to);
    this.flush();
  }

  // ---- the explorer's hook: what is pending, and making a chosen one happen now ----
  // Time does not move: the interleaving explorer (src/sim/explore) decides the order of events
  // itself, and a recorded run of its choices replays them at the same instant, one event each.

  /** Id of the last message put on the bus (message ids are 1, 2, 3… in sending order). */
  get lastMessageId(): number {
    return this.msgSeq;
  }

  /** Running timers of up actors, in queue order (each may be fired now). */
  runningTimers(): Timer[] {
    const out = new Set<Timer>();
    for (const item of this.queue.items()) {
      if (item.k === WAKE && item.timer.deadline !== Infinity && item.timer.actor.up) out.add(item.timer);
    }
    return [...out];
  }

  private findInFlight(msgId: number, duplicate: boolean): Envelope | undefined {
    for (const item of this.queue.items()) {
      if (item.k === DELIVER && item.id === msgId && item.duplicate === duplicate && !this.cancelled.has(item)) return item;
    }
    return undefined;
  }

  /** Message `msgId` (its network duplicate when `duplicate`) arrives now, ahead of its time. False when not in flight. */
  deliverNow(msgId: number, duplicate = false): boolean {
    const item = this.findInFlight(msgId, duplicate);
    if (item === undefined) return false;
    this.cancelled.add(item); // consumed: its queue entry is skipped when it comes due
    this.arrive(item);
    return true;
  }

  /** A running timer fires now, ahead of its deadline. False when it is not running. */
  fireNow(timer: Timer): boolean {
    if (timer.deadline === Infinity || !timer.actor.up) return false;
    this.ring(timer);
    return true;
  }

  /** The network duplicates message `msgId` now: a second copy arrives when the first would. False when not in flight. */
  duplicateInFlight(msgId: number): boolean {
    const item = this.findInFlight(msgId, false);
    if (item === undefined || this.findInFlight(msgId, true) !== undefined) return false;
    this.queue.push({ ...item, seq: 0, duplicate: true });
    return true;
  }
}
