// Raft safety checkers (paper Figure 3): they watch nodes after every event and never change anything.
import { appendOnly, shrunk } from '../../core/appendOnly';
import { notSnapshotted } from '../snapshot';
import type { Entry, RaftPersistent, Role } from '../../core/raft/types';

/** What a checker may read of a node. */
export interface CheckedNode {
  readonly id: string;
  readonly up: boolean;
  readonly persistent: RaftPersistent;
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
  /** The entries this node's log held after the last check, by identity. */
  refs: Entry[];
  /** Prefix hashes: ph[i] identifies the whole log prefix 1..i. */
  ph: number[];
  term: number;
  commit: number;
  applied: number;
  /** Term in which this node was last seen as leader (0 when never). */
  leaderTerm: number;
}

/** Key of (index, term) in the Log Matching registry. */
const key = (index: number, term: number): number => index * 2097152 + term;

export class RaftChecker {
  private readonly shadows: Shadow[];
  private readonly leaderOfTerm = new Map<number, string>();
  /** Prefix hash of (index, term), the first time any node held such an entry. */
  private readonly prefixOf = appendOnly(new Map<number, number>());
  /** committed[i]: the entry committed at index i (first node to commit it decides). */
  private readonly committed: Entry[] = appendOnly([]);
  private readonly committedPh: number[] = appendOnly([]);
  private readonly committedTerm: number[] = appendOnly([]);
  /**
   * A number per entry object, in the order entries are first seen. The table is left out of
   * snapshots (it cannot be listed, and an entry keeps its number in every future); the counter is
   * state, so a replay after a restore hands its new entries the same numbers as the first run did.
   */
  private readonly entryIds = notSnapshotted(new WeakMap<Entry, number>());
  private nextEntryId = 1;

  constructor(
    private readonly nodes: readonly CheckedNode[],
    private readonly report: Report,
  ) {
    this.shadows = nodes.map(() => ({ refs: appendOnly([]), ph: appendOnly([]), term: 0, commit: 0, applied: 0, leaderTerm: 0 }));
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
    const s = this.shadows[i];
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
    const refs = s.refs;
    const n = log.length;
    if (refs.length === n && refs[n - 1] === log[n - 1]) return;
    // Logs change only at their end: find the longest common prefix from the back of the overlap.
    let k = Math.min(refs.length, n);
    while (k > 0 && refs[k - 1] !== log[k - 1]) k--;
    if (refs.length > k) {
      if (k < this.committed.length && this.committed[k] === refs[k]) {
        this.report(
          'Committed entries never truncated',
          `${node.id} removed committed entry ${k} (term ${refs[k].term}) and what followed it`,
        );
      }
      if (node.up && node.raft.role === 'leader' && s.leaderTerm === node.persistent.currentTerm) {
        this.report('Leader Append-Only', `leader ${node.id} of term ${s.leaderTerm} removed entries from index ${k}`);
      }
      refs.length = k;
      s.ph.length = k;
      shrunk(refs, k);
      shrunk(s.ph, k);
    }
    for (let j = k; j < n; j++) {
      const entry = log[j];
      const prev = j === 0 ? 0 : s.ph[j - 1];
      const ph = j === 0 ? 0 : (Math.imul(prev ^ this.idOf(entry), 0x9e3779b1) + j) >>> 0;
      refs.push(entry);
      s.ph.push(ph);
      if (j === 0) continue;
      const kk = key(j, entry.term);
      const seen = this.prefixOf.get(kk);
      if (seen === undefined) this.prefixOf.set(kk, ph);
      else if (seen !== ph) {
        this.report(
          'Log Matching',
          `${node.id} holds an entry at index ${j} of term ${entry.term} whose preceding log differs from another node's entry at the same index and term`,
        );
      }
    }
    void i;
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
    while (c > 0 && this.committedTerm[c] >= term) c--;
    if (c > 0 && s.ph[c] !== this.committedPh[c]) {
      this.report(
        'Leader Completeness',
        `${node.id} became leader of term ${term} without committed entry ${c} (committed in term ${this.committedTerm[c]})`,
      );
    }
    void i;
  }

  private diffCommit(node: CheckedNode, s: Shadow): void {
    const ci = node.raft.commitIndex;
    const log = node.persistent.log;
    if (ci > log.length - 1) {
      this.report('State Machine Safety', `${node.id} has commitIndex ${ci} beyond its last index ${log.length - 1}`);
    }
    for (let idx = s.commit + 1; idx <= ci && idx < log.length; idx++) {
      const entry = log[idx];
      if (idx < this.committed.length) {
        if (this.committed[idx] !== entry) {
          this.report(
            'State Machine Safety',
            `${node.id} committed a different entry at index ${idx} (term ${entry.term}) than was committed before (term ${this.committed[idx].term})`,
          );
        }
        continue;
      }
      if (idx > this.committed.length) this.fillCommitted(idx, log, s);
      this.committed[idx] = entry;
      this.committedPh[idx] = s.ph[idx];
      this.committedTerm[idx] = node.persistent.currentTerm;
      this.checkLeadersHold(idx, node.persistent.currentTerm);
    }
    s.commit = ci;
  }

  /** Committing index i commits every index below it too. */
  private fillCommitted(upTo: number, log: readonly Entry[], s: Shadow): void {
    for (let j = Math.max(1, this.committed.length); j < upTo; j++) {
      this.committed[j] = log[j];
      this.committedPh[j] = s.ph[j];
      this.committedTerm[j] = s.term;
    }
  }

  private checkLeadersHold(idx: number, commitTerm: number): void {
    for (let j = 0; j < this.nodes.length; j++) {
      const other = this.nodes[j];
      const os = this.shadows[j];
      if (!other.up || other.raft.role !== 'leader' || os.leaderTerm <= commitTerm) continue;
      if (os.ph[idx] !== this.committedPh[idx]) {
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
    const s = this.shadows[i];
    if (index !== s.applied + 1) {
      this.report('State Machine Safety', `${node.id} applied index ${index} after ${s.applied} (out of order or with a gap)`);
    }
    s.applied = index;
    const known = this.committed[index];
    if (known !== undefined && known !== entry) {
      this.report(
        'State Machine Safety',
        `${node.id} applied an entry of term ${entry.term} at index ${index}, where term ${known.term}'s entry was committed`,
      );
    }
  }

  /** Volatile state is gone: the node re-applies from index 1. */
  onCrash(i: number): void {
    this.shadows[i].commit = 0;
    this.shadows[i].applied = 0;
  }
}
