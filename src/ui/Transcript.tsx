// The console's transcript: follows new lines (unless the learner scrolled up), folds very long replies, and says when a line waits for a paused run.
import { useLayoutEffect, useRef, useState } from 'react';
import { formatMs, setPlaying, stepEvent, useSim } from '../store/sim';

export interface TranscriptLine {
  at: number;
  node: string;
  /** 'note': something the page says about the connection (not a protocol line). */
  dir: 'out' | 'in' | 'note';
  line: string;
}

/** Longer lines are folded to this many characters until opened. */
export const FOLD_CHARS = 240;

function Line({ l, id, open, toggle }: { l: TranscriptLine; id: string; open: boolean; toggle: (id: string) => void }) {
  const long = l.line.length > FOLD_CHARS;
  return (
    <li className={l.dir}>
      <span className="ev-t">{formatMs(l.at)}</span>
      <span className="dir">{l.dir === 'out' ? `→ ${l.node}` : l.dir === 'note' ? `· ${l.node}` : `← ${l.node}`}</span>
      <span className="text">
        {long && !open ? `${l.line.slice(0, FOLD_CHARS)}…` : l.line}
        {long && (
          <button type="button" className="linkish fold" aria-expanded={open} onClick={() => toggle(id)}>
            {open ? 'Fold' : `Show all ${l.line.length.toLocaleString('en')} characters`}
          </button>
        )}
      </span>
    </li>
  );
}

export function Transcript({ lines }: { lines: readonly TranscriptLine[] }) {
  const playing = useSim((s) => s.playing);
  const box = useRef<HTMLOListElement>(null);
  // Follow the newest line while the learner is at the bottom; leave them be when they scrolled up.
  const follow = useRef(true);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const last = lines[lines.length - 1];
  useLayoutEffect(() => {
    const el = box.current;
    if (el !== null && follow.current) el.scrollTop = el.scrollHeight;
  }, [lines.length, last, open]);
  const toggle = (id: string): void =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const waiting = !playing && last !== undefined && last.dir === 'out';
  return (
    <>
      <ol
        className="transcript"
        aria-label="Console transcript"
        data-testid="transcript"
        ref={box}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
      >
        {lines.length === 0 && <li className="hint">Nothing typed yet.</li>}
        {lines.map((l, i) => {
          const id = `${l.at}:${l.dir}:${i}`;
          return <Line key={id} l={l} id={id} open={open.has(id)} toggle={toggle} />;
        })}
      </ol>
      {waiting && (
        <p className="waiting" role="status" data-testid="console-paused">
          The run is paused: {last.node} answers only when simulated time moves on.{' '}
          <button type="button" className="btn small primary" onClick={() => setPlaying(true)}>
            ▶ Play
          </button>{' '}
          <button type="button" className="btn small" onClick={() => stepEvent()}>
            Step
          </button>
        </p>
      )}
    </>
  );
}
