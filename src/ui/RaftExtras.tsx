// What issue 13 adds to the first screen: the cluster's membership (paper §6, thesis §4) in the Inspector's
// overview. Its controls and each node's read-outs are in RaftControls.tsx, which loads with the panels that show them.
import type { NodeView } from '../sim';
import { formatMs, getView, selectNode, useSim } from '../store/sim';
import './raftExtras.css';

export interface MembershipNow {
  /** Voters of the latest committed configuration (§6). */
  voters: readonly string[];
  /** Added nodes still catching up, not yet voters (thesis §4.2.1). */
  learners: readonly string[];
  /** Requests not yet committed, oldest first (one change at a time: the first is in progress). */
  pending: ReadonlyArray<{ op: 'add' | 'remove'; id: string; requestedAt: number }>;
}

/** The cluster's membership as of the latest event. */
export function useMembership(): MembershipNow {
  useSim((s) => s.seq);
  useSim((s) => s.runId);
  const nodes = useSim((s) => s.nodes);
  const c = getView().cluster;
  return { voters: c.members(), learners: nodes.filter((v) => v.learner).map((v) => v.id), pending: c.pendingChanges() };
}

const majorityOf = (n: number): number => Math.floor(n / 2) + 1;

/** How a node stands in its own configuration, in words. */
export function memberStatus(v: NodeView): string {
  if (v.removed) return 'removed (stopped)';
  if (v.learner) return 'learner: catching up, does not vote';
  if (v.members.includes(v.id)) return 'voter';
  return 'not in its configuration';
}

function pendingText(p: MembershipNow['pending'][number], first: boolean): string {
  const what = p.op === 'add' ? `add ${p.id}` : `remove ${p.id}`;
  return `${what} — asked at ${formatMs(p.requestedAt)}${first ? ', in progress' : ', waiting for the change before it'}`;
}

/** Committed voters, learners and pending changes: the Faults panel's and the overview's summary. */
export function MembershipSummary() {
  const m = useMembership();
  const oneAtATime = useSim((s) => s.run.rules?.oneChangeAtATime !== false);
  return (
    <div className="membership" data-testid="membership">
      <p>
        Voters <span className="muted">(committed configuration, §6)</span>: <strong className="config-voters">{m.voters.join(' ') || 'none'}</strong>{' '}
        <span className="muted">— a majority is {majorityOf(m.voters.length)}</span>
      </p>
      {m.learners.length > 0 && (
        <p>
          Learners <span className="muted">(catching up, no vote)</span>: <strong>{m.learners.join(' ')}</strong>
        </p>
      )}
      {m.pending.length > 0 && (
        <>
          <p>Membership changes not yet committed:</p>
          <ul className="membership-list" aria-label="Pending membership changes">
            {m.pending.map((p, i) => (
              <li key={`${p.op}-${p.id}-${p.requestedAt}`}>{pendingText(p, !oneAtATime || i === 0)}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Inspector overview: the membership summary with a link to each learner. */
export function ClusterMembership() {
  const m = useMembership();
  return (
    <section aria-label="Membership" className="overview-membership">
      <MembershipSummary />
      {m.learners.length > 0 && (
        <p className="hint">
          Inspect a learner:{' '}
          {m.learners.map((id) => (
            <button key={id} type="button" className="linkish" onClick={() => selectNode(id)}>
              {id}
            </button>
          ))}
        </p>
      )}
    </section>
  );
}
