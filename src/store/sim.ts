// The zustand store: owns one simulation and its playback; the only bridge between the engine and React.
import { create } from 'zustand';
import { createCluster, type Cluster, type NodeView } from '../sim';

export interface SimState {
  cluster: Cluster;
  seed: number;
  nodeCount: number;
  playing: boolean;
  /** Simulated ms per wall ms. */
  speed: number;
  /** Bumped whenever the cluster changed, so views re-read it. */
  version: number;
  nodes: NodeView[];
  reset(seed: number, nodeCount: number): void;
  setPlaying(playing: boolean): void;
  setSpeed(speed: number): void;
  advance(wallMs: number): void;
  stepOnce(): void;
}

function views(cluster: Cluster): NodeView[] {
  return cluster.nodeIds.map((id) => cluster.node(id));
}

export const useSim = create<SimState>((set, get) => {
  const cluster = createCluster({ seed: 1, nodes: 5 });
  return {
    cluster,
    seed: 1,
    nodeCount: 5,
    playing: true,
    speed: 0.25,
    version: 0,
    nodes: views(cluster),
    reset(seed, nodeCount) {
      const next = createCluster({ seed, nodes: nodeCount });
      set({ cluster: next, seed, nodeCount, nodes: views(next), version: get().version + 1 });
    },
    setPlaying(playing) {
      set({ playing });
    },
    setSpeed(speed) {
      set({ speed });
    },
    advance(wallMs) {
      const { cluster: c, playing, speed } = get();
      if (!playing) return;
      c.runFor(Math.max(0, Math.min(wallMs, 100)) * speed);
      set({ nodes: views(c), version: get().version + 1 });
    },
    stepOnce() {
      const c = get().cluster;
      c.step();
      set({ nodes: views(c), version: get().version + 1, playing: false });
    },
  };
});
