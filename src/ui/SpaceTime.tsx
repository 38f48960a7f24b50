// The space-time (Lamport) diagram: one lane per node, every message an arrow with its Lamport stamp, kept in step with the scrubber; click an event to see what happened before and after it.
import { axisBottom, scaleLinear, select } from 'd3';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { InFlight } from '../sim';
import type { FeedItem } from '../store/driver';
import { getDriver, inFlightNow, seekToEvent, select as selectInStore, useSim } from '../store/sim';
import { buildSpaceTime, causalCone, placeStamps, type Arrow, type Box, type LocalEvent, type Stamp } from './spaceTimeModel';
import { plural } from './plural';
import { formatMs } from '../store/time';
import { COARSE, useMedia } from './useMedia';

export const SPACETIME_WINDOWS = [20, 50, 100, 200, 500, 1000, 2000];
const WINDOWS = SPACETIME_WINDOWS;
const LEFT = 44;
const RIGHT = 14;
const TOP = 10;
const AXIS = 24;

let current: SVGSVGElement | null = null;
/** The live diagram SVG, for export (null when the tab is closed). */
export function spaceTimeSvg(): SVGSVGElement | null {
  return current;
}

function arrowClass(a: Arrow): string {
  const t = a.type === 'RequestVote' ? 'rv' : a.type === 'RequestVoteReply' ? 'rvr' : a.type === 'AppendEntries' ? 'ae' : a.type === 'AppendEntriesReply' ? 'aer' : 'other';
  return `st-arrow t-${t} ${a.fate}${a.heartbeat ? ' hb' : ''}`;
}

function localClass(l: LocalEvent): string {
  if (l.kind === 'role') return `st-local role-${l.label.split(' ')[0]}`;
  return `st-local k-${l.kind}`;
}

function describeArrow(a: Arrow): string {
  const fate = a.fate === 'delivered' ? `delivered at ${formatMs(a.endAt!)}` : a.fate === 'dropped' ? `dropped at ${formatMs(a.endAt!)}` : 'in flight';
  return `${a.from} → ${a.to} ${a.type}, Lamport ${a.lamport}, sent at ${formatMs(a.sentAt)}, ${fate}`;
}

/** What the diagram draws: recent events, the time now, the nodes and the messages in flight. */
export interface SpaceTimeSource {
  /** The newest events (oldest first); the diagram shows those of its window. */
  readonly feed: readonly FeedItem[];
  readonly now: number;
  readonly nodeIds: readonly string[];
  readonly inFlight: readonly InFlight[];
  /** The selected event (FeedItem.seq), whose causal past and future are highlighted. */
  readonly selected: number | null;
  readonly onSelect: (seq: number | null) => void;
  /** "Jump here": move the run to just after that event (absent: no such button). */
  readonly onJump?: (seq: number, at: number) => void;
  /** The window shown first, in ms (default 200). */
  readonly initialWindowMs?: number;
  /** Least height of a node's lane, px (a guide's column grows with its content: its diagram would get the least space). */
  readonly minLaneHeight?: number;
  /** Whether heartbeats and pings are drawn at first (default true). */
  readonly initialHeartbeats?: boolean;
  /** Told when the learner ticks or unticks Heartbeats & pings (a guide keeps the choice from step to step). */
  readonly onHeartbeatsChange?: (on: boolean) => void;
  /** This is the page's diagram (the one "export image" takes). */
  readonly exportable?: boolean;
}

/** The simulator's diagram: the store's run, kept in step with the scrubber. */
export function SpaceTime() {
  const version = useSim((s) => s.feedVersion);
  const nodeIds = useSim((s) => s.nodeIds);
  const selected = useSim((s) => s.selection.event);
  // The window follows time at the feed's pace (throttled while playing), not every frame.
  const source = useMemo(() => {
    void version;
    const d = getDriver();
    return { feed: d.feedTail(8000), now: d.now, inFlight: inFlightNow() };
  }, [version]);
  return <SpaceTimeView {...source} nodeIds={nodeIds} selected={selected} onSelect={(seq) => selectInStore({ event: seq })} onJump={seekToEvent} exportable />;
}

export function SpaceTimeView({ feed, now, nodeIds, inFlight, selected, onSelect, onJump, initialWindowMs = 200, minLaneHeight = 16, initialHeartbeats = true, onHeartbeatsChange, exportable = false }: SpaceTimeSource) {
  const svgRef = useRef<SVGSVGElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [avail, setAvail] = useState(200);
  const [windowMs, setWindowMs] = useState(initialWindowMs);
  const [heartbeats, setHeartbeats] = useState(initialHeartbeats);
  const [stamps, setStamps] = useState(true);

  useEffect(() => {
    const el = wrapRef.current;
    if (el === null || typeof ResizeObserver === 'undefined') return;
    const measure = (): void => {
      setWidth(el.clientWidth || 800);
      // Height left for the drawing under the controls.
      const used = Array.from(el.children).reduce((h, c) => (c.tagName.toLowerCase() === 'svg' ? h : h + (c as HTMLElement).offsetHeight), 0);
      setAvail(Math.max(120, el.clientHeight - used - 6));
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  const model = useMemo(() => buildSpaceTime(feed, now - windowMs, now), [feed, now, windowMs]);
  const cone = useMemo(() => (selected !== null && model.nodeOf.has(selected) ? causalCone(model, selected) : null), [model, selected]);

  // A finger needs more than a 6 px dot: on touch each send and receipt gets a clear 24 px target around it.
  const touch = useMedia(COARSE);
  const laneH = Math.max(minLaneHeight, Math.min(44, (avail - TOP - AXIS) / Math.max(1, nodeIds.length)));
  const height = TOP + laneH * nodeIds.length + AXIS;

  useEffect(() => {
    const svg = svgRef.current;
    if (svg === null) return;
    if (exportable) current = svg;
    // A run shorter than the window is drawn from time 0 (no axis before the run began).
    const from = Math.max(0, now - windowMs);
    const x = scaleLinear().domain([from, Math.max(now, from + 1)]).range([LEFT, width - RIGHT]);
    const lane = new Map(nodeIds.map((id, i) => [id, TOP + laneH * (i + 0.5)]));
    // Clients and the time server have no lane: their messages start or end on a rail above n1's lane.
    const y = (id: string): number => lane.get(id) ?? TOP * 0.3;
    const s = select(svg);
    s.attr('width', width).attr('height', height).attr('viewBox', `0 0 ${width} ${height}`);
    s.selectAll('*').remove();
    const defs = s.append('defs');
    defs
      .append('marker')
      .attr('id', 'st-head')
      .attr('viewBox', '0 -4 8 8')
      .attr('refX', 7)
      .attr('markerWidth', 6)
      .attr('markerHeight', 6)
      .attr('orient', 'auto')
      .append('path')
      .attr('d', 'M0,-4L8,0L0,4')
      .attr('class', 'st-headpath');
    // The clip reaches into the right margin: a mark at the newest moment (x = now) shows whole, not cut in half.
    defs.append('clipPath').attr('id', 'st-clip').append('rect').attr('x', LEFT).attr('y', 0).attr('width', Math.max(0, width - LEFT)).attr('height', height);
    const cls = (seq: number | undefined): string => {
      if (cone === null || seq === undefined) return '';
      if (seq === selected) return ' hb-sel';
      if (cone.past.has(seq)) return ' hb-past';
      if (cone.future.has(seq)) return ' hb-future';
      return ' hb-none';
    };
    // Lanes.
    const lanes = s.append('g').attr('class', 'st-lanes');
    for (const id of nodeIds) {
      lanes.append('line').attr('x1', LEFT).attr('x2', width - RIGHT).attr('y1', y(id)).attr('y2', y(id));
      lanes.append('text').attr('x', LEFT - 6).attr('y', y(id)).attr('dy', '0.35em').attr('text-anchor', 'end').text(id);
    }
    s.append('g')
      .attr('class', 'st-axis')
      .attr('transform', `translate(0,${TOP + laneH * nodeIds.length + 2})`)
      .call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 90))).tickFormat((v) => `${(+v).toFixed(windowMs < 200 ? 1 : 0)}`));
    const body = s.append('g').attr('clip-path', 'url(#st-clip)');
    // Arrows.
    const flying = new Map(inFlight.map((m) => [m.id, m]));
    const arrows = model.arrows.filter((a) => heartbeats || !a.heartbeat || (cone !== null && (a.sendSeq === selected || a.endSeq === selected)));
    const showStamps = stamps && arrows.length <= 160;
    const stampAt: Stamp[] = [];
    // Dots the stamps must leave visible (sends, receipts, local events).
    const dots: Box[] = [];
    const dot = (cx: number, cy: number, r: number): void => {
      dots.push({ x0: cx - r, x1: cx + r, y0: cy - r, y1: cy + r });
    };
    const ag = body.append('g').attr('class', 'st-arrows');
    for (const a of arrows) {
      let x2: number;
      let y2: number;
      if (a.fate === 'flying') {
        const m = flying.get(a.msgId);
        const p = m && m.arriveAt > m.sentAt ? Math.min(1, Math.max(0, (now - m.sentAt) / (m.arriveAt - m.sentAt))) : 0.5;
        x2 = x(now);
        y2 = y(a.from) + (y(a.to) - y(a.from)) * p;
      } else {
        x2 = x(a.endAt!);
        y2 = a.fate === 'dropped' && a.endAt === a.sentAt ? y(a.from) + (y(a.to) - y(a.from)) * 0.25 : y(a.to);
      }
      const g = ag.append('g').attr('class', arrowClass(a) + cls(a.sendSeq));
      g.append('line')
        .attr('x1', x(a.sentAt))
        .attr('y1', y(a.from))
        .attr('x2', x2)
        .attr('y2', y2)
        .attr('marker-end', a.fate === 'delivered' ? 'url(#st-head)' : null);
      if (a.fate === 'dropped') g.append('path').attr('class', 'st-x').attr('d', `M${x2 - 4},${y2 - 4}L${x2 + 4},${y2 + 4}M${x2 - 4},${y2 + 4}L${x2 + 4},${y2 - 4}`);
      g.append('title').text(describeArrow(a));
      if (touch) g.append('circle').attr('class', 'st-hit').attr('cx', x(a.sentAt)).attr('cy', y(a.from)).attr('r', 12).on('click', () => onSelect(a.sendSeq));
      const send = g
        .append('circle')
        .attr('class', 'st-pt')
        .attr('cx', x(a.sentAt))
        .attr('cy', y(a.from))
        .attr('r', 3)
        .on('click', () => onSelect(a.sendSeq));
      dot(x(a.sentAt), y(a.from), 3.5);
      send.append('title').text(`send: ${describeArrow(a)}`);
      if (a.fate === 'delivered' && a.endSeq !== undefined) {
        const end = a.endSeq;
        dot(x2, y2, 3.5);
        if (touch) g.append('circle').attr('class', 'st-hit').attr('cx', x2).attr('cy', y2).attr('r', 12).on('click', () => onSelect(end));
        g.append('circle')
          .attr('class', `st-pt${cls(end)}`)
          .attr('cx', x2)
          .attr('cy', y2)
          .attr('r', 3)
          .on('click', () => onSelect(end))
          .append('title')
          .text(`receive: ${describeArrow(a)}`);
      }
      if (showStamps) stampAt.push({ x: x(a.sentAt), y: y(a.from), node: a.from, lamport: a.lamport });
    }
    for (const l of model.locals) dot(x(l.at), y(l.node), 5);
    const sg = body.append('g').attr('class', 'st-stamps');
    for (const l of placeStamps(stampAt, dots, { x0: LEFT, x1: width - RIGHT, y0: 0, y1: TOP + laneH * nodeIds.length })) sg.append('text').attr('class', 'st-stamp').attr('x', l.x).attr('y', l.y).text(l.text);
    // Local events.
    const lg = body.append('g').attr('class', 'st-locals');
    for (const l of model.locals) {
      lg.append('rect')
        .attr('class', localClass(l) + cls(l.seq))
        .attr('x', x(l.at) - 3.5)
        .attr('y', y(l.node) - 3.5)
        .attr('width', 7)
        .attr('height', 7)
        .attr('transform', `rotate(45 ${x(l.at)} ${y(l.node)})`)
        .on('click', () => onSelect(l.seq))
        .append('title')
        .text(`${l.node}: ${l.label} at ${formatMs(l.at)}`);
    }
    // Now.
    s.append('line').attr('class', 'st-now').attr('x1', x(now)).attr('x2', x(now)).attr('y1', 0).attr('y2', TOP + laneH * nodeIds.length);
    return () => {
      if (current === svg) current = null;
    };
  }, [model, cone, selected, width, height, laneH, nodeIds, now, windowMs, heartbeats, stamps, inFlight, onSelect, exportable, touch]);

  const selectedInfo = useMemo(() => {
    if (selected === null || cone === null) return null;
    const a = model.arrows.find((x) => x.sendSeq === selected || x.endSeq === selected);
    const l = model.locals.find((x) => x.seq === selected);
    const what = a ? `${a.sendSeq === selected ? 'send of' : 'receipt of'} ${a.from} → ${a.to} ${a.type} (Lamport ${a.lamport})` : l ? `${l.node}: ${l.label}` : `event #${selected}`;
    const at = a ? (a.sendSeq === selected ? a.sentAt : a.endAt!) : l ? l.at : now;
    return { what, at, past: cone.past.size, future: cone.future.size };
  }, [selected, cone, model, now]);

  return (
    <div className="spacetime" ref={wrapRef}>
      <div className="st-controls">
        <label>
          Window{' '}
          <select value={windowMs} onChange={(e) => setWindowMs(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                last {w} ms
              </option>
            ))}
          </select>
        </label>
        <label className="chip-toggle">
          <input
            type="checkbox"
            checked={heartbeats}
            onChange={(e) => {
              setHeartbeats(e.target.checked);
              onHeartbeatsChange?.(e.target.checked);
            }}
          />{' '}
          Heartbeats &amp; pings
        </label>
        <label className="chip-toggle">
          <input type="checkbox" checked={stamps} onChange={(e) => setStamps(e.target.checked)} /> Lamport stamps
        </label>
        {/* The arrows' colours say their type until an event is picked; then they say its past and future. */}
        {selectedInfo ? (
          <span className="st-legend">
            <i className="lg-past" /> happened before · <i className="lg-future" /> happened after · faded = concurrent
          </span>
        ) : (
          <span className="st-legend">
            <i className="lg-rv" /> RequestVote · <i className="lg-ae" /> AppendEntries · <i className="lg-other" /> other · dashed = reply or in flight · <i className="lg-lost" /> × lost
          </span>
        )}
      </div>
      {selectedInfo ? (
        <p className="st-info">
          Selected: {selectedInfo.what}. {plural(selectedInfo.past, 'event')} in view happened before it, {selectedInfo.future} after; the rest are concurrent with it.{' '}
          {onJump !== undefined && (
            <>
              <button type="button" className="btn small" onClick={() => onJump(selected!, selectedInfo.at)}>
                Jump here
              </button>{' '}
            </>
          )}
          <button type="button" className="btn small" onClick={() => onSelect(null)}>
            Clear
          </button>
        </p>
      ) : (
        <p className="st-info muted">Click a dot (a send, a receipt or a local event) to highlight what happened before and after it.</p>
      )}
      <svg ref={svgRef} className="st" role="img" aria-label={`Space-time diagram of the last ${windowMs} ms: ${plural(model.arrows.length, 'message')}, ${plural(model.locals.length, 'local event')}`} />
    </div>
  );
}
