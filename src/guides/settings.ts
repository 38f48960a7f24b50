// The engine's effective settings for a set of cluster options, as the `{{name}}` placeholders of guide
// prose read them: a timeout or window written in a chapter comes from here, never typed by hand.
import { DEFAULT_BROKER } from '../sim/brokerNode';
import { DEFAULT_CLIENT } from '../sim/client';
import { DEFAULT_CLOCKS } from '../sim/cluster';
import { DEFAULT_PHI_OPTIONS } from '../core/detector/detector';
import { DEFAULT_NETWORK } from '../sim/engine';
import { PING_SLACK } from '../sim/nodeActor';
import { parseClusterConfig } from '../sim/config';
import type { ClusterOptions } from '../sim/types';

/**
 * Defaults the cluster constructor applies inline (src/sim/cluster.ts, src/sim/nodeActor.ts) rather than
 * through an exported constant. tests/guides/settings.test.ts measures each of them on a running
 * cluster, so a change in the engine fails that test instead of leaving the prose wrong.
 */
export const INLINE_DEFAULTS = {
  electionTimeoutMs: [150, 300] as const,
  heartbeatMs: 50,
  startupGraceMs: 0,
  suspectAfterMs: 300,
  phiThreshold: 8,
  maxEntriesPerMessage: 64,
  nodes: 5,
  /**
   * A node pings a peer it has sent nothing to for suspectAfterMs / 3 (nodeActor's pingEvery; from
   * 70 % of that on, a message arriving meanwhile sends it a little early).
   */
  pingDivisor: 3,
} as const;

export type Unit = 'ms' | 'count' | 'ppm' | 'rate';

/** One figure the engine uses: a number or a [min, max] range, with its unit. */
export interface Setting {
  readonly value: number | readonly [number, number];
  readonly unit: Unit;
  /** What it is, for the placeholder list in docs and errors. */
  readonly about: string;
}

/** Every placeholder name and the engine figure it stands for, for these options. */
export function engineSettings(options: ClusterOptions = {}): Readonly<Record<string, Setting>> {
  const d = INLINE_DEFAULTS;
  // A cluster.yaml (`config`) gives the nodes; `nodes` is then ignored, as the cluster does.
  const nodes = options.config !== undefined ? parseClusterConfig(options.config).nodes.length : (options.nodes ?? d.nodes);
  const et = options.electionTimeoutMs ?? d.electionTimeoutMs;
  const net = { ...DEFAULT_NETWORK, ...options.network };
  const clocks = { ...DEFAULT_CLOCKS, ...options.clocks };
  const broker = { ...DEFAULT_BROKER, ...options.broker };
  const suspect = options.detector?.suspectAfterMs ?? d.suspectAfterMs;
  const majority = Math.floor(nodes / 2) + 1;
  const ms = (value: number | readonly [number, number], about: string): Setting => ({ value, unit: 'ms', about });
  const count = (value: number, about: string): Setting => ({ value, unit: 'count', about });
  return {
    electionTimeout: ms([et[0], et[1]], 'range of the random election timeout (§5.2)'),
    electionTimeoutMin: ms(et[0], 'shortest election timeout'),
    electionTimeoutMax: ms(et[1], 'longest election timeout'),
    heartbeat: ms(options.heartbeatMs ?? d.heartbeatMs, "leader's heartbeat interval"),
    startupGrace: ms(options.startupGraceMs ?? d.startupGraceMs, 'no election before this time'),
    nodes: count(nodes, 'nodes in the cluster'),
    majority: count(majority, 'votes or copies that make a majority'),
    tolerated: count(nodes - majority, 'crashed nodes a majority survives'),
    maxEntries: count(options.maxEntriesPerMessage ?? d.maxEntriesPerMessage, 'entries per AppendEntries'),
    latency: ms([net.latencyMs[0], net.latencyMs[1]], 'one-way message delay range'),
    latencyMin: ms(net.latencyMs[0], 'shortest one-way delay'),
    latencyMax: ms(net.latencyMs[1], 'longest one-way delay'),
    loss: { value: net.dropRate, unit: 'rate', about: 'message loss rate' },
    forwardTimeout: ms(broker.forwardTimeoutMs, 'how long a follower waits for the leader to answer a forwarded PUB'),
    commitTimeout: ms(broker.commitTimeoutMs, 'how long a node waits for a PUB to commit before ERR timeout_waiting_commit'),
    clientTimeout: ms(DEFAULT_CLIENT.requestTimeoutMs, "a publisher's wait for an answer before it retries"),
    clientGiveUp: ms(DEFAULT_CLIENT.giveUpAfterMs, 'a publisher gives up after this long'),
    dedupWindow: count(broker.dedupWindow, 'message ids remembered per topic'),
    maxDelay: ms(broker.maxDelayMs, 'hold-back delay before a message is released'),
    pushRetransmit: ms(broker.pushRetransmitMs, 'a MSG push is resent after this long without an ack'),
    syncInterval: ms(clocks.syncIntervalMs, 'clock synchronisation interval'),
    clockOffsetMax: ms(clocks.offsetMsMax, 'largest initial clock offset'),
    clockDriftMax: { value: clocks.driftPpmMax, unit: 'ppm', about: 'largest clock drift' },
    suspectAfter: ms(suspect, 'silence after which the timeout detector suspects a peer'),
    pingInterval: ms(suspect / d.pingDivisor, 'the detector pings a peer it has had no news of for this long'),
    pingEarly: ms((suspect / d.pingDivisor) * (1 - PING_SLACK), 'from this much silence on, a ping nearly due goes out with the next message the node handles'),
    phiThreshold: count(options.detector?.phiThreshold ?? d.phiThreshold, 'phi-accrual suspicion threshold'),
    phiWindow: count(DEFAULT_PHI_OPTIONS.windowSize, 'arrival gaps the phi-accrual detector remembers per peer'),
    // Issue 13: snapshots (§7) and lease reads (thesis §6.4.1).
    snapshotEvery: count(options.snapshotEvery ?? 0, "applied entries between a node's own snapshots (0 = never)"),
    lease: ms(et[0] * (1 - clocks.driftPpmMax * 1e-6), "a leader's read lease after a confirmed heartbeat round, on its own clock"),
  };
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** A number as a word when small ("three"), else digits. */
export function numberWord(n: number): string {
  return Number.isInteger(n) && n >= 0 && n < WORDS.length ? WORDS[n] : String(n);
}

/** Up to three decimals, no trailing zeros. */
const plain = (x: number): string => String(Math.round(x * 1000) / 1000);

/** Formats a placeholder: `fmt` is '' (natural), 'ms', 's', 'n' (bare number) or 'word'. */
export function formatSetting(s: Setting, fmt: string): string | undefined {
  const v = s.value;
  const pair = typeof v === 'number' ? undefined : v;
  const one = (x: number, unit: 'ms' | 's' | ''): string => (unit === 's' ? plain(x / 1000) : plain(x));
  if (fmt === 'n') return pair === undefined ? plain(v as number) : `${plain(pair[0])}–${plain(pair[1])}`;
  if (fmt === 'word') return pair === undefined ? numberWord(v as number) : undefined;
  if (s.unit === 'count') return fmt === '' ? plain(v as number) : undefined;
  if (s.unit === 'ppm') return fmt === '' ? `${plain(v as number)} ppm` : undefined;
  if (s.unit === 'rate') return fmt === '' ? `${plain((v as number) * 100)} %` : undefined;
  if (fmt !== '' && fmt !== 'ms' && fmt !== 's') return undefined;
  const max = pair === undefined ? (v as number) : pair[1];
  const unit: 'ms' | 's' = fmt === 's' || (fmt === '' && max >= 1000) ? 's' : 'ms';
  const text = pair === undefined ? one(v as number, unit) : `${one(pair[0], unit)}–${one(pair[1], unit)}`;
  return `${text} ${unit}`;
}

/** Formats a value computed in a run (`{{$name|ms}}`): numbers to at most one decimal. */
export function formatRunValue(v: string | number, fmt: string): string | undefined {
  if (typeof v === 'string') return fmt === '' ? v : undefined;
  const r = String(Math.round(v * 10) / 10);
  switch (fmt) {
    case '':
    case 'n':
      return r;
    case 'ms':
      return `${r} ms`;
    case 's':
      return `${String(Math.round(v / 100) / 10)} s`;
    case 'word':
      return numberWord(Math.round(v));
  }
  return undefined;
}
