// Ready-made explorations: the scenarios and bounds the explorer panel offers, the tests check and the bench times.
import type { Bounds } from './model';

export interface Example {
  readonly id: string;
  readonly title: string;
  /** What it shows, in a sentence for the panel. */
  readonly summary: string;
  /** Scenario text: header lines, then the commands that set the scene exploring starts from. */
  readonly text: string;
  readonly bounds: Partial<Bounds>;
}

/**
 * The paper's Figure 8 as guide 5 stages it, up to the moment n1 (re-elected in term 3) has heard n3
 * acknowledge entry A (term 1) and n4's acknowledgement is on its way. Links from n1 to n2 and n3 stay
 * cut while exploring; only n5 may time out; any one node may crash.
 */
export function figure8(commitRule: boolean): string {
  return `# Figure 8 (Raft paper §5.4.2), staged as in guide 5
seed 6
nodes 5
sync off
max-entries 1
rules commit-current-term-only ${commitRule ? 'on' : 'off'}
elect n1
run 200ms
# (a) A reaches only n2; n1 crashes
cut n1 n3
cut n1 n4
cut n1 n5
propose n1 A
run 30ms
crash n1
restore n1 n3
restore n1 n4
restore n1 n5
# (b) n5 wins term 2 without A, and crashes before sending its no-op
elect n5
drop AppendEntries from=n5 all
crash n5
# (c) n1 returns, wins term 3 and spreads A: n3 has acknowledged it, n4's reply is in flight
restart n1
cut n1 n2
elect n1
cut n1 n4
run until event deliver AppendEntriesReply from=n3 to=n1 matchIndex=2 within 500ms
cut n1 n3
restore n1 n4
run until event deliver AppendEntries from=n1 to=n4 prevLogIndex=1 within 500ms
`;
}

export const FIGURE8_BOUNDS: Partial<Bounds> = { maxDepth: 12, maxTerm: 4, crashes: 1, heartbeats: false, timeouts: ['n5'], maxInFlight: 8 };

export const EXAMPLES: readonly Example[] = [
  {
    id: 'figure8-off',
    title: 'Figure 8, commit rule off',
    summary: 'n1 counts replicas of an entry from an older term. Is there an order of events in which a committed entry is lost?',
    text: figure8(false),
    bounds: FIGURE8_BOUNDS,
  },
  {
    id: 'figure8-on',
    title: 'Figure 8, commit rule on',
    summary: 'The same story with §5.4.2 on: every order of events within the bounds keeps the committed entries.',
    text: figure8(true),
    bounds: { ...FIGURE8_BOUNDS, maxDepth: 9 },
  },
  {
    id: 'election-3',
    title: 'First election, 3 nodes',
    summary: 'Three fresh nodes, every timer and delivery order within 8 moves, up to term 2: does Election Safety hold?',
    text: '# Three fresh nodes\nseed 1\nnodes 3\nsync off\n',
    bounds: { maxDepth: 8, maxTerm: 2, maxInFlight: 6 },
  },
  {
    id: 'vote-check-off',
    title: 'Vote without log check',
    summary: 'n3 missed a committed entry; with §5.4.1 off, can it win an election without that entry (and so overwrite it)?',
    text: `# Election restriction off (Raft paper §5.4.1)
seed 2
nodes 3
sync off
rules vote-log-check off
elect n1
run 200ms
disconnect n3
propose n1 x
run 200ms
reconnect n3
`,
    bounds: { maxDepth: 10, maxTerm: 4, heartbeats: false, timeouts: ['n3'], maxInFlight: 6 },
  },
];
