// Paints the cluster view's moving things (election-timer arcs, messages in flight) from a flat list of commands,
// on the page's canvas or, where the browser allows, on an OffscreenCanvas in a worker (canvasPaint.worker.ts):
// then rasterizing and handing each frame to the compositor happen off the main thread (issue 11).

/** How one class of message is painted, read from the page's CSS (`.cv .msg.<cls> .shape` and friends). */
export interface MessagePaint {
  fill: string | null;
  stroke: string | null;
  strokeWidth: number;
  dash: number[];
  ringStroke: string;
  ringWidth: number;
  ringDash: number[];
  text: string;
  font: string;
}

/** What the commands refer to by index: message looks, SVG path data, count texts, timer colours. */
export interface PaintTables {
  paints: MessagePaint[];
  paths: string[];
  counts: string[];
  timer: { on: string; low: string };
}

/** A timer arc: op, scale, x, y (canvas px of the node's centre), inner and outer radius, share left (0..1], low (0/1). */
export const OP_TIMER = 1;
export const TIMER_LEN = 8;
/** A message: op, scale, x, y, alpha, duplicate (0/1), paint index, path index, count index (-1: none). */
export const OP_MESSAGE = 2;
export const MESSAGE_LEN = 9;

/** Messages to the worker. */
export type PainterMessage =
  | { canvas: OffscreenCanvas }
  | { size: [number, number] }
  | { tables: PaintTables }
  | { cmds: Float64Array; n: number };

type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Clears the canvas and paints commands [0, n) of `cmds`. */
export function replay(ctx: Ctx, width: number, height: number, cmds: Float64Array, n: number, t: PaintTables, paths: Path2D[]): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, width, height);
  let i = 0;
  while (i < n) {
    const op = cmds[i];
    if (op === OP_TIMER) {
      const s = cmds[i + 1];
      ctx.setTransform(s, 0, 0, s, cmds[i + 2], cmds[i + 3]);
      const r0 = cmds[i + 4];
      const r1 = cmds[i + 5];
      const a0 = -Math.PI / 2;
      const a1 = a0 + Math.min(1, cmds[i + 6]) * 2 * Math.PI;
      ctx.beginPath();
      ctx.arc(0, 0, r1, a0, a1);
      ctx.arc(0, 0, r0, a1, a0, true);
      ctx.closePath();
      ctx.fillStyle = cmds[i + 7] === 1 ? t.timer.low : t.timer.on;
      ctx.fill();
      i += TIMER_LEN;
    } else if (op === OP_MESSAGE) {
      const k = cmds[i + 1];
      const look = t.paints[cmds[i + 6]];
      const path = paths[cmds[i + 7]] ?? (paths[cmds[i + 7]] = new Path2D(t.paths[cmds[i + 7]]));
      const count = cmds[i + 8] >= 0 ? t.counts[cmds[i + 8]] : '';
      ctx.globalAlpha = cmds[i + 4];
      ctx.setTransform(k, 0, 0, k, cmds[i + 2], cmds[i + 3]);
      if (look !== undefined) {
        if (cmds[i + 5] === 1) {
          ctx.beginPath();
          ctx.arc(0, 0, 11, 0, 2 * Math.PI);
          ctx.lineWidth = look.ringWidth;
          ctx.setLineDash(look.ringDash);
          ctx.strokeStyle = look.ringStroke;
          ctx.stroke();
        }
        if (look.fill !== null) {
          ctx.fillStyle = look.fill;
          ctx.fill(path);
        }
        if (look.stroke !== null && look.strokeWidth > 0) {
          ctx.lineWidth = look.strokeWidth;
          ctx.setLineDash(look.dash);
          ctx.strokeStyle = look.stroke;
          ctx.stroke(path);
        }
        if (count !== '' && count !== undefined) {
          ctx.fillStyle = look.text;
          ctx.font = look.font;
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          ctx.fillText(count, 0, 0.5);
        }
      }
      i += MESSAGE_LEN;
    } else break;
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
}
