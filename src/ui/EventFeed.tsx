// The event feed: the latest events, one plain sentence each with its rule; click one to jump the run there.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { FeedItem } from '../store/driver';
import { actorOf, formatMs, getView, seekToEvent, useSim } from '../store/sim';
import { whenIdle } from '../store/whenIdle';
import { explainers } from './explainLater';
import type { FeedCategory } from './feedContext';
import { RuleChips } from './RuleChips';
import { plural } from './plural';

const SHOWN = 200;
const SCAN = 4000;
/**
 * Scrolled to the newest event, only the newest rows a tall feed can show are rendered (plus a margin):
 * in an election storm nearly all 200 rows are new at each refresh, and laying them out and painting them
 * was the page's largest cost per frame; after a seek all 200 are new, and building them cost more than
 * the seek itself (issue 11). Scrolling up or selecting an event renders all of them at once; paused, the
 * older rows come in a moment later, when the browser is idle. The column-reverse scroller keeps its place
 * when older rows come in above.
 */
const LIVE_ROWS = 48;
/** A feed row's least height in px (44 on touch screens): the window holds what the scroller's height can show, plus this many. */
const ROW_PX = 24;
const SPARE_ROWS = 4;

/** How many rows the feed's scroller can show at once (LIVE_ROWS until its size is known): fewer rows to build after each seek. */
function useVisibleRows(ref: React.RefObject<HTMLElement | null>): number {
  const [rows, setRows] = useState(LIVE_ROWS);
  useEffect(() => {
    const el = ref.current;
    if (el === null || typeof ResizeObserver !== 'function') return;
    const ro = new ResizeObserver((entries) => {
      const h = entries[0]?.contentRect.height ?? 0;
      // A hidden feed (another tab) keeps its last window.
      if (h > 0) setRows(Math.min(LIVE_ROWS, Math.ceil(h / ROW_PX) + SPARE_ROWS));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return rows;
}

const CATEGORIES: ReadonlyArray<{ id: FeedCategory; label: string }> = [
  { id: 'state', label: 'State changes' },
  { id: 'messages', label: 'Messages' },
  { id: 'background', label: 'Heartbeats & pings' },
  { id: 'actions', label: 'Your actions' },
];

/** An event's time as the header writes it, exact to 0.1 ms ("162.7 ms", "2624.1856 s"). */
export const eventTime = formatMs;

const Row = memo(function Row({ item, text, rule, selected }: { item: FeedItem; text: string; rule: string; selected: boolean }) {
  const e = item.e;
  return (
    <li className={`ev k-${e.kind}${selected ? ' selected' : ''}`} data-seq={item.seq}>
      <button type="button" className="ev-row" onClick={() => seekToEvent(item.seq, e.at)} aria-current={selected ? 'step' : undefined} title="Jump to just after this event">
        <span className="ev-t">{eventTime(e.at)}</span>
        <span className="ev-kind">{e.kind}</span>
        <span className="ev-text">{text}</span>
      </button>
      {rule && <RuleChips rule={rule} />}
    </li>
  );
});

/** Paused, the older rows come in this long after the last refresh (a learner dragging the timeline seeks many times a second). */
const FULL_AFTER_MS = 300;

/** The category checkboxes (memo: React would otherwise rewrite each input's attributes at every refresh). */
const FilterChips = memo(function FilterChips({ shown, setShown }: { shown: Record<FeedCategory, boolean>; setShown: (s: Record<FeedCategory, boolean>) => void }) {
  return CATEGORIES.map((c) => (
    <label key={c.id} className="chip-toggle">
      <input type="checkbox" checked={shown[c.id]} onChange={(e) => setShown({ ...shown, [c.id]: e.target.checked })} />
      {c.label}
    </label>
  ));
});

export function EventFeed() {
  const version = useSim((s) => s.feedVersion);
  const runId = useSim((s) => s.runId);
  const selected = useSim((s) => s.selection.event);
  const by = useSim((s) => s.actionsBy);
  const [shown, setShown] = useState<Record<FeedCategory, boolean>>({ state: true, messages: true, background: false, actions: true });
  const playing = useSim((s) => s.playing);
  const listRef = useRef<HTMLOListElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const live = useVisibleRows(scrollRef);
  const [pinned, setPinned] = useState(true);
  /**
   * The rows whose older part may be rendered too (set when idle after a paused refresh). The rows
   * themselves, not the feed version: a seek back to a moment shown before (End again) is a new
   * refresh, which must not build all 200 rows in its first frame.
   */
  const [fullFor, setFullFor] = useState<readonly number[] | null>(null);

  const { items, rows } = useMemo(() => {
    void version;
    void runId;
    const items = getView().feedTail(SCAN);
    const rows: number[] = [];
    // Null only before the engine has loaded, when there are no events.
    const ex = explainers();
    if (ex === null) return { items, rows };
    const cats = ex.categoriesOf(items);
    for (let i = items.length - 1; i >= 0 && rows.length < SHOWN; i--) if (shown[cats[i]]) rows.push(i);
    return { items, rows: rows.reverse() };
  }, [version, runId, shown]);
  const windowed = pinned && selected === null && (playing || fullFor !== rows) && rows.length > live;
  const rendered = windowed ? rows.slice(rows.length - live) : rows;

  useEffect(() => {
    if (!windowed || playing) return;
    return whenIdle(FULL_AFTER_MS, () => setFullFor(rows));
  }, [windowed, playing, rows]);

  // The list sticks to its newest row by CSS (a column-reverse scroller); only a selection scrolls it.
  useEffect(() => {
    const el = listRef.current;
    if (el === null || selected === null) return;
    // The list only, by hand: scrollIntoView would scroll the page too, and on one column a Step threw
    // the page down to the feed, away from Step and the cluster.
    const li = el.querySelector<HTMLElement>(`li[data-seq="${selected}"]`);
    if (li === null) return;
    const item = li.getBoundingClientRect();
    const box = el.getBoundingClientRect();
    if (item.top < box.top) el.scrollTop -= box.top - item.top;
    else if (item.bottom > box.bottom) el.scrollTop += item.bottom - box.bottom;
  }, [selected]);

  return (
    <div className="feed">
      <fieldset className="feed-filters">
        <legend className="sr-only">Show</legend>
        <FilterChips shown={shown} setShown={setShown} />
        <span className="feed-count">{rows.length > 0
            ? `latest ${rows.length} of ${plural(version, 'event')} · now ${formatMs(getView().now)}`
            : items.length === 0
              ? 'no events yet'
              : `none of the ${plural(items.length, 'latest event')} is of a kind ticked above`}</span>
      </fieldset>
      <div
        className="feed-scroll"
        ref={scrollRef}
        onScroll={(e) => {
          // Column-reverse: scrollTop is 0 at the newest row and negative above it.
          const at = Math.abs(e.currentTarget.scrollTop) < 4;
          if (at !== pinned) setPinned(at);
        }}
      >
        <ol className="feed-list" ref={listRef} aria-label="Events, oldest first">
          {rendered.map((i) => {
            // Explained only when rendered (cached per item once its context is complete).
            const x = explainers()!.explainItem(items, i, actorOf(by, items[i].seq));
            return <Row key={items[i].seq} item={items[i]} text={x.text} rule={x.rule} selected={items[i].seq === selected} />;
          })}
        </ol>
      </div>
    </div>
  );
}
