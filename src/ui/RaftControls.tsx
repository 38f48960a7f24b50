// What issue 13 adds to the page's panels: membership (add and remove a node: paper §6, thesis §4),
// leadership transfer (thesis §3.10) and snapshots (§7) as controls, and each node's configuration,
// learner status, snapshot, pre-vote and read lease as read-outs (the Faults panel, the node inspector).
import { useState, type ReactNode } from 'react';
import { MAX_NODES } from '../sim/config';
import type { NodeView } from '../sim';
import { act, actWithResult, formatMs, showNotice, useSim } from '../store/sim';
import { MembershipSummary, memberStatus, useMembership } from './RaftExtras';
import './raftExtras.css';

function Field({ label, value, title }: { label: string; value: ReactNode; title?: string }) {
  return (
    <div className="field" title={title}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Faults panel: add and remove nodes, transfer leadership, snapshot a node now. */
export function MembershipControls() {
  const ids = useSim((s) => s.nodeIds);
  const nodes = useSim((s) => s.nodes);
  const leader = useSim((s) => s.leader);
  const selected = useSim((s) => s.selection.node);
  const m = useMembership();
  const [removePick, setRemovePick] = useState<string | null>(null);
  const [transferPick, setTransferPick] = useState<string | null>(null);
  const [snapPick, setSnapPick] = useState<string | null>(null);
  const pendingRemoval = new Set(m.pending.filter((p) => p.op === 'remove').map((p) => p.id));
  const removable = ids.filter((id) => !pendingRemoval.has(id));
  const removeId = removePick !== null && removable.includes(removePick) ? removePick : (selected !== null && removable.includes(selected) ? selected : removable[removable.length - 1]);
  const candidates = nodes.filter((v) => v.up && v.members.includes(v.id) && !v.learner && v.id !== leader).map((v) => v.id);
  const transferTo = transferPick !== null && candidates.includes(transferPick) ? transferPick : candidates[0];
  const snapId = snapPick !== null && ids.includes(snapPick) ? snapPick : (selected !== null && ids.includes(selected) ? selected : (leader ?? ids[0]));
  return (
    <>
      <section aria-labelledby="faults-members">
        <h3 id="faults-members">Membership</h3>
        <MembershipSummary />
        <div className="row">
          <button type="button" className="btn small" disabled={ids.length >= MAX_NODES} onClick={() => act('addNode', [{}])}>
            Add a node
          </button>
          <label>
            Remove{' '}
            <select value={removeId ?? ''} onChange={(e) => setRemovePick(e.target.value)} aria-label="Node to remove">
              {removable.map((id) => (
                <option key={id}>{id}</option>
              ))}
            </select>
          </label>
          <button type="button" className="btn small" disabled={removeId === undefined || removable.length <= 1} onClick={() => removeId !== undefined && act('removeNode', [removeId])}>
            Remove {removeId ?? ''}
          </button>
        </div>
        <p className="hint">
          The leader first appends a configuration entry that adds the new node as a learner: it starts empty and catches up (it gets the log but does not vote).
          Once it has caught up, a second configuration entry makes it a voter. A removed node stops once the configuration without it commits. One change at a
          time: later requests wait (thesis §4).
        </p>
      </section>
      <section aria-labelledby="faults-transfer">
        <h3 id="faults-transfer">Leadership transfer and snapshots</h3>
        <div className="row">
          <label>
            Transfer leadership to{' '}
            <select value={transferTo ?? ''} onChange={(e) => setTransferPick(e.target.value)} disabled={candidates.length === 0} aria-label="New leader">
              {candidates.map((id) => (
                <option key={id}>{id}</option>
              ))}
            </select>
          </label>
          <button type="button" className="btn small" disabled={leader === undefined || transferTo === undefined} onClick={() => transferTo !== undefined && transfer(transferTo)}>
            Transfer
          </button>
        </div>
        <p className="hint">The leader stops taking proposals, brings the target up to date, then sends it TimeoutNow: it starts an election at once and, its log being up to date, normally wins it (thesis §3.10). With lease reads, the leader gives up its lease first (thesis §6.4.1).</p>
        <div className="row">
          <label>
            Snapshot{' '}
            <select value={snapId ?? ''} onChange={(e) => setSnapPick(e.target.value)} aria-label="Node to snapshot">
              {ids.map((id) => (
                <option key={id}>{id}</option>
              ))}
            </select>
          </label>
          <button type="button" className="btn small" disabled={snapId === undefined} onClick={() => snapId !== undefined && snapshotNow(snapId)}>
            Snapshot now
          </button>
        </div>
        <p className="hint">The node saves its broker state as of the last entry it applied and drops the log up to there (§7).</p>
      </section>
    </>
  );
}

/** Leadership transfer, with a word when the engine refuses. */
export function transfer(to: string): void {
  const r = actWithResult('transferLeadership', [to]);
  if (r.ok && r.result === false) {
    showNotice({ kind: 'info', text: `No transfer to ${to}: there is no leader, ${to} is not a voter that is up, or it already leads.` });
  }
}

/** A snapshot now, with a word when there is nothing to compact. */
export function snapshotNow(id: string): void {
  const r = actWithResult('snapshot', [id]);
  if (r.ok && r.result === false) {
    showNotice({ kind: 'info', text: `${id} took no snapshot: it is down, or it has applied nothing since its last snapshot.` });
  }
}

/** Inspector: the node's configuration, learner status, snapshot, pre-vote, transfer and read lease, with its actions. */
export function NodeMembership({ v }: { v: NodeView }) {
  const leader = useSim((s) => s.leader);
  const reads = useSim((s) => s.run.reads ?? 'local');
  const pending = useMembership().pending;
  // A snapshot holds the configuration as of its last entry (§7): the configuration's own entry is compacted then.
  const configText =
    v.snapshot !== null && v.configIndex <= v.snapshot.lastIncludedIndex ? 'kept in its snapshot, committed'
    : v.configIndex > 0 ? `entry ${v.configIndex}, ${v.configIndex <= v.commitIndex ? 'committed' : 'not known committed here'}`
    : 'the initial one';
  const committedDiffers = v.committedMembers.join(' ') !== v.members.join(' ');
  const lastIndex = (v.snapshot?.lastIncludedIndex ?? 0) + v.log.length;
  const canTransfer = leader !== undefined && leader !== v.id && v.up && !v.learner && v.members.includes(v.id);
  const removing = pending.some((p) => p.op === 'remove' && p.id === v.id);
  return (
    <div className="node-membership">
      <h3>Membership and snapshot</h3>
      <dl className="fields">
        <Field label="Status" value={memberStatus(v)} title="Voters elect leaders and count in majorities; a learner receives the log but does not vote (thesis §4.2.1)" />
        <Field label="Voters" value={<span className="config-voters">{v.members.join(' ') || 'none'}</span>} title="The configuration this node uses: its latest configuration entry, committed or not (§6)" />
        {v.learners.length > 0 && <Field label="Learners" value={v.learners.join(' ')} title="Learners of that configuration" />}
        <Field label="Config from" value={configText} title="Where that configuration comes from in this node's log" />
        {committedDiffers && <Field label="Committed voters" value={v.committedMembers.join(' ') || 'none'} title="The latest configuration committed on this node" />}
        <Field
          label="Snapshot"
          value={<span className="snapshot-line">{v.snapshot ? `up to ${v.snapshot.lastIncludedIndex} (term ${v.snapshot.lastIncludedTerm})` : 'none'}</span>}
          title="The log prefix this node replaced by the state it produced (§7)"
        />
        {v.snapshot && <Field label="Log holds" value={v.log.length > 0 ? `entries ${v.snapshot.lastIncludedIndex + 1}–${lastIndex}` : 'no entries after it'} />}
        {v.preCandidate && <Field label="Pre-vote" value={`asking for term ${v.term + 1}`} title="Thesis §9.6: it asks first whether it would win; its term does not change" />}
        {v.transferee !== null && <Field label="Handing over to" value={v.transferee} title="Leadership transfer (thesis §3.10): proposals are paused" />}
        {reads === 'lease' && v.role === 'leader' && v.up && <Field label="Read lease" value={v.leaseMs > 0 ? `${formatMs(v.leaseMs)} left` : 'none'} title="While its lease lasts the leader answers HISTORY alone (thesis §6.4.1)" />}
      </dl>
      <div className="row">
        <button type="button" className="btn small" disabled={!v.up} onClick={() => snapshotNow(v.id)}>
          Snapshot now
        </button>
        <button type="button" className="btn small" disabled={!canTransfer} onClick={() => transfer(v.id)}>
          Make leader (transfer)
        </button>
        <button type="button" className="btn small" disabled={v.removed || removing} onClick={() => act('removeNode', [v.id])}>
          {removing ? 'Removal pending' : 'Remove from cluster'}
        </button>
      </div>
    </div>
  );
}

