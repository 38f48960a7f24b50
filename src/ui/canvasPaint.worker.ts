// The cluster view's painter in a worker: replays each frame's commands on the OffscreenCanvas the page handed over.
import { replay, type PaintTables, type PainterMessage } from './canvasPaint';

let canvas: OffscreenCanvas | null = null;
let ctx: OffscreenCanvasRenderingContext2D | null = null;
let tables: PaintTables = { paints: [], paths: [], counts: [], timer: { on: '#888', low: '#e0a000' } };
let paths: Path2D[] = [];

self.onmessage = (ev: MessageEvent<PainterMessage>): void => {
  const m = ev.data;
  if ('canvas' in m) {
    canvas = m.canvas;
    ctx = canvas.getContext('2d');
  } else if ('size' in m) {
    if (canvas === null) return;
    if (canvas.width !== m.size[0]) canvas.width = m.size[0];
    if (canvas.height !== m.size[1]) canvas.height = m.size[1];
  } else if ('tables' in m) {
    tables = m.tables;
    paths = [];
  } else if (ctx !== null && canvas !== null) {
    replay(ctx, canvas.width, canvas.height, m.cmds, m.n, tables, paths);
  }
};
