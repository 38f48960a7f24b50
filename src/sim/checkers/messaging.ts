// Messaging checkers, after the Jepsen/Maelstrom Kafka checker: they watch stores, acks and
// subscriber deliveries, and name the anomaly, the ids involved and (through the report) the seed.
import { appendOnly } from '../../core/appendOnly';
import { OK_HISTORY_END, parseLine, parseRecordLine } from '../../core/broker/protocol';
import type { TopicRecord } from '../../core/broker/state';
import type { Report } from './raft';
import { AppendIndex } from '../appendIndex';
import { Column, recentLeaves } from '../../core/column';
import { notSnapshotted } from '../snapshot';

export const MESSAGING_PROPERTIES = [
  'No lost acknowledged publish',
  'No duplicate id in a topic',
  'Offsets agree across nodes',
  'Acknowledged offsets increase',
  'Subscriber sees no skip or repeat',
  'No phantom reads',
  'No stale read',
] as const;

/** A documented consequence of a setting the learner chose (not a broken guarantee), for the run's findings. */
export const WINDOW_FINDING = 'Id stored again after it left the dedup window';
/** The finding's name before round 5 (a repeat typed again is no retry): lessons that name it still work. */
export const WINDOW_FINDING_BEFORE = 'Retry stored again after its id left the dedup window';

/** What the checker must know of the broker's dedup to tell a bug from the window's documented limit. */
export interface DedupConfig {
  /** Ids remembered per topic (0: none). */
  window: number;
  mode: 'window' | 'sessions' | 'off';
}

/**
 * Every acknowledgement (a publisher's or the console's), as columns: one object per ack cost about
 * 100 bytes and a copy of its id string; columns hold 8 bytes a field, in leaves the saved states
 * share (src/core/column.ts). An ack's position + 1 is its mark (its place among all acknowledgements,
 * for the stale-read check).
 */
class AckColumns {
  /** Its (client, topic) pair, by position in `pairClient`/`pairTopic`. */
  readonly pair = new Column<number>();
  /** The acknowledged offset, or NO_OFFSET. */
  readonly offset = new Column<number>();
  /**
   * When, in whole microseconds (what the report shows): a small integer for the first 17 minutes of
   * a run, where a fraction of a millisecond would be boxed (16 bytes more) in every saved copy.
   */
  readonly atUs = new Column<number>();
  /**
   * The acknowledged id, by position, where it is not that of the record first stored at its offset
   * (no offset, or another id there): the usual case costs nothing.
   */
  readonly otherId = new Map<number, string>();
  /** The publisher of each pair, or '' for a console PUB (tracked for reads only). */
  readonly pairClient: string[] = appendOnly([]);
  readonly pairTopic: string[] = appendOnly([]);
}

const NO_OFFSET = -1;

/** What the checker keeps of a stored record. */
interface Stored {
  readonly id: string;
  readonly message: string;
}

const k2 = (a: string, b: string): string => a + '\n' + b;

/**
 * A 30-bit hash of `a` and `b` (exported for tests): a small integer, which V8 keeps unboxed in arrays and Maps,
 * where a joined key string cost 40–60 bytes a publish.
 */
export function hash(a: string, b: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 10, 0x01000193);
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h & 0x3fffffff;
}

export class MessagingChecker {
  /**
   * (topic, offset) → what was first stored there by any node: its id and message (the log's command
   * object when given, which the run keeps anyway, rather than a record object per publish).
   */
  private readonly atOffset = appendOnly(new Map<string, Column<Stored | undefined>>());
  /**
   * hash(topic, id) → offset it was first stored at; checked against the record stored there, so a
   * hash shared by two ids never mixes them up: the later id goes to `offsetOfIdExact` instead.
   */
  private readonly offsetOfId = new AppendIndex<number, number>();
  /** (topic, id) → offset it was first stored at, for the ids whose hash another id had taken first. */
  private readonly offsetOfIdExact = new AppendIndex<string, number>();
  /** (topic, id) → offset it was last stored at (for ids stored more than once). */
  private readonly lastOffsetOfId = new Map<string, number>();
  /** (topic, id) → the offsets of its later copies (stored again past the window, a finding). */
  private readonly copiesOfId = new Map<string, number[]>();
  /**
   * (topic, id, message) of what clients sent (and nodes received or generated an id for) that is not
   * stored yet. A record stored at a new offset must be one of these, or a copy of the record first
   * stored for its id (a retry stored again): else no client published it (a phantom). Publishes
   * leave when stored, so this holds those in flight (and retries of stored ones), not the whole run.
   */
  private readonly unstored = new Set<string>();
  private readonly acks = new AckColumns();
  /** Publishers' acknowledgements (the console's are only for reads). */
  private publisherAcks = 0;
  /** (client, topic) → last ack of a publish issued after the previous ack. */
  private readonly lastAck = new Map<string, { offset: number; at: number }>();
  /** (client, node, subscription, topic) → offsets delivered to the application. */
  private readonly seen = appendOnly(new Map<string, Set<number>>());
  /** Subscriptions cut short by a crash of their node: what they still held is lost, by design. */
  private readonly ended = appendOnly(new Set<string>());
  /** One string per topic name: tens of thousands of acks then share it (names arrive parsed from lines). */
  private readonly topicNames = notSnapshotted(new Map<string, string>());
  /** (client, topic) → its position among the ack pairs (a cache: checked against the columns on reading). */
  private readonly pairAt = notSnapshotted(new Map<string, number>());

  /** `staleReport` (default `report`) receives stale reads: a read mode may allow them, so it may only record them. */
  constructor(
    private readonly report: Report,
    private readonly now: () => number,
    private readonly dedup: DedupConfig = { window: 100, mode: 'window' },
    /** Where findings go (documented consequences of settings); they never stop a run. */
    private readonly note: Report = () => {},
    private readonly staleReport: Report = report,
  ) {}

  /** Orders reads after the acknowledgements that came before them, even within one instant. */
  private noteAck(client: string, topic: string, id: string, offset: number | undefined): void {
    let name = this.topicNames.get(topic);
    if (name === undefined) this.topicNames.set(topic, (name = topic));
    // The stored record's id string stands for this one (the ack's came parsed from a reply line).
    const stored = offset === undefined ? undefined : this.atOffset.get(name)?.at(offset - 1);
    const a = this.acks;
    const k = a.pair.length;
    a.pair.push(this.pairOf(client, name));
    a.offset.push(offset ?? NO_OFFSET);
    a.atUs.push(Math.round(this.now() * 1000));
    if (stored === undefined || stored.id !== id) a.otherId.set(k, id);
  }

  private pairOf(client: string, topic: string): number {
    const a = this.acks;
    const key = k2(client, topic);
    let p = this.pairAt.get(key);
    // The cache may point past the columns or elsewhere after a restore: check, else look them over.
    if (p === undefined || p >= a.pairClient.length || a.pairClient[p] !== client || a.pairTopic[p] !== topic) {
      p = 0;
      while (p < a.pairClient.length && (a.pairClient[p] !== client || a.pairTopic[p] !== topic)) p++;
      if (p === a.pairClient.length) {
        a.pairClient.push(client);
        a.pairTopic.push(topic);
      }
      this.pairAt.set(key, p);
    }
    return p;
  }

  private ackId(k: number, topic: string, offset: number): string {
    return this.acks.otherId.get(k) ?? this.atOffset.get(topic)!.at(offset - 1)!.id;
  }

  /** The current position among acknowledgements: a read sent now must reflect every one up to here. */
  ackMark(): number {
    return this.acks.pair.length;
  }

  /**
   * A console client typed a PUB and got its answer: an acknowledgement counts for the stale-read check
   * (reads must reflect it), though console writes are not tracked like a publisher's.
   */
  consoleAck(line: string, reply: readonly string[], offset: number | undefined): void {
    const cmd = parseLine(line);
    const answer = reply[0] ?? '';
    if (cmd.kind !== 'pub' || !/^OK (published|REDIRECTED|duplicate) /.test(answer)) return;
    this.noteAck('', cmd.topic, answer.slice(answer.lastIndexOf(' ') + 1), offset);
  }

  /**
   * No stale read (linearizable reads, §8): a HISTORY reply must hold every record whose publish was
   * acknowledged before the HISTORY was sent — unless it is older than the n records asked for.
   */
  historyRead(client: string, node: string, line: string, mark: number, reply: readonly string[]): void {
    const cmd = parseLine(line);
    if (cmd.kind !== 'history' || reply.at(-1) !== OK_HISTORY_END || cmd.n <= 0) return;
    // The ack pairs of this topic; its acks are then found by a walk over all of them (reads are
    // rare next to publishes: a list per topic cost 8 bytes a publish, and as much in every checkpoint).
    const a = this.acks;
    const pairs = new Set<number>();
    for (let p = 0; p < a.pairTopic.length; p++) if (a.pairTopic[p] === cmd.topic) pairs.add(p);
    if (pairs.size === 0) return;
    const ids = new Set<string>();
    const offsets = new Set<number>();
    let lowest = Infinity;
    for (const l of reply) {
      const r = parseRecordLine(l)?.record;
      if (r === undefined) continue;
      ids.add(r.id);
      offsets.add(r.offset);
      lowest = Math.min(lowest, r.offset);
    }
    const full = ids.size >= cmd.n;
    // Marks count from 1: the ack at position k has mark k + 1.
    for (let k = 0; k < mark && k < a.pair.length; k++) {
      if (!pairs.has(a.pair.at(k)!)) continue;
      const offset = a.offset.at(k)!;
      const id = this.ackId(k, cmd.topic, offset);
      if (ids.has(id)) continue;
      // A full reply may leave out records older than its oldest one.
      if (full && (offset === NO_OFFSET || offset < lowest)) continue;
      if (offset !== NO_OFFSET && offsets.has(offset)) continue;
      this.staleReport(
        'No stale read',
        `${client}'s HISTORY ${cmd.topic} ${cmd.n} at ${node} lacks ${id}` +
          (offset !== NO_OFFSET ? ` (offset ${offset})` : '') + `, acknowledged at t=${a.atUs.at(k)! / 1000}ms, before the read was sent`,
      );
      return;
    }
  }

  /** A client sent (or a node generated the id of) a publish. */
  onPublished(topic: string, id: string, message: string): void {
    this.unstored.add(k2(k2(topic, id), message));
  }

  /** The offset (topic, id) was first stored at, if it was. */
  private firstOffset(topic: string, id: string): number | undefined {
    // The exact table first: an id listed there may also sit, as a later copy, where its hash's owner points.
    if (this.offsetOfIdExact.size > 0) {
      const exact = this.offsetOfIdExact.get(k2(topic, id));
      if (exact !== undefined) return exact;
    }
    const p = this.offsetOfId.get(hash(topic, id));
    return p !== undefined && this.atOffset.get(topic)?.at(p - 1)?.id === id ? p : undefined;
  }

  private noteFirstOffset(topic: string, id: string, offset: number): void {
    if (!this.offsetOfId.add(hash(topic, id), offset)) this.offsetOfIdExact.add(k2(topic, id), offset);
  }

  stored(node: string, topic: string, record: TopicRecord, kept: Stored = record): void {
    // (Offsets start at 1: a store's firstOffset + i.)
    if (!(record.offset >= 1)) return;
    let offsets = this.atOffset.get(topic);
    // By offset - 1, like the nodes' stores (offset 1 first): in step with them, it shares their leaves.
    if (offsets === undefined) this.atOffset.set(topic, (offsets = new Column<Stored | undefined>(recentLeaves)));
    const first = offsets.at(record.offset - 1);
    if (first === undefined) {
      // Offsets come in order, so this appends (a gap filled later is a change the column announces).
      offsets.set(record.offset - 1, kept);
      const key = k2(topic, record.id);
      const before = this.firstOffset(topic, record.id);
      if (before !== undefined && before !== record.offset) {
        const last = this.lastOffsetOfId.get(key) ?? before;
        const back = record.offset - last;
        const { window, mode } = this.dedup;
        if (mode !== 'off' && back > window) {
          // The spec's window remembers the last `window` ids per topic: an id further back is
          // forgotten by design, and a retry of it is stored again. A finding, not a bug.
          this.note(
            WINDOW_FINDING,
            `id ${record.id} stored again in topic ${topic} at offset ${record.offset}: its first copy (offset ${before}) was ${record.offset - before} records back, beyond the dedup window of ${window} ids per topic (a longer window keeps it)`,
          );
        } else {
          this.report(
            'No duplicate id in a topic',
            `id ${record.id} stored twice in topic ${topic}: offsets ${last} and ${record.offset} (first seen on ${node})`,
          );
        }
        this.lastOffsetOfId.set(key, record.offset);
        let copies = this.copiesOfId.get(key);
        if (copies === undefined) this.copiesOfId.set(key, (copies = []));
        copies.push(record.offset);
      } else this.noteFirstOffset(topic, record.id, record.offset);
      if (this.unstored.delete(k2(key, record.message))) {
        // published, and now stored
      } else if (before === undefined || before === record.offset || offsets.at(before - 1)?.message !== record.message) {
        this.report('No phantom reads', `${node} stored ${topic} offset ${record.offset} id ${record.id}, which no client published`);
      }
    } else if (first.id !== record.id || first.message !== record.message) {
      this.report(
        'Offsets agree across nodes',
        `${topic} offset ${record.offset} holds id ${first.id} on one node and id ${record.id} on ${node}`,
      );
    }
  }

  acked(client: string, topic: string, id: string, offset: number | undefined, issuedAt: number, duplicate: boolean): void {
    this.noteAck(client, topic, id, offset);
    this.publisherAcks++;
    if (offset === undefined) return;
    const known = this.firstOffset(topic, id);
    // An id stored again past the window has more than one offset: an ack of any copy is true.
    if (known !== undefined && known !== offset && !(this.copiesOfId.get(k2(topic, id))?.includes(offset) ?? false)) {
      this.report('No lost acknowledged publish', `${client} was told ${topic} id ${id} is at offset ${offset}, but it is stored at ${known}`);
    }
    if (duplicate) return;
    const key = k2(client, topic);
    const last = this.lastAck.get(key);
    // Only a publish issued after the previous ack must land later in the topic.
    if (last !== undefined && issuedAt > last.at && offset <= last.offset) {
      this.report(
        'Acknowledged offsets increase',
        `${client}'s publish ${id} to ${topic}, issued after an ack at offset ${last.offset}, was acked at offset ${offset}`,
      );
    }
    if (last === undefined || offset > last.offset) this.lastAck.set(key, Object.freeze({ offset, at: this.now() }));
  }

  received(client: string, node: string, sub: number, topic: string, offset: number, line: string): void {
    const key = client + '\n' + node + '\n' + topic + '\n' + sub;
    let seen = this.seen.get(key);
    if (seen === undefined) this.seen.set(key, (seen = appendOnly(new Set<number>())));
    if (seen.has(offset)) {
      this.report('Subscriber sees no skip or repeat', `${client} received ${topic} offset ${offset} twice from ${node}`);
    }
    seen.add(offset);
    const record = this.atOffset.get(topic)?.at(offset - 1);
    const id = line.split(' ')[2];
    if (record === undefined || record.id !== id) {
      this.report('No phantom reads', `${client} read ${topic} offset ${offset} id ${id} from ${node}, which was never stored there`);
    }
  }

  /** A node crashed: its subscriptions end, so a gap left by messages it was holding is not an anomaly. */
  nodeCrashed(node: string): void {
    for (const key of this.seen.keys()) if (key.split('\n')[1] === node) this.ended.add(key);
  }

  /** A subscription ended with its connection (crash, disconnect, QUIT, reset): what it still held is not a gap. */
  subscriptionEnded(client: string, node: string, sub: number): void {
    for (const key of this.seen.keys()) {
      const [c, n, , s] = key.split('\n');
      if (c === client && n === node && s === String(sub)) this.ended.add(key);
    }
  }

  /**
   * After the cluster has healed and settled: every acknowledged publish is in every listed node's
   * history at one offset, and every subscriber saw a gap-free run of offsets.
   */
  checkHealed(histories: ReadonlyMap<string, (topic: string) => readonly TopicRecord[]>): void {
    const byTopic = new Map<string, Map<string, Map<string, number[]>>>(); // node → topic → id → offsets
    for (const [node, history] of histories) {
      const topics = new Map<string, Map<string, number[]>>();
      byTopic.set(node, topics);
      for (const topic of new Set(this.acks.pairTopic)) {
        const ids = new Map<string, number[]>();
        for (const r of history(topic)) {
          const offsets = ids.get(r.id);
          if (offsets === undefined) ids.set(r.id, [r.offset]);
          else offsets.push(r.offset);
        }
        topics.set(topic, ids);
      }
    }
    // With retention a node keeps only its newest records: an ack older than its oldest kept record is not missing.
    const oldest = new Map<string, number>(); // node + topic → lowest offset held
    for (const [node, topics] of byTopic) {
      for (const [topic, ids] of topics) {
        let low = Infinity;
        for (const os of ids.values()) for (const o of os) if (o < low) low = o;
        oldest.set(k2(node, topic), low);
      }
    }
    const acks = this.acks;
    for (let k = 0; k < acks.pair.length; k++) {
      const client = acks.pairClient[acks.pair.at(k)!];
      if (client === '') continue; // a console PUB: tracked for reads only
      const topic = acks.pairTopic[acks.pair.at(k)!];
      const offset = acks.offset.at(k)!;
      const id = this.ackId(k, topic, offset);
      for (const [node, topics] of byTopic) {
        const offsets = topics.get(topic)!.get(id);
        // (Retention never empties a topic: a topic with no records dropped nothing.)
        const low = oldest.get(k2(node, topic)) ?? Infinity;
        if (offsets === undefined && offset !== NO_OFFSET && low !== Infinity && low > 1 && offset < low) continue;
        if (offsets === undefined) {
          this.report('No lost acknowledged publish', `${client}'s acknowledged ${topic} id ${id} is missing from ${node}`);
        } else if (offset !== NO_OFFSET && !offsets.includes(offset)) {
          this.report('No lost acknowledged publish', `${topic} id ${id} was acked at offset ${offset} but ${node} has it at ${offsets.join(', ')}`);
        }
      }
    }
    for (const [key, seen] of this.seen) {
      if (this.ended.has(key)) continue;
      const offsets = [...seen].sort((x, y) => x - y);
      for (let i = 1; i < offsets.length; i++) {
        if (offsets[i] !== offsets[i - 1] + 1) {
          const [client, node, topic] = key.split('\n');
          this.report(
            'Subscriber sees no skip or repeat',
            `${client} subscribed to ${topic} on ${node} saw offset ${offsets[i]} but never ${offsets[i - 1] + 1}`,
          );
          break;
        }
      }
    }
  }

  ackCount(): number {
    return this.publisherAcks;
  }
}
