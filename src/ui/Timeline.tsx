// The timeline scrubber over the whole known run: seek anywhere, with marks for elections, leaders, crashes, actions and violations.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { Mark } from '../store/driver';
import { formatMs, isBusy, prepareSeek, seek, seekToEvent, useSim } from '../store/sim';
import { TOUCH, useMedia } from './useMedia';
import { useWidth } from './useWidth';
import { plural } from './plural';

const PAD = 10;

/** A press or drag on the strip (see Timeline). */
interface Gesture {
  seeked: number;
  to: number;
  frame: number | null;
}

function cancelFrame(g: Gesture): void {
  if (g.frame !== null) cancelAnimationFrame(g.frame);
  g.frame = null;
}

/** The width inside the element's padding (clientWidth includes the padding: the SVG must fit inside it). */
function contentWidth(el: HTMLElement): number {
  const cs = getComputedStyle(el);
  return Math.max(0, Math.floor(el.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight)));
}

/** Thins marks so at most one of each kind sits on a pixel column (long runs have thousands). */
function thin(marks: readonly Mark[], x: (t: number) => number): Mark[] {
  const seen = new Set<string>();
  const out: Mark[] = [];
  for (const m of marks) {
    const k = `${m.kind}:${Math.round(x(m.at) / 2)}`;
    if (m.kind !== 'violation' && seen.has(k)) continue;
    seen.add(k);
    out.push(m);
  }
  return out;
}

export function Timeline() {
  const wrap = useRef<HTMLElement>(null);
  const width = useWidth(wrap, 800, contentWidth);
  // A finger needs a taller strip than a mouse.
  const HEIGHT = useMedia(TOUCH) ? 44 : 34;
  const inPast = useSim((s) => s.inPast);
  const now = useSim((s) => s.now);
  const horizon = useSim((s) => s.horizon);
  const marks = useSim((s) => s.marks);
  const busy = useSim((s) => s.task !== null);
  const [drag, setDrag] = useState<number | null>(null);
  const [hover, setHover] = useState<number | null>(null);
  /**
   * The current press or drag: where it last seeked to, where the pointer is now, and the frame
   * that will seek there (a drag scrubs: at most one seek a frame, while none is running).
   */
  const gesture = useRef<Gesture>({ seeked: NaN, to: NaN, frame: null });
  // A frame still to come when the timeline goes away seeks nothing.
  useEffect(() => () => cancelFrame(gesture.current), []);
  /** Seeks the gesture to `t` now, or at the next frame where no seek is running (a long one goes on over frames). */
  const seekNow = (t: number): void => {
    const g = gesture.current;
    g.to = t;
    if (g.seeked === t) return;
    if (isBusy()) return seekLater();
    g.seeked = t;
    seek(t);
  };
  /** Seeks the gesture to where the pointer is at the next frame (once, however many moves come before it). */
  const seekLater = (): void => {
    const g = gesture.current;
    g.frame ??= requestAnimationFrame(() => {
      g.frame = null;
      seekNow(g.to);
    });
  };
  const end = Math.max(horizon, now, 1);
  const inner = Math.max(10, width - 2 * PAD);
  const x = (t: number): number => PAD + (t / end) * inner;
  const tAt = (px: number): number => Math.max(0, Math.min(end, ((px - PAD) / inner) * end));
  const shown = useMemo(() => thin(marks, (t) => PAD + (t / end) * inner), [marks, end, inner]);

  const toT = (e: PointerEvent<SVGSVGElement>): number => {
    const r = e.currentTarget.getBoundingClientRect();
    return tAt(e.clientX - r.left);
  };
  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>): void => {
    const small = Math.max(1, end / 100);
    const big = Math.max(10, end / 10);
    let t: number | null = null;
    if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') t = now - small;
    else if (e.key === 'ArrowRight' || e.key === 'ArrowUp') t = now + small;
    else if (e.key === 'PageDown') t = now - big;
    else if (e.key === 'PageUp') t = now + big;
    else if (e.key === 'Home') t = 0;
    else if (e.key === 'End') t = end;
    if (t === null) return;
    e.preventDefault();
    e.stopPropagation();
    const to = Math.max(0, Math.min(end, t));
    seek(to);
    // Ready the same key's next step (it replays nothing then), unless the key is pressed again at once.
    const step = t - now;
    prepareSeek(e.key === 'Home' || e.key === 'End' || to !== t ? null : Math.max(0, Math.min(end, to + step)));
  };
  const playX = x(drag ?? now);
  const marksLabel = `${plural(marks.filter((m) => m.kind === 'leader').length, 'leader election')}, ${plural(marks.filter((m) => m.kind === 'crash').length, 'crash', 'crashes')}, ${plural(marks.filter((m) => m.kind === 'violation').length, 'violation')}`;
  return (
    <section className="timeline" aria-label="Timeline" ref={wrap}>
      <svg
        width={width}
        height={HEIGHT}
        role="slider"
        tabIndex={0}
        aria-label="Timeline: seek anywhere in the run"
        aria-valuemin={0}
        aria-valuemax={Math.round(end)}
        aria-valuenow={Math.round(now)}
        aria-valuetext={`t = ${formatMs(now)} of ${formatMs(end)}; ${marksLabel}`}
        aria-disabled={busy}
        onKeyDown={onKeyDown}
        onPointerDown={(e) => {
          // The main button only (a right click opens the menu, as on a native slider).
          if (busy || e.button !== 0) return;
          e.currentTarget.setPointerCapture?.(e.pointerId);
          // A press seeks at once, as a native slider or a video's progress bar does: the new moment
          // shows while the button is still down (a press lasts about 100 ms), not after the release.
          const t = toT(e);
          prepareSeek(null);
          cancelFrame(gesture.current);
          gesture.current.seeked = NaN;
          setDrag(t);
          seekNow(t);
        }}
        onPointerMove={(e) => {
          const t = toT(e);
          setHover(t);
          // Resting on a moment (no button down) readies the seek a press there makes.
          if (drag === null && e.buttons === 0 && !busy) prepareSeek(t);
          if (drag === null) return;
          setDrag(t);
          // Scrubbing: the run follows the pointer, one seek a frame at most.
          gesture.current.to = t;
          seekLater();
        }}
        onPointerLeave={() => {
          setHover(null);
          prepareSeek(null);
        }}
        onPointerUp={(e) => {
          if (drag === null) return;
          const t = toT(e);
          setDrag(null);
          cancelFrame(gesture.current);
          // Where the pointer is let go (a press that did not move has seeked there already).
          seekNow(t);
        }}
        onPointerCancel={() => {
          cancelFrame(gesture.current);
          setDrag(null);
        }}
      >
        <rect className="tl-track" x={PAD} y={HEIGHT / 2 - 3} width={inner} height={6} rx={3} />
        <rect className="tl-done" x={PAD} y={HEIGHT / 2 - 3} width={Math.max(0, x(now) - PAD)} height={6} rx={3} />
        {horizon > now + 1e-9 && <rect className="tl-future" x={x(now)} y={HEIGHT / 2 - 3} width={Math.max(0, x(horizon) - x(now))} height={6} />}
        {/* Marks sit at their time in a group scaled to the run's length: as the run grows only the group's
            transform changes, not every mark (issue 11). */}
        <g className="tl-marks" transform={`translate(${PAD},0) scale(${inner / end},1)`}>
          {shown.map((m) => (
            <line
              key={`${m.kind}-${m.seq}`}
              className={`tl-mark ${m.kind}`}
              vectorEffect="non-scaling-stroke"
              x1={m.at}
              x2={m.at}
              y1={m.kind === 'violation' || m.kind === 'crash' ? 3 : m.kind === 'election' ? HEIGHT / 2 - 6 : 6}
              y2={m.kind === 'election' ? HEIGHT / 2 + 6 : HEIGHT - 4}
            >
              <title>
                {formatMs(m.at)}: {m.label}
              </title>
            </line>
          ))}
        </g>
        {hover !== null && drag === null && <line className="tl-hover" x1={x(hover)} x2={x(hover)} y1={2} y2={HEIGHT - 2} />}
        <g className="tl-head" transform={`translate(${playX},0)`}>
          <line y1={1} y2={HEIGHT - 1} />
          <circle cy={HEIGHT / 2} r={5} />
        </g>
      </svg>
      <div className="tl-labels">
        <span>0</span>
        <span className="tl-hover-label">{hover !== null ? formatMs(hover) : ''}</span>
        <span className="tl-legend">
          <i className="lg-leader" /> leader <i className="lg-election" /> election <i className="lg-crash" /> crash <i className="lg-action" /> action{' '}
          <i className="lg-violation" /> violation
        </span>
        {/* Always in the row (hidden when live), so showing it never moves the page. */}
        <span className="past" data-testid="rewound" hidden={!inPast} title="You are looking at the past of this run; acting now replaces what came after.">
          rewound: acting now forks the run
        </span>
        <span className="tl-end">{formatMs(end)}</span>
      </div>
      <ViolationJumps />
    </section>
  );
}

/** Buttons to jump straight to each violation (they are the marks that matter most). */
function ViolationJumps() {
  const marks = useSim((s) => s.marks);
  const vs = marks.filter((m) => m.kind === 'violation').slice(0, 3);
  if (vs.length === 0) return null;
  return (
    <div className="tl-violations">
      {vs.map((m) => (
        <button key={m.seq} type="button" className="btn small danger" onClick={() => seekToEvent(m.seq, m.at)}>
          Jump to violation at {formatMs(m.at)}
        </button>
      ))}
    </div>
  );
}
