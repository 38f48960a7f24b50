// The first visit's welcome: what this page is and where to start (chapter 1 of the guide, or free play with the first election in slow motion).
import { armSlowElection, setPlaying } from '../store/sim';
import { openGuide } from './guide/hostState';
import { dismissWelcome, useWelcome } from './welcomeState';

/** The first chapter of the guide (a test holds it to the chapter list's first). */
export const FIRST_CHAPTER = 'why-consensus';

/** The welcome goes away with the button pressed in it: the focus goes to Play/Pause (the run's first control), not to the page. */
function focusPlay(): void {
  requestAnimationFrame(() => [...document.querySelectorAll<HTMLElement>('[data-action="togglePlay"]')].find((b) => b.offsetParent !== null)?.focus());
}

export function Welcome() {
  const shown = useWelcome((s) => s.shown);
  if (!shown) return null;
  return (
    <section className="welcome" aria-labelledby="welcome-title" data-testid="welcome">
      <div className="welcome-text">
        <h2 id="welcome-title">Welcome to Wiber Sim</h2>
        <p>
          Five servers, simulated in your browser, run <strong>Raft</strong> — the way a cluster agrees on one leader and one log — with a publish/subscribe broker on top. Crash
          them, cut the network, step one message at a time; the same seed always gives the same run, so any moment can be shared.
        </p>
      </div>
      <div className="welcome-actions">
        <button
          type="button"
          className="btn primary"
          onClick={() => {
            dismissWelcome();
            openGuide({ kind: 'step', chapter: FIRST_CHAPTER, step: 0 });
          }}
        >
          Start the guide: chapter 1
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            dismissWelcome();
            armSlowElection();
            setPlaying(true);
            focusPlay();
          }}
        >
          Free play: watch the first election
        </button>
        <button
          type="button"
          className="btn icon-btn"
          aria-label="Close the welcome"
          title="Close (? → Show the welcome again brings it back)"
          onClick={() => {
            dismissWelcome();
            focusPlay();
          }}
        >
          <span aria-hidden="true">✕</span>
        </button>
      </div>
    </section>
  );
}
