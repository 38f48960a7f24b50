// Clock synchronisation as pure per-node state machines over bus messages: the original NTP-style exchange, Cristian's and Berkeley's algorithms.
//
// Conventions the host must follow:
// - Every `localNowMs` is the node's RAW physical clock reading (PhysicalClock.read), never the
//   corrected one: the local clock is not stepped (spec, Time), and all three algorithms measure
//   raw clocks and keep their result as an additive `correctionMs`.
// - The host calls `startRound` on its sync timer and `onMessage` for every sync message delivered,
//   and sends what they return. `state.note` then says what, if anything, was learned (journal it).
// - All state is volatile: a restarted node starts from `createSyncState` (correction 0).
//
// Stale and duplicate messages: each request carries a round id and the sender's send time, and the
// reply echoes both; a reply is used only if it matches the round still awaited from that peer, after
// which that peer's round is closed. So late replies to an older round, duplicates, and replies sent
// before a restart are ignored, and nothing is counted twice.

export type SyncAlgorithm = 'ntp' | 'cristian' | 'berkeley' | 'off';

/** NTP-style request (original): `t1` is the client's clock at send. */
export interface SyncRequest {
  readonly type: 'SyncRequest';
  readonly round: number;
  readonly t1: number;
}
/** NTP-style reply: `t2` server clock at receipt, `t3` server clock at send, `t1` echoed. */
export interface SyncReply {
  readonly type: 'SyncReply';
  readonly round: number;
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
}
/** Cristian request to the time server: `t0` is the client's clock at send (echoed back). */
export interface TimeRequest {
  readonly type: 'TimeRequest';
  readonly round: number;
  readonly t0: number;
}
/** Cristian reply: `serverMs` is true time when the server handled the request. */
export interface TimeReply {
  readonly type: 'TimeReply';
  readonly round: number;
  readonly t0: number;
  readonly serverMs: number;
}
/** Berkeley poll from the coordinator: `sentMs` is its clock at send (echoed back). */
export interface BerkeleyPoll {
  readonly type: 'BerkeleyPoll';
  readonly round: number;
  readonly sentMs: number;
}
/** Berkeley reply: the member's raw clock when it answered, and the correction it had then. */
export interface BerkeleyReply {
  readonly type: 'BerkeleyReply';
  readonly round: number;
  readonly sentMs: number;
  readonly clockMs: number;
  readonly correctionMs: number;
}
/**
 * Berkeley adjustment: the member sets its correction to `correctionMs`. `adjustMs` is the change
 * from the correction it reported in its reply, for display. The value is absolute, not a delta, so
 * a lost, duplicated or reordered adjustment can never be applied twice or compound.
 */
export interface BerkeleyAdjust {
  readonly type: 'BerkeleyAdjust';
  readonly round: number;
  readonly sentMs: number;
  readonly correctionMs: number;
  readonly adjustMs: number;
}

export type SyncMessage = SyncRequest | SyncReply | TimeRequest | TimeReply | BerkeleyPoll | BerkeleyReply | BerkeleyAdjust;

export const SYNC_MESSAGE_TYPES: ReadonlySet<string> = new Set<SyncMessage['type']>([
  'SyncRequest',
  'SyncReply',
  'TimeRequest',
  'TimeReply',
  'BerkeleyPoll',
  'BerkeleyReply',
  'BerkeleyAdjust',
]);

export function isSyncMessage(msg: { readonly type: string }): msg is SyncMessage {
  return SYNC_MESSAGE_TYPES.has(msg.type);
}

export interface SyncSend {
  readonly to: string;
  readonly msg: SyncMessage;
}

export interface SyncOptions {
  algorithm: SyncAlgorithm;
  /**
   * ntp: count the node's own offset (0) in the mean. The original does not (false): each node then
   * converges to the mean of the OTHER clocks, so two nodes' corrected clocks still differ by
   * (their raw difference)/(N−1). With true, every node converges to the mean of all N clocks.
   */
  countSelf: boolean;
  /** cristian: bus id of the time server (its clock is true time). */
  timeServerId: string;
  /**
   * berkeley: offsets farther than this from the median offset (coordinator's 0 included) are left
   * out of the average; those members are still sent their correction. Infinity: keep all.
   */
  outlierMs: number;
  /** Samples whose round trip exceeds this are discarded (all algorithms). Infinity: keep all. */
  maxRttMs: number;
}

export const DEFAULT_SYNC_OPTIONS: Readonly<SyncOptions> = Object.freeze({
  algorithm: 'ntp',
  countSelf: false,
  timeServerId: 'time',
  outlierMs: Infinity,
  maxRttMs: Infinity,
});

/** What this node knows about one peer's clock. Allocated once per peer and updated in place. */
export interface PeerSync {
  /** Round awaited from this peer; 0 when none (closed after the first matching reply). */
  pendingRound: number;
  /** Own raw clock when that round's request went out. */
  sentMs: number;
  /** Whether offsetMs and delayMs hold a sample. */
  hasSample: boolean;
  /** Latest estimate of (peer's raw clock − own raw clock). */
  offsetMs: number;
  /** Round-trip delay of that sample (NTP: excluding the peer's processing time). */
  delayMs: number;
  /** berkeley: the round the sample belongs to. */
  sampleRound: number;
  /** berkeley: the correction the peer reported with its sample. */
  reportedCorrectionMs: number;
}

/** What the last call learned, for the journal; null when it learned nothing. */
export type SyncNote =
  | { readonly kind: 'ntpSample'; readonly peer: string; readonly round: number; readonly offsetMs: number; readonly delayMs: number; readonly correctionMs: number }
  | { readonly kind: 'cristianSample'; readonly round: number; readonly rttMs: number; readonly correctionMs: number }
  | {
      readonly kind: 'berkeleyRound';
      readonly round: number;
      /** Average offset of the counted CORRECTED clocks from the coordinator's corrected clock (its own 0 included). */
      readonly averageMs: number;
      /** Members that replied in time (coordinator not included). */
      readonly members: readonly string[];
      /** Of those, the ones left out of the average as outliers. */
      readonly excluded: readonly string[];
      readonly correctionMs: number;
    }
  | { readonly kind: 'berkeleyAdjust'; readonly from: string; readonly round: number; readonly correctionMs: number; readonly adjustMs: number };

export interface SyncState {
  readonly id: string;
  readonly options: Readonly<SyncOptions>;
  /** Added to the raw clock to get corrected time. Volatile. */
  correctionMs: number;
  /** Last round trip this node measured; undefined before the first, and always for Berkeley members. */
  rttMs: number | undefined;
  /** Id of the last round this node started (ids start at 1). */
  round: number;
  /** Per-peer samples (ntp; berkeley on the coordinator). */
  readonly peers: Map<string, PeerSync>;
  /** cristian: round awaited from the time server (0: none) and the clock when it was asked. */
  serverRound: number;
  serverSentMs: number;
  /** berkeley coordinator: a round is open and this many polled members have not replied yet. */
  berkeleyOpen: boolean;
  berkeleyAwaiting: number;
  /** berkeley member: the last poll this node answered; only an adjustment for it is applied. */
  answeredFrom: string | null;
  answeredRound: number;
  answeredSentMs: number;
  /** Set by every call: what it learned. */
  note: SyncNote | null;
}

const NONE: readonly SyncSend[] = Object.freeze([]);

export function createSyncState(id: string, options: Partial<SyncOptions> = {}): SyncState {
  return {
    id,
    options: { ...DEFAULT_SYNC_OPTIONS, ...options },
    correctionMs: 0,
    rttMs: undefined,
    round: 0,
    peers: new Map(),
    serverRound: 0,
    serverSentMs: 0,
    berkeleyOpen: false,
    berkeleyAwaiting: 0,
    answeredFrom: null,
    answeredRound: 0,
    answeredSentMs: 0,
    note: null,
  };
}

/** Corrected time: the raw reading plus the node's correction. */
export function corrected(state: SyncState, localMs: number): number {
  return localMs + state.correctionMs;
}

/** The node's estimate of its own clock's offset from the reference it syncs to (−correction). */
export function estimatedOffsetMs(state: SyncState): number {
  return -state.correctionMs;
}

/** NTP offset estimate ((t2 − t1) + (t3 − t4)) / 2: biased by (d_forward − d_back) / 2. */
export function ntpOffset(t1: number, t2: number, t3: number, t4: number): number {
  return (t2 - t1 + (t3 - t4)) / 2;
}

/** NTP round-trip delay (t4 − t1) − (t3 − t2): the time on the wire, both ways. */
export function ntpDelay(t1: number, t2: number, t3: number, t4: number): number {
  return t4 - t1 - (t3 - t2);
}

/** The time server's answer (it runs outside every node; its clock is true time). */
export function timeServerReply(msg: TimeRequest, trueNowMs: number): TimeReply {
  return { type: 'TimeReply', round: msg.round, t0: msg.t0, serverMs: trueNowMs };
}

function peerOf(state: SyncState, peer: string): PeerSync {
  let p = state.peers.get(peer);
  if (p === undefined) {
    p = { pendingRound: 0, sentMs: 0, hasSample: false, offsetMs: 0, delayMs: 0, sampleRound: 0, reportedCorrectionMs: 0 };
    state.peers.set(peer, p);
  }
  return p;
}

/**
 * On the node's sync timer: the requests to send now. `peers` are the other nodes (ntp: every peer;
 * berkeley: the members to poll, called only on the coordinator; cristian: ignored). A Berkeley
 * round still open is closed first with the replies it has, so its adjustments lead the list.
 */
export function startRound(state: SyncState, localNowMs: number, peers: readonly string[]): readonly SyncSend[] {
  state.note = null;
  switch (state.options.algorithm) {
    case 'off':
      return NONE;
    case 'ntp': {
      const round = ++state.round;
      const out: SyncSend[] = [];
      for (const to of peers) {
        if (to === state.id) continue;
        const p = peerOf(state, to);
        p.pendingRound = round; // an unanswered earlier round is abandoned here
        p.sentMs = localNowMs;
        out.push({ to, msg: { type: 'SyncRequest', round, t1: localNowMs } });
      }
      return out;
    }
    case 'cristian': {
      const round = ++state.round;
      state.serverRound = round;
      state.serverSentMs = localNowMs;
      return [{ to: state.options.timeServerId, msg: { type: 'TimeRequest', round, t0: localNowMs } }];
    }
    case 'berkeley': {
      const out: SyncSend[] = state.berkeleyOpen ? closeBerkeley(state) : [];
      const note = state.note;
      const round = ++state.round;
      let polled = 0;
      for (const to of peers) {
        if (to === state.id) continue;
        const p = peerOf(state, to);
        p.pendingRound = round;
        p.sentMs = localNowMs;
        out.push({ to, msg: { type: 'BerkeleyPoll', round, sentMs: localNowMs } });
        polled++;
      }
      state.berkeleyOpen = polled > 0;
      state.berkeleyAwaiting = polled;
      state.note = note;
      return out;
    }
  }
}

/**
 * Closes an open Berkeley round with the replies received so far and returns the adjustments. The
 * round also closes by itself when the last polled member replies; a host that wants a deadline (a
 * member may be down) calls this from a timer. No-op when no round is open.
 */
export function finishRound(state: SyncState, _localNowMs: number): readonly SyncSend[] {
  state.note = null;
  return state.berkeleyOpen ? closeBerkeley(state) : NONE;
}

/** Handles one delivered sync message; returns what to send in answer. */
export function onMessage(state: SyncState, from: string, msg: SyncMessage, localNowMs: number): readonly SyncSend[] {
  state.note = null;
  const opts = state.options;
  switch (msg.type) {
    case 'SyncRequest':
      // Every node serves its raw clock. Receipt and send are one instant in the simulation: t2 = t3.
      return [{ to: from, msg: { type: 'SyncReply', round: msg.round, t1: msg.t1, t2: localNowMs, t3: localNowMs } }];

    case 'SyncReply': {
      if (opts.algorithm !== 'ntp') return NONE;
      const p = state.peers.get(from);
      if (p === undefined || p.pendingRound !== msg.round || p.sentMs !== msg.t1) return NONE;
      p.pendingRound = 0;
      const delay = ntpDelay(p.sentMs, msg.t2, msg.t3, localNowMs);
      // A negative delay means the client's clock stepped back mid-exchange: the sample is garbage.
      if (delay < 0 || delay > opts.maxRttMs) return NONE;
      const offset = ntpOffset(p.sentMs, msg.t2, msg.t3, localNowMs);
      p.hasSample = true;
      p.offsetMs = offset;
      p.delayMs = delay;
      state.rttMs = delay;
      state.correctionMs = ntpCorrection(state);
      state.note = { kind: 'ntpSample', peer: from, round: msg.round, offsetMs: offset, delayMs: delay, correctionMs: state.correctionMs };
      return NONE;
    }

    case 'TimeRequest':
      return NONE; // nodes are not time servers; the host answers with timeServerReply

    case 'TimeReply': {
      if (opts.algorithm !== 'cristian' || from !== opts.timeServerId) return NONE;
      if (state.serverRound === 0 || state.serverRound !== msg.round || state.serverSentMs !== msg.t0) return NONE;
      state.serverRound = 0;
      const rtt = localNowMs - msg.t0;
      if (rtt < 0 || rtt > opts.maxRttMs) return NONE;
      // Cristian: the server read true time about half a round trip ago.
      const estimatedTrueMs = msg.serverMs + rtt / 2;
      state.correctionMs = estimatedTrueMs - localNowMs;
      state.rttMs = rtt;
      state.note = { kind: 'cristianSample', round: msg.round, rttMs: rtt, correctionMs: state.correctionMs };
      return NONE;
    }

    case 'BerkeleyPoll':
      state.answeredFrom = from;
      state.answeredRound = msg.round;
      state.answeredSentMs = msg.sentMs;
      return [
        {
          to: from,
          msg: { type: 'BerkeleyReply', round: msg.round, sentMs: msg.sentMs, clockMs: localNowMs, correctionMs: state.correctionMs },
        },
      ];

    case 'BerkeleyReply': {
      if (opts.algorithm !== 'berkeley' || !state.berkeleyOpen || msg.round !== state.round) return NONE;
      const p = state.peers.get(from);
      if (p === undefined || p.pendingRound !== msg.round || p.sentMs !== msg.sentMs) return NONE;
      p.pendingRound = 0;
      state.berkeleyAwaiting--;
      const rtt = localNowMs - msg.sentMs;
      if (rtt >= 0 && rtt <= opts.maxRttMs) {
        // The member read its clock about half a round trip ago.
        p.hasSample = true;
        p.offsetMs = msg.clockMs + rtt / 2 - localNowMs;
        p.delayMs = rtt;
        p.sampleRound = msg.round;
        p.reportedCorrectionMs = msg.correctionMs;
        state.rttMs = rtt;
      }
      return state.berkeleyAwaiting === 0 ? closeBerkeley(state) : NONE;
    }

    case 'BerkeleyAdjust': {
      if (opts.algorithm !== 'berkeley') return NONE;
      if (state.answeredFrom !== from || state.answeredRound !== msg.round || state.answeredSentMs !== msg.sentMs) return NONE;
      state.answeredFrom = null; // a duplicate is now ignored
      state.correctionMs = msg.correctionMs;
      state.note = { kind: 'berkeleyAdjust', from, round: msg.round, correctionMs: msg.correctionMs, adjustMs: msg.adjustMs };
      return NONE;
    }
  }
}

function ntpCorrection(state: SyncState): number {
  let sum = 0;
  let n = state.options.countSelf ? 1 : 0;
  for (const p of state.peers.values()) {
    if (!p.hasSample) continue;
    sum += p.offsetMs;
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Berkeley: average the corrected clocks of the members that replied (coordinator's 0 included,
 * outliers left out) and move every counted clock to that average. A round keeps the sum of the
 * counted corrections, so without loss all clocks meet at M + K (M: mean raw offset, K: mean
 * correction, 0 at start); lost adjustments and restarts shift K, never the agreement.
 * With no replies the coordinator keeps its correction.
 */
function closeBerkeley(state: SyncState): SyncSend[] {
  const round = state.round;
  state.berkeleyOpen = false;
  state.berkeleyAwaiting = 0;
  // Average the CORRECTED clocks of the members that answered this round (as the textbook Berkeley
  // adjusts the clocks themselves): clocks already in agreement stay in agreement whichever replies
  // are lost or whoever coordinates, and the first rounds (all corrections 0) meet at the mean of
  // the raw clocks.
  const members: string[] = [];
  const offsets: number[] = [0]; // corrected member − corrected coordinator; the coordinator's own 0
  for (const [id, p] of state.peers) {
    if (p.pendingRound === round) p.pendingRound = 0; // late replies to this round are now ignored
    if (p.hasSample && p.sampleRound === round) {
      members.push(id);
      offsets.push(p.offsetMs + p.reportedCorrectionMs - state.correctionMs);
    }
  }
  const excluded: string[] = [];
  if (members.length === 0) {
    state.note = { kind: 'berkeleyRound', round, averageMs: 0, members, excluded, correctionMs: state.correctionMs };
    return [];
  }
  const median = medianOf(offsets.slice());
  const limit = state.options.outlierMs;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < offsets.length; i++) {
    if (Math.abs(offsets[i] - median) > limit) {
      if (i > 0) excluded.push(members[i - 1]);
      continue;
    }
    sum += offsets[i];
    n++;
  }
  // The coordinator can itself be the outlier; with everyone excluded, fall back to the median.
  const average = n === 0 ? median : sum / n;
  // Every clock moves to (coordinator's corrected clock + average).
  const base = state.correctionMs + average;
  state.correctionMs = base;
  const out: SyncSend[] = [];
  for (let i = 0; i < members.length; i++) {
    const p = state.peers.get(members[i])!;
    const target = base - p.offsetMs;
    out.push({
      to: members[i],
      msg: { type: 'BerkeleyAdjust', round, sentMs: p.sentMs, correctionMs: target, adjustMs: target - p.reportedCorrectionMs },
    });
  }
  state.note = { kind: 'berkeleyRound', round, averageMs: average, members, excluded, correctionMs: base };
  return out;
}

function medianOf(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}
