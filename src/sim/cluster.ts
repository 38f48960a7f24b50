// The headless Cluster: builds nodes from a config, runs the engine, applies user actions, runs checkers.
import { Column } from '../core/column';
import { PhysicalClock } from '../core/clocks/physical';
import { estimatedOffsetMs } from '../core/clocks/sync';
import type { RaftNode } from '../core/raft/node';
import { DEFAULT_RAFT_OPTIONS, DEFAULT_RULES, type Entry, type RaftPersistent } from '../core/raft/types';
import { checkClientId, checkCommand, checkDuration, checkPublish, checkSubscribe } from './args';
import { clientId } from '../core/broker/ids';
import { checkNetworkChange, checkOptions } from './validate';
// Registers the zod validator with the engine; the page's build makes this an empty module (vite.config.ts)
// and loads the validator only when options come from outside.
import './validateEager';
import { DEFAULT_BROKER, type BrokerObserver, type BrokerSettings } from './brokerNode';
import { MessagingChecker, type DedupConfig } from './checkers/messaging';
import { RaftChecker } from './checkers/raft';
import { ClientActor, DEFAULT_CLIENT, type ClientLogLine, type ClientObserver, type CommandHandle, type Received } from './client';
import { ConfigError, MAX_HOST_CHARS, MAX_NODES, NODE_ID, addressKey, formatAddress, generatedConfig, parseClusterConfig, reservedIdOwner, TIME_SERVER_ID, type ClusterConfig, type NodeConfig } from './config';

export { TIME_SERVER_ID };
import { DEFAULT_NETWORK, Engine, type Actor, type LeanListener } from './engine';
import { Membership, type MembershipChange } from './membership';
import { NodeActor, type DetectorStats, type DetectorView, type NodeDeps, type NodeHooks, type NodeTiming } from './nodeActor';
import type { Configuration } from '../core/raft/types';
import { TimeServer } from './timeServer';
import { Snapshotter, notSnapshotted, type SavedState } from './snapshot';
import { Rng } from './rng';
import type {
  ActionRecord,
  Cluster,
  ClusterOptions,
  ClockSettings,
  InFlight,
  LogEntryView,
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
/** Equal in value (entry commands: primitives, frozen records and arrays of them). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let keys = 0;
  for (const k in x) {
    if (!Object.hasOwn(x, k)) continue;
    keys++;
    if (!Object.hasOwn(y, k) || !sameValue(x[k], y[k])) return false;
  }
  for (const k in y) if (Object.hasOwn(y, k)) keys--;
  return keys === 0;
}

function mergeNetwork(base: NetworkSettings, change: Partial<NetworkSettings>): NetworkSettings {
  const next = { ...base };
  for (const [k, v] of Object.entries(change)) if (v !== undefined) (next as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
  return next;
}


/** The largest clock offset or step setClock takes (ms): what share links allow too (src/store/share.ts). */
export const MAX_CLOCK_SHIFT_MS = 1e9;
/** Longest command `propose` takes: what a share link holds (src/store/share.ts). */
export const MAX_COMMAND_CHARS = 10_000;

/** A message number as the engine hands them out (checked before an action is recorded). */
function checkMsgId(call: string, msgId: unknown): void {
  if (typeof msgId !== 'number' || !Number.isSafeInteger(msgId) || msgId < 0) throw new TypeError(`${call} needs a message number (got ${typeof msgId === 'number' ? msgId : typeof msgId})`);
}

export class SimCluster implements Cluster {
  readonly seed: number;
  /** The nodes of the cluster now (added ones included, removed ones not); replaced, never mutated, on change. */
  nodeIds: readonly string[];
  /** The cluster.yaml of the nodes now (host and port labels). */
  config: ClusterConfig;
  readonly options: Readonly<ClusterOptions>;
  private readonly engine: Engine;
  private readonly nodes: NodeActor[];
  private readonly byId = new Map<string, NodeActor>();
  /**
   * User actions for replay and share links (discarded with recordActions: false, for long headless runs).
   * In frozen leaves (a Column): a workload records every publish, and a seek across a long run then
   * restores leaf references, not 60,000 records. So every record is frozen (a leaf is never walked).
   */
  private readonly actionLog: Column<ActionRecord>;
  private readonly violationList: Violation[] = [];
  private readonly findingList: Violation[] = [];
  /**
   * Per node, its log as last viewed (see logView): a view of a long log is built from what changed. A cache,
   * not state: left out of snapshots (it stays right across a restore: it is checked against the entries).
   */
  private readonly logViews = notSnapshotted(new Map<string, { base: number; raw: Entry[]; all: LogEntryView[]; view: LogEntryView[]; lent: boolean }>());
  /**
   * One view object per log index, shared by every node's view (see entryView): five nodes' views of a
   * 60,000-entry log held 300,000 of them (7 MB in the page, issue 11). A cache, like logViews: `entry[i]`
   * is the entry `view[i]` was last matched with.
   */
  private readonly entryViews = notSnapshotted({ entry: [NO_ENTRY], view: [{ index: 0, term: 0, command: null }] as LogEntryView[] });
  private readonly checker: RaftChecker | undefined;
  private readonly timeServer: TimeServer;
  private readonly clients = new Map<string, ClientActor>();
  private readonly messaging: MessagingChecker | undefined;
  private readonly clientObserver: ClientObserver | undefined;
  private readonly rootRng: Rng;
  /** Remembers what the last snapshot saved, so the next one shares what did not change. Not state. */
  private snapshotter = notSnapshotted(new Snapshotter());
  /** What every node is built from; only the timer stream and the clock differ. */
  private readonly nodeDeps: Omit<NodeDeps, 'timerRng' | 'clock'>;
  private readonly clockRng: Rng;
  private readonly clockSettings: ClockSettings;
  private readonly membership: Membership;
  /** Every id a node ever had (an added node never reuses one). */
  private readonly usedIds = new Set<string>();
  /** The latest committed configuration seen on any node, and its index. */
  private committedConfig: { index: number; config: Configuration };

  constructor(options: ClusterOptions = {}) {
    // Everything is checked here, at the boundary, so nothing on the hot path needs to.
    checkOptions(options);
    this.options = notSnapshotted(options);
    this.actionLog = options.recordActions === false ? new DiscardingLog<ActionRecord>() : new Column<ActionRecord>();
    this.seed = options.seed ?? 1;
    this.config = options.config !== undefined ? parseClusterConfig(options.config) : generatedConfig(options.nodes ?? 5);
    const root = Rng.fromSeed(this.seed);
    this.rootRng = root;
    const network = mergeNetwork(DEFAULT_NETWORK, defined(options.network));
    const electionTimeoutMs: [number, number] = options.electionTimeoutMs ? [...options.electionTimeoutMs] : [150, 300];
    const heartbeatMs = options.heartbeatMs ?? 50;
    this.engine = new Engine(root.fork('network'), network, options.journalLimit ?? 50_000);
    const ids = this.config.nodes.map((n) => n.id);
    this.nodeIds = Object.freeze([...ids]);
    for (const id of ids) this.usedIds.add(id);
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
      detectorMode: options.detector?.mode ?? 'gossip',
      snapshotEvery: options.snapshotEvery ?? 0,
      driftBoundPpm: clocks.driftPpmMax,
    };
    const reads = options.reads ?? 'local';
    const maxInflight = options.maxInflight ?? DEFAULT_RAFT_OPTIONS.maxInflight;
    const preVote = options.raft?.preVote ?? DEFAULT_RAFT_OPTIONS.preVote;
    const checkQuorum = options.raft?.checkQuorum ?? DEFAULT_RAFT_OPTIONS.checkQuorum;
    const raftOptions = {
      ...DEFAULT_RAFT_OPTIONS,
      maxEntriesPerMessage: options.maxEntriesPerMessage ?? DEFAULT_RAFT_OPTIONS.maxEntriesPerMessage,
      maxInflight,
      rules: { ...DEFAULT_RULES, ...defined(options.rules) },
      preVote,
      checkQuorum,
      // Leases need servers that refuse to elect anyone while they hear a leader (thesis §6.4.1), as etcd ties them to CheckQuorum.
      stickyVotes: checkQuorum || reads === 'lease',
      leaseRounds: reads === 'lease',
      electionTicks: Math.max(1, Math.round(electionTimeoutMs[0] / heartbeatMs)),
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
    const broker: BrokerSettings = { ...DEFAULT_BROKER, ...defined(options.broker), reads };
    const mode = options.checkers ?? 'throw';
    let brokerObserver: BrokerObserver | undefined;
    if (mode !== false) {
      const dedup: DedupConfig = {
        window: broker.dedup === false ? 0 : broker.dedupWindow,
        mode: broker.dedup === false ? 'off' : broker.dedup === 'sessions' ? 'sessions' : 'window',
      };
      const m = new MessagingChecker(
        (property, detail) => this.violate(property, detail, mode),
        () => this.engine.now,
        dedup,
        (property, detail) => this.find(property, detail),
        // Stale reads are what 'local' reads allow (the original's): there they are recorded, never thrown.
        (property, detail) => this.violate(property, detail, reads === 'local' ? 'record' : mode),
      );
      this.messaging = m;
      brokerObserver = {
        published: (topic, id, message) => m.onPublished(topic, id, message),
        stored: (node, topic, record, command) => m.stored(node, topic, record, command),
        duplicate: () => {},
      };
      this.clientObserver = {
        published: (_client, topic, id, message) => m.onPublished(topic, id, message),
        acked: (client, topic, id, offset, issuedAt, duplicate) => m.acked(client, topic, id, offset, issuedAt, duplicate),
        received: (client, node, sub, topic, offset, line) => m.received(client, node, sub, topic, offset, line),
        subscriptionEnded: (client, node, sub) => m.subscriptionEnded(client, node, sub),
        sending: () => m.ackMark(),
        answered: (client, node, line, mark, reply, offset) => {
          if (line.startsWith('HISTORY ')) m.historyRead(client, node, line, mark, reply);
          else if (line.startsWith('PUB ')) m.consoleAck(line, reply, offset);
        },
      };
    }
    this.clockRng = clockRng;
    this.clockSettings = clocks;
    this.committedConfig = { index: 0, config: { voters: ids, learners: [] } };
    const hooks: NodeHooks = {
      config: (node, config, index, committed) => {
        if (committed && index > this.committedConfig.index) this.committedConfig = { index, config };
        void node;
      },
      // Only the checkers listen to every apply: without them the hot path pays no call.
      apply: mode === false ? undefined : (node, index, entry) => this.checker?.onApply(this.nodeIndex(node), index, entry as Entry),
      restore: (node, snapshot) => this.checker?.onRestore(this.nodeIndex(node), snapshot.lastIncludedIndex, snapshot.lastIncludedTerm),
      beforeCompact: (node) => this.checker?.afterEvent(this.nodeIndex(node)),
    };
    this.nodeDeps = { engine: this.engine, timing, raftOptions, actor: actorOf, host, actorCount, broker, brokerObserver, hooks };
    this.membership = new Membership({
      leader: () => {
        const l = this.raftLeader();
        return l === undefined ? undefined : { id: l.id, config: l.raft.config, change: (op, id) => l.changeMembership(op, id) };
      },
      committed: () => this.committedConfig.config,
      oneAtATime: () => raftOptions.rules.oneChangeAtATime,
      note: (c, what, detail) => this.membershipNote(c, what, detail),
    });
    // Create every actor before any node starts, so peers resolve.
    for (const id of ids) this.makeNode(id, ids);
    this.timeServer = this.engine.addActor((index) => new TimeServer(index, TIME_SERVER_ID, this.engine));
    for (const n of this.nodes) n.start();
    if (mode !== false) {
      const checker = new RaftChecker(this.nodes, (property, detail) => this.violate(property, detail, mode));
      this.checker = checker;
      this.nodes.forEach((_, i) => checker.afterEvent(i));
    }
    this.updateAfterEvent();
  }

  /**
   * What runs after every event: the checkers, and the membership administrator while a change is
   * pending. Nothing runs when neither is needed, so plain runs pay nothing.
   */
  private updateAfterEvent(): void {
    const checker = this.checker;
    const membership = this.membership;
    if (this.afterEventFor === membership.busy) return;
    this.afterEventFor = membership.busy;
    if (membership.busy) {
      this.engine.afterEvent = (actor) => {
        if (checker !== undefined && actor !== undefined && actor.isNode) checker.afterEvent((actor as NodeActor).pos);
        membership.poll();
        if (!membership.busy) this.updateAfterEvent();
      };
    } else if (checker !== undefined) {
      this.engine.afterEvent = (actor) => {
        if (actor !== undefined && actor.isNode) checker.afterEvent((actor as NodeActor).pos);
      };
    } else this.engine.afterEvent = undefined;
  }

  /** Whether the current afterEvent hook polls the membership administrator (undefined before the first). */
  private afterEventFor: boolean | undefined;

  /** Position of a node in `nodes` (the checkers' numbering). */
  private nodeIndex(node: NodeActor): number {
    return node.pos;
  }

  /** Builds a node actor (not started): `voters` is the configuration it boots with ([] for an added node). */
  private makeNode(id: string, voters: readonly string[]): NodeActor {
    const c = this.clockSettings;
    const clock = new PhysicalClock(this.clockRng.between(-c.offsetMsMax, c.offsetMsMax), this.clockRng.between(-c.driftPpmMax, c.driftPpmMax), this.engine.now);
    const deps: NodeDeps = { ...this.nodeDeps, timerRng: this.rootRng.fork(`timers:${id}`), clock };
    const node = this.engine.addActor((index) => new NodeActor(index, id, voters, deps));
    node.pos = this.nodes.length;
    this.nodes.push(node);
    this.byId.set(id, node);
    this.usedIds.add(id);
    return node;
  }

  /** The up node that leads in the highest term (connected or not: an administrator cannot see partitions). */
  private raftLeader(): NodeActor | undefined {
    let best: NodeActor | undefined;
    for (const n of this.nodes) {
      if (!n.up || n.raft.role !== 'leader') continue;
      if (best === undefined || n.persistent.currentTerm > best.persistent.currentTerm) best = n;
    }
    return best;
  }

  private membershipNote(c: MembershipChange, what: 'submitted' | 'done' | 'cancelled', detail: string): void {
    this.engine.record({ at: this.engine.now, kind: 'membership', node: c.id, type: `${c.op} ${what}`, detail: `${c.op} ${c.id}: ${detail}` });
    if (c.op === 'remove' && what === 'done') this.stopRemoved(c.id);
  }

  /** A removed node stops for good once its removal is committed (a removed leader has stepped down by then). */
  private stopRemoved(id: string): void {
    const n = this.byId.get(id);
    if (n === undefined || n.removed) return;
    n.removed = true;
    if (n.up) {
      n.crash();
      this.checker?.onCrash(this.nodeIndex(n));
      this.messaging?.nodeCrashed(id);
    }
    this.nodeIds = Object.freeze(this.nodeIds.filter((x) => x !== id));
    this.config = { nodes: this.config.nodes.filter((x) => x.id !== id) };
    this.engine.record({ at: this.engine.now, kind: 'removed', node: id, detail: `${id} stopped: it is no longer in the committed configuration` });
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
    this.violationList.push(Object.freeze(v));
    this.engine.record({ at, kind: 'violation', detail: v.message, type: property });
    if (mode === 'throw') throw new CheckerViolation(v);
  }

  // ---- saved states (checkpoints of the whole simulation, for seeking) ----

  /**
   * The whole simulation as it is now: every actor (nodes, clients, time server), the network and
   * its queue of messages and timers, the random streams, checkers and the action log. Not the
   * journal's events (a record, not state) and not the listeners. Immutable parts are shared with
   * earlier snapshots of this cluster, so a snapshot costs mostly what changed since the last one.
   */
  saveState(): SavedState {
    return this.snapshotter.take(this);
  }

  /**
   * Puts this cluster back to a state saved of it (only of this cluster object): running on from
   * there gives exactly what running on from that moment gave. The journal restarts empty at the
   * saved event count; listeners stay.
   */
  restoreState(snap: SavedState): void {
    this.snapshotter.restore(snap);
  }

  /** Forgets what earlier saved states held (they can no longer be restored): for measuring what they held. */
  forgetSavedStates(): void {
    this.snapshotter = notSnapshotted(new Snapshotter());
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
    engine.settle();
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
    // What is still queued before the action must be wake-ups that changed nothing (the run passed them
    // too): an event there would run after the action, with an earlier time (an edited event count).
    while (engine.nextAt() < at) {
      if (engine.processNext()) throw new Error(`replay diverged: events due before the action at t=${at} were not processed (its event count ${events} is too small)`);
    }
    engine.now = at;
    // As the run that stood here had (see Engine.settle).
    engine.settle();
  }

  runUntil(done: () => boolean, maxMs: number): boolean {
    if (typeof done !== 'function') throw new TypeError(`runUntil needs a function to test (got ${typeof done})`);
    checkDuration('runUntil', maxMs);
    const engine = this.engine;
    if (done()) {
      engine.settle();
      return true;
    }
    const target = engine.now + maxMs;
    while (engine.nextAt() <= target) {
      if (engine.processNext() && done()) {
        engine.settle();
        return true;
      }
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

  /**
   * The log as entry views. Built afresh it cost ~12 ms per node for 60,000 entries (a 10-minute run at 100
   * publishes/s), at every view of the page (issue 11): the last view is kept per node and reused up to
   * the first entry that changed. Entries are immutable and shared, so the same object at a position is
   * the same entry, and by Log Matching so is everything before it. A view once returned is never changed
   * (a longer log gets a copy).
   */
  private logView(id: string, log: Column<Entry>, base: number): LogEntryView[] {
    const n = log.length - 1;
    let c = this.logViews.get(id);
    if (c === undefined || c.base !== base) {
      c = { base, raw: [], all: [], view: [], lent: false };
      this.logViews.set(id, c);
    }
    // The cache holds the longest log seen (raw) and its views (all), also past the end of a shorter log
    // (a seek back): seeking forward again then finds them there, where it went through every entry past
    // the point it came back from (150,000 of them at 100 publishes/s for a seek from 300 s to the end).
    const raw = c.raw;
    let keep = Math.min(raw.length, n);
    // Down to the first entry that is the very same object: entries above it that are other objects but equal
    // in value are kept too (a seek replays from a checkpoint and builds those entries anew: a view taken before
    // it shared nothing past that checkpoint, and a seek further on rebuilt tens of thousands of entries).
    let same = keep;
    while (same > 0 && raw[same - 1] !== log.at(same)) {
      const e = log.at(same)!;
      if (raw[same - 1].term !== e.term || !sameValue(raw[same - 1].command, e.command)) keep = same - 1;
      same--;
    }
    // The cache's own list (never returned) takes the log's objects, so the next look stops at once.
    for (let i = same; i < keep; i++) raw[i] = log.at(i + 1)!;
    if (keep === n && c.view.length === n) return c.view;
    // A view once returned is never changed: once the cache's own list was handed out, the cache writes to a copy.
    if (keep < n && c.lent) {
      c.all = c.all.slice();
      c.lent = false;
    }
    const all = c.all;
    for (let i = keep + 1; i <= n; i++) {
      const e = log.at(i)!;
      const v = this.entryView(base + i, e);
      if (i - 1 < raw.length) {
        raw[i - 1] = e;
        all[i - 1] = v;
      } else {
        raw.push(e);
        all.push(v);
      }
    }
    // At the end of the known run (the log is the longest seen) the view is the cache's list itself: no second copy.
    c.lent ||= n === all.length;
    c.view = n === all.length ? all : all.slice(0, n);
    return c.view;
  }

  /**
   * The view of `entry` at `index`: the one already made for that index when it shows the same entry (the
   * same object, or one equal in value: a seek's replay makes new but equal entries), else a new one,
   * which the index then keeps (a node whose log differs there gets its own; they are values, never changed).
   */
  private entryView(index: number, entry: Entry): LogEntryView {
    const s = this.entryViews;
    if (index < s.view.length) {
      const v = s.view[index];
      if (s.entry[index] === entry) return v;
      if (v.term === entry.term && sameValue(v.command, entry.command)) {
        s.entry[index] = entry;
        return v;
      }
    }
    const v: LogEntryView = { index, term: entry.term, command: entry.command };
    if (index < s.view.length) {
      s.view[index] = v;
      s.entry[index] = entry;
    } else if (index === s.view.length) {
      // Only contiguous from index 0 (a node first viewed past a snapshot is not shared): no holes.
      s.view.push(v);
      s.entry.push(entry);
    }
    return v;
  }

  node(id: string): NodeView {
    const n = this.get(id);
    const r = n.raft;
    const p = n.persistent;
    const base = p.snapshot.lastIncludedIndex;
    const log = this.logView(n.id, p.log, base);
    const leader = n.up && r.role === 'leader';
    const config = r.config;
    const configIndex = r.configs[r.configs.length - 1].index;
    const removing = this.membership.pending().some((c) => c.op === 'remove' && c.id === n.id);
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
      members: config.voters,
      learners: config.learners,
      configIndex,
      committedMembers: r.committed.voters,
      learner: !n.removed && !removing && !config.voters.includes(n.id),
      removed: n.removed,
      snapshot: base > 0 ? { lastIncludedIndex: base, lastIncludedTerm: p.snapshot.lastIncludedTerm } : null,
      preCandidate: n.up && r.preCandidate,
      transferee: leader ? r.transferee : null,
      leaseMs: leader && n.leaseUntil > n.leaseClock() ? (n.leaseUntil - n.leaseClock()) / (1 + n.clock.driftPpm * 1e-6) : 0,
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
    this.actionLog.push(Object.freeze({ at: this.engine.now, events: this.engine.eventCount, op, args }));
    this.engine.record({ at: this.engine.now, kind: op, node, detail });
  }

  /** After a user action changed nodes, let checkers look and listeners hear. */
  private settle(...touched: NodeActor[]): void {
    if (this.checker) for (const n of touched) this.checker.afterEvent(n.pos);
    if (this.membership.busy) this.membership.poll();
    this.updateAfterEvent();
    this.engine.flush();
  }

  crash(id: string): void {
    const n = this.get(id);
    this.act('crash', [id], undefined, id);
    if (!n.up) return this.settle();
    n.crash();
    this.checker?.onCrash(n.pos);
    this.messaging?.nodeCrashed(id);
    this.closeClientConnections(n, `${id} crashed`);
    this.settle(n);
  }

  restart(id: string): void {
    const n = this.get(id);
    this.act('restart', [id], undefined, id);
    if (n.up || n.removed) return this.settle();
    this.checker?.onCrash(n.pos);
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
    if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g))) {
      throw new TypeError(`partition needs an array of groups, each an array of node ids (got ${JSON.stringify(groups) ?? String(groups)})`);
    }
    const seen = new Set<string>();
    const actors = groups.map((g) =>
      g.map((id) => {
        if (seen.has(id)) throw new RangeError(`node '${id}' appears in two partition groups`);
        seen.add(id);
        return this.get(id);
      }),
    );
    // The nodes no group names are a group of their own: the detail names it too.
    const rest = this.nodeIds.filter((id) => !seen.has(id));
    this.act('partition', [groups], [...groups, ...(rest.length > 0 ? [rest] : [])].map((g) => `{${g.join(' ')}}`).join(' | '));
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
    checkNetworkChange(settings);
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
    if (change.driftPpm !== undefined && (change.driftPpm <= -1e6 || change.driftPpm > 1e6)) throw new RangeError(`setClock: driftPpm must be above -1,000,000 and at most 1,000,000 (got ${change.driftPpm})`);
    // A clock a billion ms (11.6 days) off is far past any lesson; beyond, times lose their meaning (1e300) or overflow (a step of 1e308 made the corrected clock NaN).
    for (const k of ['offsetMs', 'stepMs'] as const) {
      const v = change[k];
      if (v !== undefined && Math.abs(v) > MAX_CLOCK_SHIFT_MS) throw new RangeError(`setClock: ${k} must be within ±1,000,000,000 ms (got ${v})`);
    }
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
    checkMsgId('dropMessage', msgId);
    this.actionLog.push(Object.freeze({ at: this.now, events: this.engine.eventCount, op: 'dropMessage', args: [msgId] }));
    const found = this.engine.dropInFlight(msgId);
    this.settle();
    return found;
  }

  // ---- chosen events: the interleaving explorer's moves, replayable like any action ----

  /** Message #msgId (with `copy`: its network duplicate) arrives now, ahead of its time; one event. False when not in flight. */
  deliver(msgId: number, copy = false): boolean {
    checkMsgId('deliver', msgId);
    if (typeof copy !== 'boolean') throw new TypeError(`deliver's copy must be true or false (got ${typeof copy})`);
    this.actionLog.push(Object.freeze({ at: this.now, events: this.engine.eventCount, op: 'deliver', args: copy ? [msgId, true] : [msgId] }));
    const ok = this.engine.deliverNow(msgId, copy);
    this.settle();
    return ok;
  }

  /** Node `id`'s running timer named `timer` ('election', 'heartbeat', 'replicate', …) fires now; one event. False when not running. */
  fire(id: string, timer: string): boolean {
    const n = this.get(id);
    if (typeof timer !== 'string' || timer.length === 0 || timer.length > 64) throw new TypeError(`fire needs a timer name such as 'election' (got ${typeof timer === 'string' ? `'${timer.slice(0, 64)}'` : typeof timer})`);
    this.actionLog.push(Object.freeze({ at: this.now, events: this.engine.eventCount, op: 'fire', args: [id, timer] }));
    const t = this.engine.runningTimers().find((x) => x.actor === n && x.name === timer);
    const ok = t !== undefined && this.engine.fireNow(t);
    this.settle();
    return ok;
  }

  /** The network makes a second copy of message #msgId, arriving with the first. False when not in flight or copied already. */
  duplicate(msgId: number): boolean {
    checkMsgId('duplicate', msgId);
    this.act('duplicate', [msgId], `#${msgId}`);
    const ok = this.engine.duplicateInFlight(msgId);
    this.settle();
    return ok;
  }

  /** Timers running now on up nodes, soonest first: what may fire next. */
  runningTimers(): Array<{ node: string; timer: string; deadline: number }> {
    return this.engine
      .runningTimers()
      .filter((t) => t.actor.isNode)
      .map((t) => ({ node: t.actor.id, timer: t.name, deadline: t.deadline }))
      .sort((a, b) => a.deadline - b.deadline);
  }

  /**
   * For the interleaving explorer (src/sim/explore): every node's live Raft state. These are the
   * engine's own objects: copy them, never change them.
   */
  raftStates(): Array<{ id: string; up: boolean; persistent: RaftPersistent; raft: RaftNode; heard: boolean }> {
    return this.nodes.map((n) => ({ id: n.id, up: n.up, persistent: n.persistent, raft: n.raft, heard: n.up && n.heardLeader() }));
  }

  /** Whether a message sent now from node `from` would reach node `to` (partitions, cuts, disconnects). */
  canReach(from: string, to: string): boolean {
    return this.engine.reachable(this.get(from), this.get(to));
  }

  /** Id of the last message sent (ids count up from 1 in sending order). */
  get lastMessageId(): number {
    return this.engine.lastMessageId;
  }

  propose(id: string, command: string): { index: number; term: number } | undefined {
    const n = this.get(id);
    // Checked before it is recorded: a run holding a command a link cannot carry could not be shared.
    if (typeof command !== 'string') throw new TypeError(`propose needs a command text (got ${typeof command})`);
    if (command.length > MAX_COMMAND_CHARS) throw new RangeError(`a command is at most ${MAX_COMMAND_CHARS.toLocaleString('en-US')} characters (got ${command.length.toLocaleString('en-US')})`);
    this.actionLog.push(Object.freeze({ at: this.now, events: this.engine.eventCount, op: 'propose', args: [id, command] }));
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

  // ---- membership (§6), snapshots (§7), leadership transfer (thesis §3.10) ----

  addNode(options: { id?: string; host?: string; port?: number } = {}): string {
    if (this.nodeIds.length >= MAX_NODES) throw new RangeError(`cannot add a node: the simulator supports at most ${MAX_NODES}`);
    let id = options.id;
    if (id === undefined) {
      let k = 1;
      while (this.usedIds.has(`n${k}`)) k++;
      id = `n${k}`;
    } else {
      if (typeof id !== 'string' || id.length > 64 || !NODE_ID.test(id)) throw new RangeError(`node id must be 1..64 letters, digits or _.:- (got '${String(id)}')`);
      if (this.usedIds.has(id)) throw new RangeError(`node id '${id}' is taken (ids of removed nodes are not reused)`);
      if (id === TIME_SERVER_ID || this.clients.has(id)) throw new RangeError(`node id '${id}' is taken by a client or the time server`);
      // As cluster.yaml: a client made later (the console, a workload publisher) would find its id taken.
      const owner = reservedIdOwner(id);
      if (owner !== undefined) throw new RangeError(`node id '${id}' is reserved for ${owner}`);
    }
    const host = options.host ?? '127.0.0.1';
    // The rules cluster.yaml's nodes follow (config.ts), checked before anything changes.
    if (typeof host !== 'string' || host.length === 0 || host.length > MAX_HOST_CHARS) {
      throw new RangeError(`node host must be a string of 1..${MAX_HOST_CHARS} characters (got ${typeof host === 'string' ? `${host.length} characters` : String(host)})`);
    }
    const port = options.port ?? Math.max(9100, ...this.config.nodes.map((x) => x.port)) + 1;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`node port must be an integer in range 1..65535 (got ${String(port)})`);
    // As cluster.yaml (host names are case-insensitive): two nodes may not share an address.
    const taken = this.config.nodes.find((x) => addressKey(x.host, x.port) === addressKey(host, port));
    if (taken !== undefined) throw new RangeError(`node address ${formatAddress(host, port)} is taken by ${taken.id}`);
    this.actionLog.push(Object.freeze({ at: this.now, events: this.engine.eventCount, op: 'addNode', args: [options] }));
    const node = this.makeNode(id, []);
    node.start();
    const entry: NodeConfig = { id, host, port, rpcPort: port + 1000, syncPort: port + 200 };
    this.config = { nodes: [...this.config.nodes, entry] };
    this.nodeIds = Object.freeze([...this.nodeIds, id]);
    this.engine.record({ at: this.now, kind: 'addNode', node: id, detail: `${id} started empty; it joins as a learner (thesis §4.2.1)` });
    this.membership.request({ op: 'add', id, requestedAt: this.now });
    this.settle(node);
    return id;
  }

  removeNode(id: string): void {
    const n = this.get(id);
    if (n.removed) throw new RangeError(`node '${id}' was already removed`);
    const pending = this.membership.pending();
    if (pending.some((c) => c.op === 'remove' && c.id === id)) return;
    const staying = this.nodeIds.filter((x) => x !== id && !pending.some((c) => c.op === 'remove' && c.id === x));
    if (staying.length === 0) throw new RangeError(`cannot remove '${id}': it is the last member`);
    this.act('removeNode', [id], `remove ${id}`, id);
    this.membership.request({ op: 'remove', id, requestedAt: this.now });
    this.settle();
  }

  members(): readonly string[] {
    return this.committedConfig.config.voters;
  }

  /** The latest committed configuration (voters and learners) and the index of its entry. */
  committedConfiguration(): { index: number; voters: readonly string[]; learners: readonly string[] } {
    const { index, config } = this.committedConfig;
    return { index, voters: config.voters, learners: config.learners };
  }

  pendingChanges(): ReadonlyArray<{ op: 'add' | 'remove'; id: string; requestedAt: number }> {
    return this.membership.pending();
  }

  reconfigure(yaml: string): { added: string[]; removed: string[] } {
    const wanted = parseClusterConfig(yaml);
    const current = new Set(this.nodeIds);
    const listed = new Set(wanted.nodes.map((x) => x.id));
    const toAdd = wanted.nodes.filter((x) => !current.has(x.id));
    for (const x of toAdd) {
      if (this.usedIds.has(x.id)) throw new ConfigError(`Node id ${x.id} belonged to a removed node and cannot be reused`);
    }
    const toRemove = this.nodeIds.filter((id) => !listed.has(id));
    if (toRemove.length === this.nodeIds.length && toAdd.length === 0) throw new ConfigError('Config must keep at least one node of the running cluster');
    // The nodes are added before any is removed (one change at a time): the whole change is checked first, so a refusal changes nothing.
    if (this.nodeIds.length + toAdd.length > MAX_NODES) {
      throw new ConfigError(`This change adds ${toAdd.length} nodes to the ${this.nodeIds.length} running, and the simulator supports at most ${MAX_NODES} at once (nodes are added before any is removed): remove nodes first, then add`);
    }
    for (const x of toAdd) if (x.id === TIME_SERVER_ID || this.clients.has(x.id)) throw new ConfigError(`Node id ${x.id} is taken by a client or the time server`);
    const added = toAdd.map((x) => this.addNode({ id: x.id, host: x.host, port: x.port }));
    for (const id of toRemove) this.removeNode(id);
    return { added, removed: toRemove };
  }

  transferLeadership(to: string): boolean {
    this.get(to);
    this.act('transferLeadership', [to], `to ${to}`, to);
    const l = this.raftLeader();
    const ok = l !== undefined && l.transferLeadership(to);
    this.settle(...(l !== undefined ? [l] : []));
    return ok;
  }

  snapshot(id: string): boolean {
    const n = this.get(id);
    this.act('snapshot', [id], undefined, id);
    const ok = n.snapshotNow();
    this.settle(n);
    return ok;
  }

  /**
   * Clients with these ids, made from now on, keep only their latest `lines` log lines (instead of
   * LOG_LIMIT). The page's driver calls it for its workload's publishers, whose two lines per message
   * nobody reads but every saved state of a long run would keep. Not an action: call it before those
   * clients exist, the same way in every replay.
   */
  keepClientLines(ids: readonly string[], lines: number): void {
    if (!Number.isSafeInteger(lines) || lines < 1) throw new RangeError(`keepClientLines: lines must be a whole number >= 1 (got ${lines})`);
    const limits = new Map(this.clientLogLines);
    for (const id of ids) limits.set(id, lines);
    this.clientLogLines = Object.freeze([...limits]);
  }

  /** Log lines kept per client id, where not LOG_LIMIT (frozen: set before the clients exist). */
  private clientLogLines: ReadonlyArray<readonly [string, number]> = Object.freeze([]);

  /** The client actor with this id, made on first use (clients sit outside every partition group). */
  client(id: string): ClientActor {
    let c = this.clients.get(id);
    if (c === undefined) {
      this.checkNewClient('client', id);
      const rng = this.rootRng.fork(`client:${id}`);
      const lines = this.clientLogLines.find(([x]) => x === id)?.[1];
      const settings = lines === undefined ? DEFAULT_CLIENT : { ...DEFAULT_CLIENT, logLines: lines };
      c = this.engine.addActor(
        (index) =>
          new ClientActor(
            index, id, this.engine, rng, () => this.nodeIds, (x) => this.byId.get(x)!, (x) => this.byId.get(x)!.connEpoch, settings, this.clientObserver,
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

  /** Node `id`'s failure detector, per peer, for display (the inspector). */
  detector(id: string): DetectorView {
    return this.get(id).detectorView();
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
    // A copy: a caller that changes its options object later must not change the action log. Options
    // naming only a client are one shared frozen object per client (a long workload records thousands).
    const recorded = clean.id === undefined && clean.via === undefined ? clientOnly(clean.client) : clean;
    this.actionLog.push(new PublishRecord(this.now, this.engine.eventCount, topic, message, recorded));
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
    this.actionLog.push(Object.freeze({ at: this.now, events: this.engine.eventCount, op, args: [...args, clean] }));
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

  /**
   * While `listener` (given to onEvent) is the only one, message and timer events go to `lean`
   * instead, as their parts, with no event object made (a quick seek only counts them); undefined
   * ends it. Other events still go to `listener`, in order.
   */
  leanEvents(listener: (event: SimEvent) => void, lean: LeanListener | undefined): void {
    this.engine.setLean(listener, lean);
  }

  /** The kept journal events, oldest first; `last`: only the newest `last` of them. */
  journal(last?: number): readonly SimEvent[] {
    const j = this.engine.journal;
    return last === undefined ? j.toArray() : j.since(j.total - last);
  }

  inFlight(): InFlight[] {
    return this.engine.inFlight();
  }

  /** A copy of the action log (it costs its length: hot paths read actionCount, actionAt or actionsSince). */
  actions(): ActionRecord[] {
    return this.actionLog.toArray();
  }

  actionCount(): number {
    return this.actionLog.length;
  }

  actionAt(i: number): ActionRecord | undefined {
    return this.actionLog.at(i);
  }

  actionsSince(from: number): ActionRecord[] {
    return this.actionLog.slice(from);
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

/**
 * A recorded publish: its arguments kept as fields, `args` made on reading. A run at 100 publishes/s
 * records 60,000 of them in ten minutes, and an `args` array each cost about as much as the rest of
 * the record (issue 11). Frozen, like every record; `toJSON` gives the plain record. Structured
 * cloning (postMessage) keeps own fields only: send `plainAction(a)` across.
 */
class PublishRecord implements ActionRecord {
  /** The message, or n for a message `<client>#<n>` (the page's workload names its messages so): its text is made on reading. */
  private readonly text: string | number;
  /** Topic and options: one shared object per (client, topic) for a publish naming only its client (see `publishTarget`). */
  private readonly target: PublishTarget;
  constructor(
    readonly at: number,
    readonly events: number,
    topic: string,
    message: string,
    options: Readonly<{ id?: string; via?: string; client?: string }>,
  ) {
    this.target = publishTarget(topic, options);
    this.text = numbered(message, options.client);
    Object.freeze(this);
  }
  get op(): string {
    return 'publish';
  }
  get args(): unknown[] {
    const t = this.text;
    const { topic, options } = this.target;
    return [topic, typeof t === 'number' ? `${options.client}#${t}` : t, options];
  }
  toJSON(): ActionRecord {
    return plainAction(this);
  }
}

interface PublishTarget {
  readonly topic: string;
  readonly options: Readonly<{ id?: string; via?: string; client?: string }>;
}

/** Shared targets by options object (the per-client frozen ones of `clientOnly`), then topic. */
const publishTargets = new WeakMap<object, Map<string, PublishTarget>>();
const TOPICS_PER_CLIENT_MAX = 256;

/**
 * The frozen (topic, options) of a publish: for options shared by every publish of a client (a
 * workload's), one object per (client, topic), so a record keeps one field for both (8 bytes a
 * publish). Other options (an id or a node named) get their own object. Bounded per client.
 */
function publishTarget(topic: string, options: Readonly<{ id?: string; via?: string; client?: string }>): PublishTarget {
  const byTopic = publishTargets.get(options);
  const known = byTopic?.get(topic);
  if (known !== undefined) return known;
  const t: PublishTarget = Object.freeze({ topic, options });
  if (byTopic !== undefined && byTopic.size < TOPICS_PER_CLIENT_MAX) byTopic.set(topic, t);
  return t;
}

/** n when `message` is exactly `<client>#<n>` (n written as String(n) writes it, 1 ≤ n < 10⁹), else `message`. */
export function numbered(message: string, client: string | undefined): string | number {
  if (client === undefined) return message;
  const k = client.length + 1;
  const digits = message.length - k;
  if (digits < 1 || digits > 9 || message.charCodeAt(k - 1) !== 35 || message.charCodeAt(k) === 48 || !message.startsWith(client)) return message;
  let n = 0;
  for (let i = k; i < message.length; i++) {
    const d = message.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return message;
    n = n * 10 + d;
  }
  return n;
}

/** The record as a plain object (own fields only), for crossing to a worker or for storage. */
export function plainAction(a: ActionRecord): ActionRecord {
  return { at: a.at, events: a.events, op: a.op, args: a.args };
}

/** Stands at index 0 of the shared entry views (a log's slot 0 is never viewed). */
const NO_ENTRY: Entry = Object.freeze({ term: -1, command: null });

/** An action log that keeps nothing: a run that will never be replayed need not grow with every publish. */
class DiscardingLog<T> extends Column<T> {
  override push(): void {}
}

export function createCluster(options?: ClusterOptions): SimCluster {
  return new SimCluster(options);
}

const clientOnlyOptions = new Map<string | undefined, Readonly<{ client?: string }>>();

/** The publish options `{ client }` (or `{}`), one frozen object per client id. */
function clientOnly(client: string | undefined): Readonly<{ client?: string }> {
  let o = clientOnlyOptions.get(client);
  if (o === undefined) {
    clientOnlyOptions.set(client, (o = Object.freeze(client === undefined ? {} : { client })));
    publishTargets.set(o, new Map());
  }
  return o;
}
