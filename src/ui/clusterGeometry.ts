// Pure geometry of the cluster view: nodes on a ring for any N, and where a message in flight is at a given time.

export interface Point {
  x: number;
  y: number;
}

export interface RingLayout {
  /** Side of the square drawing area (viewBox units), centred on 0,0. */
  size: number;
  ringR: number;
  nodeR: number;
  pos: ReadonlyMap<string, Point & { angle: number }>;
  /** Show text inside nodes (term) and labels: only when nodes are big enough. */
  detail: boolean;
}

/** Nodes evenly on a ring, n1 at the top, clockwise; one node sits in the middle. */
export function ringLayout(ids: readonly string[], size = 600): RingLayout {
  const n = ids.length;
  const ringR = n <= 1 ? 0 : size * 0.33;
  const spacing = n <= 1 ? size : (2 * Math.PI * ringR) / n;
  const nodeR = Math.max(9, Math.min(36, spacing * 0.3));
  const pos = new Map<string, Point & { angle: number }>();
  ids.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
    pos.set(id, { x: ringR * Math.cos(angle), y: ringR * Math.sin(angle), angle });
  });
  return { size, ringR, nodeR, pos, detail: nodeR >= 20 };
}

const CENTRE = { x: 0, y: 0, angle: 0 };

export interface Flight {
  from: string;
  to: string;
  sentAt: number;
  arriveAt: number;
}

/** 0 at sending, 1 at arrival. */
export function progressOf(m: Flight, now: number): number {
  const span = m.arriveAt - m.sentAt;
  if (!(span > 0)) return 1;
  return Math.max(0, Math.min(1, (now - m.sentAt) / span));
}

/**
 * Where a message is drawn: on the straight line between the two nodes' rims, shifted sideways so
 * that messages in opposite directions (a request and its reply) pass each other instead of overlapping.
 */
export function messagePoint(layout: RingLayout, m: Flight, now: number, lane = 5): Point & { progress: number } {
  // Clients and the time server are not on the ring: their messages come from (or go to) the centre.
  const a = layout.pos.get(m.from) ?? CENTRE;
  const b = layout.pos.get(m.to) ?? CENTRE;
  const progress = progressOf(m, now);
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const r0 = a === CENTRE ? 10 : layout.nodeR + 4;
  const r1 = b === CENTRE ? 10 : layout.nodeR + 4;
  const travel = Math.max(0, len - r0 - r1);
  const d = r0 + travel * progress;
  // Perpendicular (to the left of the direction of travel).
  return { x: a.x + ux * d - uy * lane, y: a.y + uy * d + ux * lane, progress };
}

/** A lost message fades out after half its way: it never arrives. */
export function lostOpacity(progress: number): number {
  if (progress <= 0.5) return 1;
  return Math.max(0, 1 - (progress - 0.5) * 2.2);
}

/** The arc of the election timer: the share of the timeout still left (1 = just reset). */
export function timerShare(deadline: number | undefined, now: number, maxTimeoutMs: number): number {
  if (deadline === undefined || !Number.isFinite(deadline)) return 0;
  return Math.max(0, Math.min(1, (deadline - now) / maxTimeoutMs));
}

/** Where a node's label goes: outside the ring, on the node's own ray. */
export function labelPoint(layout: RingLayout, id: string, extra = 16): Point & { anchor: 'start' | 'middle' | 'end' } {
  const p = layout.pos.get(id);
  if (p === undefined) return { x: 0, y: 0, anchor: 'middle' };
  if (layout.ringR === 0) return { x: 0, y: layout.nodeR + extra, anchor: 'middle' };
  const d = layout.nodeR + extra;
  const c = Math.cos(p.angle);
  const s = Math.sin(p.angle);
  const anchor = Math.abs(c) < 0.35 ? 'middle' : c > 0 ? 'start' : 'end';
  return { x: p.x + c * d, y: p.y + s * d + (Math.abs(c) < 0.35 ? (s > 0 ? 6 : 0) : 4), anchor };
}

/** An SVG path for a ring segment (an annulus sector) from 12 o'clock clockwise over `share` of a turn. */
export function ringArc(inner: number, outer: number, share: number): string {
  const a = Math.max(0, Math.min(1, share)) * 2 * Math.PI;
  if (a <= 0) return '';
  if (a >= 2 * Math.PI - 1e-6) {
    // A full ring: two half arcs each way (one arc cannot start and end at the same point).
    return `M0,${-outer}A${outer},${outer} 0 1,1 0,${outer}A${outer},${outer} 0 1,1 0,${-outer}` +
      `M0,${-inner}A${inner},${inner} 0 1,0 0,${inner}A${inner},${inner} 0 1,0 0,${-inner}Z`;
  }
  const large = a > Math.PI ? 1 : 0;
  const sx = Math.sin(a);
  const cy = -Math.cos(a);
  const f = (x: number): string => x.toFixed(2);
  return `M0,${-outer}A${outer},${outer} 0 ${large},1 ${f(outer * sx)},${f(outer * cy)}` +
    `L${f(inner * sx)},${f(inner * cy)}A${inner},${inner} 0 ${large},0 0,${-inner}Z`;
}
