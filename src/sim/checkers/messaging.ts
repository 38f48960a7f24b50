// Messaging checkers, after the Jepsen/Maelstrom Kafka checker: they watch stores, acks and
// subscriber deliveries, and name the anomaly, the ids involved and (through the report) the seed.
import { appendOnly, shrunk } from '../../core/appendOnly';
import { OK_HISTORY_END, parseLine, parseRecordLine } from '../../core/broker/protocol';
import type { TopicRecord } from '../../core/broker/state';
import type { Report } from './raft';
import { AppendIndex } from '../appendIndex';
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
export const WINDOW_FINDING = 'Retry stored again after its id left the dedup window';

/** What the checker must know of the broker's dedup to tell a bug from the window's documented limit. */
export interface DedupConfig {
  /** Ids remembered per topic (0: none). */
  window: number;
  mode: 'window' | 'sessions' | 'off';
}

/** One acknowledgement: kept once, in `acks` (a publisher's) and in its topic's list (for reads). */
interface Ack {
  readonly client: string;
  readonly topic: string;
  readonly id: string;
  readonly offset: number | undefined;
  readonly at: number;
  /** Its position among all acknowledgements (console ones too). */
  readonly mark: number;
}

const k2 = (a: string, b: string): string => a + '\n' + b;

export class MessagingChecker {
  /** (topic, offset) → the record first stored there by any node. */
  private readonly atOffset = appendOnly(new Map<string, TopicRecord[]>());
  /** (topic, id) → offset it was first stored at. */
  private readonly offsetOfId = new AppendIndex<string, number>();
  /** (topic, id) → offset it was last stored at (for ids stored more than once). */
  private readonly lastOffsetOfId = new Map<string, number>();
  /** (topic, id) → the offsets of its later copies (stored again past the window, a finding). */
  private readonly copiesOfId = new Map<string, number[]>();
  /** (topic, id, message) of everything any client sent or node generated an id for. */
  private readonly published = new AppendIndex<string>(false);
  private readonly acks: Ack[] = appendOnly([]);
  /** (client, topic) → last ack of a publish issued after the previous ack. */
  private readonly lastAck = new Map<string, { offset: number; at: number }>();
  /** (client, node, subscription, topic) → offsets delivered to the application. */
  private readonly seen = appendOnly(new Map<string, Set<number>>());
  /** Subscriptions cut short by a crash of their node: what they still held is lost, by design. */
  private readonly ended = appendOnly(new Set<string>());
  /** Every acknowledged publish by topic, in ack order (for the stale-read check). */
  private readonly ackedByTopic = new Map<string, Ack[]>();
  /** One string per topic name: tens of thousands of acks then share it (names arrive parsed from lines). */
  private readonly topicNames = notSnapshotted(new Map<string, string>());
  /** Acknowledgements so far: orders reads after the acknowledgements that came before them, even within one instant. */
  private acksSeen = 0;

  /** `staleReport` (default `report`) receives stale reads: a read mode may allow them, so it may only record them. */
  constructor(
    private readonly report: Report,
    private readonly now: () => number,
    private readonly dedup: DedupConfig = { window: 100, mode: 'window' },
    /** Where findings go (documented consequences of settings); they never stop a run. */
    private readonly note: Report = () => {},
    private readonly staleReport: Report = report,
  ) {}

  private noteAck(client: string, topic: string, id: string, offset: number | undefined): Ack {
    let name = this.topicNames.get(topic);
    if (name === undefined) this.topicNames.set(topic, (name = topic));
    let list = this.ackedByTopic.get(name);
    if (list === undefined) this.ackedByTopic.set(name, (list = appendOnly([])));
    const ack: Ack = Object.freeze({ client, topic: name, id, offset, at: this.now(), mark: ++this.acksSeen });
    list.push(ack);
    return ack;
  }

  /** The current position among acknowledgements: a read sent now must reflect every one up to here. */
  ackMark(): number {
    return this.acksSeen;
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
    const acked = this.ackedByTopic.get(cmd.topic);
    if (acked === undefined) return;
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
    for (const a of acked) {
      if (a.mark > mark) break;
      if (ids.has(a.id)) continue;
      // A full reply may leave out records older than its oldest one.
      if (full && (a.offset === undefined || a.offset < lowest)) continue;
      if (a.offset !== undefined && offsets.has(a.offset)) continue;
      this.staleReport(
        'No stale read',
        `${client}'s HISTORY ${cmd.topic} ${cmd.n} at ${node} lacks ${a.id}` +
          (a.offset !== undefined ? ` (offset ${a.offset})` : '') + `, acknowledged at t=${Math.round(a.at * 1000) / 1000}ms, before the read was sent`,
      );
      return;
    }
  }

  /** A client sent (or a node generated the id of) a publish. */
  onPublished(topic: string, id: string, message: string): void {
    this.published.add(k2(k2(topic, id), message));
  }

  stored(node: string, topic: string, record: TopicRecord): void {
    let offsets = this.atOffset.get(topic);
    if (offsets === undefined) this.atOffset.set(topic, (offsets = appendOnly([])));
    const first = offsets[record.offset];
    if (first === undefined) {
      // Offsets come in order, so this appends; filling a gap would be a change (announced, for snapshots).
      if (record.offset < offsets.length) shrunk(offsets, record.offset);
      offsets[record.offset] = record;
      const key = k2(topic, record.id);
      const before = this.offsetOfId.get(key);
      if (before !== undefined && before !== record.offset) {
        const last = this.lastOffsetOfId.get(key) ?? before;
        const back = record.offset - last;
        const { window, mode } = this.dedup;
        if (mode !== 'off' && back > window) {
          // The spec's window remembers the last `window` ids per topic: an id further back is
          // forgotten by design, and a retry of it is stored again. A finding, not a bug.
          this.note(
            WINDOW_FINDING,
            `id ${record.id} stored again in topic ${topic} at offset ${record.offset}: its first copy (offset ${before}) was ${record.offset - before} records back, beyond the dedup window of ${window} ids per topic (a longer window, or dedup 'sessions', keeps it)`,
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
      } else this.offsetOfId.add(key, record.offset);
      if (!this.published.has(k2(key, record.message))) {
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
    this.acks.push(this.noteAck(client, topic, id, offset));
    if (offset === undefined) return;
    const known = this.offsetOfId.get(k2(topic, id));
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
    const record = this.atOffset.get(topic)?.[offset];
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
      for (const a of this.acks) {
        if (topics.has(a.topic)) continue;
        const ids = new Map<string, number[]>();
        for (const r of history(a.topic)) {
          const offsets = ids.get(r.id);
          if (offsets === undefined) ids.set(r.id, [r.offset]);
          else offsets.push(r.offset);
        }
        topics.set(a.topic, ids);
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
    for (const a of this.acks) {
      for (const [node, topics] of byTopic) {
        const offsets = topics.get(a.topic)!.get(a.id);
        // (Retention never empties a topic: a topic with no records dropped nothing.)
        const low = oldest.get(k2(node, a.topic)) ?? Infinity;
        if (offsets === undefined && a.offset !== undefined && low !== Infinity && low > 1 && a.offset < low) continue;
        if (offsets === undefined) {
          this.report('No lost acknowledged publish', `${a.client}'s acknowledged ${a.topic} id ${a.id} is missing from ${node}`);
        } else if (a.offset !== undefined && !offsets.includes(a.offset)) {
          this.report('No lost acknowledged publish', `${a.topic} id ${a.id} was acked at offset ${a.offset} but ${node} has it at ${offsets.join(', ')}`);
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
    return this.acks.length;
  }
}
