// The scenario language's issue-13 words: add-node, remove-node, transfer, snapshot, their headers and predicates, and toScenario round trips.
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, toScenario } from '../../src/sim/scenario';
import { replay } from '../../src/sim/replay';

describe('scenario language: membership, transfer, snapshots', () => {
  it('grows and shrinks a cluster, names the new nodes, transfers leadership and snapshots', () => {
    const text = `
seed 5
nodes 3
snapshot-every 0
pre-vote on
check-quorum on
reads readIndex
run until leader within 3s
add-node
add-node
run until changes = 0 within 5s
expect members = 5
expect n4 voter
expect n5 voter
expect not n5 learner
transfer n5
run until leader n5 within 2s
remove-node n1
run until changes = 0 within 5s
expect members = 4
expect n1 removed
propose leader hello
run 200ms
snapshot n2
expect n2 snapshot > 0
expect n2 log > 3
cmd n3 HISTORY t 5
run 100ms
expect reply "OK history_end"
expect no violation
`;
    const res = runScenario(text);
    expect(res.failure?.message).toBeUndefined();
    expect(res.ok).toBe(true);
    const out = res.results.filter((r) => r.output !== undefined).flatMap((r) => r.output);
    expect(out).toEqual(expect.arrayContaining(['added n4', 'added n5', 'transferring leadership to n5']));
  });

  it('a later line may name an added node; an unknown one is still an error', () => {
    expect(() => parseScenario('nodes 3\nadd-node\ncrash n4')).not.toThrow();
    expect(() => parseScenario('nodes 3\nadd-node\ncrash n5')).toThrow(/unknown node 'n5'/);
    expect(() => parseScenario('nodes 3\nadd-node alpha\ncrash alpha')).not.toThrow();
  });

  it('the learner predicate sees a node catching up', () => {
    const res = runScenario('seed 3\nnodes 3\nrun until leader within 3s\nadd-node\nexpect n4 learner\nrun until n4 voter within 3s\nexpect not n4 learner');
    expect(res.failure?.message).toBeUndefined();
  });

  it('the rule switch and the new headers round-trip through toScenario', () => {
    const options = { seed: 9, nodes: 3, snapshotEvery: 50, reads: 'lease' as const, raft: { preVote: true, checkQuorum: false }, rules: { oneChangeAtATime: false } };
    const header = parseScenario(toScenario(options, [])).options;
    expect(header).toEqual(options);
  });

  it('an action log with membership changes replays identically, and toScenario writes it as text that replays too', () => {
    const res = runScenario('seed 12\nnodes 3\nrun until leader within 3s\nadd-node\nrun 400ms\nremove-node n2\nrun 400ms\nsnapshot n3\ntransfer n4\nrun 500ms');
    expect(res.failure?.message).toBeUndefined();
    const c = res.runner.cluster;
    const again = replay(c.options, c.actions(), c.now);
    expect(again.nodeIds).toEqual(c.nodeIds);
    expect(again.eventCount).toBe(c.eventCount);
    expect(again.leader()).toBe(c.leader());
    const text = toScenario(c.options, c.actions(), { at: c.now, events: c.eventCount });
    expect(text).toMatch(/add-node\n/);
    expect(text).toMatch(/remove-node n2/);
    expect(text).toMatch(/transfer n4/);
    const r2 = runScenario(text);
    expect(r2.failure?.message).toBeUndefined();
    expect(r2.runner.cluster.eventCount).toBe(c.eventCount);
    expect(r2.runner.cluster.members()).toEqual(c.members());
  });
});
