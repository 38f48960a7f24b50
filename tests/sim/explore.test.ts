// The interleaving explorer: a state count checked by hand, Figure 8 found with the commit rule off and not with it on, the explorer and the engine agree move for move.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng';
import { withoutAlive } from '../../src/sim/livenessNews';
import { runScenario } from '../../src/sim/scenario';
import { applyMove, canon, checkBounds, copyWorld, counterexample, EXAMPLES, ExploreError, FIGURE8_BOUNDS, figure8, movesOf, onEngine, startExplore, type Explore, type Move, type World } from '../../src/sim/explore';
import type { SimCluster } from '../../src/sim/cluster';

const TWO = 'seed 1\nnodes 2\nsync off\ndetector off\n';

function exhaust(ex: Explore): void {
  while (!ex.search.done) ex.search.run(5000);
}

describe('interleaving explorer', () => {
  it('counts the states of a 2-node cluster as counted by hand', () => {
    // Two fresh nodes (term 0, election timers running, nothing in flight), terms capped at 1
    // (maxTerm 1: a node already in term 1 does not time out again). Message ids are not part of a state.
    // depth 0: S0.                                                                            1
    // depth 1: n1 times out (candidate, RequestVote n1→n2 in flight) = A; n2 times out = B.   2
    // depth 2: from A: deliver the RequestVote (n2 votes, a granted reply in flight) = A1, or
    //          n2 times out too (both candidates, two RequestVotes in flight) = A2; from B: B1, and
    //          "n1 times out too", which is A2 again (pruned).                                  3
    // depth 3: A1 → the reply makes n1 leader (no-op, AppendEntries in flight) = A1a; B1 → B1a;
    //          A2 → deliver n1's RequestVote (n2 refuses: voted for itself) = A2x, or n2's = A2y. 4
    // depth 4: A1a → n2 takes the AppendEntries, or n1's heartbeat sends a second one: 2; B1a: 2;
    //          A2x → n1 refuses n2's request (both refusals in flight) = R, or n1 reads n2's refusal
    //          (only n2's RequestVote left): 2; A2y → R again (pruned), or only n1's RequestVote left: 1.
    //                                                                                          7
    // Total 17.
    for (const exactKeys of [false, true]) {
      const ex = startExplore(TWO, { maxDepth: 4, maxTerm: 1 }, { exactKeys });
      exhaust(ex);
      expect(ex.search.stats.perDepth).toEqual([1, 2, 3, 4, 7]);
      expect(ex.search.stats.states).toBe(17);
      expect(ex.search.stats.stopped).toBe('exhausted');
      expect(ex.search.found).toBeUndefined();
    }
  });

  it('finds Figure 8 with the commit rule off: the shortest run, confirmed on the engine, replayable as a scenario', () => {
    const ex = startExplore(figure8(false), { ...FIGURE8_BOUNDS, maxDepth: 8 });
    exhaust(ex);
    expect(ex.search.stats.stopped).toBe('violation');
    const found = ex.search.found!;
    expect(found.violation).toMatch(/^Leader Completeness: n5 became leader/);
    expect(found.moves).toHaveLength(8);
    const cx = counterexample(ex, found);
    // n4's acknowledgement makes n1 count A (term 1) committed in term 3; n5 then wins term 4 without A.
    expect(cx.steps[0].text).toMatch(/^deliver #\d+ n4→n1: AppendEntriesReply \(term 3, ok up to 2\)/);
    expect(cx.steps.map((s) => s.move.kind)).toEqual(['deliver', 'restart', 'fire', 'fire', 'deliver', 'deliver', 'deliver', 'deliver']);
    expect(cx.confirmed).toBe(true);
    expect(cx.engineViolation).toMatch(/Leader Completeness/);
    // The scenario text replays it exactly and ends in `expect violation`.
    expect(cx.scenario).toMatch(/\bdeliver #\d+/);
    expect(cx.scenario).toMatch(/\bfire n5 election\b/);
    const replayed = runScenario(cx.scenario);
    expect(replayed.failure?.message).toBeUndefined();
    expect(replayed.ok).toBe(true);
    expect(replayed.runner.cluster.violations()[0].message).toMatch(/Leader Completeness/);
    replayed.runner.dispose();
    // Breadth first: nothing shorter exists.
    const shorter = startExplore(figure8(false), { ...FIGURE8_BOUNDS, maxDepth: 7 });
    exhaust(shorter);
    expect(shorter.search.stats.stopped).toBe('exhausted');
    expect(shorter.search.found).toBeUndefined();
  });

  it('finds no counterexample to Figure 8 with the commit rule on (same story, same bounds)', () => {
    const ex = startExplore(figure8(true), { ...FIGURE8_BOUNDS, maxDepth: 8 });
    exhaust(ex);
    expect(ex.search.stats.stopped).toBe('exhausted');
    expect(ex.search.found).toBeUndefined();
    expect(ex.search.stats.states).toBeGreaterThan(5000);
  });

  it('moves the explorer makes are the engine’s: a random walk agrees node for node and message for message', () => {
    const raftTypes = /^(RequestVote|RequestVoteReply|AppendEntries|AppendEntriesReply|PreVote|PreVoteReply|TimeoutNow)$/;
    const texts = [
      EXAMPLES.find((e) => e.id === 'election-3')!.text,
      figure8(false),
      'seed 3\nnodes 3\nsync off\ndetector off\npre-vote on\nelect n2\nrun 100ms\n',
    ];
    for (const [t, text] of texts.entries()) {
      for (let seed = 1; seed <= 4; seed++) {
        const bounds = checkBounds({ maxTerm: 6, maxInFlight: 10, drops: 2, duplicates: 2, crashes: 2, proposals: ['x', 'y'] });
        const ex = startExplore(text, bounds);
        const rng = new Rng(seed * 100 + t);
        const worlds: World[] = [];
        const moves: Move[] = [];
        let w = ex.root;
        for (let k = 0; k < 40; k++) {
          const options = movesOf(w, bounds, ex.fixed);
          if (options.length === 0) break;
          const move = options[rng.int(0, options.length - 1)];
          const next = copyWorld(w, ex.fixed);
          applyMove(next, ex.fixed, move);
          moves.push(move);
          worlds.push(next);
          w = next;
        }
        const where = `text ${t}, seed ${seed}`;
        onEngine(ex, moves, (c: SimCluster, k: number) => {
          const mw = worlds[k];
          const at = `${where}, after move ${k + 1} (${JSON.stringify(moves[k])})`;
          for (const [i, id] of ex.fixed.ids.entries()) {
            const v = c.node(id);
            const n = mw.nodes[i];
            expect({ id, up: n.up, role: n.up ? n.raft.role : v.role, term: n.persistent.currentTerm, votedFor: n.persistent.votedFor, log: n.persistent.log.slice(1).map((e) => e.term), commit: n.raft.commitIndex }, at).toEqual({
              id, up: v.up, role: v.role, term: v.term, votedFor: v.votedFor, log: v.log.filter((e) => e.index > 0).map((e) => e.term), commit: v.commitIndex,
            });
            const running = c.runningTimers().filter((x) => x.node === id).map((x) => x.timer).filter((x) => x === 'election' || x === 'heartbeat' || x === 'replicate').sort();
            expect(Object.entries(n.timers).filter(([, on]) => on).map(([name]) => name).sort(), at).toEqual(running);
          }
          // Every message the explorer holds is in flight on the engine (told by sender, receiver, content
          // and copy: the engine's ids also count pings); those it left out can change nothing.
          const sig = (from: string, to: string, payload: unknown, dup: boolean): string => `${from}>${to}:${dup ? 'c' : ''}${canon(payload)}`;
          const left = c.inFlight().filter((m) => raftTypes.test(m.type));
          for (const m of mw.inflight) {
            const want = sig(ex.fixed.ids[m.from], ex.fixed.ids[m.to], m.payload, m.copy);
            const i = left.findIndex((e) => !e.lost && sig(e.from, e.to, withoutAlive(e.payload), e.duplicate) === want);
            expect(i, `${at}: #${m.id} ${want.slice(0, 80)} not in flight on the engine`).toBeGreaterThanOrEqual(0);
            left.splice(i, 1);
          }
          for (const e of left) {
            const p = e.payload as { term: number };
            const stale = /Reply$/.test(e.type) && p.term < c.node(e.to).term;
            expect(stale || e.lost === true || !c.canReach(e.from, e.to), `${at}: #${e.id} ${e.type} left out`).toBe(true);
          }
          expect(c.violations().length > 0, at).toBe(mw.violation !== null);
        });
      }
    }
  });

  it('refuses what it cannot explore, with the line or the bound named', () => {
    expect(() => startExplore('nodes 3\ncrsh n1\n')).toThrow(ExploreError);
    try {
      startExplore('nodes 3\ncrsh n1\n');
    } catch (err) {
      expect((err as ExploreError).line).toBe(2);
    }
    expect(() => startExplore(TWO, { maxDepth: -1 })).toThrow(/maxDepth must be a whole number/);
    expect(() => startExplore(TWO, { timeouts: ['n9'] })).toThrow(/timeouts names n9/);
    expect(() => startExplore('nodes 3\nsnapshot-every 2\n')).toThrow(/snapshots/);
    expect(() => startExplore('nodes 3\nrun until leader n1 within 10ms\n')).toThrow(/must run before exploring/);
    // A lossy network: losses become moves within the drops budget.
    expect(startExplore('nodes 3\nnet loss 0.2\n', { maxDepth: 1 }).notes.join(' ')).toMatch(/loss/);
  });

  it('stops at maxStates and reports it', () => {
    const ex = startExplore(EXAMPLES.find((e) => e.id === 'election-3')!.text, { maxDepth: 20, maxStates: 300 });
    exhaust(ex);
    expect(ex.search.stats.stopped).toBe('max-states');
    expect(ex.search.stats.states).toBe(300);
    // The depth reported is the deepest reached: the level it was adding states to when it stopped.
    const perDepth = ex.search.stats.perDepth;
    expect(perDepth[perDepth.length - 1]).toBeGreaterThan(0);
    expect(ex.search.stats.depth).toBe(perDepth.length - 1);
  });
});
