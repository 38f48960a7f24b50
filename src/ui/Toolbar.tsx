// The top bar: title, playback buttons from the actions registry, speed, simulated time and the busy indicator.
import { SPEEDS, formatMs, setSpeedIndex, speedLabel, useSim } from '../store/sim';
import { getAction, perform } from './actions';
import { GuidesButton } from './guide/GuideHost';
import { StepKindSelect } from './StepKindSelect';

/** A toolbar button bound to a registry action (label, shortcut hint and enabled state come from the registry). */
export function ActionButton({ name, label, icon, className }: { name: string; label?: string; icon?: string; className?: string }) {
  const a = getAction(name);
  const enabled = useSim((s) => (a.enabled ? a.enabled(s) : true));
  const text = label ?? a.label;
  const title = `${a.description}${a.keyLabel ? ` (${a.keyLabel})` : ''}`;
  return (
    <button
      type="button"
      className={className ?? 'btn'}
      disabled={!enabled}
      title={title}
      aria-keyshortcuts={a.keyLabel && a.keyLabel.length <= 8 ? a.keyLabel.replace(' ', '+') : undefined}
      data-action={name}
      aria-label={text !== a.label ? a.label : undefined}
      onClick={() => perform(name)}
    >
      {icon && (
        <span className="icon" aria-hidden="true">
          {icon}
        </span>
      )}
      {text}
    </button>
  );
}

function PlayButton() {
  const playing = useSim((s) => s.playing);
  const busy = useSim((s) => s.task !== null);
  return (
    <button
      type="button"
      className="btn primary play"
      onClick={() => perform('togglePlay')}
      disabled={busy}
      aria-pressed={playing}
      title="Play or pause (Space)"
      data-action="togglePlay"
    >
      <span className="icon" aria-hidden="true">
        {playing ? '❚❚' : '▶'}
      </span>
      {playing ? 'Pause' : 'Play'}
    </button>
  );
}

function SpeedControl() {
  const speedIndex = useSim((s) => s.speedIndex);
  return (
    <label className="speed" title="Simulated time per real time ([ and ] change it)">
      <span>Speed</span>
      <select value={speedIndex} onChange={(e) => setSpeedIndex(Number(e.target.value))} aria-label="Speed">
        {SPEEDS.map((s, i) => (
          <option key={s} value={i}>
            {speedLabel(s)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Clock() {
  const now = useSim((s) => s.now);
  const seed = useSim((s) => s.run.seed);
  const inPast = useSim((s) => s.inPast);
  return (
    <div className="clock" aria-live="off">
      <span data-testid="now" className="now">
        t = {formatMs(now)}
      </span>
      <span className="seed">seed {seed}</span>
      {inPast && (
        <span className="past" title="You are looking at the past of this run; acting now replaces what came after.">
          rewound
        </span>
      )}
    </div>
  );
}

function Busy() {
  const task = useSim((s) => s.task);
  if (task === null) return null;
  return (
    <div className="busy" role="status">
      <span>{task.label}…</span>
      <progress max={1} value={task.progress ?? undefined} aria-label={task.label} />
    </div>
  );
}

export function Toolbar() {
  return (
    <header className="toolbar">
      <div className="brand">
        <h1>Wiber Sim</h1>
        <span className="tagline">Raft pub/sub, simulated deterministically</span>
      </div>
      <nav className="playback" aria-label="Playback">
        <PlayButton />
        <ActionButton name="stepEvent" label="Step" />
        <StepKindSelect />
        <span className="until" aria-hidden="true">
          to next
        </span>
        <ActionButton name="stepDelivery" label="Delivery" />
        <ActionButton name="nextElection" label="Election" />
        <ActionButton name="nextLeader" label="Leader" />
        <ActionButton name="nextCommit" label="Commit" />
        <SpeedControl />
      </nav>
      <Clock />
      <Busy />
      <div className="toolbar-end">
        <GuidesButton />
        <ActionButton name="toStart" label="To start" />
        <ActionButton name="restartRun" label="New run" />
        <ActionButton name="help" label="?" className="btn help-btn" />
      </div>
    </header>
  );
}

export { formatMs };
