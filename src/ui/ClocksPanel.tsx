// The clocks panel: each node's clock error over time, before sync (physical offset) and after (what the correction leaves), as a chart and a table.
import { useEffect, useMemo, useRef, useState } from 'react';
import { formatMs, getDriver, useSim } from '../store/sim';
import { nodeColor } from './colors';
import { useWidth } from './useWidth';

const H = 200;
const PAD = { l: 52, r: 12, t: 10, b: 22 };

function niceStep(span: number): number {
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? p * 10;
}

export function ClocksPanel() {
  const runId = useSim((s) => s.runId);
  const version = useSim((s) => s.feedVersion);
  const nodes = useSim((s) => s.nodes);
  const sync = useSim((s) => s.run.clocks?.sync ?? 'ntp');
  const [after, setAfter] = useState(true);
  const [before, setBefore] = useState(true);
  const wrap = useRef<HTMLDivElement>(null);
  const width = useWidth(wrap, 700);
  useEffect(() => getDriver().watchClocks(), [runId]);
  const samples = useMemo(() => {
    void version;
    return getDriver().clockSamples.toArray();
  }, [version]);
  // Each node keeps one colour, in the chart and the table, while nodes come and go: the order they first appear in.
  const order = useMemo(() => {
    const seen: string[] = [];
    for (const s of samples) for (const id of s.ids) if (!seen.includes(id)) seen.push(id);
    for (const v of nodes) if (!seen.includes(v.id)) seen.push(v.id);
    return seen;
  }, [samples, nodes]);
  const colorOf = (id: string): string => nodeColor(order.indexOf(id));
  const chart = useMemo(() => {
    if (samples.length < 2) return null;
    const t0 = samples[0].at;
    const t1 = samples[samples.length - 1].at;
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of samples) {
      const vs = [...(before ? s.offsets : []), ...(after ? s.errors : [])];
      for (const v of vs) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    const m = Number.isFinite(lo) ? Math.max(Math.abs(lo), Math.abs(hi), 1) : 1;
    lo = -m;
    hi = m;
    const x = (t: number): number => PAD.l + ((t - t0) / Math.max(1e-9, t1 - t0)) * (width - PAD.l - PAD.r);
    const y = (v: number): number => PAD.t + ((hi - v) / (hi - lo)) * (H - PAD.t - PAD.b);
    const lines: Array<{ key: string; id: string; d: string; color: string; dashed: boolean }> = [];
    for (const [k, id] of order.entries()) {
      // A node added or removed while sampling has no value in some samples: its line breaks there.
      const at = (s: (typeof samples)[number], values: readonly number[]): number | undefined => {
        const i = s.ids.indexOf(id);
        return i < 0 ? undefined : values[i];
      };
      const path = (pick: (s: (typeof samples)[number]) => number | undefined): string => {
        let d = '';
        let pen = 'M';
        for (const s of samples) {
          const v = pick(s);
          if (v === undefined || !Number.isFinite(v)) {
            pen = 'M';
            continue;
          }
          d += `${pen}${x(s.at).toFixed(1)},${y(v).toFixed(1)}`;
          pen = 'L';
        }
        return d;
      };
      if (before) lines.push({ key: `b-${id}`, id, d: path((s) => at(s, s.offsets)), color: nodeColor(k), dashed: true });
      if (after) lines.push({ key: `a-${id}`, id, d: path((s) => at(s, s.errors)), color: nodeColor(k), dashed: false });
    }
    const step = niceStep(hi - lo);
    const ticks: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(v);
    return { lines, ticks, y, x, t0, t1 };
  }, [samples, order, width, before, after]);

  return (
    <div className="clocks" ref={wrap}>
      <div className="st-controls">
        <span>
          Sync: <strong>{sync}</strong>
        </span>
        <label className="chip-toggle">
          <input type="checkbox" checked={before} onChange={(e) => setBefore(e.target.checked)} /> Before sync (physical offset, dashed)
        </label>
        <label className="chip-toggle">
          <input type="checkbox" checked={after} onChange={(e) => setAfter(e.target.checked)} /> After sync (error left, solid)
        </label>
        <span className="muted">sampled every 100 ms of simulated time while this tab is open</span>
      </div>
      {chart === null ? (
        <p className="hint st-info">Collecting samples… play or step the run.</p>
      ) : (
        <svg className="clock-chart" width={width} height={H} role="img" aria-label={`Clock error of each node from ${formatMs(chart.t0)} to ${formatMs(chart.t1)}`}>
          {chart.ticks.map((v) => (
            <g key={v} className="tick">
              <line x1={PAD.l} x2={width - PAD.r} y1={chart.y(v)} y2={chart.y(v)} />
              <text x={PAD.l - 6} y={chart.y(v)} dy="0.35em" textAnchor="end">
                {v} ms
              </text>
            </g>
          ))}
          {chart.lines.map((l) => (
            <path key={l.key} data-node={l.id} d={l.d} fill="none" stroke={l.color} strokeWidth={l.dashed ? 1.2 : 2} strokeDasharray={l.dashed ? '4 3' : undefined} />
          ))}
          <text className="axis-label" x={PAD.l} y={H - 4}>
            {formatMs(chart.t0)}
          </text>
          <text className="axis-label" x={width - PAD.r} y={H - 4} textAnchor="end">
            {formatMs(chart.t1)}
          </text>
        </svg>
      )}
      <table className="clock-table">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Offset (before)</th>
            <th scope="col">Error (after)</th>
            <th scope="col">Drift</th>
            <th scope="col">Last RTT</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((v) => {
            const clock = v.clock as typeof v.clock & { errorMs?: number };
            return (
              <tr key={v.id}>
                <th scope="row">
                  <span className="swatch" style={{ background: colorOf(v.id) }} /> {v.id}
                </th>
                <td>{clock.offsetMs.toFixed(2)} ms</td>
                <td>{(clock.errorMs ?? NaN).toFixed(2)} ms</td>
                <td>{clock.driftPpm.toFixed(0)} ppm</td>
                <td>{clock.rttMs !== undefined ? formatMs(clock.rttMs) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
