// The event feed: the latest events, one plain sentence each with its rule; click one to jump the run there.
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { FeedItem } from '../store/driver';
import { actorOf, formatMs, getView, seekToEvent, useSim } from '../store/sim';
import { explainers } from './explainLater';
import type { FeedCategory } from './feedContext';
import { RuleChips } from './RuleChips';
import { plural } from './plural';

const SHOWN = 200;
const SCAN = 4000;

const CATEGORIES: ReadonlyArray<{ id: FeedCategory; label: string }> = [
  { id: 'state', label: 'State changes' },
  { id: 'messages', label: 'Messages' },
  { id: 'background', label: 'Heartbeats & pings' },
  { id: 'actions', label: 'Your actions' },
];

/** An event's time in the header's units, exact to 0.1 ms ("162.7 ms", "2624.1856 s"). */
export function eventTime(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(4)} s`;
}

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

export function EventFeed() {
  const version = useSim((s) => s.feedVersion);
  const runId = useSim((s) => s.runId);
  const selected = useSim((s) => s.selection.event);
  const by = useSim((s) => s.actionsBy);
  const [shown, setShown] = useState<Record<FeedCategory, boolean>>({ state: true, messages: true, background: false, actions: true });
  const listRef = useRef<HTMLOListElement>(null);

  const rows = useMemo(() => {
    void version;
    void runId;
    const items = getView().feedTail(SCAN);
    const out: Array<{ item: FeedItem; text: string; rule: string }> = [];
    // Null only before the engine has loaded, when there are no events.
    const ex = explainers();
    if (ex === null) return out;
    const { categoryOf, explainItem } = ex;
    for (let i = items.length - 1; i >= 0 && out.length < SHOWN; i--) {
      if (!shown[categoryOf(items[i])]) continue;
      const x = explainItem(items, i, actorOf(by, items[i].seq));
      out.push({ item: items[i], text: x.text, rule: x.rule });
    }
    return out.reverse();
  }, [version, runId, shown, by]);

  // The list sticks to its newest row by CSS (a column-reverse scroller); only a selection scrolls it.
  useEffect(() => {
    const el = listRef.current;
    if (el === null || selected === null) return;
    el.querySelector<HTMLElement>(`li[data-seq="${selected}"]`)?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  return (
    <div className="feed">
      <fieldset className="feed-filters">
        <legend className="sr-only">Show</legend>
        {CATEGORIES.map((c) => (
          <label key={c.id} className="chip-toggle">
            <input type="checkbox" checked={shown[c.id]} onChange={(e) => setShown({ ...shown, [c.id]: e.target.checked })} />
            {c.label}
          </label>
        ))}
        <span className="feed-count">{rows.length === 0 ? 'no events yet' : `latest ${rows.length} of ${plural(version, 'event')} · now ${formatMs(getView().now)}`}</span>
      </fieldset>
      <div className="feed-scroll">
        <ol className="feed-list" ref={listRef} aria-label="Events, oldest first">
          {rows.map((r) => (
            <Row key={r.item.seq} item={r.item} text={r.text} rule={r.rule} selected={r.item.seq === selected} />
          ))}
        </ol>
      </div>
    </div>
  );
}
