// A Wiber node as an actor on the bus: drives the pure Raft node and carries out what its outbox asks.
import { PhysicalClock } from '../core/clocks/physical';
import * as sync from '../core/clocks/sync';
import type { SyncMessage, SyncState } from '../core/clocks/sync';
import { PhiAccrualDetector, TimeoutDetector, type FailureDetector } from '../core/detector/detector';
import * as raft from '../core/raft/node';
import { BrokerNode, CLIENT_MESSAGE_TYPES, type BrokerObserver, type BrokerSettings } from './brokerNode';
import type { RaftNode } from '../core/raft/node';
import { RAFT_MESSAGE_TYPES, type Configuration, type Entry, type RaftMessage, type RaftOptions, type RaftPersistent, type Snapshot } from '../core/raft/types';
import type { Actor, Engine, Envelope, Timer as TimerT } from './engine';
import { Timer } from './engine';
import type { Rng } from './rng';

export interface NodeTiming {
  electionTimeoutMs: [number, number];
  heartbeatMs: number;
  startupGraceMs: number;
  syncIntervalMs: number;
  sync: sync.SyncAlgorithm;
  countSelf: boolean;
  suspectAfterMs: number;
  detector: 'timeout' | 'phi' | 'off';
  phiThreshold: number;
  /** How liveness news travels: relayed by the leader ('gossip') or only peer to peer ('direct'). */
  detectorMode: 'gossip' | 'direct';
  /** Snapshot after this many applied entries since the last snapshot (§7); 0 = never. */
  snapshotEvery: number;
  /** Read leases last minElectionTimeout·(1 − this bound) on the leader's own clock (thesis §6.4.1). */
  driftBoundPpm: number;
}

/** What the time layer needs from the cluster: who coordinates Berkeley rounds, and who exists. */
export interface TimeHost {
  berkeleyCoordinator(): string | undefined;
  timeServer(): Actor;
  /** Ground truth for the detector's statistics: is `peer` up and reachable from `from` right now? */
  reachableAndUp(from: Actor, peer: string): boolean;
}

/** How often a node's failure detector was right or wrong. */
export interface DetectorStats {
  suspicions: number;
  /** Suspected while up and reachable: the detector's mistakes. */
  falseSuspicions: number;
}

/** What the cluster hears of a node's Raft life beyond the journal (membership, snapshots, checkers). */
export interface NodeHooks {
  /** The configuration this node uses changed, or one became committed on it. */
  config?(node: NodeActor, config: Configuration, index: number, committed: boolean): void;
  /** An entry was applied (checkers). */
  apply?(node: NodeActor, index: number, entry: Entry): void;
  /** The state machine was replaced by a snapshot (checkers). */
  restore?(node: NodeActor, snapshot: Snapshot): void;
  /** About to compact the log: the checkers look at the node as it is before. */
  beforeCompact?(node: NodeActor): void;
}

export interface NodeDeps {
  engine: Engine;
  timing: NodeTiming;
  timerRng: Rng;
  raftOptions: RaftOptions;
  actor: (id: string) => Actor;
  clock: PhysicalClock;
  host: TimeHost;
  actorCount: number;
  broker: BrokerSettings;
  brokerObserver: BrokerObserver | undefined;
  hooks: NodeHooks;
}

export class NodeActor implements Actor {
  readonly isNode = true;
  up = true;
  /** Persisted across crashes, like the Raft state on disk. */
  lamport = 0;
  readonly persistent: RaftPersistent;
  raft: RaftNode;
  /** Removed from the cluster (§6): stopped for good once its removal committed. */
  removed = false;
  /** Position among the cluster's nodes (the checkers' numbering). */
  pos = 0;
  /** The other servers this node talks to: those of its configurations (its Raft peers). */
  peers: readonly string[] = [];
  readonly electionTimer: Timer;
  readonly heartbeatTimer: Timer;
  /** Fires at the end of the instant in which entries were proposed: they then leave together. */
  readonly replicateTimer: Timer;
  /** The physical clock keeps running through crashes; only the sync correction is volatile. */
  readonly clock: PhysicalClock;
  sync: SyncState;
  detector: FailureDetector;
  readonly syncTimer: Timer;
  /**
   * Failure detector: fires when a peer is due a ping (nothing sent to it for suspectAfterMs/3) or
   * a peer's silence passes suspectAfterMs. While messages arrive it mostly never fires: pings go
   * out during deliveries (see pingSilent), and a timer pushed later costs no event.
   */
  readonly fdTimer: Timer;
  /** Berkeley coordinator: closes a round whose replies did not all come back. */
  readonly roundTimer: Timer;
  readonly detectorStats: DetectorStats = { suspicions: 0, falseSuspicions: 0 };
  /** True time of the last message this node sent to each peer (by actor index), for pings. */
  private lastSentTo: Float64Array;
  /** Gossip mode: when a message from each actor (by index) last arrived here: what a leader relays. */
  private directAt: Float64Array;
  /** Gossip mode: the Lamport stamp of that message: the peer's heartbeat counter, relayed with it. */
  private directHb: Float64Array;
  /** Gossip mode: the highest heartbeat counter of each peer known here, heard or relayed: relayed news counts only above it. */
  private knownHb: Float64Array;
  /** Gossip mode: when fresh news of each peer (by index) last arrived, direct or relayed: pings wait for its lack. */
  private newsAt: Float64Array;
  /** Gossip mode: when an AppendEntries with a liveness table last arrived (a leader vouches for us meanwhile). */
  private tableAt = -Infinity;
  /** Gossip mode, leader: the liveness table its AppendEntries carry this instant (one per instant, shared). */
  private aliveTable: Readonly<Record<string, AliveEntry>> | null = null;
  private aliveTableAt = -Infinity;
  /** From this time on, some peer is nearly due a ping: the next delivery sends it (see PING_SLACK). */
  private pingFrom = Infinity;
  /** When the least recently sent-to peer is due a ping at the latest. */
  private pingAt = Infinity;
  /** Actor index of that peer (-1: none, detector off or node down): sending to it moves pingAt. */
  private oldestPeer = -1;
  /** Inside pingSilent: sends there re-arm once, at the end. */
  private pinging = false;
  /** Where the next NTP round starts in the list of peers (when it asks only some of them). */
  private syncCursor = 0;
  private peerActors: Actor[];
  private readonly hooks: NodeHooks;
  /** True time this node last heard the leader of its term (leader stickiness, thesis §4.2.3). */
  private leaderContactAt = 0;
  /** Lease reads: the leader's monotonic clock when each heartbeat round left, by round number. */
  private roundSentAt = new Map<number, number>();
  /** Lease reads: the leader's monotonic clock reading until which its lease holds. */
  leaseUntil = -Infinity;
  /** The Wiber broker on top of Raft: topics, client lines, subscriptions. */
  readonly broker: BrokerNode;
  /**
   * Moves on each time every client connection to this node ends (crash, disconnect): a client
   * segment from an earlier epoch belongs to a closed connection (like a segment after a TCP reset).
   */
  connEpoch = 1;
  /** Highest log index ever applied here; kept across crashes, as a real node would persist it. */
  appliedHighWater = 0;
  private readonly engine: Engine;
  private readonly timing: NodeTiming;
  private readonly timerRng: Rng;
  private readonly raftOptions: RaftOptions;
  private readonly peerActor: (id: string) => Actor;
  private readonly host: TimeHost;

  /** `voters`: the configuration it starts with; a node added to a running cluster starts with none (§6). */
  constructor(
    readonly index: number,
    readonly id: string,
    voters: readonly string[],
    deps: NodeDeps,
  ) {
    const { engine, clock, actorCount } = deps;
    this.engine = engine;
    this.timing = deps.timing;
    this.timerRng = deps.timerRng;
    this.raftOptions = deps.raftOptions;
    this.peerActor = deps.actor;
    this.host = deps.host;
    this.hooks = deps.hooks;
    this.persistent = raft.newPersistent(voters);
    this.electionTimer = new Timer(this, 'election');
    this.heartbeatTimer = new Timer(this, 'heartbeat');
    this.replicateTimer = new Timer(this, 'replicate');
    this.syncTimer = new Timer(this, 'sync');
    this.fdTimer = new Timer(this, 'detector');
    this.roundTimer = new Timer(this, 'syncRound');
    this.clock = clock;
    this.lastSentTo = new Float64Array(actorCount).fill(-Infinity);
    this.directAt = new Float64Array(actorCount).fill(-Infinity);
    this.directHb = new Float64Array(actorCount).fill(-Infinity);
    this.knownHb = new Float64Array(actorCount).fill(-Infinity);
    this.newsAt = new Float64Array(actorCount).fill(-Infinity);
    this.peerActors = [];
    this.raft = raft.createRaftNode(id, voters, this.persistent, this.raftOptions);
    this.peers = this.raft.peers;
    this.sync = this.newSync();
    this.detector = this.newDetector();
    this.broker = new BrokerNode(
      {
        id,
        engine,
        tick: () => ++this.lamport,
        send: (to, type, payload) => this.send(to, type, payload),
        actor: deps.actor,
        role: () => this.raft.role,
        leaderId: () => this.raft.leaderId,
        term: () => this.persistent.currentTerm,
        propose: (command) => this.propose(command),
        localNow: () => this.localNow(),
        correctedNow: () => this.correctedNow(),
        trueTimeAtCorrected: (c) => this.trueTimeAtCorrected(c),
        connEpoch: () => this.connEpoch,
        appliedHighWater: () => this.appliedHighWater,
        requestRead: () => {
          const r = raft.requestRead(this.raft);
          this.drain();
          return r;
        },
        leaseValid: () => this.raft.role === 'leader' && this.leaseClock() < this.leaseUntil,
        readIndexNow: () => (this.raft.role === 'leader' && this.raft.commitIndex >= this.raft.termStart ? this.raft.commitIndex : undefined),
      },
      this,
      deps.broker,
      deps.brokerObserver,
    );
  }

  /** Called once every actor exists: starts Raft and the time layer's timers. */
  start(): void {
    this.setPeerActors(this.peers);
    this.drain();
    this.startTimeLayer(this.engine.now === 0);
  }

  /** The servers of its configuration changed (§6): the time layer talks to the new set. */
  private setPeers(peers: readonly string[]): void {
    if (peers === this.peers) return;
    this.peers = peers;
    this.setPeerActors(peers);
    this.detector = this.newDetector();
    for (const id of this.sync.peers.keys()) if (!peers.includes(id)) this.sync.peers.delete(id);
    // A new peer has heard nothing from us yet: it is pinged now; the timer follows the new set.
    if (this.up && this.timing.detector !== 'off') this.pingSilent();
  }

  /** The actors behind `peers`; every one gets a slot in lastSentTo (a peer added later has a higher actor index). */
  private setPeerActors(peers: readonly string[]): void {
    this.peerActors = peers.map((p) => this.peerActor(p));
    for (const a of this.peerActors) this.slotFor(a.index);
  }

  /** Grows lastSentTo and the gossip arrays to hold actor `index` (new slots: never sent to or heard). */
  private slotFor(index: number): void {
    if (index < this.lastSentTo.length) return;
    const size = Math.max(index + 1, this.lastSentTo.length * 2);
    const grow = (a: Float64Array): Float64Array => {
      const grown = new Float64Array(size).fill(-Infinity);
      grown.set(a);
      return grown;
    };
    this.lastSentTo = grow(this.lastSentTo);
    this.directAt = grow(this.directAt);
    this.directHb = grow(this.directHb);
    this.knownHb = grow(this.knownHb);
    this.newsAt = grow(this.newsAt);
  }

  /** The leader's monotonic clock for leases: it drifts with the node's oscillator but is never stepped. */
  leaseClock(): number {
    return this.clock.monotonic(this.engine.now);
  }

  /** How long a confirmed heartbeat round keeps a lease, on the leader's own clock. */
  private leaseMs(): number {
    return this.timing.electionTimeoutMs[0] * (1 - this.timing.driftBoundPpm * 1e-6);
  }

  private newSync(): SyncState {
    return sync.createSyncState(this.id, { algorithm: this.timing.sync, countSelf: this.timing.countSelf });
  }

  private newDetector(): FailureDetector {
    const peers = this.peers;
    const now = this.monotonicNow();
    return this.timing.detector === 'phi'
      ? new PhiAccrualDetector(peers, { threshold: this.timing.phiThreshold, acceptablePauseMs: this.phiPauseMs() }, now)
      : new TimeoutDetector(peers, this.timing.suspectAfterMs, now);
  }

  /**
   * Gossip mode: relayed news of a peer skips a heartbeat round whenever the peer's latest message
   * went to someone other than the leader, so a gap of two rounds is normal; phi tolerates one
   * heartbeat of pause (Akka's acceptable-heartbeat-pause) instead of learning that only later.
   */
  private phiPauseMs(): number {
    return this.timing.detectorMode === 'gossip' ? this.timing.heartbeatMs : 0;
  }

  /**
   * The failure detector as a learner reads it (the inspector; never called by the run itself):
   * per peer, how long since the last news of it, since it was last heard itself, the highest
   * heartbeat counter known (gossip mode) and whether, or in how long without news, it is suspected.
   */
  detectorView(): DetectorView {
    const t = this.timing;
    const now = this.monotonicNow();
    const on = this.up && t.detector !== 'off';
    const gossip = t.detectorMode === 'gossip';
    const ago = (at: number): number | null => (at === -Infinity ? null : Math.round((now - at) * 10) / 10);
    const peers = this.peerActors.map((peer): DetectorPeerView => {
      const st = on ? this.detector.peerState(peer.id) : undefined;
      const i = peer.index;
      const known = i < this.knownHb.length && gossip ? this.knownHb[i] : -Infinity;
      return {
        id: peer.id,
        newsAgoMs: st?.heard === true ? ago(st.lastHeardMs) : null,
        directAgoMs: on && gossip && i < this.directAt.length ? ago(this.directAt[i]) : null,
        heartbeat: known === -Infinity ? null : known,
        suspected: st?.suspected ?? false,
        suspectInMs: st === undefined || st.suspected ? null : Math.max(0, Math.round((st.deadlineMs - now) * 10) / 10),
      };
    });
    return { kind: t.detector, mode: t.detectorMode, suspectAfterMs: t.suspectAfterMs, phiThreshold: t.phiThreshold, up: this.up, peers };
  }

  /**
   * The node's monotonic clock, for measuring silences: like an OS monotonic clock it never jumps
   * when the wall clock is stepped. Its drift (≤ a few hundred ppm) is negligible over a timeout,
   * so it is modelled as true time.
   */
  monotonicNow(): number {
    return this.engine.now;
  }

  /** This node's raw physical clock now: the only clock its logic reads. */
  localNow(): number {
    return this.clock.read(this.engine.now);
  }

  /** The earliest true time at which correctedNow() reads at least `correctedMs` (never before now). */
  trueTimeAtCorrected(correctedMs: number): number {
    const correction = this.sync.correctionMs;
    let t = Math.max(this.engine.now, this.clock.trueTimeAt(correctedMs - correction));
    // read(t) >= c − correction does not imply read(t) + correction >= c in floating point: nudge up.
    for (let step = 1e-9; this.clock.read(t) + correction < correctedMs; step *= 2) t += step;
    return t;
  }

  correctedNow(): number {
    return sync.corrected(this.sync, this.localNow());
  }

  private startTimeLayer(first: boolean): void {
    const engine = this.engine;
    if (this.timing.sync !== 'off') {
      // Spread first rounds over one interval so nodes do not all sync at once.
      const delay = first ? this.timerRng.between(0, this.timing.syncIntervalMs) : this.timing.syncIntervalMs;
      engine.setTimer(this.syncTimer, engine.now + delay);
    }
    if (this.timing.detector !== 'off') {
      // At the start everyone counts as just heard from; a restarted node pings every peer at once,
      // so they hear it is back without waiting.
      if (first) {
        for (const peer of this.peerActors) {
          this.lastSentTo[peer.index] = engine.now;
          this.newsAt[peer.index] = engine.now;
        }
      }
      this.pingSilent();
    }
  }

  /** Every peer must hear from us at least every suspectAfterMs/3 (contract). */
  private pingEvery(): number {
    return this.timing.suspectAfterMs / 3;
  }

  /**
   * When peer `i` (actor index) was last served, the ping period counting from there. Direct mode:
   * the last send to it (every peer must hear us). Gossip mode, while a leader's tables arrive (it
   * hears us, so it vouches for us to the others): the later of the last fresh news of the peer and
   * the last send to it (we ping a peer we have no news of, and not again before an answer could come
   * back). Once no table has come for a ping period, news counts only up to the last table, so the
   * direct rule takes over: nobody vouches for us, every peer must hear us. Hence
   * max(sent, min(news, tableAt)): the ping falls due at whichever rule's deadline comes first.
   */
  private servedAt(i: number): number {
    const sent = this.lastSentTo[i];
    if (this.timing.detectorMode === 'direct') return sent;
    const news = this.newsAt[i] < this.tableAt ? this.newsAt[i] : this.tableAt;
    return news > sent ? news : sent;
  }

  /**
   * Pings each peer that is nearly due one (see PING_SLACK), then re-arms the detector timer for the
   * next ping due or the next suspicion, whichever comes first.
   */
  private pingSilent(): void {
    const now = this.engine.now;
    const early = this.pingEvery() * (1 - PING_SLACK);
    this.pinging = true;
    for (const peer of this.peerActors) {
      if (now - this.servedAt(peer.index) >= early) this.send(peer, 'Ping', PING);
    }
    this.pinging = false;
    this.rearmPings();
  }

  /**
   * Finds the least recently sent-to peer and moves the detector timer to its ping deadline (or an
   * earlier suspicion). Called whenever that peer is sent something, so the timer only fires for a
   * ping that is really due: a wake-up found pushed later costs no event.
   */
  private rearmPings(): void {
    let oldest = Infinity;
    let index = -1;
    for (const peer of this.peerActors) {
      const last = this.servedAt(peer.index);
      if (last < oldest) {
        oldest = last;
        index = peer.index;
      }
    }
    const every = this.pingEvery();
    this.oldestPeer = index;
    this.pingFrom = oldest + every * (1 - PING_SLACK);
    this.pingAt = oldest + every;
    this.armDetector();
  }

  private armDetector(): void {
    // Never in the past: a peer never sent to (its slot -Infinity) is due now.
    this.engine.setTimer(this.fdTimer, Math.max(this.engine.now, Math.min(this.pingAt, this.detector.nextCheckAt() ?? Infinity)));
  }

  send(to: Actor, type: string, payload: unknown): void {
    this.slotFor(to.index);
    this.lastSentTo[to.index] = this.engine.now;
    if (to.index === this.oldestPeer && !this.pinging) this.rearmPings();
    if (type === 'AppendEntries' && this.timing.detectorMode === 'gossip' && this.timing.detector !== 'off') {
      // Set on the fresh message (no copy: a spread made every AppendEntries a slower, differently shaped object).
      const msg = payload as { alive?: unknown };
      msg.alive = this.aliveNow();
      Object.freeze(msg);
    }
    this.engine.send(this, to, type, payload);
  }

  /**
   * Gossip mode: what this node relays with its AppendEntries: for each peer it has heard directly
   * within suspectAfterMs, how long ago (ms, on its monotonic clock) and the peer's heartbeat counter
   * then (the Lamport stamp of that message). One frozen table per instant, shared by every
   * AppendEntries of that instant; a receiver skips its own entry.
   */
  private aliveNow(): Readonly<Record<string, AliveEntry>> {
    const now = this.monotonicNow();
    if (this.aliveTableAt === now && this.aliveTable !== null) return this.aliveTable;
    const table: Record<string, AliveEntry> = {};
    for (const peer of this.peerActors) {
      // Tenths of a millisecond, as a real node would write a duration on the wire (and as learners read it).
      const agoMs = Math.round((now - this.directAt[peer.index]) * 10) / 10;
      if (agoMs <= this.timing.suspectAfterMs) table[peer.id] = Object.freeze({ agoMs, hb: this.directHb[peer.index] });
    }
    this.aliveTable = Object.freeze(table);
    this.aliveTableAt = now;
    return this.aliveTable;
  }

  /** See Actor.discards: only a client's segment of a closed connection. */
  discards(env: Envelope): string | undefined {
    return env.from.isNode || !CLIENT_MESSAGE_TYPES.has(env.type) ? undefined : this.broker.discards(env);
  }

  deliver(env: Envelope): void {
    const from = env.from;
    if (from.isNode && this.timing.detector !== 'off') this.hear(env);
    const type = env.type;
    if (RAFT_MESSAGE_TYPES.has(type)) {
      const r = this.raft;
      if (type === 'RequestVote' || type === 'PreVote') r.heardLeader = this.heardLeader();
      raft.receive(r, from.id, env.payload as RaftMessage);
      if ((type === 'AppendEntries' || type === 'InstallSnapshot') && r.leaderId === from.id) this.leaderContactAt = this.engine.now;
      this.drain();
    } else if (sync.SYNC_MESSAGE_TYPES.has(type)) {
      this.sendSync(sync.onMessage(this.sync, from.id, env.payload as SyncMessage, this.localNow()));
      this.noteSync();
    } else if (CLIENT_MESSAGE_TYPES.has(type)) {
      this.broker.onMessage(env);
    }
    if (this.engine.now >= this.pingFrom && this.up) this.pingSilent();
  }

  /** The failure detector's part of a delivery from a node: the sender is heard; gossip adds what it relays. */
  private hear(env: Envelope): void {
    const from = env.from;
    const now = this.monotonicNow();
    let rearm = false;
    if (this.detector.heard(from.id, now)) {
      this.engine.record({ at: this.engine.now, kind: 'unsuspect', node: this.id, to: from.id });
      rearm = true; // the peer has a deadline again
    } else if (this.timing.detector === 'phi') rearm = true; // a short gap can bring phi's deadline closer
    if (this.timing.detectorMode === 'gossip') {
      this.slotFor(from.index);
      this.directAt[from.index] = now;
      this.directHb[from.index] = env.lamport;
      if (env.lamport > this.knownHb[from.index]) this.knownHb[from.index] = env.lamport;
      this.newsAt[from.index] = now;
      let moved = from.index === this.oldestPeer;
      if (env.type === 'AppendEntries') {
        const alive = (env.payload as { alive?: Readonly<Record<string, AliveEntry>> }).alive;
        if (alive !== undefined) {
          this.tableAt = now;
          moved = true; // every peer's deadline may move
          for (const peer of this.peerActors) {
            const entry = alive[peer.id];
            if (entry === undefined || peer.index === from.index) continue;
            const age = entry.agoMs;
            // Recent news (younger than a ping period) defers our ping a full period, even when we
            // had heard the peer ourselves since; older news only as far as its age allows.
            const fresh = age < this.pingEvery() ? now : now - age;
            if (fresh > this.newsAt[peer.index]) this.newsAt[peer.index] = fresh;
            // Only a higher heartbeat counter is news: the same message relayed again, in a table
            // that travelled faster, must not look fresher (van Renesse et al.'s counters).
            if (!(entry.hb > this.knownHb[peer.index])) continue;
            this.knownHb[peer.index] = entry.hb;
            const news = this.detector.heardAt(peer.id, now - age, now);
            if (news === 'older') continue;
            if (news === 'cleared') {
              this.engine.record({ at: this.engine.now, kind: 'unsuspect', node: this.id, to: peer.id, detail: `relayed by ${from.id}` });
              rearm = true;
            } else if (this.timing.detector === 'phi') rearm = true;
          }
        }
      }
      // Sent a ping by a peer that has no news of us: answer it, unless something just went its way.
      if (env.type === 'Ping' && this.engine.now - this.lastSentTo[from.index] >= this.pingEvery() / 2 && this.up) {
        this.pinging = true;
        this.send(from, 'Ping', PING);
        this.pinging = false;
        moved = true;
      }
      if (moved && !this.pinging) return this.rearmPings();
    }
    if (rearm) this.armDetector();
  }

  fire(timer: TimerT): void {
    if (timer === this.electionTimer) raft.electionTimeout(this.raft);
    else if (timer === this.heartbeatTimer) raft.heartbeat(this.raft);
    else if (timer === this.replicateTimer) raft.flush(this.raft);
    else if (timer === this.fdTimer) return this.detectorTick();
    else if (timer === this.syncTimer) return this.syncTick();
    else if (timer === this.roundTimer) {
      this.sendSync(sync.finishRound(this.sync, this.localNow()));
      return this.noteSync();
    } else if (timer === this.broker.timeoutTimer) return this.broker.onTimeout();
    else if (timer === this.broker.releaseTimer) return this.broker.onRelease();
    else if (this.broker.ownsTimer(timer)) return this.broker.onConnectionTimer(timer);
    else return;
    this.drain();
  }

  /** Heard from a leader within the minimum election timeout, or is one (thesis §4.2.3, §9.6). */
  heardLeader(): boolean {
    const r = this.raft;
    if (r.role === 'leader') return true;
    return this.engine.now - this.leaderContactAt < this.timing.electionTimeoutMs[0];
  }

  private detectorTick(): void {
    const engine = this.engine;
    const now = engine.now;
    for (const peer of this.detector.check(this.monotonicNow())) {
      const mistaken = this.host.reachableAndUp(this, peer);
      this.detectorStats.suspicions++;
      if (mistaken) this.detectorStats.falseSuspicions++;
      engine.record({ at: now, kind: 'suspect', node: this.id, to: peer, detail: mistaken ? 'false suspicion: it is up and reachable' : 'it is down or cut off' });
    }
    this.pingSilent();
  }

  private syncTick(): void {
    const engine = this.engine;
    const algorithm = this.timing.sync;
    let peers: readonly string[] = this.peers;
    if (algorithm === 'cristian') peers = [this.host.timeServer().id];
    if (algorithm === 'berkeley') {
      // Only the coordinator (the leader, or the lowest up id without one) runs a round.
      if (this.host.berkeleyCoordinator() === this.id) {
        this.sendSync(sync.startRound(this.sync, this.localNow(), this.peers));
        engine.setTimer(this.roundTimer, engine.now + Math.min(500, this.timing.syncIntervalMs / 2));
      }
    } else {
      this.sendSync(sync.startRound(this.sync, this.localNow(), algorithm === 'ntp' ? this.syncPeers() : peers));
    }
    this.noteSync();
    engine.setTimer(this.syncTimer, engine.now + this.timing.syncIntervalMs);
  }

  /**
   * The peers an NTP round asks: every peer while there are at most SYNC_FANOUT, otherwise the next
   * SYNC_FANOUT in turn, so that a round costs O(1) messages per node (O(n) for the cluster, not
   * O(n²)) and every peer is still asked every ⌈(n−1)/SYNC_FANOUT⌉ rounds. The correction keeps
   * averaging the latest offset measured from each peer.
   */
  private syncPeers(): string[] {
    const others = this.peers.filter((p) => p !== this.id);
    if (others.length <= SYNC_FANOUT) return others;
    const out: string[] = [];
    for (let k = 0; k < SYNC_FANOUT; k++) out.push(others[(this.syncCursor + k) % others.length]);
    this.syncCursor = (this.syncCursor + SYNC_FANOUT) % others.length;
    return out;
  }

  private sendSync(sends: readonly sync.SyncSend[]): void {
    for (const s of sends) {
      const to = s.to === this.host.timeServer().id ? this.host.timeServer() : this.peerActor(s.to);
      this.send(to, s.msg.type, s.msg);
    }
  }

  /** Journal what the last sync step learned (a sample, a round, an adjustment). */
  private noteSync(): void {
    const note = this.sync.note;
    if (note === null) return;
    this.engine.record({
      at: this.engine.now, kind: 'sync', node: this.id, type: note.kind,
      detail: `correction ${this.sync.correctionMs.toFixed(3)} ms`, payload: note,
    });
    this.sync.note = null;
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

  /** Every client connection to this node ends now (it crashed, or it was cut off from clients). */
  dropClientConnections(): void {
    this.connEpoch++;
    this.broker.dropConnections();
  }

  /** Take a snapshot now (§7) of everything applied; false when nothing new was applied since the last. */
  snapshotNow(): boolean {
    const r = this.raft;
    if (!this.up || r.lastApplied <= raft.snapshotIndex(r)) return false;
    this.hooks.beforeCompact?.(this);
    const done = raft.compact(r, r.lastApplied, this.broker.snapshotData());
    this.drain();
    return done;
  }

  /** Leader: hand leadership to `to` (thesis §3.10). */
  transferLeadership(to: string): boolean {
    const ok = raft.transferLeadership(this.raft, to);
    this.drain();
    return ok;
  }

  /** Leader: start adding `id` as a learner, or remove `id` (§6). */
  changeMembership(op: 'add' | 'remove', id: string): boolean {
    const r = op === 'add' ? raft.addLearner(this.raft, id) : raft.removeServer(this.raft, id);
    this.drain();
    return r !== undefined;
  }

  crash(): void {
    this.up = false;
    this.connEpoch++;
    for (const t of [this.electionTimer, this.heartbeatTimer, this.replicateTimer, this.syncTimer, this.fdTimer, this.roundTimer]) {
      this.engine.stopTimer(t);
    }
    // Correction and last-heard times are volatile: a down node suspects no one.
    this.pingFrom = Infinity;
    this.pingAt = Infinity;
    this.oldestPeer = -1;
    this.directAt.fill(-Infinity);
    this.directHb.fill(-Infinity);
    this.knownHb.fill(-Infinity);
    this.newsAt.fill(-Infinity);
    this.tableAt = -Infinity;
    this.aliveTable = null;
    this.aliveTableAt = -Infinity;
    this.broker.reset();
    this.sync = this.newSync();
    this.detector = this.newDetector();
    // Volatile state is gone; the persistent object stays for the restart.
    this.raft = raft.createRaftNode(this.id, [], this.persistent, this.raftOptions);
    this.raft.outbox.length = 0;
    this.roundSentAt.clear();
    this.leaseUntil = -Infinity;
  }

  restart(): void {
    this.up = true;
    this.sync = this.newSync();
    this.raft = raft.createRaftNode(this.id, [], this.persistent, this.raftOptions);
    this.peers = this.raft.peers;
    this.setPeerActors(this.peers);
    this.detector = this.newDetector();
    // It cannot know whether a leader's lease is still running: it waits as if it had just heard one.
    this.leaderContactAt = this.engine.now;
    this.drain();
    this.startTimeLayer(false);
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
          this.send(this.peerActor(o.to), o.msg.type, o.msg);
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
        case 'flushSoon':
          // Zero delay: it fires after everything else already due now, still at this instant.
          engine.setTimer(this.replicateTimer, engine.now);
          break;
        case 'role':
          engine.record({ at: engine.now, kind: 'role', node: this.id, role: o.role, term: o.term });
          if (o.role !== 'leader') {
            this.broker.onLeadershipLost();
            this.roundSentAt.clear();
            this.leaseUntil = -Infinity;
          }
          break;
        case 'commit':
          engine.record({ at: engine.now, kind: 'commit', node: this.id, index: o.index, term: node.p.currentTerm, role: o.role, entryTerm: raft.termAt(node, o.index) });
          break;
        case 'apply':
          engine.record({ at: engine.now, kind: 'apply', node: this.id, index: o.index, term: o.entry.term, payload: o.entry.command });
          this.hooks.apply?.(this, o.index, o.entry);
          this.broker.apply(o.index, o.entry.term, o.entry.command);
          if (o.index > this.appliedHighWater) this.appliedHighWater = o.index;
          break;
        case 'vote':
          engine.record({
            at: engine.now, kind: o.pre === true ? 'preVote' : 'vote', node: this.id, to: o.candidate, term: node.p.currentTerm,
            detail: (o.granted ? 'granted: ' : 'denied: ') + o.reason,
          });
          break;
        case 'truncate':
          engine.record({ at: engine.now, kind: 'truncate', node: this.id, index: o.fromIndex, term: node.p.currentTerm });
          break;
        case 'config':
          engine.record({
            at: engine.now, kind: 'config', node: this.id, index: o.index, term: node.p.currentTerm,
            detail: describeConfig(o.config), payload: o.config,
          });
          this.setPeers(node.peers);
          this.hooks.config?.(this, o.config, o.index, false);
          break;
        case 'configCommitted':
          engine.record({
            at: engine.now, kind: 'configCommitted', node: this.id, index: o.index, term: node.p.currentTerm,
            detail: describeConfig(o.config), payload: o.config,
          });
          this.setPeers(node.peers);
          this.hooks.config?.(this, o.config, o.index, true);
          break;
        case 'snapshot':
          engine.record({
            at: engine.now, kind: 'snapshot', node: this.id, index: o.snapshot.lastIncludedIndex, term: o.snapshot.lastIncludedTerm,
            detail: `log compacted up to index ${o.snapshot.lastIncludedIndex} (§7)`,
          });
          break;
        case 'restore':
          engine.record({
            at: engine.now, kind: 'restore', node: this.id, index: o.snapshot.lastIncludedIndex, term: o.snapshot.lastIncludedTerm,
            detail: `state machine replaced by the snapshot up to index ${o.snapshot.lastIncludedIndex} (§7)`,
          });
          this.setPeers(node.peers);
          this.hooks.restore?.(this, o.snapshot);
          this.broker.restore(o.snapshot.data);
          if (o.snapshot.lastIncludedIndex > this.appliedHighWater) this.appliedHighWater = o.snapshot.lastIncludedIndex;
          break;
        case 'readRound':
          // A round that leaves while handing over grants no lease, even if answered after an abort; nor
          // does one after a TimeoutNow went out this term (it may still land and elect the target).
          if (this.raftOptions.leaseRounds && this.raft.transferee === null && !this.raft.leaseBarred) this.roundSentAt.set(o.seq, this.leaseClock());
          break;
        case 'readConfirmed':
          if (this.raftOptions.leaseRounds) this.renewLease(o.seq);
          this.broker.onReadConfirmed(o.seq);
          break;
        case 'transfer':
          // A leader that hands over gives up its lease first (thesis §6.4.1): TimeoutNow lets the
          // target win past the followers' stickiness, which is what the lease relies on.
          if (o.event === 'start') this.leaseUntil = -Infinity;
          engine.record({
            at: engine.now, kind: 'transfer', node: this.id, to: o.to, term: node.p.currentTerm,
            detail: o.event === 'start'
              ? `handing leadership to ${o.to}: proposals paused (thesis §3.10)` + (this.raftOptions.leaseRounds ? '; read lease given up (thesis §6.4.1)' : '')
              : o.event === 'timeoutNow' ? `${o.to} is up to date: TimeoutNow sent` : `transfer to ${o.to} abandoned: not finished within about an election timeout (three heartbeats)`,
          });
          break;
        case 'preVote':
          engine.record({ at: engine.now, kind: 'preVoteStart', node: this.id, term: o.term, detail: `pre-vote for term ${o.term} (§9.6)` });
          break;
        case 'stepDown':
          engine.record({ at: engine.now, kind: 'stepDown', node: this.id, term: node.p.currentTerm, detail: o.reason });
          break;
      }
    }
    out.length = 0;
    const every = this.timing.snapshotEvery;
    if (every > 0 && node.lastApplied - raft.snapshotIndex(node) >= every && this.up) this.snapshotNow();
  }

  /** A majority answered round `seq`: the lease runs from when that round left (thesis §6.4.1). */
  private renewLease(seq: number): void {
    if (this.raft.transferee !== null || this.raft.leaseBarred) return;
    let sentAt = -Infinity;
    for (const [s, at] of this.roundSentAt) {
      if (s > seq) continue;
      if (s === seq) sentAt = at;
      this.roundSentAt.delete(s);
    }
    if (sentAt !== -Infinity) this.leaseUntil = Math.max(this.leaseUntil, sentAt + this.leaseMs());
  }
}

/**
 * A peer silent for this fraction of the ping period is pinged at the next delivery rather than on
 * the timer: pings to several peers then fall due together, and most go out inside an event that
 * happens anyway. Larger means more early pings; smaller, more timer events (0.3 measured best).
 */
export const PING_SLACK = 0.3;

/** Most peers one NTP round asks (see NodeActor.syncPeers). */
const SYNC_FANOUT = 4;
const PING = Object.freeze({ type: 'Ping' });

/** One peer in a node's failure-detector view. Durations in ms on the node's monotonic clock; null: none. */
export interface DetectorPeerView {
  readonly id: string;
  /** Since the last news of the peer, heard from it or relayed (null: none since the node started or restarted). */
  readonly newsAgoMs: number | null;
  /** Gossip mode: since a message from the peer itself last arrived (null: none, or direct mode). */
  readonly directAgoMs: number | null;
  /** Gossip mode: the highest heartbeat counter (Lamport stamp) of the peer known here. */
  readonly heartbeat: number | null;
  readonly suspected: boolean;
  /** Not suspected: how much more silence makes it so (null when suspected or the detector is off). */
  readonly suspectInMs: number | null;
}

/** A node's failure detector as the inspector shows it. */
export interface DetectorView {
  readonly kind: 'timeout' | 'phi' | 'off';
  readonly mode: 'gossip' | 'direct';
  readonly suspectAfterMs: number;
  readonly phiThreshold: number;
  /** A down node's detector holds nothing (it suspects no one). */
  readonly up: boolean;
  readonly peers: readonly DetectorPeerView[];
}

/** One peer in a gossip-mode AppendEntries' `alive` table. */
export interface AliveEntry {
  /** How long ago (ms, on the sender's monotonic clock) the sender last heard from the peer. */
  readonly agoMs: number;
  /** The peer's heartbeat counter then: the Lamport stamp of that message. */
  readonly hb: number;
}

export const describeConfig = (c: Configuration): string =>
  `voters ${c.voters.join(' ') || '(none)'}` + (c.learners.length > 0 ? `; learners ${c.learners.join(' ')}` : '');
