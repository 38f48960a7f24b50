// The kinds of event a learner can watch with Step (Raft, pub/sub, clocks and failure detection, or everything), by name: what the toolbar's first frame needs (the goals are in stepKinds.ts).

export type StepKind = 'raft' | 'messaging' | 'time' | 'all';

export const DEFAULT_STEP_KIND: StepKind = 'raft';

export const STEP_KINDS: ReadonlyArray<{ readonly id: StepKind; readonly label: string; readonly description: string }> = [
  { id: 'raft', label: 'Raft', description: 'elections, votes and pre-votes, AppendEntries and heartbeats, commits, membership changes, snapshots, read rounds, leadership transfers' },
  { id: 'messaging', label: 'Pub/sub', description: 'client requests and replies, forwarded publishes, pushes to subscribers' },
  { id: 'time', label: 'Clocks & detector', description: 'clock synchronisation and the failure detector’s pings and suspicions' },
  { id: 'all', label: 'Every event', description: 'every single event, pings and sync timers included' },
];

export function stepKindLabel(kind: StepKind): string {
  return STEP_KINDS.find((k) => k.id === kind)?.label ?? kind;
}

