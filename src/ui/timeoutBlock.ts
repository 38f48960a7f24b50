// Whether a node's election timeout can be forced now (the Time out button and the T key agree), and why not.
import type { NodeView } from '../sim';

/** Why forcing `v`'s election timeout would do nothing, or null when it starts an election (or a pre-vote). */
export function timeoutBlocked(v: Pick<NodeView, 'id' | 'up' | 'role' | 'learner' | 'removed'>): string | null {
  if (!v.up) return `${v.id} is down: it has no timers until it restarts`;
  if (v.role === 'leader') return `${v.id} is the leader: a leader has no election timeout (§5.2)`;
  if (v.removed) return `${v.id} was removed from the cluster: it never starts an election (thesis §4.2.2)`;
  if (v.learner) return `${v.id} is a learner: it receives the log but does not vote, and never starts an election (thesis §4.2.1)`;
  return null;
}
