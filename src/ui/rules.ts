// The reference card: each rule the page cites ("§5.2", "thesis §9.6") in a few plain sentences, with where it is in the Raft paper (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", extended version) or in Ongaro's dissertation.

export interface RuleCard {
  /** What the chips say, e.g. '§5.4.1' (the paper) or 'thesis §9.6' (Ongaro's dissertation). */
  id: string;
  title: string;
  /** Where to read it: the paper, or the dissertation. */
  where: string;
  /** The rule, in our own words, one statement per line. */
  points: readonly string[];
}

export const RULES: readonly RuleCard[] = [
  {
    id: '§5.1',
    title: 'Terms and the three roles',
    where: 'Raft paper §5.1 “Raft basics”; Figure 2, “Rules for Servers: All Servers”',
    points: [
      'Every server is a follower, a candidate or a leader. Time is cut into numbered terms; each term starts with an election and has at most one leader.',
      'Every request and reply carries the sender’s current term. A server that sees a higher term than its own adopts it at once and becomes (or stays) a follower.',
      'A server rejects any request that carries a term lower than its own; the reply tells the stale sender the newer term.',
      'A server keeps its current term, its vote and its log on stable storage (Figure 2, “State”), so a crash and restart loses none of them.',
    ],
  },
  {
    id: '§5.2',
    title: 'Leader election',
    where: 'Raft paper §5.2 “Leader election”; Figure 2, “RequestVote RPC” and “Rules for Servers: Followers, Candidates, Leaders”',
    points: [
      'A leader keeps its authority by sending heartbeats (AppendEntries with no entries) to every follower, often enough that their election timers never run out.',
      'A follower that hears nothing from a current leader, and grants no vote, for a whole election timeout starts an election: it adds one to its term, becomes a candidate, votes for itself and asks every other server for its vote. (Wiber, like etcd, also restarts the timer whenever it adopts a higher term, even from a vote request it refuses; the paper does not.)',
      'Each server votes at most once per term, first come first served (and only for a candidate whose log is at least as up to date, §5.4.1).',
      'A candidate with votes from a majority becomes leader and starts sending heartbeats. If it hears from a leader whose term is at least its own, it steps back to follower. If the votes split and nobody wins, its timer runs out again and it starts a new election in a higher term.',
      'Each server picks its election timeout at random from a range (the paper uses 150–300 ms), so one usually times out first and wins before the others start.',
    ],
  },
  {
    id: '§5.3',
    title: 'Log replication',
    where: 'Raft paper §5.3 “Log replication”; Figure 2, “AppendEntries RPC” and “Rules for Servers: Leaders”',
    points: [
      'Only the leader accepts new commands: it appends each to its own log, tagged with its term, and sends it to the followers in AppendEntries, retrying until they store it.',
      'Each AppendEntries names the entry just before the new ones (its index and term). A follower that has no such entry refuses; the leader then backs up (nextIndex goes down) and tries again, until the two logs agree at that point.',
      'Where a follower’s log disagrees with the leader’s, the follower deletes its conflicting entry and everything after it, then takes the leader’s entries: the leader’s log wins and the leader never changes its own.',
      'An entry is committed once the leader that created it has it on a majority of servers; that commits every entry before it too. The leader sends its commit index in every AppendEntries, and every server applies committed entries to its state machine in log order.',
      'Log Matching: if two logs have an entry with the same index and term, they hold the same command there and are identical in every entry before it.',
    ],
  },
  {
    id: '§5.4',
    title: 'Safety',
    where: 'Raft paper §5.4 “Safety”; Figure 3 lists the properties',
    points: [
      'Election and replication alone are not enough: two more restrictions (§5.4.1 on votes, §5.4.2 on commits) make sure every leader holds every committed entry.',
      'The guarantees, as Figure 3 lists them: Election Safety (at most one leader per term), Leader Append-Only (a leader never overwrites or deletes its own entries), Log Matching, Leader Completeness (an entry committed in a term is in the log of every leader of a later term), State Machine Safety (no two servers apply different commands at the same index).',
    ],
  },
  {
    id: '§5.4.1',
    title: 'Election restriction: vote only for an up-to-date log',
    where: 'Raft paper §5.4.1 “Election restriction”; Figure 2, RequestVote receiver rule 2',
    points: [
      'A vote request carries the index and term of the candidate’s last log entry. A server refuses its vote when its own log is more up to date than the candidate’s.',
      'More up to date: the log whose last entry has the higher term; with equal last terms, the longer log.',
      'A winner needs a majority, and every committed entry is on a majority; the two majorities share a server, so the new leader already holds every committed entry.',
    ],
  },
  {
    id: '§5.4.2',
    title: 'Commit only entries of the current term by counting',
    where: 'Raft paper §5.4.2 “Committing entries from previous terms”, Figure 8; Figure 2, the last rule for leaders',
    points: [
      'A leader marks an entry committed by counting replicas only if the entry is from the leader’s own current term.',
      'An entry from an earlier term can sit on a majority and still be overwritten by a later leader (Figure 8). It becomes committed only indirectly: once an entry of the current term after it is committed, everything before it is too.',
      'In Figure 2’s words: set commitIndex to N if N is above it, a majority have matchIndex ≥ N, and the entry at N has the current term.',
    ],
  },
  {
    id: '§5.4.3',
    title: 'Why it is safe',
    where: 'Raft paper §5.4.3 “Safety argument”',
    points: [
      'The paper proves Leader Completeness by contradiction: a leader elected without a committed entry must have got a vote from at least one server that stores that entry (the two majorities overlap). That server votes only for a log at least as up to date as its own (§5.4.1), and such a log must contain the entry.',
      'From Leader Completeness follows State Machine Safety: once a server applies the entry at an index, no server ever applies a different one there.',
    ],
  },
  {
    id: '§5.5',
    title: 'Follower and candidate crashes',
    where: 'Raft paper §5.5 “Follower and candidate crashes”',
    points: [
      'Messages to a crashed server are lost; senders simply retry until it answers.',
      'The requests are idempotent: a server that gets the same AppendEntries twice (say it crashed before replying) ignores what it already has.',
    ],
  },
  {
    id: '§5.6',
    title: 'Timing and availability',
    where: 'Raft paper §5.6 “Timing and availability”',
    points: [
      'Safety never depends on timing; being able to elect and keep a leader does.',
      'It needs broadcast time ≪ election timeout ≪ the mean time between failures: a round of messages must be much shorter than the timeout, and the timeout much shorter than the time between crashes.',
    ],
  },
  {
    id: '§8',
    title: 'Client interaction',
    where: 'Raft paper §8 “Client interaction”',
    points: [
      'Clients send their requests to the leader; a server that is not the leader turns the client away, telling it the leader it last heard of.',
      'A client gives every command a unique serial number and retries with the same number; the state machine remembers the latest number it executed for each client and answers a repeat without executing it again.',
      'A new leader commits a no-op entry at the start of its term, so it learns which entries are committed. Before answering a read it checks, by a heartbeat round with a majority, that it has not been replaced.',
    ],
  },
  {
    id: '§6',
    title: 'Cluster membership changes',
    where: 'Raft paper §6 “Cluster membership changes” (Wiber changes one server at a time, as in the dissertation’s §4: see thesis §4)',
    points: [
      'A configuration (who votes) is itself an entry of the log. A server uses the latest configuration in its log, whether or not it is committed.',
      'The paper switches through a joint configuration of old and new servers; the dissertation shows that changing one server at a time is simpler and, with its 2015 correction (a new leader first commits an entry of its own term), as safe. Wiber does the latter.',
      'New servers first join without a vote, until they have caught up.',
      'A leader that is not part of the new configuration steps down once that configuration is committed.',
      'Servers disregard a RequestVote that comes within the minimum election timeout of hearing from a current leader, so removed servers cannot disrupt the cluster (in Wiber: with CheckQuorum or lease reads; see thesis §4.2.3).',
    ],
  },
  {
    id: '§7',
    title: 'Log compaction (snapshots)',
    where: 'Raft paper §7 “Log compaction”; Figure 13, “InstallSnapshot RPC”',
    points: [
      'Each server snapshots its own state machine independently, covering only committed entries, and then discards the log up to the last entry the snapshot includes.',
      'The snapshot records the index and term of that last included entry (for the consistency check of the next AppendEntries) and the latest configuration it includes.',
      'A leader sends InstallSnapshot to a follower that needs entries it has already discarded.',
      'A follower that receives a snapshot reaching past what it has committed replaces its state machine with it; if its log holds the snapshot’s last included entry (same index and term), it keeps the entries after it, otherwise it discards its whole log. A snapshot it has already committed (a late or repeated copy) it only acknowledges.',
    ],
  },
  {
    id: 'thesis §3.10',
    title: 'Leadership transfer',
    where: 'Ongaro’s dissertation, §3.10 “Leadership transfer extension”',
    points: [
      'The leader stops accepting new client requests, brings the target server’s log up to date, and sends it TimeoutNow.',
      'The target starts an election at once, in a higher term, without waiting for its timer: it is very likely to win before any other server times out.',
      'If the transfer does not finish within about an election timeout, the leader abandons it and accepts requests again.',
    ],
  },
  {
    id: 'thesis §4',
    title: 'Membership changes, one server at a time',
    where: 'Ongaro’s dissertation, §4 “Cluster membership changes”',
    points: [
      'Adding or removing a single server at a time is safe: any majority of the old configuration and any majority of the new one share a server, so the two cannot decide independently.',
      'A configuration entry takes effect on each server as soon as it is in its log; the leader starts the next change only once the previous one is committed and (Ongaro’s 2015 correction) once an entry of its own term is committed.',
    ],
  },
  {
    id: 'thesis §4.2.1',
    title: 'Catching up new servers',
    where: 'Ongaro’s dissertation, §4.2.1 “Catching up new servers”',
    points: [
      'A new server joins without a vote (a learner): it receives entries but does not count for majorities, so an empty server cannot stall commits.',
      'The leader replicates to it in rounds; a round ends when the server holds every entry the leader had when the round began.',
      'The dissertation runs a fixed number of rounds and adds the server if the last one took less than an election timeout, else aborts the change. Wiber adds it after the first round that ends before the third heartbeat after it began (within a minimum election timeout), and never aborts.',
    ],
  },
  {
    id: 'thesis §4.2.2',
    title: 'Removing the current leader',
    where: 'Ongaro’s dissertation, §4.2.2 “Removing the current leader”',
    points: [
      'A leader asked to remove itself keeps leading until the new configuration is committed, without counting itself in majorities; then it steps down.',
      'A server that is not part of its own latest configuration still starts elections until that configuration is committed (it may still be needed), but does not count its own vote.',
    ],
  },
  {
    id: 'thesis §4.2.3',
    title: 'Disruptive servers',
    where: 'Ongaro’s dissertation, §4.2.3 “Disruptive servers”',
    points: [
      'A server that hears from a current leader within the minimum election timeout ignores RequestVote: it neither updates its term nor grants its vote.',
      'So a removed server, which no longer hears from the leader and keeps timing out, cannot depose it: the servers that do hear the leader ignore its requests and its higher term.',
      'A RequestVote sent for a leadership transfer carries a flag that lets voters answer it all the same.',
      'In Wiber this rule is on with CheckQuorum or lease reads.',
    ],
  },
  {
    id: 'thesis §6.2',
    title: 'A leader steps down without a majority (CheckQuorum)',
    where: 'Ongaro’s dissertation, §6.2 “Routing requests to the leader”',
    points: [
      'A leader steps down if an election timeout passes without a successful round of heartbeats to a majority of its cluster, so clients cut off with it can retry elsewhere.',
      'Followers keep track of the leader, to redirect or forward clients, and forget it when a new election starts or the term changes.',
    ],
  },
  {
    id: 'thesis §6.4',
    title: 'Read-only queries (ReadIndex)',
    where: 'Ongaro’s dissertation, §6.4 “Processing read-only queries more efficiently”',
    points: [
      'The leader takes its commit index as the read index; a new leader first commits an entry of its own term (a no-op) so that its commit index is current.',
      'It confirms it is still the leader with a round of heartbeats answered by a majority.',
      'It waits until its state machine has applied up to the read index, then answers: the read is linearizable without adding an entry to the log.',
    ],
  },
  {
    id: 'thesis §6.4.1',
    title: 'Lease reads',
    where: 'Ongaro’s dissertation, §6.4.1 “Using clocks to reduce messaging for read-only queries”',
    points: [
      'After a heartbeat round answered by a majority, the leader assumes no other leader can be elected for about an election timeout, and answers reads alone until then.',
      'The lease is shortened by the bound on clock drift; it relies on clocks, which ReadIndex does not.',
      'A leader transferring its leadership must let its lease expire first. In Wiber, once it has sent TimeoutNow it takes no new lease in that term, even if it abandons the transfer: the TimeoutNow may still arrive and elect the target.',
    ],
  },
  {
    id: 'thesis §9.6',
    title: 'Pre-Vote',
    where: 'Ongaro’s dissertation, §9.6 “Preventing disruptions when a server rejoins the cluster”',
    points: [
      'Before raising its term, a server whose election timer runs out asks the others whether they would vote for it.',
      'A server answers yes only if the asker’s log is at least as up to date as its own and it has not heard from a current leader within the minimum election timeout.',
      'Only with a majority of yeses does the server raise its term and start a real election, so a server that was cut off cannot push the cluster’s term up.',
    ],
  },
];

/** Figure 2, the paper's one-page summary, line by line with the sections it cites (none for some lines). */
export const FIGURE_2: ReadonlyArray<{ heading: string; lines: ReadonlyArray<[string, string]> }> = [
  {
    heading: 'State',
    lines: [
      ['Kept on stable storage, before answering any request: currentTerm, votedFor, log[] (each entry a command and the term it was received in).', ''],
      ['Volatile on every server: commitIndex (highest entry known committed), lastApplied (highest entry applied).', ''],
      ['Volatile on leaders, reset after each election: nextIndex[] (next entry to send each server), matchIndex[] (highest entry known stored there).', ''],
    ],
  },
  {
    heading: 'AppendEntries (receiver)',
    lines: [
      ['Refuse if the request’s term is below currentTerm.', '§5.1'],
      ['Refuse if the log has no entry at prevLogIndex with term prevLogTerm.', '§5.3'],
      ['Where an existing entry conflicts with a new one (same index, other term), delete it and all that follow.', '§5.3'],
      ['Append the new entries not already in the log.', ''],
      ['If leaderCommit > commitIndex, set commitIndex to the smaller of leaderCommit and the index of the last new entry.', ''],
    ],
  },
  {
    heading: 'RequestVote (receiver)',
    lines: [
      ['Refuse if the request’s term is below currentTerm.', '§5.1'],
      ['Grant the vote if votedFor is empty or already this candidate, and the candidate’s log is at least as up to date as the receiver’s (the election restriction, §5.4.1).', '§5.2, §5.4'],
    ],
  },
  {
    heading: 'Rules for servers',
    lines: [
      ['All: while commitIndex > lastApplied, apply the next entry to the state machine.', '§5.3'],
      ['All: a term above currentTerm in any request or reply: adopt it and become a follower.', '§5.1'],
      ['Followers: answer candidates and leaders; after an election timeout with no AppendEntries from the current leader and no vote granted, become a candidate. (Wiber also restarts the timer on adopting a higher term, as etcd does.)', '§5.2'],
      ['Candidates: add one to the term, vote for yourself, reset the election timer, ask everyone for votes; a majority makes you leader; AppendEntries from a new leader makes you a follower; a timeout starts a new election.', '§5.2'],
      ['Leaders: on election, send AppendEntries to every server at once (in Wiber it already carries the new leader’s no-op entry, §8); afterwards send empty ones (heartbeats) whenever idle.', '§5.2'],
      ['Leaders: append a client’s command to the own log; answer once it is applied.', '§5.3'],
      ['Leaders: send each follower the entries from its nextIndex; on success update nextIndex and matchIndex, on a log mismatch lower nextIndex and retry.', '§5.3'],
      ['Leaders: commit index N once a majority have matchIndex ≥ N and the entry at N is of the current term (explained in §5.4.2).', '§5.3, §5.4'],
    ],
  },
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleCard(id: string): RuleCard | undefined {
  return byId.get(id);
}

/** The section shown for a rule the card does not list itself (say §5.4.2.1): its nearest listed parent. */
export function cardFor(id: string): RuleCard | undefined {
  for (let k = id; /\d$/.test(k); k = k.replace(/\.?\d+$/, '')) {
    const r = byId.get(k);
    if (r) return r;
  }
  return undefined;
}
