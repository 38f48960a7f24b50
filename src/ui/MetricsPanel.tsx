// Metrics as small charts: messages by type, elections, commit latency and throughput over the run so far.
import { useMemo } from 'react';
import { MAX_SAMPLES, MESSAGE_TYPES, type MetricsSnapshot } from '../store/metrics';
import { formatMs, useSim } from '../store/sim';
import { plural } from './plural';

const W = 360;
const H = 56;
const BINS = 60;

/** Sums a fine series into at most BINS bins; returns the bins and the width of one in ms. */
export function rebin(series: readonly number[], bucketMs: number, bins = BINS): { values: number[]; binMs: number } {
  const per = Math.max(1, Math.ceil(series.length / bins));
  const values: number[] = [];
  for (let i = 0; i < series.length; i += per) {
    let sum = 0;
    for (let j = i; j < Math.min(series.length, i + per); j++) sum += series[j];
    values.push(sum);
  }
  return { values, binMs: per * bucketMs };
}

function Bars({ values, label, unit }: { values: readonly number[]; label: string; unit: string }) {
  const max = Math.max(1, ...values);
  const bw = W / Math.max(values.length, 1);
  return (
    <svg className="spark" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${label}: ${values.length === 0 ? 'no data yet' : `peak ${max} ${unit}`}`} preserveAspectRatio="none">
      {values.map((v, i) => (
        <rect key={i} x={i * bw + 0.5} width={Math.max(0.5, bw - 1)} y={H - (v / max) * (H - 4)} height={(v / max) * (H - 4)} />
      ))}
      <line className="axis" x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} />
    </svg>
  );
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function Latency({ m }: { m: MetricsSnapshot }) {
  const lat = m.commitLatencies;
  const recent = lat.slice(-BINS);
  const p50 = quantile(lat, 0.5);
  const p95 = quantile(lat, 0.95);
  // Samples stop at the first MAX_SAMPLES commits (the marks share the list): past it, say which commits these are.
  const full = lat.length >= MAX_SAMPLES;
  return (
    <section className="metric" aria-labelledby="m-lat">
      <h3 id="m-lat">Commit latency</h3>
      {lat.length === 0 ? (
        <p className="hint">
          {m.commitSeries.some((n) => n > 0)
            ? 'These commits needed no message to time (a one-node cluster commits an entry as soon as it appends it): there is no latency to show.'
            : 'No entries committed by a leader yet (each new leader commits a no-op; propose commands in the Client tab).'}
        </p>
      ) : (
        <>
          <p className="figures">
            p50 <strong>{formatMs(p50)}</strong> · p95 <strong>{formatMs(p95)}</strong> · {full ? `the first ${MAX_SAMPLES.toLocaleString('en-US')} entries committed` : plural(lat.length, 'entry', 'entries')}
          </p>
          <Bars values={recent} label={full ? 'Latency of the last commits sampled' : 'Latency of the latest commits'} unit="ms" />
          <p className="axis-note">
            {full ? `commits ${(lat.length - recent.length + 1).toLocaleString('en-US')}–${lat.length.toLocaleString('en-US')} (the last sampled)` : `latest ${plural(recent.length, 'commit')}`}, from the leader’s
            first send to its commit
          </p>
        </>
      )}
    </section>
  );
}

/** `series` with zeros after it up to `length` buckets. */
function padTo(series: readonly number[], length: number): readonly number[] {
  return series.length >= length ? series : [...series, ...new Array<number>(length - series.length).fill(0)];
}

export function MetricsPanel() {
  const m = useSim((s) => s.metrics);
  const now = useSim((s) => s.now);
  const sent = useMemo(() => rebin(m.sentSeries, m.bucketMs), [m.sentSeries, m.bucketMs]);
  // Every chart spans the same time axis as Messages sent: the run so far (commits stop where the last one fell).
  const commits = useMemo(() => rebin(padTo(m.commitSeries, m.sentSeries.length), m.bucketMs), [m.commitSeries, m.sentSeries.length, m.bucketMs]);
  const elections = useMemo(() => {
    const series: number[] = [];
    for (const t of m.electionTimes) {
      const b = Math.floor(t / m.bucketMs);
      while (series.length <= b) series.push(0);
      series[b]++;
    }
    return rebin(padTo(series, m.sentSeries.length), m.bucketMs);
  }, [m.electionTimes, m.sentSeries.length, m.bucketMs]);
  const total = MESSAGE_TYPES.reduce((a, t) => a + m.sentByType[t], 0);
  const maxType = Math.max(1, ...MESSAGE_TYPES.map((t) => m.sentByType[t]));
  const seconds = now / 1000;
  const committedTotal = m.commitSeries.reduce((a, b) => a + b, 0);
  return (
    <div className="panel metrics">
      <section className="metric" aria-labelledby="m-types">
        <h3 id="m-types">Messages by type</h3>
        <table className="type-bars">
          <tbody>
            {MESSAGE_TYPES.map((t) => (
              <tr key={t}>
                <th scope="row">{t}</th>
                <td>
                  <span className={`hbar t-${t}`} style={{ width: `${(m.sentByType[t] / maxType) * 100}%` }} />
                </td>
                <td className="num">{m.sentByType[t].toLocaleString('en-US')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="figures">
          {total.toLocaleString('en-US')} sent · {m.delivered.toLocaleString('en-US')} delivered · {m.dropped.toLocaleString('en-US')} dropped
        </p>
        <Bars values={sent.values} label="Messages sent over time" unit="messages per bin" />
        <p className="axis-note">messages sent per {formatMs(sent.binMs)}</p>
      </section>
      <section className="metric" aria-labelledby="m-elec">
        <h3 id="m-elec">Elections</h3>
        <p className="figures">
          <strong>{m.electionsStarted}</strong> started · <strong>{m.leadersElected}</strong> {m.leadersElected === 1 ? 'leader' : 'leaders'} elected
        </p>
        <Bars values={elections.values} label="Elections started over time" unit="elections per bin" />
        <p className="axis-note">elections started per {formatMs(elections.binMs)}</p>
      </section>
      <Latency m={m} />
      <section className="metric" aria-labelledby="m-tput">
        <h3 id="m-tput">Throughput</h3>
        <p className="figures">
          <strong>{committedTotal}</strong> {committedTotal === 1 ? 'entry' : 'entries'} committed · {seconds > 0 ? (committedTotal / seconds).toFixed(1) : '0'} per simulated second
        </p>
        <Bars values={commits.values} label="Entries committed over time" unit="entries per bin" />
        <p className="axis-note">entries committed per {formatMs(commits.binMs)}</p>
      </section>
    </div>
  );
}
