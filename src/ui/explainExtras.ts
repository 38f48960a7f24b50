// Sentences for what issue 13 added to the engine: membership changes (paper §6, thesis §4), snapshots
// (§7), safe reads (§8, thesis §6.4), Pre-Vote and CheckQuorum (thesis §9.6) and leadership transfer
// (thesis §3.10). explain.ts asks here first for these messages and events.
import type { SimEvent } from '../sim';

export interface ExtraExplanation {
  text: string;
  /** Sections: the paper's as "§6", Ongaro's dissertation's as "thesis §4.2.1". */
  rule: string;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
const num = (x: unknown): string => (typeof x === 'number' ? String(x) : '?');

/** A configuration entry's command (§6): { op: 'config', voters, learners }. */
export function isConfigCommand(command: unknown): command is { op: 'config'; voters: readonly string[]; learners: readonly string[] } {
  return isObj(command) && command.op === 'config' && Array.isArray(command.voters) && Array.isArray(command.learners);
}

/** "voters n1 n2 n3; learners n4", as the engine's own journal says it. */
export function configText(c: { voters: readonly string[]; learners: readonly string[] }): string {
  return `voters ${c.voters.join(' ') || '(none)'}${c.learners.length > 0 ? `; learners ${c.learners.join(' ')}` : ''}`;
}

const PRE_VOTE = 'thesis §9.6';

/** The engine's reasons end in their sections, "(§5.4.1)" or "(thesis §4.2.2)": split them off. */
function splitReason(reason: string): { text: string; sections: string[] } {
  const m = /\s*\(((?:thesis )?§[\d.]+(?:,\s*(?:thesis )?§[\d.]+)*)\)\s*$/.exec(reason);
  if (!m) return { text: reason, sections: [] };
  return { text: reason.slice(0, m.index), sections: m[1].split(/,\s*/) };
}

/** Sections joined without repeats; the engine's bare "§9.6" and "§4.2.x" are the dissertation's. */
export function sectionNames(...sections: string[]): string {
  const out: string[] = [];
  for (const s of sections) {
    const named = /^§(9\.6|4\.\d(\.\d)?|3\.10|6\.[2-4](\.\d)?)$/.test(s) ? `thesis ${s}` : s;
    if (named === '') continue;
    if (!out.includes(named)) out.push(named);
  }
  return out.join(', ');
}
const TRANSFER = 'thesis §3.10';
const MEMBERSHIP = '§6, thesis §4';

/** What a delivered snapshot did, as the events after it at the same instant tell (§7, Figure 13); nothing without them. */
function snapshotOutcome(to: string, after: readonly SimEvent[] | undefined): string {
  if (after === undefined) return '';
  if (after.some((a) => a.kind === 'restore' && a.node === to)) return ': it replaces its state and the log it covers';
  const refused = after.some((a) => a.kind === 'send' && a.type === 'InstallSnapshotReply' && a.from === to && isObj(a.payload) && a.payload.matchIndex === 0);
  if (refused) return ', sent in an older term than its own: it refuses it';
  return ': it had already committed everything up to there (a late or repeated copy), so it keeps its state and log and only answers';
}

/** The message types issue 13 added, sent (`sent`) or delivered; undefined for every other message. */
export function explainExtraMessage(e: SimEvent, sent: boolean, after?: readonly SimEvent[]): ExtraExplanation | undefined {
  const { from = '?', to = '?' } = e;
  const p = isObj(e.payload) ? e.payload : {};
  switch (e.type) {
    case 'PreVote':
      return sent
        ? { text: `${from} asked ${to} whether it would vote for it in term ${num(p.term)}, before raising its own term; its log ends at index ${num(p.lastLogIndex)} of term ${num(p.lastLogTerm)}`, rule: PRE_VOTE }
        : { text: `${to} received ${from}'s pre-vote request for term ${num(p.term)}: answering changes nothing on ${to}`, rule: PRE_VOTE };
    case 'PreVoteReply':
      if (p.voteGranted === true) return sent ? { text: `${from} told ${to} it would vote for it in term ${num(p.term)}`, rule: PRE_VOTE } : { text: `${to} learned that ${from} would vote for it`, rule: PRE_VOTE };
      return sent
        ? { text: `${from} told ${to} it would not vote for it (${from} is in term ${num(p.term)})`, rule: PRE_VOTE }
        : { text: `${to} learned that ${from} would not vote for it`, rule: PRE_VOTE };
    case 'InstallSnapshot': {
      const upTo = `index ${num(p.lastIncludedIndex)} (term ${num(p.lastIncludedTerm)})`;
      return sent
        ? { text: `${from}, leader of term ${num(p.term)}, sent ${to} its snapshot up to ${upTo}: the entries ${to} needs next are no longer in ${from}'s log`, rule: '§7' }
        : { text: `${to} received ${from}'s snapshot up to ${upTo}${snapshotOutcome(to, after)}`, rule: '§7' };
    }
    case 'InstallSnapshotReply':
      return sent
        ? { text: typeof p.matchIndex === 'number' && p.matchIndex > 0 ? `${from} told ${to} it now holds everything up to index ${p.matchIndex}` : `${from} refused ${to}'s snapshot (term ${num(p.term)})`, rule: '§7' }
        : { text: typeof p.matchIndex === 'number' && p.matchIndex > 0 ? `${to} learned that ${from} holds everything up to index ${p.matchIndex}: it sends the entries after it` : `${to} learned that ${from} refused its snapshot`, rule: '§7' };
    case 'TimeoutNow':
      return sent
        ? { text: `${from} told ${to}, which is now up to date, to start an election at once: the last step of a leadership transfer`, rule: TRANSFER }
        : after === undefined || after.some((a) => a.kind === 'role' && a.node === to && a.role === 'candidate')
          ? { text: `${to} received TimeoutNow from ${from}: it starts an election now, without waiting for its timer`, rule: TRANSFER }
          : { text: `${to} received TimeoutNow from ${from} for term ${num(p.term)}, but ignores it: it is already in a newer term, leads, or does not vote (a late or repeated copy)`, rule: TRANSFER };
    case 'ReadIndex':
      return sent
        ? { text: `${from} asked the leader ${to} for a read index: the commit index it must apply before it answers a HISTORY`, rule: '§8, thesis §6.4' }
        : { text: `Leader ${to} got ${from}'s request for a read index`, rule: '§8, thesis §6.4' };
    case 'ReadIndexReply':
      if (typeof p.error === 'string') return { text: sent ? `${from} could not give ${to} a safe read index: ${p.error}` : `${to} learned it cannot serve the read safely: ${p.error}`, rule: '§8, thesis §6.4' };
      return sent
        ? { text: `${from} confirmed its leadership and gave ${to} the read index ${num(p.index)}`, rule: '§8, thesis §6.4' }
        : { text: `${to} got the read index ${num(p.index)}: it answers once it has applied up to there`, rule: '§8, thesis §6.4' };
    case 'RequestVote':
      if (p.transfer !== true) return undefined;
      return sent
        ? { text: `${from} asked ${to} for its vote in term ${num(p.term)}, on the leader's request (TimeoutNow); the request is marked as a transfer, so a voter that would ignore vote requests while it hears from a leader (with CheckQuorum or lease reads) answers it`, rule: `${TRANSFER}, thesis §4.2.3` }
        : { text: `${to} received ${from}'s vote request for term ${num(p.term)}, sent for a leadership transfer`, rule: TRANSFER };
    case 'AppendEntries': {
      const entries = Array.isArray(p.entries) ? (p.entries as Array<{ command?: unknown }>) : [];
      const configs = entries.filter((x) => isConfigCommand(x.command));
      if (configs.length === 0) return undefined;
      const last = configs[configs.length - 1].command as { voters: readonly string[]; learners: readonly string[] };
      const first = typeof p.prevLogIndex === 'number' ? p.prevLogIndex + 1 : undefined;
      const which = first === undefined ? `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}` : entries.length === 1 ? `entry ${first}` : `entries ${first}–${first + entries.length - 1}`;
      if (sent) return { text: `${from} sent ${to} ${which}, with a configuration entry (${configText(last)}): a configuration travels in the log like any entry`, rule: MEMBERSHIP };
      if (after?.some((a) => a.kind === 'config' && a.node === to)) return { text: `${to} received ${which} from ${from}, with a configuration entry: it stores it and uses the new configuration at once, committed or not`, rule: MEMBERSHIP };
      // Its reply tells what came of them: refused (no entry to follow, or an older term) or taken (it held them already).
      const reply = after?.find((a) => a.kind === 'send' && a.type === 'AppendEntriesReply' && a.from === to);
      const ok = reply !== undefined && isObj(reply.payload) ? reply.payload.success : undefined;
      if (ok === false) return { text: `${to} received ${which} from ${from}, with a configuration entry, but refuses them (its reply says why) and stores nothing: the configuration does not apply to it until the entry is in its log`, rule: `${MEMBERSHIP}, §5.3` };
      if (ok === true) return { text: `${to} received ${which} from ${from}, with a configuration entry it already holds: nothing changes`, rule: MEMBERSHIP };
      return { text: `${to} received ${which} from ${from}, with a configuration entry: a server uses the latest configuration in its log, committed or not, from the moment the entry is stored`, rule: MEMBERSHIP };
    }
    default:
      return undefined;
  }
}

/** The event kinds issue 13 added (and its user actions); undefined for every other event. */
export function explainExtraEvent(e: SimEvent, actor = 'You', fromSnapshot = false): ExtraExplanation | undefined {
  const n = e.node ?? '?';
  const p = isObj(e.payload) ? e.payload : undefined;
  switch (e.kind) {
    case 'preVoteStart':
      return { text: `${n}'s election timer ran out. With Pre-Vote it first asks the others whether they would vote for it in term ${num(e.term)} — it stays a follower and keeps its term until a majority says yes`, rule: PRE_VOTE };
    case 'preVote': {
      const detail = e.detail ?? '';
      const granted = detail.startsWith('granted');
      const reason = splitReason(detail.replace(/^(granted|denied):\s*/, ''));
      // A granted pre-vote's reason is just "would vote in term N".
      if (granted && /^would vote in term \d+$/.test(reason.text)) return { text: `${n} would vote for ${e.to ?? '?'} in ${reason.text.slice('would vote in '.length)}`, rule: PRE_VOTE };
      const stale = /^pre-vote for term (\d+), \S+ is in term (\d+)$/.exec(reason.text);
      if (!granted && stale) return { text: `${n} would not vote for ${e.to ?? '?'}: ${n} is already in term ${stale[2]}, so a pre-vote for term ${stale[1]} comes too late`, rule: PRE_VOTE };
      return { text: `${n} would ${granted ? '' : 'not '}vote for ${e.to ?? '?'}: ${reason.text}`, rule: sectionNames(PRE_VOTE, ...reason.sections) };
    }
    case 'stepDown': {
      const why = splitReason(e.detail ?? '');
      // CheckQuorum is the dissertation's §6.2; journals recorded before the fix cite §9.6 (Pre-Vote): drop that.
      const checkQuorum = /CheckQuorum/.test(why.text);
      const sections = checkQuorum ? ['thesis §6.2', ...why.sections.filter((s) => s !== '§9.6')] : why.sections;
      return { text: `${n} stepped down as leader: ${why.text}`, rule: sectionNames(...sections) };
    }
    case 'transfer': {
      const to = e.to ?? '?';
      if (/TimeoutNow/.test(e.detail ?? '')) return { text: `${to} has every entry of ${n}'s log: ${n} sends it TimeoutNow`, rule: TRANSFER };
      if (/abandoned/.test(e.detail ?? '')) return { text: `${n} gave up handing leadership to ${to} after an election timeout and takes proposals again`, rule: TRANSFER };
      if (/lease/.test(e.detail ?? '')) {
        return {
          text: `${n} starts handing leadership to ${to}: it gives up its read lease (${to} will win past the servers' rule of sticking with a leader they heard, which the lease relies on), takes no new proposals and brings ${to}'s log up to date`,
          rule: sectionNames('thesis §3.10', 'thesis §6.4.1'),
        };
      }
      return { text: `${n} starts handing leadership to ${to}: it takes no new proposals and brings ${to}'s log up to date`, rule: TRANSFER };
    }
    case 'config': {
      const what = p !== undefined && Array.isArray(p.voters) && Array.isArray(p.learners) ? configText(p as { voters: string[]; learners: string[] }) : (e.detail ?? '');
      // A node that installs or restarts from a snapshot reads its configuration from it again (§7), often the same one it used.
      if (fromSnapshot) return { text: `${n} takes the configuration stored in its snapshot up to index ${num(e.index)} (${what})`, rule: sectionNames('§7') };
      return {
        text: `${n} now uses the configuration as of index ${num(e.index)} (${what}): a server uses the latest configuration in its log, committed or not`,
        rule: MEMBERSHIP,
      };
    }
    case 'configCommitted':
      // A snapshot holds committed entries only (§7).
      if (fromSnapshot) return { text: `On ${n}, the configuration stored in the snapshot is committed, as everything in a snapshot is`, rule: sectionNames('§7') };
      return { text: `On ${n}, the configuration as of index ${num(e.index)} is committed (${e.detail ?? ''})`, rule: MEMBERSHIP };
    case 'membership': {
      const [op, what] = (e.type ?? '').split(' ');
      const id = e.node ?? '?';
      const detail = (e.detail ?? '').replace(/^(add|remove) [^:]+:\s*/, '');
      if (what === 'submitted') return { text: `${op === 'add' ? 'Adding' : 'Removing'} ${id}: ${detail}`, rule: MEMBERSHIP };
      if (what === 'done') return { text: `${op === 'add' ? 'Adding' : 'Removing'} ${id} is done: ${detail}`, rule: MEMBERSHIP };
      if (what === 'cancelled') return { text: `The addition of ${id} was cancelled: ${detail}`, rule: MEMBERSHIP };
      return { text: e.detail ?? `membership change ${e.type ?? ''}`, rule: MEMBERSHIP };
    }
    case 'removed':
      return { text: `${n} stopped: the configuration without it is committed`, rule: MEMBERSHIP };
    case 'addNode':
      return { text: `${actor} added ${n}: it starts with an empty log and catches up as a learner, which gets the log but does not vote; then the leader makes it a voter`, rule: 'thesis §4.2.1' };
    case 'removeNode':
      return { text: `${actor} asked to remove ${n}: the leader appends a configuration without it, and ${n} stops once that entry commits`, rule: MEMBERSHIP };
    case 'transferLeadership':
      return { text: `${actor} asked the leader to hand leadership to ${n}`, rule: TRANSFER };
    case 'snapshot':
      // The user's request carries no index; the node's own snapshot does.
      if (e.index === undefined) return { text: `${actor} asked ${n} to take a snapshot now`, rule: '§7' };
      return { text: `${n} took a snapshot of its state up to index ${e.index} (term ${num(e.term)}) and dropped those entries from its log`, rule: '§7' };
    case 'restore':
      return { text: `${n} replaced its state machine by the snapshot up to index ${num(e.index)} (term ${num(e.term)}), then applies the entries after it`, rule: '§7' };
    default:
      return undefined;
  }
}
