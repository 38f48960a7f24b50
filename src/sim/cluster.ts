// The headless Cluster: builds nodes from a config, runs the engine, applies user actions, runs checkers.
import { PhysicalClock } from '../core/clocks/physical';
import { estimatedOffsetMs } from '../core/clocks/sync';
import { DEFAULT_RULES, type Entry } from '../core/raft/types';
import { checkClientId, checkCommand, checkDuration, checkPublish, checkSubscribe } from './args';
import { clientId } from '../core/broker/ids';
import { validateNetworkChange, validateOptions } from './options';
import { DEFAULT_BROKER, type BrokerObserver, type BrokerSettings } from './brokerNode';
import { MessagingChecker, type DedupConfig } from './checkers/messaging';
import { RaftChecker } from './checkers/raft';
import { ClientActor, DEFAULT_CLIENT, type ClientLogLine, type ClientObserver, type CommandHandle, type Received } from './client';
import { generatedConfig, parseClusterConfig, TIME_SERVER_ID, type ClusterConfig } from './config';

export { TIME_SERVER_ID };
import { DEFAULT_NETWORK, Engine, type Actor } from './engine';
import { NodeActor, type DetectorStats, type NodeTiming } from './nodeActor';
import { TimeServer } from './timeServer';
import { Rng } from './rng';
import type {
  ActionRecord,
  Cluster,
  ClusterOptions,
  ClockSettings,
  InFlight,
  NetworkSettings,
  NodeView,
  Publish,
  SimEvent,
  TopicRecord,
  Violation,
} from './types';

export const DEFAULT_CLOCKS: ClockSettings = { offsetMsMax: 200, driftPpmMax: 100, sync: 'ntp', syncIntervalMs: 2000 };

/** A broken safety property, with the virtual time and the seed that reproduce it. */
export class CheckerViolation extends Error {
  constructor(readonly violation: Violation) {
    super(violation.message);
    this.name = 'CheckerViolation';
  }
}

/** The keys of `o` whose value is not undefined (`{ sync: undefined }` must not replace a default). */
function defined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o !== undefined) for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Network settings after a change: only the keys given change (the change is validated by the caller). */
function mergeNetwork(base: NetworkSettings, change: Partial<NetworkSettings>): NetworkSettings {
  const next = { ...base };
  for (const [k, v] of Object.entries(change)) if (v !== undefined) (next as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
  return next;
}


export class SimCluster implements Cluster {
  readonly seed: number;
  readonly nodeIds: readonly string[];
  readonly config: ClusterConfig;
  readonly options: Readonly<ClusterOptions>;
  private readonly engine: Engine;
  private readonly nodes: NodeActor[];
  private readonly byId = new Map<string, NodeActor>();
  private readonly actionLog: ActionRecord[] = [];
  private readonly violationList: Violation[] = [];
  private readonly findingList: Violation[] = [];
  private readonly checker: RaftChecker | undefined;
  private readonly timeServer: TimeServer;
  private readonly clients = new Map<string, ClientActor>();
  private readonly messaging: MessagingChecker | undefined;
  private readonly clientObserver: ClientObserver | undefined;
  private readonly rootRng: Rng;

  constructor(options: ClusterOptions = {}) {
    // Everything is checked here, at the boundary, so nothing on the hot path needs to.
    validateOptions(options);
    this.options = options;
    this.seed = options.seed ?? 1;
    this.config = options.config !== undefined ? parseClusterConfig(options.config) : generatedConfig(options.nodes ?? 5);
    const root = Rng.fromSeed(this.seed);
    this.rootRng = root;
    const network = mergeNetwork(DEFAULT_NETWORK, defined(options.network));
    const electionTimeoutMs: [number, number] = options.electionTimeoutMs ? [...options.electionTimeoutMs] : [150, 300];
    const heartbeatMs = options.heartbeatMs ?? 50;
    this.engine = new Engine(root.fork('network'), network, options.journalLimit ?? 50_000);
    const ids = this.config.nodes.map((n) => n.id);
    this.nodeIds = ids;
    const clocks = { ...DEFAULT_CLOCKS, ...defined(options.clocks) };
    const suspectAfterMs = options.detector?.suspectAfterMs ?? 300;
    const timing: NodeTiming = {
      electionTimeoutMs,
      heartbeatMs,
      startupGraceMs: options.startupGraceMs ?? 0,
      syncIntervalMs: clocks.syncIntervalMs,
      sync: clocks.sync,
      countSelf: clocks.countSelf ?? false,
      suspectAfterMs,
      detector: options.detector?.kind ?? 'timeout',
      phiThreshold: options.detector?.phiThreshold ?? 8,
    };
    const maxInflight = options.maxInflight ?? 4;
    const raftOptions = {
      maxEntriesPerMessage: options.maxEntriesPerMessage ?? 64,
      maxInflight,
      rules: { ...DEFAULT_RULES, ...defined(options.rules) },
    };
    const actorOf = (id: string): Actor => this.byId.get(id) ?? this.clients.get(id)!;
    this.nodes = [];
    const clockRng = root.fork('clocks');
    const host = {
      berkeleyCoordinator: () => this.leader() ?? this.nodes.find((n) => n.up)?.id,
      timeServer: () => this.timeServer,
      reachableAndUp: (from: Actor, peer: string) => {
        const p = this.byId.get(peer)!;
        return p.up && this.engine.reachable(from, p) && this.engine.reachable(p, from);
      },
    };
    const actorCount = ids.length + 1;
    const broker: BrokerSettings = { ...DEFAULT_BROKER, ...defined(options.broker) };
    const mode = options.checkers ?? 'throw';
    let brokerObserver: BrokerObserver | undefined;
    if (mode !== false) {
      const dedup: DedupConfig = {
        window: broker.dedup === false ? 0 : broker.dedupWindow,
        mode: broker.dedup === false ? 'off' : broker.dedup === 'sessions' ? 'sessions' : 'window',
      };
      const m = new MessagingChecker(
        (property, detail) => this.violate(property, detail, mode), () => this.engine.now, dedup, (property, detail) => this.find(property, detail),
      );
      this.messaging = m;
      brokerObserver = {
        published: (topic, id, message) => m.onPublished(topic, id, message),
        stored: (node, topic, record) => m.stored(node, topic, record),
        duplicate: () => {},
      };
      this.clientObserver = {
        published: (_client, topic, id, message) => m.onPublished(topic, id, message),
        acked: (client, topic, id, offset, issuedAt, duplicate) => m.acked(client, topic, id, offset, issuedAt, duplicate),
        received: (client, node, sub, topic, offset, line) => m.received(client, node, sub, topic, offset, line),
        subscriptionEnded: (client, node, sub) => m.subscriptionEnded(client, node, sub),
      };
    }
    // Create every actor before any node starts, so peers resolve.
    for (const id of ids) {
      const clock = new PhysicalClock(
        clockRng.between(-clocks.offsetMsMax, clocks.offsetMsMax),
        clockRng.between(-clocks.driftPpmMax, clocks.driftPpmMax),
      );
      const deps = {
        engine: this.engine, timing, timerRng: root.fork(`timers:${id}`), raftOptions, actor: actorOf, clock, host,
        actorCount, broker, brokerObserver,
      };
      const node = this.engine.addActor((index) => new NodeActor(index, id, ids, deps));
      this.nodes.push(node);
      this.byId.set(id, node);
    }
    this.timeServer = this.engine.addActor((index) => new TimeServer(index, TIME_SERVER_ID, this.engine));
    for (const n of this.nodes) n.start();
    if (mode !== false) {
      const checker = new RaftChecker(this.nodes, (property, detail) => this.violate(property, detail, mode));
      this.checker = checker;
      this.nodes.forEach((n, i) => {
        n.onApply = (index, command) => {
          void command;
          checker.onApply(i, index, n.persistent.log[index] as Entry);
        };
      });
      this.engine.afterEvent = (actor) => {
        if (actor !== undefined && actor.isNode) checker.afterEvent(actor.index);
      };
      this.nodes.forEach((_, i) => checker.afterEvent(i));
    }
  }

  /**
   * A finding: something a learner should see because a setting they chose makes it happen as
   * documented (a retry stored again past the dedup window), not a broken guarantee. Never stops a run.
   */
  private find(property: string, detail: string): void {
    const at = this.engine.now;
    const f: Violation = { property, at, seed: this.seed, message: `${property} at t=${round(at)}ms (seed ${this.seed}): ${detail}` };
    this.findingList.push(f);
    this.engine.record({ at, kind: 'finding', detail: f.message, type: property });
  }

  private violate(property: string, detail: string, mode: 'throw' | 'record'): void {
    const at = this.engine.now;
    const v: Violation = {
      property,
      at,
      seed: this.seed,
      message: `${property} broken at t=${round(at)}ms (seed ${this.seed}): ${detail}`,
    };
    this.violationList.push(v);
    this.engine.record({ at, kind: 'violation', detail: v.message, type: property });
    if (mode === 'throw') throw new CheckerViolation(v);
  }

  // ---- time ----

  get now(): number {
    return this.engine.now;
  }

  get eventCount(): number {
    return this.engine.eventCount;
  }

  /** Processes the next `count` events (default 1); false when the queue ran dry first. */
  step(count = 1): boolean {
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`step needs a whole, non-negative number of events (got ${String(count)})`);
    }
    const engine = this.engine;
    for (let done = 0; done < count; ) {
      if (engine.nextAt() === Infinity) return false;
      if (engine.processNext()) done++;
    }
    return true;
  }

  runFor(ms: number): void {
    checkDuration('runFor', ms);
    const engine = this.engine;
    const target = engine.now + ms;
    while (engine.nextAt() <= target) engine.processNext();
    engine.now = target;
  }

  /**
   * Replay helper: process events until `events` have been processed, then set the clock to `at`
   * (which must not be earlier than the last processed event).
   */
  advanceTo(events: number, at: number): void {
    if (!Number.isSafeInteger(events) || events < 0) throw new RangeError(`advanceTo needs a whole event count (got ${String(events)})`);
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new RangeError(`advanceTo needs a finite time (got ${String(at)})`);
    const engine = this.engine;
    while (engine.eventCount < events && engine.nextAt() !== Infinity) engine.processNext();
    if (engine.eventCount !== events) throw new Error(`replay diverged: ${engine.eventCount} events processed, expected ${events}`);
    if (at < engine.now) throw new Error(`replay diverged: the action at t=${at} comes before event time ${engine.now}`);
    engine.now = at;
  }

  runUntil(done: () => boolean, maxMs: number): boolean {
    if (typeof done !== 'function') throw new TypeError(`runUntil needs a function to test (got ${typeof done})`);
    checkDuration('runUntil', maxMs);
    if (done()) return true;
    const engine = this.engine;
    const target = engine.now + maxMs;
    while (engine.nextAt() <= target) {
      if (engine.processNext() && done()) return true;
    }
    engine.now = target;
    return done();
  }

  // ---- views ----

  private get(id: string): NodeActor {
    const node = this.byId.get(id);
    if (node === undefined) throw new RangeError(`unknown node '${id}' (nodes: ${this.nodeIds.join(', ')})`);
    return node;
  }

  node(id: string): NodeView {
    const n = this.get(id);
    const r = n.raft;
    const p = n.persistent;
    const log = new Array(p.log.length - 1);
    for (let i = 1; i < p.log.length; i++) log[i - 1] = { index: i, term: p.log[i].term, command: p.log[i].command };
    const leader = n.up && r.role === 'leader';
    const localMs = n.localNow();
    const correctedMs = n.correctedNow();
    return {
      id: n.id,
      up: n.up,
      connected: this.engine.isConnected(n),
      role: n.up ? r.role : 'follower',
      term: p.currentTerm,
      votedFor: p.votedFor,
      log,
      commitIndex: n.up ? r.commitIndex : 0,
      lastApplied: n.up ? r.lastApplied : 0,
      leaderId: n.up ? r.leaderId : null,
      lamport: n.lamport,
      nextIndex: leader ? Object.fromEntries(r.nextIndex) : {},
      matchIndex: leader ? Object.fromEntries(r.matchIndex) : {},
      votes: n.up && r.role === 'candidate' ? [...r.votes] : [],
      electionDeadline: n.electionTimer.running ? n.electionTimer.deadline : undefined,
      clock: {
        localMs,
        correctedMs,
        offsetMs: localMs - this.now,
        driftPpm: n.clock.driftPpm,
        rttMs: n.sync.rttMs,
        estimatedOffsetMs: estimatedOffsetMs(n.sync),
        errorMs: correctedMs - this.now,
      },
      suspects: n.up ? n.detector.suspects() : [],
    };
  }

  leader(): string | undefined {
    let best: NodeActor | undefined;
    for (const n of this.nodes) {
      if (!n.up || n.raft.role !== 'leader' || !this.engine.isConnected(n)) continue;
      if (best === undefined || n.persistent.currentTerm > best.persistent.currentTerm) best = n;
    }
    return best?.id;
  }

  // ---- actions ----

  private act(op: string, args: unknown[], detail?: string, node?: string): void {
    this.actionLog.push({ at: this.engine.now, events: this.engine.eventCount, op, args });
    this.engine.record({ at: this.engine.now, kind: op, node, detail });
  }

  /** After a user action changed nodes, let checkers look and listeners hear. */
  private settle(...touched: NodeActor[]): void {
    if (this.checker) for (const n of touched) this.checker.afterEvent(n.index);
    this.engine.flush();
  }

  crash(id: string): void {
    const n = this.get(id);
    this.act('crash', [id], undefined, id);
    if (!n.up) return this.settle();
    n.crash();
    this.checker?.onCrash(n.index);
    this.messaging?.nodeCrashed(id);
    this.closeClientConnections(n, `${id} crashed`);
    this.settle(n);
  }

  restart(id: string): void {
    const n = this.get(id);
    this.act('restart', [id], undefined, id);
    if (n.up) return this.settle();
    this.checker?.onCrash(n.index);
    n.restart();
    this.settle(n);
  }

  disconnect(id: string): void {
    const n = this.get(id);
    this.act('disconnect', [id], undefined, id);
    this.engine.setConnected(n, false);
    this.closeUnreachable(`${id} was disconnected`);
    this.settle();
  }

  reconnect(id: string): void {
    const n = this.get(id);
    this.act('reconnect', [id], undefined, id);
    this.engine.setConnected(n, true);
    this.settle();
  }

  partition(groups: string[][]): void {
    const seen = new Set<string>();
    const actors = groups.map((g) =>
      g.map((id) => {
        if (seen.has(id)) throw new RangeError(`node '${id}' appears in two partition groups`);
        seen.add(id);
        return this.get(id);
      }),
    );
    this.act('partition', [groups], groups.map((g) => `{${g.join(' ')}}`).join(' | '));
    this.engine.setPartition(actors);
    this.closeUnreachable('a partition cut it');
    this.settle();
  }

  heal(): void {
    this.act('heal', []);
    this.engine.heal();
    this.settle();
  }

  cutLink(from: string, to: string): void {
    const a = this.get(from);
    const b = this.get(to);
    this.act('cutLink', [from, to], `${from}→${to}`);
    this.engine.setCut(a, b, true);
    this.settle();
  }

  restoreLink(from: string, to: string): void {
    const a = this.get(from);
    const b = this.get(to);
    this.act('restoreLink', [from, to], `${from}→${to}`);
    this.engine.setCut(a, b, false);
    this.settle();
  }

  get network(): Readonly<NetworkSettings> {
    return this.engine.network;
  }

  setNetwork(settings: Partial<NetworkSettings>): void {
    validateNetworkChange(settings);
    const next = mergeNetwork(this.engine.network, settings);
    if (next.latencyMs[0] > next.latencyMs[1] || next.reorderDelayMs[0] > next.reorderDelayMs[1]) {
      throw new RangeError(`setNetwork: a [min, max] pair would have min > max (latencyMs ${JSON.stringify(next.latencyMs)}, reorderDelayMs ${JSON.stringify(next.reorderDelayMs)})`);
    }
    this.act('setNetwork', [settings], JSON.stringify(settings));
    this.engine.network = next;
    this.settle();
  }

  setClock(id: string, change: { offsetMs?: number; driftPpm?: number; stepMs?: number }): void {
    const n = this.get(id);
    if (typeof change !== 'object' || change === null) throw new TypeError('setClock needs an object { offsetMs?, driftPpm?, stepMs? }');
    let given = 0;
    for (const [k, v] of Object.entries(change)) {
      if (k !== 'offsetMs' && k !== 'driftPpm' && k !== 'stepMs') throw new RangeError(`setClock: unknown change '${k}' (offsetMs, driftPpm or stepMs)`);
      if (v === undefined) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`setClock: ${k} must be a finite number`);
      given++;
    }
    // An empty change would be an action that does nothing and cannot be written as a scenario line.
    if (given === 0) throw new RangeError('setClock needs at least one of offsetMs, driftPpm, stepMs');
    if (change.driftPpm !== undefined && change.driftPpm <= -1e6) throw new RangeError('setClock: driftPpm must be above -1000000');
    // Validate before recording, so an action log never holds a call that cannot be replayed.
    this.act('setClock', [id, change], JSON.stringify(change), id);
    n.clock.set(change, this.now);
    this.settle();
  }

  timeout(id: string): void {
    const n = this.get(id);
    this.act('timeout', [id], undefined, id);
    if (n.up && n.raft.role !== 'leader') n.forceTimeout();
    this.settle(n);
  }

  dropMessage(msgId: number): boolean {
    this.actionLog.push({ at: this.now, events: this.engine.eventCount, op: 'dropMessage', args: [msgId] });
    const found = this.engine.dropInFlight(msgId);
    this.settle();
    return found;
  }

  propose(id: string, command: string): { index: number; term: number } | undefined {
    const n = this.get(id);
    this.actionLog.push({ at: this.now, events: this.engine.eventCount, op: 'propose', args: [id, command] });
    if (!n.up) return undefined;
    const result = n.propose(command);
    this.settle(n);
    return result;
  }

  /**
   * Every client connection to node `n` ends now: the node forgets them, and each client's log shows
   * the close, its subscriptions there end, and its unanswered lines are told (as a client would
   * learn of a reset or a timed-out TCP connection, not left waiting).
   */
  private closeClientConnections(n: NodeActor, why: string): void {
    if (n.up) n.dropClientConnections();
    for (const c of this.clients.values()) {
      // No journal record of its own: a user action is one event (the player steps and seeks by them);
      // the close is in the client's log.
      if (c.connectedTo(n.id)) c.close(n.id, why);
    }
  }

  /** After a topology change: connections between a client and a node that can no longer reach each other end. */
  private closeUnreachable(why: string): void {
    for (const n of this.nodes) {
      if (!n.up) continue;
      let cut = false;
      for (const c of this.clients.values()) {
        if (c.connectedTo(n.id) && !(this.engine.reachable(c, n) && this.engine.reachable(n, c))) cut = true;
      }
      if (cut) this.closeClientConnections(n, why);
    }
  }

  /**
   * Breaks one client's connection to a node, as a network fault that resets a TCP connection
   * would: both ends learn it at once; lines still unanswered fail, subscriptions there end, and a
   * reply still in flight finds no connection. The client's next line opens a new one.
   */
  resetConnection(clientId: string, nodeId: string): boolean {
    const n = this.get(nodeId);
    checkClientId('resetConnection', clientId);
    if (this.byId.has(clientId) || clientId === TIME_SERVER_ID) throw new RangeError(`resetConnection: '${clientId}' is a node, not a client`);
    const c = this.clients.get(clientId);
    this.act('resetConnection', [clientId, nodeId], `${clientId}–${nodeId}`, nodeId);
    const open = c !== undefined && c.connectedTo(nodeId);
    if (open) {
      n.broker.forgetConnection(c);
      c.close(nodeId, 'the connection was reset');
    }
    this.settle();
    return open;
  }

  /** The client actor with this id, made on first use (clients sit outside every partition group). */
  client(id: string): ClientActor {
    let c = this.clients.get(id);
    if (c === undefined) {
      this.checkNewClient('client', id);
      const rng = this.rootRng.fork(`client:${id}`);
      c = this.engine.addActor(
        (index) =>
          new ClientActor(
            index, id, this.engine, rng, this.nodeIds, (x) => this.byId.get(x)!, (x) => this.byId.get(x)!.connEpoch, DEFAULT_CLIENT, this.clientObserver,
          ),
      );
      this.clients.set(id, c);
    }
    return c;
  }

  /** A client id that may name a new client: well formed, and not a node's or the time server's. */
  private checkNewClient(call: string, id: string): void {
    checkClientId(call, id);
    if (this.byId.has(id) || id === TIME_SERVER_ID) throw new RangeError(`${call}: client id '${id}' is taken by a node`);
  }

  /** Failure-detector statistics per node, and in total. */
  detectorStats(): { total: DetectorStats; byNode: Record<string, DetectorStats> } {
    const total: DetectorStats = { suspicions: 0, falseSuspicions: 0 };
    for (const n of this.nodes) {
      total.suspicions += n.detectorStats.suspicions;
      total.falseSuspicions += n.detectorStats.falseSuspicions;
    }
    // fromEntries defines own properties: a node named __proto__ is a key like any other, not the prototype.
    return { total, byNode: Object.fromEntries(this.nodes.map((n) => [n.id, { ...n.detectorStats }])) };
  }

  clientIds(): string[] {
    return [...this.clients.keys()];
  }

  publish(topic: string, message: string, options: { id?: string; via?: string; client?: string } = {}): Publish {
    const clean = checkPublish(topic, message, options, (client) => this.clients.get(client)?.nextPublishId() ?? clientId(client, 1));
    if (clean.via !== undefined && !this.byId.has(clean.via)) throw new RangeError(`publish: unknown node '${clean.via}' (nodes: ${this.nodeIds.join(', ')})`);
    const client = clean.client ?? 'pub';
    if (!this.clients.has(client)) this.checkNewClient('publish', client);
    // A copy: a caller that changes its options object later must not change the action log.
    this.actionLog.push({ at: this.now, events: this.engine.eventCount, op: 'publish', args: [topic, message, clean] });
    const handle = this.client(client).publish(topic, message, clean.id, clean.via);
    this.engine.flush();
    return handle;
  }

  /** One protocol line typed at a node by a client ('console' unless named); the handle fills in as replies arrive. */
  command(nodeId: string, line: string, options: { client?: string } = {}): CommandHandle {
    this.get(nodeId);
    return this.typeLine('command', [nodeId, line], checkCommand(line, options), 'console', nodeId, line);
  }

  /**
   * A subscriber client ('sub' unless named) sends `SUB <topic>` to a node; the MSG lines it then
   * receives are in `received(client)`. Recorded (and replayed) as its own action.
   */
  subscribe(nodeId: string, topic: string, options: { client?: string } = {}): CommandHandle {
    this.get(nodeId);
    return this.typeLine('subscribe', [nodeId, topic], checkSubscribe(topic, options), 'sub', nodeId, `SUB ${topic}`);
  }

  /** A checked line from a client: recorded as action `op` (with the cleaned options), then sent. */
  private typeLine(op: string, args: unknown[], clean: { client?: string }, defaultClient: string, nodeId: string, line: string): CommandHandle {
    const client = clean.client ?? defaultClient;
    if (!this.clients.has(client)) this.checkNewClient(op, client);
    this.actionLog.push({ at: this.now, events: this.engine.eventCount, op, args: [...args, clean] });
    const handle = this.client(client).command(nodeId, line);
    this.engine.flush();
    return handle;
  }

  /** What a client typed and received, oldest first (the console's transcript). */
  clientLog(clientId = 'console'): readonly ClientLogLine[] {
    return this.clients.get(clientId)?.log ?? [];
  }

  /** MSG lines a subscriber client has received, in delivery order (the latest 50,000 to 100,000; see truncated). */
  received(clientId: string): readonly Received[] {
    return this.clients.get(clientId)?.received ?? [];
  }

  /** How many of a client's log lines and received messages were cut from the front to bound memory. */
  truncated(clientId: string): { log: number; received: number } {
    const t = this.clients.get(clientId)?.truncated;
    return { log: t?.log ?? 0, received: t?.received ?? 0 };
  }

  history(id: string, topic: string): TopicRecord[] {
    const n = this.get(id);
    return n.up ? n.broker.history(topic) : [];
  }

  topics(id: string): string[] {
    const n = this.get(id);
    return n.up ? n.broker.topics() : [];
  }

  /**
   * The messaging checks that need a healed, settled cluster: every acknowledged publish is on every
   * up node at one offset, and subscribers saw no gaps. Call after heal() and enough time to catch up.
   */
  checkMessaging(): void {
    const histories = new Map(this.nodes.filter((n) => n.up).map((n) => [n.id, (topic: string) => n.broker.history(topic)]));
    this.messaging?.checkHealed(histories);
  }

  // ---- observation ----

  sentCount(type?: string): number {
    return type === undefined ? this.engine.sent : (this.engine.sentByType.get(type) ?? 0);
  }

  onEvent(listener: (event: SimEvent) => void): () => void {
    this.engine.listeners = [...this.engine.listeners, listener];
    return () => {
      this.engine.listeners = this.engine.listeners.filter((l) => l !== listener);
    };
  }

  journal(): readonly SimEvent[] {
    return this.engine.journal.toArray();
  }

  inFlight(): InFlight[] {
    return this.engine.inFlight();
  }

  actions(): readonly ActionRecord[] {
    return this.actionLog;
  }

  violations(): readonly Violation[] {
    return this.violationList;
  }

  /** Documented consequences of the settings that the checkers saw happen (they are not violations). */
  findings(): readonly Violation[] {
    return this.findingList;
  }

  /** Partition group of each node (nodes with equal numbers can talk), for the UI. */
  groups(): Record<string, number> {
    return Object.fromEntries(this.nodes.map((n) => [n.id, this.engine.groupOf(n)]));
  }

  cutLinks(): Array<[string, string]> {
    return this.engine.cutLinks().map(([a, b]) => [this.engine.actors[a].id, this.engine.actors[b].id]);
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function createCluster(options?: ClusterOptions): SimCluster {
  return new SimCluster(options);
}
