// Membership changes through the headless API (paper §6; thesis §4): addNode, removeNode, members, the queue, the config file, the rule switch.
import { describe, expect, it } from 'vitest';
import { createCluster, type Publish, type SimCluster } from '../../src/sim/index';
import { at, run, stable, until, withSeed } from './helpers';

/** Waits until every pending membership change is committed. */
function settleMembership(c: SimCluster, withinMs = 10_000): void {
  expect(until(c, () => c.pendingChanges().length === 0, withinMs), at(c, `changes still pending: ${JSON.stringify(c.pendingChanges())}`)).toBe(true);
}

describe('addNode (§6, thesis §4.2.1)', () => {
  it('starts an empty node n<k> that joins as a learner, then becomes a voter through a configuration entry', () => {
    withSeed(11, () => {
      const { c, leader } = stable(11);
      for (let i = 0; i < 5; i++) c.propose(leader, `before-${i}`);
      run(c, 100);
      const id = c.addNode();
      expect(id).toBe('n4');
      expect(c.nodeIds).toEqual(['n1', 'n2', 'n3', 'n4']);
      const fresh = c.node(id);
      expect(fresh).toMatchObject({ up: true, role: 'follower', term: 0, log: [], learner: true, members: [], snapshot: null });
      expect(c.members()).toEqual(['n1', 'n2', 'n3']);
      // It catches up as a learner: the leader's configuration lists it among the learners.
      expect(until(c, () => c.node(leader).learners.includes(id), 1000), at(c, 'learner entry')).toBe(true);
      expect(c.node(leader).members).toEqual(['n1', 'n2', 'n3']);
      settleMembership(c);
      expect(c.members()).toEqual(['n1', 'n2', 'n3', 'n4']);
      const v = c.node(id);
      expect(v.learner).toBe(false);
      expect(v.members).toEqual(['n1', 'n2', 'n3', 'n4']);
      // It holds the whole log: the commands proposed before it existed included.
      expect(v.log.filter((e) => typeof e.command === 'string').map((e) => e.command)).toEqual([0, 1, 2, 3, 4].map((i) => `before-${i}`));
      // Two configuration entries: the learner's, then the one that made it a voter.
      const configs = v.log.filter((e) => (e.command as { op?: string } | null)?.op === 'config').map((e) => e.command);
      expect(configs).toEqual([
        { op: 'config', voters: ['n1', 'n2', 'n3'], learners: ['n4'] },
        { op: 'config', voters: ['n1', 'n2', 'n3', 'n4'], learners: [] },
      ]);
      expect(c.violations()).toEqual([]);
    });
  });

  it('later requests queue: at no time does a leader hold two uncommitted configuration entries', () => {
    withSeed(12, () => {
      const { c } = stable(12);
      const uncommitted = new Map<string, number[]>(); // leader → indices of its uncommitted config entries
      let worst = 0;
      c.onEvent((e) => {
        if (e.kind !== 'config' && e.kind !== 'configCommitted') return;
        const v = c.node(e.node!);
        if (v.role !== 'leader') return;
        const pending = v.log.filter((x) => x.index > v.commitIndex && (x.command as { op?: string } | null)?.op === 'config').length;
        worst = Math.max(worst, pending);
        uncommitted.set(e.node!, [pending]);
      });
      const a = c.addNode();
      const b = c.addNode();
      c.removeNode('n1');
      expect(c.pendingChanges().map((x) => `${x.op} ${x.id}`)).toEqual([`add ${a}`, `add ${b}`, 'remove n1']);
      settleMembership(c);
      expect(worst).toBe(1);
      expect(c.members()).toEqual(['n2', 'n3', a, b]);
      expect(c.nodeIds).toEqual(['n2', 'n3', a, b]);
      expect(c.node('n1')).toMatchObject({ removed: true, up: false });
      expect(c.violations()).toEqual([]);
    });
  });

  it('ids are never reused, and the 50-node limit holds', () => {
    const c = createCluster({ seed: 13, nodes: 48, checkers: false, clocks: { sync: 'off' }, detector: { kind: 'off' } });
    expect(() => c.addNode({ id: 'n3' })).toThrow(/taken/);
    expect(c.addNode()).toBe('n49');
    expect(c.addNode()).toBe('n50');
    expect(() => c.addNode()).toThrow(/at most 50/);
  });

  it('an added node follows cluster.yaml\'s rules: no id reserved for a client, no address taken; nothing is recorded when refused (audit r5)', () => {
    const c = createCluster({ seed: 13, nodes: 3, checkers: false });
    for (const id of ['console', 'pub', 'sub', 'wl1', 'wl17', 'time']) expect(() => c.addNode({ id }), id).toThrow(/reserved for|taken by a client or the time server/);
    expect(() => c.addNode({ host: '127.0.0.1', port: 9101 })).toThrow(/^node address 127\.0\.0\.1:9101 is taken by n1$/);
    expect(() => c.addNode({ host: 'LOCALHOST', port: 9200 }) && c.addNode({ host: 'localhost', port: 9200 })).toThrow(/is taken by n4/);
    expect(c.actions().map((a) => a.op)).toEqual(['addNode']);
    // The console and the workload's publishers still work.
    c.runUntil(() => c.leader() !== undefined, 3000);
    const h = c.command(c.leader()!, 'PUB t hello');
    c.runUntil(() => h.done, 3000);
    expect(h.lines[0]).toMatch(/^OK published/);
  });

  it('a node added during a partition joins the group of the nodes named in no group', () => {
    const { c, leader, followers } = stable(14);
    c.partition([[followers[0]], [leader, followers[1]]]);
    const id = c.addNode();
    expect(c.groups()[id]).toBe(2);
    c.heal();
    expect(c.groups()[id]).toBe(0);
  });
});

describe('removeNode (§6, thesis §4.2.2)', () => {
  it('a removed follower stops once the configuration without it commits', () => {
    withSeed(21, () => {
      const { c, followers } = stable(21, { nodes: 5 });
      const gone = followers[0];
      c.removeNode(gone);
      expect(c.node(gone).learner).toBe(false);
      settleMembership(c);
      expect(c.members()).not.toContain(gone);
      expect(c.node(gone)).toMatchObject({ removed: true, up: false });
      expect(c.nodeIds).not.toContain(gone);
      // It stays stopped: restart does nothing.
      c.restart(gone);
      expect(c.node(gone).up).toBe(false);
      expect(() => c.removeNode(gone)).toThrow(RangeError);
    });
  });

  it('a removed leader keeps leading until the new configuration commits, steps down, and the rest elect a leader among themselves', () => {
    withSeed(22, () => {
      const { c, leader } = stable(22, { nodes: 5 });
      const events: string[] = [];
      c.onEvent((e) => {
        if (e.node === leader && (e.kind === 'stepDown' || e.kind === 'removed' || e.kind === 'configCommitted')) events.push(e.kind);
      });
      c.removeNode(leader);
      expect(until(c, () => c.node(leader).members.length === 4, 1000), at(c, 'C_new appended')).toBe(true);
      expect(c.node(leader).role).toBe('leader'); // it manages the change without counting itself
      settleMembership(c);
      expect(events).toEqual(['configCommitted', 'stepDown', 'removed']);
      expect(until(c, () => c.leader() !== undefined, 3000), at(c, 'new leader')).toBe(true);
      expect(c.leader()).not.toBe(leader);
      expect(c.members()).toHaveLength(4);
      expect(c.violations()).toEqual([]);
    });
  });

  it('a removed leader whose removal is not committed still campaigns, without its own vote (thesis §4.2.2): with two servers the other cannot be elected without it', () => {
    for (const seed of [41, 42, 43]) {
      withSeed(seed, () => {
        const { c, leader, followers } = stable(seed, { nodes: 2 });
        const f = followers[0];
        // The leader appends the configuration without itself, but cannot replicate it; then it crashes.
        c.partition([[leader], [f]]);
        c.removeNode(leader);
        expect(until(c, () => c.node(leader).members.length === 1, 1000), at(c, 'C_new appended')).toBe(true);
        c.crash(leader);
        c.heal();
        c.restart(leader);
        // The follower needs the removed server's vote (C_old), which its shorter log does not get; the removed
        // server wins under C_new with the follower's vote alone, commits the change, steps down, and stops.
        expect(until(c, () => c.members().length === 1 && c.leader() === f, 5000), at(c, 'the change completes')).toBe(true);
        expect(c.node(leader).removed, at(c, 'removed')).toBe(true);
        expect(c.journal().some((e) => e.kind === 'role' && e.node === leader && e.role === 'leader'), at(c, 'it led again to finish the change')).toBe(true);
        expect(c.violations()).toEqual([]);
      });
    }
  });

  it('a learner cut off from the cluster never campaigns (thesis §4.2.1)', () => {
    withSeed(44, () => {
      const { c } = stable(44);
      const id = c.addNode();
      expect(until(c, () => c.node(id).learner === true, 1000), at(c, 'learner')).toBe(true);
      c.partition([[id], c.nodeIds.filter((x) => x !== id)]);
      run(c, 2000);
      expect(c.journal().some((e) => e.kind === 'role' && e.node === id && e.role === 'candidate'), at(c, 'the learner cut off never campaigned')).toBe(false);
    });
  });

  it('refuses unknown ids and removing the last member', () => {
    const c = createCluster({ seed: 23, nodes: 1 });
    expect(() => c.removeNode('n9')).toThrow(RangeError);
    expect(() => c.removeNode('n1')).toThrow(/last member/);
  });

  it('removing a learner that is still catching up cancels its addition', () => {
    withSeed(24, () => {
      const { c } = stable(24);
      const id = c.addNode();
      c.removeNode(id);
      settleMembership(c);
      expect(c.members()).toEqual(['n1', 'n2', 'n3']);
      expect(c.node(id).removed).toBe(true);
      expect(c.journal().some((e) => e.kind === 'membership' && e.type === 'add cancelled')).toBe(true);
    });
  });
});

describe('grown and shrunk under load (issue 13 scenario)', () => {
  for (const seed of [31, 32, 33]) {
    it(`a 3-node cluster grown to 5 and shrunk to 3 while publishing loses no acknowledged publish (seed ${seed})`, () => {
      withSeed(seed, () => {
        const c = createCluster({ seed, nodes: 3, network: { dropRate: 0.02 } });
        const pubs: Publish[] = [];
        let k = 0;
        const load = (ms: number): void => {
          for (let t = 0; t < ms; t += 20) {
            pubs.push(c.publish(`t${k % 2}`, `m${k++}`));
            run(c, 20);
          }
        };
        load(500);
        c.addNode();
        c.addNode();
        load(1500);
        expect(c.pendingChanges(), at(c, 'grown')).toEqual([]);
        expect(c.members()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
        c.removeNode('n1');
        c.removeNode('n2');
        load(1500);
        expect(c.pendingChanges(), at(c, 'shrunk')).toEqual([]);
        expect(c.members()).toEqual(['n3', 'n4', 'n5']);
        expect(until(c, () => pubs.every((p) => p.status !== 'pending'), 15_000), at(c, 'publishes settle')).toBe(true);
        const acked = pubs.filter((p) => p.status === 'ok');
        expect(acked.length, at(c, 'acked')).toBeGreaterThan(pubs.length * 0.9);
        run(c, 1000);
        c.checkMessaging(); // every acked publish on every member, one offset each
        for (const id of c.nodeIds) {
          const ids = new Set([...c.history(id, 't0'), ...c.history(id, 't1')].map((r) => r.id));
          for (const p of acked) expect(ids.has(p.id), at(c, `${p.id} on ${id}`)).toBe(true);
        }
        expect(c.violations()).toEqual([]);
      });
    });
  }
});

describe('the config file adds and removes nodes while running', () => {
  it('reconfigure adds the ids it lists that are missing and removes those it no longer lists', () => {
    withSeed(41, () => {
      const { c } = stable(41);
      const yaml = ['nodes:', '  - {id: n2, host: 127.0.0.1, port: 9102}', '  - {id: n3, host: 127.0.0.1, port: 9103}', '  - {id: alpha, host: 10.0.0.7, port: 7000}'].join('\n');
      expect(c.reconfigure(yaml)).toEqual({ added: ['alpha'], removed: ['n1'] });
      settleMembership(c);
      expect(c.members()).toEqual(['n2', 'n3', 'alpha']);
      expect(c.config.nodes.map((x) => `${x.id}@${x.host}:${x.port}`)).toEqual(['n2@127.0.0.1:9102', 'n3@127.0.0.1:9103', 'alpha@10.0.0.7:7000']);
      expect(() => c.reconfigure('nodes: [')).toThrow();
      expect(c.members()).toEqual(['n2', 'n3', 'alpha']);
    });
  });

  it('a change that would pass 50 nodes at once (nodes are added before any is removed) is refused whole: nothing added, nothing recorded', () => {
    const c = createCluster({ seed: 3, nodes: 48 });
    c.runFor(200);
    const actions = c.actions().length;
    const keep = c.nodeIds.slice(0, 45);
    const yaml = ['nodes:', ...keep.map((id, i) => `  - {id: ${id}, host: h, port: ${9000 + i}}`), ...[1, 2, 3, 4, 5].map((k) => `  - {id: x${k}, host: h, port: ${8000 + k}}`)].join('\n');
    expect(() => c.reconfigure(yaml)).toThrow(/adds 5 nodes to the 48 running, and the simulator supports at most 50 at once .*remove nodes first, then add/);
    expect(c.nodeIds).toHaveLength(48);
    expect(c.actions()).toHaveLength(actions);
    // An id no scenario line could name is refused by the config rules, with its place.
    expect(() => c.reconfigure(['nodes:', '  - {id: n1, host: h, port: 1}', '  - {id: "a b", host: h, port: 2}'].join('\n'))).toThrow(/Node 'id' must be letters, digits or _\.:- only .*not 'a b' \(nodes\[1\]\.id\)/);
  });
});

describe('the "one change at a time" rule switch (thesis §4.1)', () => {
  /**
   * Thesis Figure 4.2's trap, step by step: the leader n3 is cut off from n1 and n2 (one-way), adds
   * n4 and n5 as fast as it can, and so holds C = {n1..n5} while n1 and n2 still use {n1, n2, n3}.
   * {n3, n4, n5} is a majority of the one, {n1, n2} of the other: they do not overlap.
   */
  function disjoint(oneAtATime: boolean): SimCluster {
    const c = createCluster({ seed: 51, nodes: 3, checkers: 'record', rules: { oneChangeAtATime: oneAtATime } });
    until(c, () => c.leader() !== undefined, 3000);
    while (c.leader() !== 'n3') {
      c.timeout('n3');
      until(c, () => c.leader() === 'n3', 500);
    }
    run(c, 200);
    c.cutLink('n3', 'n1');
    c.cutLink('n3', 'n2');
    c.addNode();
    c.addNode();
    run(c, 3000);
    // n1 and n2 elect one of themselves under the old configuration; both sides commit writes.
    for (let i = 0; i < 20; i++) {
      for (const id of c.nodeIds) if (c.node(id).role === 'leader') c.propose(id, `w${i}-${id}`);
      run(c, 100);
    }
    c.heal();
    run(c, 2000);
    return c;
  }

  it('off, the leader appends both changes at once, and two majorities that do not overlap commit different entries', () => {
    const c = disjoint(false);
    const leaders = new Set(c.journal().filter((e) => e.kind === 'role' && e.role === 'leader').map((e) => e.node));
    expect(leaders.has('n3') && (leaders.has('n1') || leaders.has('n2'))).toBe(true);
    expect(c.violations().length, 'a safety checker fired').toBeGreaterThan(0);
    expect(c.violations().map((v) => v.property)).toEqual(expect.arrayContaining([expect.stringMatching(/State Machine Safety|Committed entries never truncated|Leader Completeness|Election Safety|Log Matching/)]));
  });

  it('on (the default), the second change waits for the first to commit, which needs n1 or n2: no checker fires', () => {
    const c = disjoint(true);
    expect(c.violations()).toEqual([]);
  });
});
