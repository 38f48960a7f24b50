// The top bar: title, playback buttons from the actions registry, speed, simulated time, the busy indicator, theme and help; folded into menus on phones.
import { SPEEDS, formatMs, setSpeedIndex, speedLabel, useSim } from '../store/sim';
import { getAction, perform } from './actions';
import { useActionText } from './actionText';
import { GuidesButton } from './guide/GuideHost';
import { Menu } from './Menu';
import { StepKindSelect } from './StepKindSelect';
import { THEME_ICON, THEME_LABEL, nextTheme, setTheme, useTheme, type ThemeChoice } from './theme';
import { COMPACT, MEDIUM, SNUG, useMedia } from './useMedia';

/** A toolbar button bound to a registry action (label, shortcut hint and enabled state come from the registry). */
export function ActionButton({ name, label, icon, className }: { name: string; label?: string; icon?: string; className?: string }) {
  const a = getAction(name);
  const enabled = useSim((s) => (a.enabled ? a.enabled(s) : true));
  const text = label ?? a.label;
  const description = useActionText((s) => s.text?.[name]);
  const title = `${description ?? a.label}${a.keyLabel ? ` (${a.keyLabel})` : ''}`;
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
      // The label says what a press does (Play / Pause): no aria-pressed as well, which read "Pause, pressed".
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
      <span className="speed-label">Speed</span>
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
  return (
    <div className="clock" aria-live="off">
      <span data-testid="now" className="now">
        t = {formatMs(now)}
      </span>
      <span className="seed">seed {seed}</span>
    </div>
  );
}

/** Cycles the theme: system → light → dark. */
function ThemeButton() {
  const theme = useTheme();
  const next = nextTheme(theme);
  return (
    <button
      type="button"
      className="btn icon-btn"
      onClick={() => setTheme(next)}
      aria-label={`Theme: ${THEME_LABEL[theme]}`}
      title={`Theme: ${THEME_LABEL[theme]} (click for ${THEME_LABEL[next]})`}
      data-testid="theme"
    >
      <span aria-hidden="true">{THEME_ICON[theme]}</span>
    </button>
  );
}

/** The three themes side by side, for the phone menu. */
function ThemeChoices() {
  const theme = useTheme();
  return (
    <div className="theme-choices" role="group" aria-label="Theme">
      {(['system', 'light', 'dark'] as ThemeChoice[]).map((t) => (
        <button key={t} type="button" className="btn" aria-pressed={theme === t} onClick={() => setTheme(t)}>
          <span aria-hidden="true">{THEME_ICON[t]}</span> {THEME_LABEL[t]}
        </button>
      ))}
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

const RUN_TO = [
  ['stepDelivery', 'Delivery'],
  ['nextElection', 'Election'],
  ['nextLeader', 'Leader'],
  ['nextCommit', 'Commit'],
] as const;

export function Toolbar() {
  const compact = useMedia(COMPACT);
  const medium = useMedia(MEDIUM);
  const snug = useMedia(SNUG);
  if (compact) {
    // Phones: two rows. The title, time and menus; then play, step, run-to and speed.
    return (
      <header className="toolbar compact">
        <div className="toolbar-row">
          {/* The clock under the title: a long run's time ("t = 2624.1856 s") fits a 320 px phone without cutting digits. */}
          <div className="brand">
            <h1>Wiber Sim</h1>
            <Clock />
          </div>
          <div className="toolbar-end">
            <GuidesButton />
            <Menu label="More" text={<span aria-hidden="true">☰</span>} align="end">
              <ActionButton name="toStart" label="To start" />
              <ActionButton name="restartRun" label="New run" />
              <ThemeChoices />
              <ActionButton name="help" label="Keyboard shortcuts" />
            </Menu>
          </div>
        </div>
        <nav className="playback" aria-label="Playback">
          <PlayButton />
          <ActionButton name="stepEvent" label="Step" />
          <Menu label="Run to the next…" text="Next ▾" align="end">
            <StepKindSelect className="step-kind menu-step-kind" />
            {RUN_TO.map(([name, label]) => (
              <ActionButton key={name} name={name} label={label} />
            ))}
          </Menu>
          <SpeedControl />
        </nav>
        <Busy />
      </header>
    );
  }
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
        {snug ? (
          // Small laptops: the run-to buttons fold into a menu (as on phones), so the toolbar keeps one row.
          <Menu label="Run to the next…" text="Next ▾" align="end">
            {RUN_TO.map(([name, label]) => (
              <ActionButton key={name} name={name} label={label} />
            ))}
          </Menu>
        ) : (
          <>
            <span className="until" aria-hidden="true">
              to next
            </span>
            {RUN_TO.map(([name, label]) => (
              <ActionButton key={name} name={name} label={label} />
            ))}
          </>
        )}
        <SpeedControl />
      </nav>
      <Clock />
      <Busy />
      <div className="toolbar-end">
        <GuidesButton />
        {medium ? (
          // Laptops: the run's rarer commands fold into a menu, so the toolbar keeps one row.
          <Menu label="Run" text="Run ▾" align="end">
            <ActionButton name="toStart" label="To start" />
            <ActionButton name="restartRun" label="New run" />
          </Menu>
        ) : (
          <>
            <ActionButton name="toStart" label="To start" />
            <ActionButton name="restartRun" label="New run" />
          </>
        )}
        <ThemeButton />
        <ActionButton name="help" label="?" className="btn help-btn" />
      </div>
    </header>
  );
}

export { formatMs };
