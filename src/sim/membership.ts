// The cluster's membership administrator (§6, thesis §4): queues add/remove requests and hands them,
// one at a time, to whichever node leads, until the configuration that carries each is committed.
import type { Configuration } from '../core/raft/types';

export interface MembershipChange {
  readonly op: 'add' | 'remove';
  readonly id: string;
  /** Virtual time of the request. */
  readonly requestedAt: number;
}

/** What the administrator needs of the cluster. */
export interface MembershipHost {
  /** The up node that is leader in the highest term, with its configuration in use. */
  leader(): { id: string; config: Configuration; change(op: 'add' | 'remove', id: string): boolean } | undefined;
  /** The latest committed configuration known anywhere in the cluster. */
  committed(): Configuration;
  /** One change at a time (the rule switch): later requests wait for the earlier one to commit. */
  oneAtATime(): boolean;
  /** A change was handed to a leader (its entry appended), or took effect (its configuration committed). */
  note(change: MembershipChange, what: 'submitted' | 'done' | 'cancelled', detail: string): void;
}

export class Membership {
  /** Requests not yet handed to a leader, oldest first. */
  private readonly queue: MembershipChange[] = [];
  /** Requests handed to a leader whose configuration is not committed yet. */
  private readonly active: MembershipChange[] = [];

  constructor(private readonly host: MembershipHost) {}

  get busy(): boolean {
    return this.queue.length > 0 || this.active.length > 0;
  }

  /** Pending requests: the active ones first, then the queue. */
  pending(): readonly MembershipChange[] {
    return [...this.active, ...this.queue];
  }

  request(change: MembershipChange): void {
    if (change.op === 'remove') {
      // Removing a node whose addition is still waiting: the addition is cancelled instead.
      const queued = this.queue.findIndex((c) => c.op === 'add' && c.id === change.id);
      if (queued >= 0) {
        const [add] = this.queue.splice(queued, 1);
        this.host.note(add, 'cancelled', `${add.id} removed before it joined`);
      }
      const running = this.active.findIndex((c) => c.op === 'add' && c.id === change.id);
      if (running >= 0) {
        const [add] = this.active.splice(running, 1);
        this.host.note(add, 'cancelled', `${add.id} removed while still a learner`);
        // Its learner entry may already be in the log: take it out first.
        this.queue.unshift(change);
        return;
      }
    }
    this.queue.push(change);
  }

  /** A change is done when the latest committed configuration reflects it. */
  private done(c: MembershipChange, committed: Configuration): boolean {
    return c.op === 'add' ? committed.voters.includes(c.id) : !committed.voters.includes(c.id) && !committed.learners.includes(c.id);
  }

  /** Called after every event while busy: retire what committed, then hand the next request to the leader. */
  poll(): void {
    const committed = this.host.committed();
    for (let i = 0; i < this.active.length; i++) {
      const c = this.active[i];
      if (!this.done(c, committed)) continue;
      this.active.splice(i--, 1);
      this.host.note(c, 'done', c.op === 'add' ? `${c.id} is a voter in the committed configuration` : `${c.id} left the committed configuration`);
    }
    const one = this.host.oneAtATime();
    while (this.queue.length > 0 && (!one || this.active.length === 0)) {
      const c = this.queue.shift()!;
      if (this.done(c, committed)) {
        this.host.note(c, 'done', 'nothing to change');
        continue;
      }
      this.active.push(c);
    }
    if (this.active.length === 0) return;
    const leader = this.host.leader();
    if (leader === undefined) return;
    for (const c of this.active) {
      // The leader's log already holds the change (its configuration in use reflects it): wait for the commit.
      const inLog = c.op === 'add'
        ? leader.config.voters.includes(c.id) || leader.config.learners.includes(c.id)
        : !leader.config.voters.includes(c.id) && !leader.config.learners.includes(c.id);
      if (inLog) continue;
      // Refused while an earlier change is uncommitted or an entry of its term is not: tried again after the next event.
      if (leader.change(c.op, c.id)) this.host.note(c, 'submitted', `${leader.id} appended the configuration entry`);
    }
  }
}
