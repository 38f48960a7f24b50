// Builds explain()'s context for a feed item from its neighbours, and sorts feed items into filter categories.
import type { FeedItem } from '../store/driver';
import { MESSAGING_MESSAGES, RAFT_MESSAGES } from '../store/stepKinds';
import { explain, type ExplainContext, type Explanation } from './explain';

const LOOK_BACK = 3000;

/** Context for items[i]: the events after it in the same step, the request a reply answers, roles. */
export function contextFor(items: readonly FeedItem[], i: number): ExplainContext {
  const e = items[i].e;
  const ctx: ExplainContext = {};
  const after: FeedItem['e'][] = [];
  for (let j = i + 1; j < items.length && j <= i + 6 && items[j].e.at === e.at; j++) after.push(items[j].e);
  ctx.after = after;
  if (e.kind === 'send' && e.type === 'AppendEntriesReply') {
    for (let j = i - 1; j >= 0 && j >= i - LOOK_BACK; j--) {
      const x = items[j].e;
      if (x.kind === 'deliver' && x.type === 'AppendEntries' && x.from === e.to && x.to === e.from) {
        ctx.request = x;
        break;
      }
    }
  }
  if (e.kind === 'config' || e.kind === 'configCommitted') {
    for (let j = i - 1; j >= 0 && j >= i - 6 && items[j].e.at === e.at; j--) {
      const x = items[j].e;
      if (x.kind === 'restore' && x.node === e.node && (e.index ?? Infinity) <= (x.index ?? 0)) ctx.fromSnapshot = true;
    }
  }
  if (e.kind === 'commit' || e.kind === 'propose' || e.kind === 'timeout') {
    // (For a forced timeout that did nothing, a crashed node is 'down': it has no timers.)
    const crashed = e.kind === 'timeout' ? 'down' : 'follower';
    ctx.roleOf = (node) => {
      for (let j = i - 1; j >= 0 && j >= i - LOOK_BACK; j--) {
        const x = items[j].e;
        if (x.node !== node) continue;
        if (x.kind === 'role') return x.role;
        if (x.kind === 'crash') return crashed;
        if (x.kind === 'restart') return 'follower';
      }
      return undefined;
    };
  }
  return ctx;
}

export type FeedCategory = 'messages' | 'background' | 'state' | 'actions';

const STATE_KINDS = new Set(['role', 'vote', 'commit', 'apply', 'truncate', 'suspect', 'unsuspect', 'late', 'unsubscribed', 'publishFailed', 'finding']);
/** Message types that matter to the story (the ones Step counts as Raft or messaging); the rest (pings, clock sync) are background. */
const STORY_TYPES: ReadonlySet<string> = new Set([...RAFT_MESSAGES, ...MESSAGING_MESSAGES]);
/** Timers that tick all the time without changing the story. */
const BACKGROUND_TIMERS = new Set(['heartbeat', 'detector', 'sync', 'syncRound', 'holdback', 'connection']);

function isEmptyAppend(payload: unknown): boolean {
  const p = payload as { entries?: unknown[] } | undefined;
  return Array.isArray(p?.entries) && p.entries.length === 0;
}

export function categoryOf(item: FeedItem): FeedCategory {
  const e = item.e;
  if (e.kind === 'timer') return BACKGROUND_TIMERS.has(e.type ?? '') ? 'background' : 'state';
  if (e.kind === 'send' || e.kind === 'deliver' || e.kind === 'drop') {
    if (!STORY_TYPES.has(e.type ?? '')) return 'background';
    if (e.kind !== 'drop' && e.type === 'AppendEntries' && isEmptyAppend(e.payload)) return 'background';
    return 'messages';
  }
  if (e.kind === 'sync') return 'background';
  if (STATE_KINDS.has(e.kind)) return 'state';
  return 'actions';
}

/**
 * categoryOf for every item of a feed, where a successful reply to a heartbeat is background too, as the
 * heartbeat is. A follower replies while it handles the AppendEntries, at the same instant: the reply's
 * send answers the AppendEntries last delivered to it from the reply's addressee at that instant; its
 * delivery (or drop, or a duplicate's delivery) has the send's message id. (The payload's `seq` is the
 * leader's read round, the same for every message between reads: it cannot tell requests apart.)
 * At the window's old edge a successful reply whose request (or whose send) came before the window cannot
 * be told apart from a heartbeat's: it is background too, or a quiet cluster's feed showed old heartbeat
 * replies as its latest events.
 */
export function categoriesOf(items: readonly FeedItem[]): FeedCategory[] {
  // Item index of the AppendEntries last delivered to each node; message ids of heartbeat replies, and of every reply sent in the window.
  const lastAppend = new Map<string, number>();
  const beatReplies = new Set<number>();
  const sentReplies = new Set<number>();
  const out: FeedCategory[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const e = items[i].e;
    let c = categoryOf(items[i]);
    if (e.type === 'AppendEntries' && e.kind === 'deliver' && e.to !== undefined) lastAppend.set(e.to, i);
    else if (e.type === 'AppendEntriesReply' && c === 'messages') {
      const ok = (e.payload as { success?: boolean } | undefined)?.success === true;
      if (e.kind === 'send') {
        if (e.msgId !== undefined) sentReplies.add(e.msgId);
        const j = e.from === undefined ? undefined : lastAppend.get(e.from);
        const request = j === undefined ? undefined : items[j].e;
        if (ok && (request === undefined || (request.at === e.at && request.from === e.to && out[j!] === 'background')) && e.msgId !== undefined) {
          beatReplies.add(e.msgId);
          c = 'background';
        }
      } else if (e.msgId !== undefined && (beatReplies.has(e.msgId) || (ok && !sentReplies.has(e.msgId)))) c = 'background';
    }
    out[i] = c;
  }
  return out;
}

const cache = new WeakMap<FeedItem, { actor: string; x: Explanation }>();

/**
 * explain() for items[i] in its feed context, cached per item once its context is complete (a later
 * moment exists, so the events of its step are all known). `actor` did the item if it is an action.
 */
export function explainItem(items: readonly FeedItem[], i: number, actor = 'You'): Explanation {
  const item = items[i];
  const hit = cache.get(item);
  if (hit !== undefined && hit.actor === actor) return hit.x;
  const x = explain(item.e, { ...contextFor(items, i), actor });
  if (items[items.length - 1].e.at > item.e.at) cache.set(item, { actor, x });
  return x;
}
