// One plain sentence per simulation event, with the Raft rule behind it (paper sections), for the step-through narration and the event feed.
import type { SimEvent } from '../sim';
import { CLOSED_CONNECTION } from '../sim/types';
import { configText, explainExtraEvent, explainExtraMessage, isConfigCommand, sectionNames } from './explainExtras';

/** What explain() may know beyond the event itself (all optional). */
export interface ExplainContext {
  /** The request a reply answers: the last message of the opposite direction delivered before it. */
  request?: SimEvent;
  /** Events right after this one (the same step), e.g. the role change a timer caused. */
  after?: readonly SimEvent[];
  /** A node's role at the time of the event, as far as the events tell. */
  roleOf?: (node: string) => string | undefined;
  /** Who did an action event: 'You' (the default), or a loaded run's author ('The guide', 'The shared run'). */
  actor?: string;
  /** A configuration event that came with a snapshot the node installed or restored at the same instant. */
  fromSnapshot?: boolean;
}

export interface Explanation {
  text: string;
  /** The paper section(s) behind it, e.g. '§5.2'; empty when none applies. */
  rule: string;
}

interface RequestVoteP {
  term: number;
  candidateId: string;
  lastLogIndex: number;
  lastLogTerm: number;
}
interface RequestVoteReplyP {
  term: number;
  voteGranted: boolean;
}
interface AppendEntriesP {
  term: number;
  leaderId: string;
  prevLogIndex: number;
  prevLogTerm: number;
  entries: ReadonlyArray<{ term: number; command: unknown }>;
  leaderCommit: number;
}
interface AppendEntriesReplyP {
  term: number;
  success: boolean;
  matchIndex: number;
  conflictTerm: number;
  conflictIndex: number;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

function as<T>(payload: unknown, ...keys: string[]): T | undefined {
  if (!isObj(payload)) return undefined;
  for (const k of keys) if (!(k in payload)) return undefined;
  return payload as T;
}

/** A short, safe rendering of a command for a sentence (it is shown as text, never as HTML). */
export function commandText(command: unknown): string {
  if (command === null || command === undefined) return 'no-op';
  if (isConfigCommand(command)) return `configuration: ${configText(command)}`;
  const s = typeof command === 'string' ? command : JSON.stringify(command);
  return s.length > 40 ? `“${s.slice(0, 39)}…”` : `“${s}”`;
}

function range(from: number, count: number): string {
  return count === 1 ? `entry ${from}` : `entries ${from}–${from + count - 1}`;
}

const RULE_RE = /\s*\((§[\d.]+(?:,\s*§[\d.]+)*)\)\s*$/;

/** Splits a trailing "(§x.y)" off a text into the rule field. */
/**
 * Where each checked property is stated: Figure 3's five with their sections, the two the checkers add,
 * and §8 for linearizable reads. Wiber's messaging properties are the broker's, not the paper's: no chip.
 */
const PROPERTY_SECTION: Readonly<Record<string, string>> = {
  'Election Safety': '§5.2',
  'Leader Append-Only': '§5.3',
  'Log Matching': '§5.3',
  'Leader Completeness': '§5.4',
  'State Machine Safety': '§5.4.3',
  'Terms never decrease': '§5.1',
  'Committed entries never truncated': '§5.4',
  'No stale read': '§8',
};

function withRule(text: string, rule = ''): Explanation {
  const m = RULE_RE.exec(text);
  if (m) return { text: text.slice(0, m.index), rule: m[1] };
  return { text, rule };
}

const CLOCK_TYPES = new Set(['SyncRequest', 'SyncReply', 'TimeRequest', 'TimeReply', 'BerkeleyPoll', 'BerkeleyReply', 'BerkeleyAdjust']);

const quoted = (x: unknown): string => (typeof x === 'string' ? commandText(x) : '');

/** Sentences for the messages of the pub/sub layer, failure detector and clock sync (sent or delivered). */
function explainOther(e: SimEvent, sent: boolean): Explanation | undefined {
  const { from = '?', to = '?' } = e;
  const p = isObj(e.payload) ? e.payload : {};
  // A segment of a connection its receiver had already closed (the engine notes it on the delivery): thrown away.
  if (!sent && e.detail === CLOSED_CONNECTION) {
    const gone = `${to} had already closed that connection (a reset, a crash or a disconnect), so it throws it away`;
    if (e.type === 'ClientReply') return withRule(`${from}'s answer ${commandText(Array.isArray(p.lines) ? (p.lines as unknown[]).map(String).join(' / ') : '')} reached client ${to}, but ${gone}: the answer is lost`);
    if (e.type === 'ClientPush') return withRule(`${from}'s push of ${String(p.topic ?? '?')} offset ${String(p.offset ?? '?')} reached subscriber ${to}, but ${gone}`);
    if (e.type === 'ClientRequest') return withRule(`Client ${from}'s line ${quoted(p.line)} reached ${to}, but ${gone}`);
    return withRule(`${from}'s ${e.type} reached ${to}, but ${gone}`);
  }
  switch (e.type) {
    case 'ClientRequest':
      return withRule(sent ? `Client ${from} sent ${to} the line ${quoted(p.line)}` : `${to} received ${quoted(p.line)} from client ${from}`);
    case 'ClientReply': {
      const lines = Array.isArray(p.lines) ? (p.lines as unknown[]).map(String).join(' / ') : '';
      return withRule(sent ? `${from} answered client ${to}: ${commandText(lines)}` : `Client ${to} got ${from}'s answer: ${commandText(lines)}`);
    }
    case 'ForwardPub':
      return withRule(sent ? `${from} forwarded a PUB to ${String(p.topic ?? '?')} (id ${String(p.id ?? '?')}) to the leader ${to}` : `Leader ${to} received a PUB forwarded by ${from}`);
    case 'ForwardReply':
      return withRule(sent ? `${from} answered ${to}'s forwarded PUB: ${quoted(p.line)}` : `${to} learned the outcome of its forwarded PUB: ${quoted(p.line)}`);
    case 'ClientPush':
      return withRule(sent ? `${from} pushed ${String(p.topic ?? '?')} offset ${String(p.offset ?? '?')} to subscriber ${to}${p.late === true ? ' (late: out of order)' : ''}` : `Subscriber ${to} received ${String(p.topic ?? '?')} offset ${String(p.offset ?? '?')} from ${from}`);
    case 'ClientAck':
      return withRule(sent ? `${from} acknowledged everything up to line ${String(p.ack ?? '?')} on its connection with ${to}` : `${to} learned ${from} has everything up to line ${String(p.ack ?? '?')} (anything later it resends)`);
    case 'ClientReset':
      return withRule(sent ? `${from} reset client ${to}'s connection: it no longer has it` : `Client ${to} learned its connection to ${from} is gone`);
    case 'Ping':
      return withRule(sent ? `${from} pinged ${to}: the failure detector pings where no other message keeps two nodes in touch` : `${to} heard a ping from ${from}`);
    default:
      if (CLOCK_TYPES.has(e.type ?? '')) return withRule(sent ? `${from} sent ${to} a ${e.type} (clock synchronisation)` : `${to} received ${from}'s ${e.type} (clock synchronisation)`);
      return undefined;
  }
}

function explainSync(e: SimEvent): Explanation {
  const n = e.node ?? '?';
  const p = isObj(e.payload) ? e.payload : {};
  const ms = (x: unknown): string => (typeof x === 'number' ? `${x.toFixed(1)} ms` : '?');
  switch (e.type) {
    case 'ntpSample':
      return withRule(`${n} compared clocks with ${String(p.peer ?? '?')}: offset ${ms(p.offsetMs)} over a ${ms(p.delayMs)} round trip; its correction is now ${ms(p.correctionMs)}`);
    case 'cristianSample':
      return withRule(`${n} asked the time server (Cristian): round trip ${ms(p.rttMs)}; its correction is now ${ms(p.correctionMs)}`);
    case 'berkeleyRound':
      return withRule(`${n} closed a Berkeley round: the average clock is ${ms(p.averageMs)} from its own`);
    case 'berkeleyAdjust':
      return withRule(`${n} took the Berkeley coordinator's adjustment: its correction is now ${ms(p.correctionMs)}`);
    default:
      return withRule(`${n}'s clock sync: ${e.type ?? ''} ${e.detail ?? ''}`.trim());
  }
}

function explainSend(e: SimEvent, ctx: ExplainContext): Explanation {
  const { from = '?', to = '?' } = e;
  const other = explainOther(e, true) ?? explainExtraMessage(e, true);
  if (other) return other;
  switch (e.type) {
    case 'RequestVote': {
      const p = as<RequestVoteP>(e.payload, 'term', 'lastLogIndex');
      if (!p) return withRule(`${from} asked ${to} for its vote`, '§5.2');
      return withRule(
        `${from} asked ${to} for its vote in term ${p.term}; its log ends at index ${p.lastLogIndex} of term ${p.lastLogTerm}`,
        '§5.2',
      );
    }
    case 'RequestVoteReply': {
      const p = as<RequestVoteReplyP>(e.payload, 'voteGranted');
      if (!p) return withRule(`${from} answered ${to}'s vote request`);
      return withRule(p.voteGranted ? `${from} sent ${to} its vote for term ${p.term}` : `${from} told ${to} it will not vote for it (term ${p.term})`, '§5.2');
    }
    case 'AppendEntries': {
      const p = as<AppendEntriesP>(e.payload, 'entries', 'prevLogIndex');
      if (!p) return withRule(`${from} sent AppendEntries to ${to}`, '§5.3');
      if (p.entries.length === 0) {
        return withRule(`${from}, leader of term ${p.term}, sent ${to} a heartbeat (commit index ${p.leaderCommit})`, '§5.2');
      }
      return withRule(
        `${from} sent ${to} ${range(p.prevLogIndex + 1, p.entries.length)}, to follow index ${p.prevLogIndex} of term ${p.prevLogTerm}`,
        '§5.3',
      );
    }
    case 'AppendEntriesReply': {
      const p = as<AppendEntriesReplyP>(e.payload, 'success', 'conflictIndex');
      if (!p) return withRule(`${from} answered ${to}'s AppendEntries`, '§5.3');
      if (p.success) return withRule(`${from} accepted AppendEntries from ${to}: its log matches the leader's up to index ${p.matchIndex}`, '§5.3');
      const req = as<AppendEntriesP>(ctx.request?.payload, 'prevLogIndex', 'term');
      if (p.conflictIndex === 0 && p.conflictTerm === 0) {
        const theirs = req ? `term ${req.term} is older than` : 'term is older than';
        return withRule(`${from} rejected AppendEntries from ${to}: ${to}'s ${theirs} ${from}'s term ${p.term}`, '§5.1');
      }
      if (p.conflictTerm === 0) {
        const at = req ? `no entry at index ${req.prevLogIndex}` : `no entry where the leader expected one`;
        return withRule(`${from} rejected AppendEntries from ${to}: ${at} — its log ends at index ${p.conflictIndex - 1}`, '§5.3');
      }
      const at = req ? `its entry at index ${req.prevLogIndex} has term ${p.conflictTerm}, not ${req.prevLogTerm}` : `its entries of term ${p.conflictTerm} from index ${p.conflictIndex} conflict`;
      return withRule(`${from} rejected AppendEntries from ${to}: ${at}`, '§5.3');
    }
    default:
      return withRule(`${from} sent ${e.type ?? 'a message'} to ${to}`);
  }
}

function explainDeliver(e: SimEvent, ctx: ExplainContext): Explanation {
  const { from = '?', to = '?' } = e;
  const other = explainOther(e, false) ?? explainExtraMessage(e, false, ctx.after);
  if (other) return other;
  switch (e.type) {
    case 'RequestVote': {
      const p = as<RequestVoteP>(e.payload, 'term');
      return withRule(`${to} received ${from}'s vote request${p ? ` for term ${p.term}` : ''}`, '§5.2');
    }
    case 'RequestVoteReply': {
      const p = as<RequestVoteReplyP>(e.payload, 'voteGranted');
      if (p?.voteGranted) return withRule(`${to} received ${from}'s vote for term ${p.term}`, '§5.2');
      return withRule(`${to} learned that ${from} refused its vote${p ? ` (term ${p.term})` : ''}`, '§5.2');
    }
    case 'AppendEntries': {
      const p = as<AppendEntriesP>(e.payload, 'entries', 'term');
      if (!p) return withRule(`${to} received AppendEntries from ${from}`, '§5.3');
      return withRule(
        p.entries.length === 0 ? `${to} received a heartbeat from ${from} (term ${p.term})` : `${to} received ${p.entries.length} ${p.entries.length === 1 ? 'entry' : 'entries'} from ${from} (term ${p.term})`,
        p.entries.length === 0 ? '§5.2' : '§5.3',
      );
    }
    case 'AppendEntriesReply': {
      const p = as<AppendEntriesReplyP>(e.payload, 'success', 'matchIndex');
      if (!p) return withRule(`${to} received ${from}'s reply`, '§5.3');
      if (p.success) return withRule(`${to} learned that ${from} holds its log up to index ${p.matchIndex}`, '§5.3');
      if (p.conflictIndex === 0 && p.conflictTerm === 0) {
        // Only the reply that makes it step down teaches it the term; later refusals of its old AppendEntries reach a node that knows it (§5.1).
        if (ctx.after?.some((a) => a.kind === 'role' && a.node === to)) return withRule(`${to} learned of a newer term ${p.term} from ${from}`, '§5.1');
        return withRule(`${from} refused an AppendEntries ${to} had sent in an older term (${from} is in term ${p.term})`, '§5.1');
      }
      return withRule(`${to} learned that ${from}'s log does not hold the entry its AppendEntries followed`, '§5.3');
    }
    default:
      return withRule(`${to} received ${e.type ?? 'a message'} from ${from}`);
  }
}

/** What the broker's one deadline timer looks after. */
const DEADLINES = 'the broker checks its deadlines (publishes waiting to commit, forwarded publishes, safe reads)';

const TIMER_WHAT: Record<string, string> = {
  replicate: 'as leader it sends what waits to go out in one batch of AppendEntries: the entries proposed in this instant, or a heartbeat round that confirms its leadership for a read',
  detector: 'the failure detector pings quiet links and checks for silent peers',
  sync: 'time to synchronise its clock',
  syncRound: 'the Berkeley round closes',
  pubTimeout: `${DEADLINES}: an overdue one is answered with an error or a redirect`,
  holdback: 'held-back messages may now be released in order',
  publish: 'the publisher retries',
  console: 'no answer within 5 s: the console shows ERR unavailable and closes its connection (it does not retry)',
  connection: 'the client connection (modelled on TCP) resends lines the other end has not acknowledged, sends an acknowledgement it owes, or gives up on an end that stopped answering',
};

/** A timer whose firing may find nothing to do; what it did is in what followed it at the same instant. */
function idleTimer(e: SimEvent, ctx: ExplainContext): string | undefined {
  const sent = ctx.after?.some((a) => a.kind === 'send' && a.from === e.node) ?? false;
  if (e.type === 'pubTimeout' && !sent) return `${DEADLINES}: none is overdue, so nothing happens`;
  if (e.type === 'sync' && !sent) return 'nothing to send now (under Berkeley only the coordinator polls the others)';
  return undefined;
}

const DROP_REASON: Record<string, (e: SimEvent, actor: string) => string> = {
  loss: (e) => `The network lost ${e.from}'s ${e.type} to ${e.to}`,
  partition: (e) => `${e.from}'s ${e.type} to ${e.to} was dropped: they are on different sides of a partition (or the link is cut)`,
  disconnected: (e) => `${e.from}'s ${e.type} to ${e.to} was dropped: one of them is disconnected`,
  down: (e) => `${e.from}'s ${e.type} to ${e.to} was dropped: ${e.to} is down`,
  user: (e, actor) => `${actor} dropped ${e.from}'s ${e.type} to ${e.to}`,
};

/** The sentence for one event. Pure: same event and context, same sentence. */
export function explain(e: SimEvent, ctx: ExplainContext = {}): Explanation {
  const n = e.node ?? '?';
  const you = ctx.actor ?? 'You';
  switch (e.kind) {
    case 'send':
      return explainSend(e, ctx);
    case 'deliver':
      return explainDeliver(e, ctx);
    case 'drop': {
      const why = DROP_REASON[e.detail ?? ''];
      return withRule(why ? why(e, you) : `${e.from}'s ${e.type} to ${e.to} was dropped${e.detail ? ` (${e.detail})` : ''}`);
    }
    case 'timer': {
      if (e.type === 'election') {
        // With Pre-Vote the timer starts a pre-vote instead (thesis §9.6): say so.
        if (ctx.after?.some((a) => a.kind === 'preVoteStart' && a.node === e.node)) return { text: `${n} timed out and asks first whether it would win an election (Pre-Vote)`, rule: 'thesis §9.6' };
        const role = ctx.after?.find((a) => a.kind === 'role' && a.node === e.node);
        // A forced timeout with nothing after it (the step is complete): the node does not campaign (thesis §4.2.1, §4.2.2).
        if (e.detail === 'forced' && role === undefined && ctx.after !== undefined) {
          return { text: `${you} forced ${n}'s election timeout, but ${n} starts no election: a learner (it receives the log but does not vote), or a server left out of the committed configuration, never campaigns`, rule: 'thesis §4.2.1, §4.2.2' };
        }
        const started = role ? `started an election for term ${role.term}${role.role === 'leader' ? ' and won it alone' : ''}` : 'starts an election';
        return withRule(e.detail === 'forced' ? `${you} forced ${n}'s election timeout: it ${started}` : `${n} timed out and ${started}`, '§5.2');
      }
      if (e.type === 'heartbeat') {
        // With CheckQuorum the tick may find too few voters heard from: the leader steps down instead (thesis §6.2).
        if (ctx.after?.some((a) => a.kind === 'stepDown' && a.node === e.node && /CheckQuorum/.test(a.detail ?? ''))) {
          return { text: `${n}'s heartbeat timer fired: as leader it counted the voters it heard from in the last election timeout (CheckQuorum), found fewer than a majority, and stepped down`, rule: 'thesis §6.2' };
        }
        return withRule(`${n}'s heartbeat timer fired: as leader it sends an AppendEntries to each server it replicates to (its snapshot instead, to one that needs entries its log no longer holds)`, '§5.2');
      }
      const what = (ctx.after !== undefined ? idleTimer(e, ctx) : undefined) ?? TIMER_WHAT[e.type ?? ''];
      return withRule(what ? `${n}'s ${e.type} timer fired: ${what}` : `${n}'s ${e.type ?? ''} timer fired`);
    }
    case 'role':
      if (e.role === 'candidate') return withRule(`${n} became a candidate for term ${e.term}: it votes for itself and asks the others for votes`, '§5.2');
      if (e.role === 'leader') return withRule(`${n} won a majority of votes and became leader of term ${e.term}`, '§5.2');
      return withRule(`${n} became a follower in term ${e.term}`, '§5.1, §5.2');
    case 'vote': {
      const detail = e.detail ?? '';
      const granted = detail.startsWith('granted');
      const reason = detail.replace(/^(granted|denied):\s*/, '');
      // The engine names leader stickiness by its section of the dissertation (§4.2.3).
      // An ignored request gets no reply at all, and the voter keeps its term (thesis §4.2.3): not a refusal.
      const ignored = reason.startsWith('ignored: ');
      const x = granted
        ? withRule(`${n} granted its vote to ${e.to} for term ${e.term}: ${reason}`, '§5.2, §5.4.1')
        : ignored
          ? withRule(`${n} ignored ${e.to}'s vote request, sending no reply and keeping its term: ${reason.slice('ignored: '.length)}`)
          : withRule(`${n} denied its vote to ${e.to}: ${reason}`, '§5.2');
      return { ...x, rule: sectionNames(...x.rule.split(/,\s*/)) };
    }
    case 'commit': {
      // Newer journals say who committed and the entry's term; older ones leave it to the context.
      const leader = e.role !== undefined ? e.role === 'leader' : ctx.roleOf?.(n) === 'leader';
      if (leader) {
        const t = e.entryTerm;
        if (t === undefined || t < 0) return withRule(`${n} committed up to index ${e.index}: a majority of the voters of the configuration in use stores it`, '§5.3, §5.4.2');
        if (t === e.term) return withRule(`${n} committed up to index ${e.index}: a majority of the voters of the configuration in use stores entry ${e.index}, which is from its current term ${e.term}, so it and every entry before it are committed`, '§5.3, §5.4.2');
        return withRule(`${n} committed up to index ${e.index} by counting copies of an entry from an earlier term (${t}, now term ${e.term}): the commit rule is switched off, and Figure 8 shows why this is unsafe`, '§5.4.2');
      }
      return withRule(`${n} learned from the leader that entries up to index ${e.index} are committed`, '§5.3');
    }
    case 'apply':
      return withRule(`${n} applied entry ${e.index} (term ${e.term}) to its state machine: ${commandText(e.payload)}`, '§5.3');
    case 'truncate':
      // InstallSnapshot discards the log the snapshot does not extend (§7), whether or not it conflicts.
      if (ctx.after?.some((a) => a.kind === 'restore' && a.node === e.node)) {
        return withRule(`${n} deleted its log from index ${e.index} on: the leader's snapshot replaces it`, '§7');
      }
      return withRule(`${n} deleted its log from index ${e.index} on: those entries conflict with the leader's log`, '§5.3');
    case 'propose':
      return withRule(`A client asked ${n} to append ${commandText(e.payload ?? e.detail)}${ctx.roleOf?.(n) === 'leader' ? '' : ' (only a leader accepts it)'}`, '§5.3');
    case 'crash':
      return withRule(`${you} crashed ${n}: it loses its volatile state (role, commit index, the votes it had collected) but keeps its term, its vote and its log (and snapshot) on disk, as Figure 2's “State” asks`, '§5.1');
    case 'restart':
      return withRule(`${you} restarted ${n}: it comes back as a follower and waits to hear from a leader`, '§5.2');
    case 'disconnect':
      return withRule(`${you} disconnected ${n}: no message reaches it or leaves it, from nodes or clients`);
    case 'reconnect':
      return withRule(`${you} reconnected ${n}`);
    case 'partition':
      return withRule(`${you} partitioned the network: ${e.detail ?? ''}; messages cross no group boundary`);
    case 'heal':
      return withRule(`${you} healed the network: every partition, disconnection and link cut is gone`);
    case 'cutLink':
      return withRule(`${you} cut the link ${e.detail ?? ''} one way: messages that way are lost`);
    case 'restoreLink':
      return withRule(`${you} restored the link ${e.detail ?? ''}`);
    case 'setNetwork':
      return withRule(`${you} changed the network: ${e.detail ?? ''}`);
    case 'setClock':
      return withRule(`${you} changed ${n}'s clock: ${e.detail ?? ''}`);
    case 'timeout': {
      // The engine fires the timer of a node that is up and not leader; otherwise nothing follows (the step is complete).
      if (ctx.after !== undefined && !ctx.after.some((a) => a.kind === 'timer' && a.node === e.node)) {
        const role = ctx.roleOf?.(n);
        const why = role === 'leader' ? `${n} is the leader, and a leader has no election timeout` : role === 'down' ? `${n} is down: it has no timers until it restarts` : `${n} is down or is the leader`;
        return withRule(`${you} asked ${n} to time out now: nothing happens, as ${why}`, '§5.2');
      }
      return withRule(`${you} asked ${n} to time out now`, '§5.2');
    }
    case 'suspect':
      return withRule(`${n}'s failure detector now suspects ${e.to}${e.detail ? `: ${e.detail}` : ''}`);
    case 'unsuspect':
      // In gossip mode the news may come second-hand, in a leader's AppendEntries ("relayed by n2").
      return withRule(e.detail?.startsWith('relayed by ') ? `${n} stopped suspecting ${e.to}: ${e.detail.slice('relayed by '.length)} relays that it heard from ${e.to} recently` : `${n} heard from ${e.to} again and stopped suspecting it`);
    case 'sync':
      return explainSync(e);
    case 'command':
      return withRule(`${you} typed ${commandText(e.detail ?? '')} at ${n}`);
    case 'publish':
      return withRule(`A publisher sends ${commandText(e.detail ?? '')}`);
    case 'resetConnection':
      return withRule(`The connection between client ${e.detail?.split('–')[0] ?? '?'} and ${n} was reset: both ends know at once, unanswered lines fail and subscriptions there end`);
    case 'refused':
      return withRule(`Client ${e.from} could not reach ${e.to} to send ${commandText(e.detail ?? '')}`);
    case 'publishFailed':
      return withRule(`Publisher ${n} gave up on ${e.detail ?? 'a message'} after retrying: its outcome is unknown`);
    case 'late':
      return withRule(`${n}: ${e.detail ?? 'a message arrived too late to be ordered'}`);
    case 'unsubscribed':
      return withRule(`${n} dropped subscriber ${e.to}${e.detail ? ` (${e.detail})` : ''}`);
    case 'violation':
      return withRule(`Safety violated — ${e.detail ?? e.type ?? ''}`, PROPERTY_SECTION[e.type ?? ''] ?? '');
    case 'finding':
      return withRule(`Finding (what a chosen setting does, not a bug) — ${e.detail ?? e.type ?? ''}`);
    default: {
      const extra = explainExtraEvent(e, ctx.actor, ctx.fromSnapshot === true);
      if (extra) return extra;
      return withRule(`${e.kind}${e.node ? ` ${e.node}` : ''}${e.from ? ` ${e.from}→${e.to}` : ''}${e.type ? ` ${e.type}` : ''}${e.detail ? `: ${e.detail}` : ''}`);
    }
  }
}

/** The sentence with its rule, as one line. */
export function sentence(e: SimEvent, ctx?: ExplainContext): string {
  const x = explain(e, ctx);
  return x.rule ? `${x.text} (${x.rule})` : x.text;
}
