// Canned scenarios: a run's options plus a script of user actions placed at the right moments (recorded like any action, so they replay and share).
import type { NodeView } from '../sim';
import { creditActions, finishTask, getDriver, newRun, publish, seekToEvent, showNotice, useSim } from './sim';
import type { RunOptions } from './runOptions';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../sim/validateEager';

/** What a scenario script may do: look at nodes, run time, and act. */
export interface Script {
  node(id: string): NodeView;
  leader(): string | undefined;
  readonly nodeIds: readonly string[];
  act(op: string, ...args: unknown[]): unknown;
  run(ms: number): void;
  /** Runs until `done()` holds after some event (or `maxMs` pass); returns done(). */
  until(done: () => boolean, maxMs: number): boolean;
}

export interface Scenario {
  id: string;
  title: string;
  summary: string;
  run: RunOptions;
  script(s: Script): void;
  /** What to tell the learner once the stage is set. */
  next: string;
}

function makeScript(): Script {
  const d = getDriver();
  const c = (): typeof d.cluster => d.cluster;
  const s: Script = {
    node: (id) => c().node(id),
    leader: () => c().leader(),
    get nodeIds() {
      return c().nodeIds;
    },
    act: (op, ...args) => d.act(op, args),
    run(ms) {
      d.setSeeking(true);
      try {
        d.advance(d.now + ms);
      } finally {
        d.setSeeking(false);
      }
    },
    until(done, maxMs) {
      if (done()) return true;
      d.setSeeking(true);
      d.setStop(() => done());
      try {
        d.advance(d.now + maxMs);
      } finally {
        d.setStop(null);
        d.setSeeking(false);
      }
      return done();
    },
  };
  return s;
}

/** Forces `id` to stand until it wins (each timeout is a new term). */
function elect(s: Script, id: string): void {
  for (let i = 0; i < 5; i++) {
    s.act('timeout', id);
    if (s.until(() => s.node(id).role === 'leader', 40)) return;
  }
}

/** Proposes through whoever leads until `expected` nodes have committed the command. */
function one(s: Script, command: string, expected: number): void {
  for (let tries = 0; tries < 20; tries++) {
    const leader = s.leader();
    if (leader === undefined) {
      s.run(10);
      continue;
    }
    const placed = s.act('propose', leader, command) as { index: number } | undefined;
    if (placed === undefined) {
      s.run(10);
      continue;
    }
    const done = (): boolean => s.nodeIds.filter((id) => {
      const v = s.node(id);
      return v.commitIndex >= placed.index && v.log[placed.index - 1]?.command === command;
    }).length >= expected;
    if (s.until(done, 2000)) return;
  }
}

const FIG8: RunOptions = { seed: 1, nodes: 5, electionTimeoutMs: [5000, 6000], maxEntriesPerMessage: 1 };

/** The paper's Figure 8, placed by hand (our leaders also append a no-op), after tests/sim/scenarios. */
function figure8(s: Script): void {
  elect(s, 'n1');
  s.until(() => s.nodeIds.every((id) => s.node(id).commitIndex === 1), 1000);
  s.act('partition', [['n1', 'n2'], ['n3', 'n4', 'n5']]);
  s.act('propose', 'n1', 'A');
  s.run(100);
  s.act('crash', 'n1');
  s.act('timeout', 'n5');
  s.until(() => s.node('n5').role === 'leader', 2000);
  s.act('disconnect', 'n5');
  s.act('crash', 'n5');
  s.act('heal');
  s.act('disconnect', 'n5');
  s.act('restart', 'n1');
  s.act('cutLink', 'n1', 'n4');
  elect(s, 'n1');
  s.until(() => s.node('n3').log[1]?.command === 'A', 2000);
  s.act('cutLink', 'n1', 'n3');
  s.run(30);
  s.act('crash', 'n1');
  s.act('heal');
  s.act('restart', 'n5');
  elect(s, 'n5');
  s.run(300);
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'leader-crash',
    title: 'Leader crash',
    summary: 'The leader replicates three commands, then crashes.',
    run: { seed: 1, nodes: 5 },
    script(s) {
      s.until(() => s.leader() !== undefined, 3000);
      for (let i = 1; i <= 3; i++) one(s, `set x=${i}`, 5);
      s.run(20);
      const leader = s.leader();
      if (leader !== undefined) s.act('crash', leader);
    },
    next: 'The leader is down. Press Play (or L, to the next leader) to watch the followers time out and elect a new one; E stops as soon as the first one times out.',
  },
  {
    id: 'split-vote',
    title: 'Split vote',
    summary: 'Two of four nodes time out at the same moment.',
    run: { seed: 4, nodes: 4 },
    script(s) {
      s.run(5);
      s.act('timeout', 'n1');
      s.act('timeout', 'n3');
    },
    next: 'n1 and n3 both stand for term 1. Step (S) through the votes: can either reach 3 of 4?',
  },
  {
    id: 'two-leaders',
    title: 'Partition: two leaders',
    summary: 'The leader ends up in a minority partition while the majority elects another.',
    run: { seed: 2, nodes: 5 },
    script(s) {
      s.until(() => s.leader() !== undefined, 3000);
      const old = s.leader()!;
      const buddy = s.nodeIds.find((id) => id !== old)!;
      const rest = s.nodeIds.filter((id) => id !== old && id !== buddy);
      s.act('partition', [[old, buddy], rest]);
      s.until(() => rest.some((id) => s.node(id).role === 'leader'), 3000);
      s.act('propose', old, 'lost write');
      const fresh = rest.find((id) => s.node(id).role === 'leader');
      if (fresh !== undefined) s.act('propose', fresh, 'kept write');
      s.run(100);
    },
    next: 'Two nodes believe they lead, in different terms; only the majority’s write commits. Heal the network (H) and watch the old leader step down.',
  },
  {
    id: 'figure8-safe',
    title: 'Figure 8 (rules on)',
    summary: 'The paper’s Figure 8: an old-term entry on a majority is not committed by counting.',
    run: FIG8,
    script: figure8,
    next: 'Entry A reached a majority but was never committed, so n5 may overwrite it safely: every checker holds.',
  },
  {
    id: 'figure8-broken',
    title: 'Figure 8 (commit by counting)',
    summary: 'The same with §5.4.2 switched off: a committed entry is lost.',
    run: { ...FIG8, rules: { commitCurrentTermOnly: false } },
    script: figure8,
    next: 'n1 committed A by counting replicas of an old-term entry; then n5, whose log lacks A, won term 4, and the checkers caught it. Play on to watch n5 overwrite A.',
  },
  {
    id: 'stale-vote',
    title: 'Vote without log check',
    summary: 'A node that missed committed entries stands for election with §5.4.1 off.',
    run: { seed: 2, nodes: 5, electionTimeoutMs: [5000, 6000], rules: { voteLogCheck: false } },
    script(s) {
      elect(s, 'n1');
      s.act('disconnect', 'n5');
      for (let i = 0; i < 3; i++) one(s, `e${i}`, 4);
      s.act('reconnect', 'n5');
      s.act('timeout', 'n5');
      s.run(300);
    },
    next: 'n5 won term 2 without the committed entries: the checkers flag Leader Completeness. Play on to watch it overwrite them.',
  },
  {
    id: 'clock-skew',
    title: 'Clock skew',
    summary: 'n1’s clock jumps ahead 500 ms and n2’s drifts fast.',
    run: { seed: 1, nodes: 3 },
    script(s) {
      s.until(() => s.leader() !== undefined, 3000);
      s.act('setClock', 'n1', { stepMs: 500 });
      s.act('setClock', 'n2', { driftPpm: 5000 });
      s.run(50);
    },
    next: 'Raft does not depend on clocks agreeing: inspect n1 and n2 (their offsets) while the cluster carries on.',
  },
];

/** Starts a scenario as a new run: sets the stage, pauses, and jumps to the first violation if one happened. */
export function runScenario(id: string): string | undefined {
  const sc = SCENARIOS.find((x) => x.id === id);
  if (sc === undefined) return `unknown scenario '${id}'`;
  const err = newRun(sc.run);
  if (err) {
    showNotice({ kind: 'error', text: err });
    return err;
  }
  finishTask();
  useSim.setState({ playing: false });
  try {
    sc.script(makeScript());
  } catch (e) {
    const text = `The scenario stopped: ${e instanceof Error ? e.message : String(e)}`;
    showNotice({ kind: 'error', text });
    publish();
    return text;
  }
  publish();
  creditActions('The scenario');
  const d = getDriver();
  const v = d.marks.find((m) => m.kind === 'violation');
  if (v !== undefined) {
    seekToEvent(v.seq, v.at);
    finishTask();
    showNotice({ kind: 'violation', text: `${sc.title}: ${sc.next} Paused at the first violation — ${v.label}` });
    useSim.setState({ tab: 'checks' });
  } else {
    showNotice({ kind: 'info', text: `${sc.title}: ${sc.next}` });
  }
  return undefined;
}
