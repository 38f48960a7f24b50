// The simulator page: a live cluster with each node's role and term, and playback controls.
import { useEffect } from 'react';
import { useSim } from '../store/sim';

function useAnimationFrame(callback: (wallMs: number) => void): void {
  useEffect(() => {
    let last = performance.now();
    let handle = requestAnimationFrame(function frame(t) {
      callback(t - last);
      last = t;
      handle = requestAnimationFrame(frame);
    });
    return () => cancelAnimationFrame(handle);
  }, [callback]);
}

export function App() {
  const nodes = useSim((s) => s.nodes);
  const playing = useSim((s) => s.playing);
  const seed = useSim((s) => s.seed);
  const now = useSim((s) => s.cluster.now);
  const advance = useSim((s) => s.advance);
  const { setPlaying, stepOnce, reset } = useSim.getState();
  useAnimationFrame(advance);
  return (
    <main className="app">
      <header>
        <h1>Wiber Sim</h1>
        <p className="tagline">A Raft-replicated pub/sub broker, simulated deterministically in your browser.</p>
      </header>
      <section className="controls" aria-label="Playback">
        <button type="button" onClick={() => setPlaying(!playing)}>
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" onClick={stepOnce}>
          Step
        </button>
        <button type="button" onClick={() => reset(seed, 5)}>
          Restart run
        </button>
        <span className="clock" data-testid="now">
          t = {now.toFixed(1)} ms · seed {seed}
        </span>
      </section>
      <ul className="nodes" aria-label="Nodes">
        {nodes.map((n) => (
          <li key={n.id} className={`node role-${n.role}`} data-testid={`node-${n.id}`}>
            <strong>{n.id}</strong>
            <span className="role">{n.role}</span>
            <span className="term">term {n.term}</span>
          </li>
        ))}
      </ul>
    </main>
  );
}
