// Raft safety checkers (paper Figure 3): they watch nodes after every event and never change anything.
// They hold across membership changes (§6) and snapshots (§7): a node's log may start after a snapshot.
import { appendOnly } from '../../core/appendOnly';
import { notSnapshotted } from '../snapshot';
import { AppendIndex } from '../appendIndex';
import { Column, recentLeaves } from '../../core/column';
import type { Entry, Role } from '../../core/raft/types';

/** What a checker may read of a node. */
export interface CheckedNode {
  readonly id: string;
  readonly up: boolean;
  readonly persistent: {
    readonly currentTerm: number;
    /** log[0] stands for the snapshot's last entry (index snapshot.lastIncludedIndex, 0 without one). */
    readonly log: Column<Entry>;
    readonly snapshot?: { readonly lastIncludedIndex: number; readonly lastIncludedTerm: number };
  };
  readonly raft: { readonly role: Role; readonly commitIndex: number };
}

export type Report = (property: string, detail: string) => void;

export const RAFT_PROPERTIES = [
  'Election Safety',
  'Leader Append-Only',
  'Log Matching',
  'Leader Completeness',
  'State Machine Safety',
  'Terms never decrease',
  'Committed entries never truncated',
] as const;

interface Shadow {
  /** Index of refs[0]: the node's snapshot index when last checked. */
  base: number;
  /** The entries this node's log held after the last check, by identity: refs.at(k) is entry base + k (leaves shared by all nodes' shadows). */
  refs: Column<Entry>;
  /** Prefix hash of refs[0] (the snapshot's last entry; 0 for the sentinel). */
  ph0: number;
  /**
   * Prefix hashes that differ from the first one seen for their (index, term), by index (empty
   * unless Log Matching was broken). The prefix hash of entry base + k (k > 0) is this node's entry
   * here, else the registry's (see RaftChecker.phAt): five nodes' copies of one growing array cost
   * 8 bytes an entry each.
   */
  dev: Map<number, number>;
  term: number;
  commit: number;
  applied: number;
  /** Term in which this node was last seen as leader (0 when never). */
  leaderTerm: number;
}

/**
 * Committed entries by index: the id of each (see idOf). Its term, prefix hash and the term it was
 * committed in are nearly always the first term and hash registered at its index (termAt, phAt):
 * only where they differ are they kept, by index (Maps filled in rising index order, like the ids),
 * instead of three more arrays growing by 8 bytes an entry each (and as much in every checkpoint).
 */
class CommittedLog {
  /** By index; index 0 (the sentinel) is never committed. */
  readonly id = new Column<number | undefined>();
  /** Entry term, where it is not termAt[index]. */
  readonly otherTerm = appendOnly(new Map<number, number>());
  /** Prefix hash, where it is not phAt[index]. */
  readonly otherPh = appendOnly(new Map<number, number>());
  /** The committing node's term, where it is not the entry's term. */
  readonly laterTerm = appendOnly(new Map<number, number>());
  get length(): number {
    return this.id.length;
  }
}

// (An entry's number is idOf(refs.at(k)): not kept per node, as it would cost a growing array per node in memory and in every restore.)
const newShadow = (): Shadow => ({ base: 0, refs: new Column(recentLeaves), ph0: 0, dev: new Map(), term: 0, commit: 0, applied: 0, leaderTerm: 0 });

/** A column of numbers holding `first` at index 0. */
function column(first: number): Column<number> {
  const c = new Column<number>();
  c.push(first);
  return c;
}

/** Key of (index, term) in the Log Matching registry. */
const key = (index: number, term: number): number => index * 2097152 + term;

export class RaftChecker {
  private readonly shadows: Shadow[];
  private readonly leaderOfTerm = new Map<number, string>();
  /**
   * Prefix hash of (index, term), the first time any node held such an entry: by index for the first
   * term seen there (termAt[i], phAt[i]; grown as indexes first appear), and in `prefixOf` for any
   * other term at an index (an uncommitted entry replaced after a change of leader).
   */
  private readonly termAt = column(0);
  private readonly phAt = column(0);
  private readonly prefixOf = new AppendIndex<number, number>();
  /**
   * The entry committed at each index (first node to commit it decides), by id and term: the entries
   * themselves are not kept, so a compacted log's entries can be collected while the checkers run.
   */
  private readonly committed = new CommittedLog();
  /**
   * A number per entry object, in the order entries are first seen. The table is left out of
   * snapshots (it cannot be listed, and an entry keeps its number in every future); the counter is
   * state, so a replay after a restore hands its new entries the same numbers as the first run did.
   */
  private readonly entryIds = notSnapshotted(new WeakMap<Entry, number>());
  private nextEntryId = 1;

  /** `nodes` may grow (servers added while running): each gets its shadow when first checked. */
  constructor(
    private readonly nodes: readonly CheckedNode[],
    private readonly report: Report,
  ) {
    this.shadows = nodes.map(newShadow);
  }

  private shadow(i: number): Shadow {
    return (this.shadows[i] ??= newShadow());
  }

  /** Records the entry committed at `index` (the next one, or one past a gap the caller reports). */
  private commit(index: number, id: number, term: number, ph: number, commitTerm: number): void {
    const c = this.committed;
    c.id.set(index, id);
    if (this.termAt.at(index) !== term) c.otherTerm.set(index, term);
    if (this.phAt.at(index) !== ph) c.otherPh.set(index, ph);
    if (commitTerm !== term) c.laterTerm.set(index, commitTerm);
  }

  /** Term of the entry committed at `index` (undefined: none). */
  private committedEntryTerm(index: number): number | undefined {
    if (this.committed.id.at(index) === undefined) return undefined;
    return this.committed.otherTerm.get(index) ?? this.termAt.at(index);
  }

  /** Prefix hash of the entry committed at `index`. */
  private committedPh(index: number): number | undefined {
    if (this.committed.id.at(index) === undefined) return undefined;
    return this.committed.otherPh.get(index) ?? this.phAt.at(index);
  }

  /** The term `index` was committed in (undefined: not committed). */
  private committedTerm(index: number): number | undefined {
    if (this.committed.id.at(index) === undefined) return undefined;
    return this.committed.laterTerm.get(index) ?? this.committedEntryTerm(index);
  }

  /** The first prefix hash registered for an entry of `term` at `index`, if any. */
  private firstPh(index: number, term: number): number | undefined {
    if (index < this.termAt.length && this.termAt.at(index) === term) return this.phAt.at(index);
    return this.prefixOf.size === 0 ? undefined : this.prefixOf.get(key(index, term));
  }

  private registerPh(index: number, term: number, ph: number): void {
    if (index === this.termAt.length) {
      this.termAt.push(term);
      this.phAt.push(ph);
    } else this.prefixOf.add(key(index, term), ph);
  }

  /** Prefix hash of the node's entry at refs.at(k). */
  private phOf(s: Shadow, k: number): number {
    if (k === 0) return s.ph0;
    const index = s.base + k;
    if (s.dev.size > 0) {
      const d = s.dev.get(index);
      if (d !== undefined) return d;
    }
    return this.firstPh(index, s.refs.at(k)!.term)!;
  }

  /** Forgets the deviations at indexes from `from` on (entries removed) or below `below` (compacted). */
  private static dropDev(s: Shadow, from: number, below = -Infinity): void {
    if (s.dev.size === 0) return;
    for (const index of [...s.dev.keys()]) if (index >= from || index < below) s.dev.delete(index);
  }

  private idOf(entry: Entry): number {
    let id = this.entryIds.get(entry);
    if (id === undefined) {
      id = this.nextEntryId++;
      this.entryIds.set(entry, id);
    }
    return id;
  }

  /** Check one node after an event that may have changed it. */
  afterEvent(i: number): void {
    const node = this.nodes[i];
    const s = this.shadow(i);
    const p = node.persistent;
    if (p.currentTerm < s.term) {
      this.report('Terms never decrease', `${node.id} went from term ${s.term} to ${p.currentTerm}`);
    }
    s.term = p.currentTerm;
    this.diffLog(i, node, s);
    if (!node.up) return;
    const role = node.raft.role;
    if (role === 'leader' && s.leaderTerm !== p.currentTerm) this.onNewLeader(i, node, s);
    this.diffCommit(node, s);
  }

  private diffLog(i: number, node: CheckedNode, s: Shadow): void {
    const log = node.persistent.log;
    const base = node.persistent.snapshot?.lastIncludedIndex ?? 0;
    if (base !== s.base || log.at(0) !== s.refs.at(0)) this.rebase(node, s, base);
    const refs = s.refs;
    const n = log.length;
    if (refs.length === n && refs.last() === log.at(n - 1)) return;
    // Logs change only at their end: find the longest common prefix from the back of the overlap.
    let k = Math.min(refs.length, n);
    while (k > 0 && refs.at(k - 1) !== log.at(k - 1)) k--;
    if (refs.length > k) {
      const gone = refs.at(k)!;
      if (base + k < this.committed.length && this.committed.id.at(base + k) === this.idOf(gone)) {
        this.report(
          'Committed entries never truncated',
          `${node.id} removed committed entry ${base + k} (term ${gone.term}) and what followed it`,
        );
      }
      if (node.up && node.raft.role === 'leader' && s.leaderTerm === node.persistent.currentTerm) {
        this.report('Leader Append-Only', `leader ${node.id} of term ${s.leaderTerm} removed entries from index ${base + k}`);
      }
      refs.truncate(k);
      RaftChecker.dropDev(s, base + k);
    }
    let prev = k > 0 ? this.phOf(s, k - 1) : 0;
    for (let j = k; j < n; j++) {
      const entry = log.at(j)!;
      const index = base + j;
      if (j === 0) {
        // The log's first slot stands for the snapshot (or the sentinel): its hash was set by rebase.
        refs.push(entry);
        prev = s.ph0 = index === 0 ? 0 : this.committedPh(index)!;
        continue;
      }
      const id = this.idOf(entry);
      // 30 bits: a small integer, which V8 keeps unboxed in arrays (a 32-bit hash is boxed, 16 bytes more, half the time).
      const ph = (Math.imul(prev ^ id, 0x9e3779b1) + index) & 0x3fffffff;
      refs.push(entry);
      prev = ph;
      const seen = this.firstPh(index, entry.term);
      if (seen === undefined) this.registerPh(index, entry.term, ph);
      else if (seen !== ph) {
        s.dev.set(index, ph);
        this.report(
          'Log Matching',
          `${node.id} holds an entry at index ${index} of term ${entry.term} whose preceding log differs from another node's entry at the same index and term`,
        );
      }
    }
    void i;
  }

  /**
   * The node's log now starts at a different index (§7): it compacted its own log, installed a
   * leader's snapshot, or restarted from one. Every snapshot may cover committed entries only.
   */
  private rebase(node: CheckedNode, s: Shadow, base: number): void {
    const log = node.persistent.log;
    const shift = base - s.base;
    const snapshotTerm = node.persistent.snapshot?.lastIncludedTerm ?? 0;
    if (base > 0 && (base >= this.committed.length || this.committed.id.at(base) === undefined)) {
      this.report('State Machine Safety', `${node.id} holds a snapshot up to index ${base}, which was never committed`);
    } else if (base > 0 && this.committedEntryTerm(base) !== snapshotTerm) {
      this.report(
        'State Machine Safety',
        `${node.id}'s snapshot ends at index ${base} with term ${snapshotTerm}, but the entry committed there has term ${this.committedEntryTerm(base)}`,
      );
    }
    if (shift > 0 && shift < s.refs.length && s.refs.at(shift) === log.at(0)) {
      // Compaction of its own log: the same entries, a shorter prefix.
      s.ph0 = this.phOf(s, shift);
      s.refs.dropFront(shift);
      RaftChecker.dropDev(s, Infinity, base + 1);
    } else {
      // A snapshot from elsewhere: what it held beyond the snapshot may be discarded, but never a committed entry.
      for (let j = Math.max(1, base - s.base + 1); j < s.refs.length; j++) {
        const index = s.base + j;
        const held = s.refs.at(j)!;
        if (index < this.committed.length && this.committed.id.at(index) === this.idOf(held) && log.at(index - base) !== held) {
          this.report('Committed entries never truncated', `${node.id} discarded committed entry ${index} when it installed a snapshot up to ${base}`);
          break;
        }
      }
      s.refs = new Column(recentLeaves);
      s.dev = new Map();
    }
    s.base = base;
    if (s.commit < base) s.commit = base;
  }

  private onNewLeader(i: number, node: CheckedNode, s: Shadow): void {
    const term = node.persistent.currentTerm;
    s.leaderTerm = term;
    const other = this.leaderOfTerm.get(term);
    if (other !== undefined && other !== node.id) {
      this.report('Election Safety', `${other} and ${node.id} were both leaders of term ${term}`);
    }
    this.leaderOfTerm.set(term, node.id);
    // Every entry committed in an earlier term must be in the new leader's log.
    let c = this.committed.length - 1;
    while (c > 0 && this.committedTerm(c)! >= term) c--;
    // Entries up to its snapshot are committed ones (checked when the snapshot appeared).
    if (c > s.base && (c - s.base >= s.refs.length || this.phOf(s, c - s.base) !== this.committedPh(c))) {
      this.report(
        'Leader Completeness',
        `${node.id} became leader of term ${term} without committed entry ${c} (committed in term ${this.committedTerm(c)})`,
      );
    }
    void i;
  }

  private diffCommit(node: CheckedNode, s: Shadow): void {
    const ci = node.raft.commitIndex;
    const log = node.persistent.log;
    const base = s.base;
    if (ci > base + log.length - 1) {
      this.report('State Machine Safety', `${node.id} has commitIndex ${ci} beyond its last index ${base + log.length - 1}`);
    }
    for (let idx = Math.max(s.commit, base) + 1; idx <= ci && idx < base + log.length; idx++) {
      const entry = log.at(idx - base)!;
      if (idx < this.committed.length) {
        if (this.committed.id.at(idx) !== this.idOf(s.refs.at(idx - base)!)) {
          this.report(
            'State Machine Safety',
            `${node.id} committed a different entry at index ${idx} (term ${entry.term}) than was committed before (term ${this.committedEntryTerm(idx)})`,
          );
        }
        continue;
      }
      if (idx > this.committed.length) this.fillCommitted(idx, s);
      this.commit(idx, this.idOf(s.refs.at(idx - base)!), entry.term, this.phOf(s, idx - base), node.persistent.currentTerm);
      this.checkLeadersHold(idx, node.persistent.currentTerm);
    }
    s.commit = ci;
  }

  /** Committing index i commits every index below it too. */
  private fillCommitted(upTo: number, s: Shadow): void {
    for (let j = Math.max(1, this.committed.length, s.base + 1); j < upTo; j++) {
      const entry = s.refs.at(j - s.base)!;
      this.commit(j, this.idOf(entry), entry.term, this.phOf(s, j - s.base), s.term);
    }
  }

  private checkLeadersHold(idx: number, commitTerm: number): void {
    for (let j = 0; j < this.nodes.length; j++) {
      const other = this.nodes[j];
      const os = this.shadows[j];
      if (other === undefined || os === undefined || !other.up || other.raft.role !== 'leader' || os.leaderTerm <= commitTerm) continue;
      if (idx > os.base && (idx - os.base >= os.refs.length || this.phOf(os, idx - os.base) !== this.committedPh(idx))) {
        this.report(
          'Leader Completeness',
          `entry ${idx} committed in term ${commitTerm} is missing from ${other.id}, leader of later term ${os.leaderTerm}`,
        );
      }
    }
  }

  /** A node applied entry `index` to its state machine. */
  onApply(i: number, index: number, entry: Entry): void {
    const node = this.nodes[i];
    const s = this.shadow(i);
    if (index !== s.applied + 1) {
      this.report('State Machine Safety', `${node.id} applied index ${index} after ${s.applied} (out of order or with a gap)`);
    }
    s.applied = index;
    const known = this.committed.id.at(index);
    if (known !== undefined && known !== this.idOf(entry)) {
      this.report(
        'State Machine Safety',
        `${node.id} applied an entry of term ${entry.term} at index ${index}, where term ${this.committedEntryTerm(index)}'s entry was committed`,
      );
    }
  }

  /** Volatile state is gone: the node re-applies from index 1 (or from its snapshot, see onRestore). */
  onCrash(i: number): void {
    const s = this.shadow(i);
    s.commit = 0;
    s.applied = 0;
  }

  /**
   * The node's state machine was replaced by a snapshot up to `index` of term `term` (installed or
   * restored at restart): that must be a committed prefix, and applying continues after it.
   */
  onRestore(i: number, index: number, term: number): void {
    const node = this.nodes[i];
    const s = this.shadow(i);
    const known = this.committedEntryTerm(index);
    if (known === undefined) this.report('State Machine Safety', `${node.id} restored a snapshot up to index ${index}, which was never committed`);
    else if (known !== term) {
      this.report('State Machine Safety', `${node.id} restored a snapshot whose entry ${index} has term ${term}, where term ${known}'s entry was committed`);
    }
    s.applied = index;
    if (s.commit < index) s.commit = index;
  }
}
