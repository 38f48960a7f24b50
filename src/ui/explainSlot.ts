// Where the page finds the event explanations (explain.ts, feedContext.ts): registered at once headless, loaded with the engine in the browser (before it there are no events to explain).
import { lazySlot } from '../store/lazySlot';
import type { FeedItem } from '../store/driver';
import type { FeedCategory } from './feedContext';
import type { fateShort } from './messageFate';

export interface Explainers {
  categoryOf(item: FeedItem): FeedCategory;
  /** categoryOf for a whole feed, with replies to heartbeats as background too. */
  categoriesOf(items: readonly FeedItem[]): FeedCategory[];
  explainItem(items: readonly FeedItem[], i: number, actor?: string): { text: string; rule: string };
  commandText(command: unknown): string;
  /** What becomes of a message in flight, in a few words (messageFate.ts). */
  fateShort: typeof fateShort;
  /** The kind of event Step can watch that `item` is ('Raft', 'Pub/sub', 'Clocks & detector', or 'other'): what a Step passed over. */
  stepKindOf(item: FeedItem): string;
}

const slot = lazySlot<Explainers>(() => import('./explainEager'));

/** Called by explainEager.ts when the explanations have loaded. */
export const registerExplainers = slot.register;
/** The explanations, or null before they have loaded (only before the engine, when a run has no events). */
export const explainers = slot.get;
/** Loads the explanations (a no-op when they are there). */
export const loadExplainers = slot.load;
