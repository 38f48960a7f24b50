// Faults and network: crash/restart, force timeout and disconnect per node; partitions by group chips; membership, transfer and snapshots; one-way link cuts; network sliders; clock offset, drift and steps.
import { useState } from 'react';
import type { NetworkSettings } from '../sim';
import { act, selectNode, useSim } from '../store/sim';
import { electionTimeoutOf } from '../store/runOptions';
import { MembershipControls } from './RaftControls';
import { TimeoutButton } from './TimeoutButton';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../sim/validateEager';

const GROUP_NAMES = ['A', 'B', 'C'];

function NodeRows({ draft, setDraft }: { draft: Record<string, number>; setDraft: (d: Record<string, number>) => void }) {
  const nodes = useSim((s) => s.nodes);
  const cycle = (id: string): void => {
    const g = draft[id] ?? -1;
    const next = g + 1 >= GROUP_NAMES.length ? -1 : g + 1;
    const d = { ...draft };
    if (next < 0) delete d[id];
    else d[id] = next;
    setDraft(d);
  };
  return (
    <table className="fault-table">
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">State</th>
          <th scope="col">Actions</th>
          <th scope="col" title="Partition group for the next partition">
            Group
          </th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((v) => (
          <tr key={v.id}>
            <th scope="row">
              <button type="button" className="linkish" onClick={() => selectNode(v.id)}>
                {v.id}
              </button>
            </th>
            <td>
              <span className={`role-badge ${v.up ? v.role : 'down'}`}>{v.up ? v.role : 'down'}</span>
              {!v.connected && <span className="role-badge disconnected">cut off</span>}
              {v.up && (v.learner || v.removed) && <span className="role-badge learner">{v.removed ? 'removed' : 'learner'}</span>}
            </td>
            <td className="row-actions">
              <button type="button" className="btn small" onClick={() => act(v.up ? 'crash' : 'restart', [v.id])} aria-label={`${v.up ? 'Crash' : 'Restart'} ${v.id}`}>
                {v.up ? 'Crash' : 'Restart'}
              </button>
              <TimeoutButton v={v} label={`Time out ${v.id}`} />
              <button
                type="button"
                className="btn small"
                onClick={() => act(v.connected ? 'disconnect' : 'reconnect', [v.id])}
                aria-label={`${v.connected ? 'Disconnect' : 'Reconnect'} ${v.id}`}
                title={v.connected ? `Cut ${v.id} off from the network: no node or client reaches it, and it reaches no one` : `Reconnect ${v.id} to the network`}
              >
                {v.connected ? 'Disconnect' : 'Reconnect'}
              </button>
            </td>
            <td>
              <button
                type="button"
                className={`group-chip${draft[v.id] !== undefined ? ` g${draft[v.id]}` : ' none'}`}
                onClick={() => cycle(v.id)}
                aria-label={`Group of ${v.id}: ${draft[v.id] !== undefined ? GROUP_NAMES[draft[v.id]] : 'none'} (click to change)`}
              >
                {draft[v.id] !== undefined ? GROUP_NAMES[draft[v.id]] : '–'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Partition() {
  const ids = useSim((s) => s.nodeIds);
  const leader = useSim((s) => s.leader);
  const [draft, setDraft] = useState<Record<string, number>>({});
  const groups = GROUP_NAMES.map((_, g) => ids.filter((id) => draft[id] === g)).filter((g) => g.length > 0);
  const rest = ids.filter((id) => draft[id] === undefined);
  const describe = [...groups.map((g) => `{${g.join(' ')}}`), ...(rest.length > 0 && groups.length > 0 ? [`{${rest.join(' ')}}`] : [])].join(' | ');
  const splitHalves = (): void => {
    // The smaller side strictly less than half: with 4 nodes 1 | 3 (2 | 2 leaves no side a majority).
    const half = Math.floor((ids.length - 1) / 2);
    setDraft(Object.fromEntries(ids.map((id, i) => [id, i < half ? 0 : 1])));
  };
  const isolateLeader = (): void => {
    if (leader !== undefined) setDraft({ [leader]: 0 });
  };
  return (
    <section aria-labelledby="faults-nodes">
      <h3 id="faults-nodes">Nodes and partitions</h3>
      <NodeRows draft={draft} setDraft={setDraft} />
      <p className="hint">Click (or tap) the group chips to sort nodes into groups A, B, C; nodes left out form one more group. Messages cross no group boundary.</p>
      <div className="row">
        <button type="button" className="btn small" onClick={splitHalves}>
          Minority | majority
        </button>
        <button type="button" className="btn small" onClick={isolateLeader} disabled={leader === undefined}>
          Isolate the leader
        </button>
        <button type="button" className="btn small" onClick={() => setDraft({})}>
          Clear groups
        </button>
      </div>
      <div className="row">
        <button
          type="button"
          className="btn primary"
          disabled={groups.length === 0}
          onClick={() => {
            act('partition', [groups]);
          }}
        >
          Partition{describe ? `: ${describe}` : ''}
        </button>
        <button type="button" className="btn" onClick={() => act('heal', [])}>
          Heal network
        </button>
      </div>
    </section>
  );
}

function Cuts() {
  const ids = useSim((s) => s.nodeIds);
  const cuts = useSim((s) => s.cuts);
  const [fromPick, setFrom] = useState(ids[0] ?? '');
  const [toPick, setTo] = useState(ids[1] ?? ids[0] ?? '');
  // A new run may have other ids: fall back to the first two.
  const from = ids.includes(fromPick) ? fromPick : (ids[0] ?? '');
  const to = ids.includes(toPick) ? toPick : (ids[1] ?? ids[0] ?? '');
  return (
    <section aria-labelledby="faults-cuts">
      <h3 id="faults-cuts">One-way link cuts</h3>
      <div className="row">
        <label>
          From{' '}
          <select value={from} onChange={(e) => setFrom(e.target.value)}>
            {ids.map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        </label>
        <label>
          to{' '}
          <select value={to} onChange={(e) => setTo(e.target.value)}>
            {ids.map((id) => (
              <option key={id}>{id}</option>
            ))}
          </select>
        </label>
        <button type="button" className="btn small" disabled={from === to} onClick={() => act('cutLink', [from, to])}>
          Cut {from}→{to}
        </button>
      </div>
      {cuts.length > 0 && (
        <ul className="cut-list">
          {cuts.map(([a, b]) => (
            <li key={`${a}>${b}`}>
              {a} → {b}{' '}
              <button type="button" className="btn small" onClick={() => act('restoreLink', [a, b])}>
                Restore
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A range input that applies its value when the user lets go (one recorded action per change, not per pixel). */
function CommitSlider({
  label, value, min, max, step, format, onCommit,
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  format: (v: number) => string;
  onCommit: (v: number) => void;
}) {
  const [local, setLocal] = useState(value);
  const [editing, setEditing] = useState(false);
  const shown = editing ? local : value;
  // Only a value this gesture changed: a key that merely lands on the slider (Tab) or a click on the
  // thumb in place must not apply a value left from an earlier gesture (a new run may have reset it).
  const commit = (): void => {
    if (!editing) return;
    setEditing(false);
    if (local !== value) onCommit(local);
  };
  return (
    <label className="slider">
      <span className="slider-label">{label}</span>
      <input
        type="range"
        min={min}
        max={max}
        step={step}
        value={shown}
        aria-valuetext={format(shown)}
        onChange={(e) => {
          setEditing(true);
          setLocal(Number(e.target.value));
        }}
        onPointerUp={commit}
        onKeyUp={commit}
        onBlur={() => editing && commit()}
      />
      <output>{format(shown)}</output>
    </label>
  );
}

const pct = (v: number): string => `${Math.round(v * 100)}%`;
const ms = (v: number): string => `${v} ms`;

function Network() {
  const net = useSim((s) => s.network);
  const timeoutMin = useSim((s) => electionTimeoutOf(s.run)[0]);
  // The slowest a message can be: the latency's top, plus the extra delay when any message gets one.
  const slowest = net.latencyMs[1] + (net.reorderRate > 0 ? net.reorderDelayMs[1] : 0);
  const set = (change: Partial<NetworkSettings>): void => {
    act('setNetwork', [change]);
  };
  return (
    <section aria-labelledby="faults-net">
      <h3 id="faults-net">Network</h3>
      <CommitSlider label="Latency min" value={net.latencyMs[0]} min={0} max={500} step={1} format={ms} onCommit={(v) => set({ latencyMs: [v, Math.max(v, net.latencyMs[1])] })} />
      <CommitSlider label="Latency max" value={net.latencyMs[1]} min={0} max={500} step={1} format={ms} onCommit={(v) => set({ latencyMs: [Math.min(v, net.latencyMs[0]), v] })} />
      <CommitSlider label="Loss" value={net.dropRate} min={0} max={1} step={0.01} format={pct} onCommit={(v) => set({ dropRate: v })} />
      <CommitSlider label="Duplication" value={net.duplicateRate} min={0} max={1} step={0.01} format={pct} onCommit={(v) => set({ duplicateRate: v })} />
      <CommitSlider label="Extra delay (share)" value={net.reorderRate} min={0} max={1} step={0.01} format={pct} onCommit={(v) => set({ reorderRate: v })} />
      <CommitSlider
        label="Extra delay max"
        value={net.reorderDelayMs[1]}
        min={0}
        max={1000}
        step={5}
        format={ms}
        onCommit={(v) => set({ reorderDelayMs: [Math.min(v, net.reorderDelayMs[0]), v] })}
      />
      <p className="hint">
        Each message takes a random time between Latency min and max, so messages on one link can already overtake each other when min &lt; max. <em>Extra delay</em> holds
        back that share of messages by a further {ms(net.reorderDelayMs[0])}–{ms(net.reorderDelayMs[1])}, so later ones arrive first. Latency min = max and no extra delay
        keeps every link in order.
      </p>
      {2 * slowest >= timeoutMin && (
        <p className="warn-text" role="note" data-testid="network-warning">
          ⚠ A round trip can now take {ms(2 * slowest)}, not less than the shortest election timeout ({ms(timeoutMin)}): votes and heartbeats may arrive after timers
          fire, so elections can repeat without end (§5.6).
        </p>
      )}
    </section>
  );
}

function Clocks() {
  const ids = useSim((s) => s.nodeIds);
  const selected = useSim((s) => s.selection.node);
  const [picked, setPicked] = useState<string | null>(null);
  const [seenSelected, setSeenSelected] = useState(selected);
  if (seenSelected !== selected) {
    // Selecting a node elsewhere brings its clock here.
    setSeenSelected(selected);
    setPicked(null);
  }
  const id = picked !== null && ids.includes(picked) ? picked : (selected ?? ids[0] ?? '');
  const setId = setPicked;
  const v = useSim((s) => s.nodes.find((n) => n.id === id));
  const [offset, setOffset] = useState('0');
  const [drift, setDrift] = useState('0');
  const num = (s: string): number | undefined => (s.trim() === '' || !Number.isFinite(Number(s)) ? undefined : Number(s));
  return (
    <section aria-labelledby="faults-clocks">
      <h3 id="faults-clocks">Clocks</h3>
      <div className="row">
        <label>
          Node{' '}
          <select value={id} onChange={(e) => setId(e.target.value)}>
            {ids.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </select>
        </label>
        {v && (
          <span className="muted">
            offset {v.clock.offsetMs.toFixed(1)} ms, drift {v.clock.driftPpm.toFixed(0)} ppm
          </span>
        )}
      </div>
      <div className="row">
        <label>
          Offset (ms){' '}
          <input className="num" inputMode="decimal" value={offset} onChange={(e) => setOffset(e.target.value)} />
        </label>
        <button type="button" className="btn small" disabled={num(offset) === undefined} onClick={() => act('setClock', [id, { offsetMs: num(offset) }])}>
          Set offset
        </button>
      </div>
      <div className="row">
        <label>
          Drift (ppm){' '}
          <input className="num" inputMode="decimal" value={drift} onChange={(e) => setDrift(e.target.value)} />
        </label>
        <button type="button" className="btn small" disabled={num(drift) === undefined} onClick={() => act('setClock', [id, { driftPpm: num(drift) }])}>
          Set drift
        </button>
      </div>
      <div className="row">
        <span>Step:</span>
        {[-500, -100, 100, 500].map((d) => (
          <button key={d} type="button" className="btn small" onClick={() => act('setClock', [id, { stepMs: d }])}>
            {d > 0 ? `+${d}` : d} ms
          </button>
        ))}
      </div>
    </section>
  );
}

export function FaultsPanel() {
  return (
    <div className="panel faults">
      <Partition />
      <MembershipControls />
      <Cuts />
      <Network />
      <Clocks />
    </div>
  );
}
