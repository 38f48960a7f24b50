// Builds explain()'s context for a feed item from its neighbours, and sorts feed items into filter categories.
import type { FeedItem } from '../store/driver';
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
  if (e.kind === 'commit' || e.kind === 'propose') {
    ctx.roleOf = (node) => {
      for (let j = i - 1; j >= 0 && j >= i - LOOK_BACK; j--) {
        const x = items[j].e;
        if (x.node !== node) continue;
        if (x.kind === 'role') return x.role;
        if (x.kind === 'crash' || x.kind === 'restart') return 'follower';
      }
      return undefined;
    };
  }
  return ctx;
}

export type FeedCategory = 'messages' | 'background' | 'state' | 'actions';

const STATE_KINDS = new Set(['role', 'vote', 'commit', 'apply', 'truncate', 'suspect', 'unsuspect', 'late', 'unsubscribed', 'publishFailed', 'finding']);
/** Message types that matter to the story; the rest (pings, clock sync) are background. */
const STORY_TYPES = new Set([
  'RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply',
  'ClientRequest', 'ClientReply', 'ForwardPub', 'ForwardReply', 'ClientPush', 'ClientAck', 'ClientReset',
]);
/** Timers that tick all the time without changing the story. */
const BACKGROUND_TIMERS = new Set(['heartbeat', 'detector', 'sync', 'syncRound', 'holdback']);

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
 * categoryOf for every item of a feed, where a reply to a heartbeat (an AppendEntriesReply answering an
 * empty AppendEntries: same pair of nodes, the request's seq) is background too, as the heartbeat is.
 */
export function categoriesOf(items: readonly FeedItem[]): FeedCategory[] {
  // Numeric keys (the pair of nodes, then the request's seq): this runs over the whole feed on every refresh.
  const ids = new Map<string | undefined, number>();
  const idOf = (id: string | undefined): number => {
    let n = ids.get(id);
    if (n === undefined) ids.set(id, (n = ids.size));
    return n;
  };
  const beats = new Set<number>();
  const out: FeedCategory[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const e = items[i].e;
    let c = categoryOf(items[i]);
    if ((e.type === 'AppendEntries' || e.type === 'AppendEntriesReply') && (e.kind === 'send' || e.kind === 'deliver') && e.payload !== undefined) {
      const seq = (e.payload as { seq?: number }).seq;
      if (seq !== undefined) {
        if (e.type === 'AppendEntries') {
          if (c === 'background') beats.add((idOf(e.from) * 4096 + idOf(e.to)) * 2 ** 32 + seq);
        } else if ((e.payload as { success?: boolean }).success === true && beats.has((idOf(e.to) * 4096 + idOf(e.from)) * 2 ** 32 + seq)) c = 'background';
      }
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
