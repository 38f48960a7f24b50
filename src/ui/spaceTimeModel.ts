// The space-time (Lamport) diagram's model, built from journal events: messages as send→deliver arrows, local events, and happened-before.
import type { FeedItem } from '../store/driver';
import { categoriesOf } from './feedContext';

export interface LocalEvent {
  seq: number;
  at: number;
  node: string;
  kind: string;
  label: string;
  lamport?: number;
}

export interface Arrow {
  msgId: number;
  type: string;
  from: string;
  to: string;
  lamport: number;
  sendSeq: number;
  sentAt: number;
  /** Receipt (deliver) or loss (drop); undefined while in flight. */
  endSeq?: number;
  endAt?: number;
  fate: 'delivered' | 'dropped' | 'flying';
  heartbeat: boolean;
}

export interface SpaceTime {
  arrows: Arrow[];
  locals: LocalEvent[];
  /** Event → node whose history it belongs to (send: sender, deliver: receiver). */
  nodeOf: Map<number, string>;
}

const LOCAL_KINDS = new Set(['timer', 'role', 'commit', 'truncate', 'crash', 'restart', 'propose', 'vote', 'timeout', 'disconnect', 'reconnect', 'violation']);

function localLabel(item: FeedItem): string {
  const e = item.e;
  switch (e.kind) {
    case 'timer':
      return `${e.type} timeout`;
    case 'role':
      return `${e.role} (term ${e.term})`;
    case 'commit':
      return `commit ${e.index}`;
    case 'vote':
      return `${e.detail?.startsWith('granted') ? 'votes for' : 'refuses'} ${e.to}`;
    default:
      return e.kind;
  }
}

/** Builds the diagram model from feed items whose time is in [from, to]. */
export function buildSpaceTime(items: readonly FeedItem[], from: number, to: number): SpaceTime {
  const arrows = new Map<string, Arrow>();
  const bySend = new Map<number, Arrow[]>();
  const locals: LocalEvent[] = [];
  const nodeOf = new Map<number, string>();
  // Heartbeats and the replies to them are one kind: hidden or shown together.
  const cats = categoriesOf(items);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const e = item.e;
    if (e.at > to + 1e-9) break;
    if (e.kind === 'send' && e.msgId !== undefined && e.from && e.to) {
      const a: Arrow = {
        msgId: e.msgId, type: e.type ?? '?', from: e.from, to: e.to, lamport: e.lamport ?? 0, sendSeq: item.seq,
        sentAt: e.at, fate: 'flying', heartbeat: cats[i] === 'background',
      };
      arrows.set(`${e.msgId}:0`, a);
      bySend.set(e.msgId, [a]);
      nodeOf.set(item.seq, e.from);
    } else if ((e.kind === 'deliver' || e.kind === 'drop') && e.msgId !== undefined) {
      const copies = bySend.get(e.msgId);
      if (copies === undefined) continue; // sent before the window's data
      let a = copies.find((c) => c.fate === 'flying');
      if (a === undefined) {
        // A network duplicate: a second arrow from the same send.
        a = { ...copies[0], fate: 'flying', endSeq: undefined, endAt: undefined };
        copies.push(a);
        arrows.set(`${e.msgId}:${copies.length - 1}`, a);
      }
      a.fate = e.kind === 'deliver' ? 'delivered' : 'dropped';
      a.endSeq = item.seq;
      a.endAt = e.at;
      if (e.kind === 'deliver') nodeOf.set(item.seq, e.to!);
    } else if (LOCAL_KINDS.has(e.kind) && e.node !== undefined && e.at >= from - 1e-9) {
      if (e.kind === 'timer' && cats[i] === 'background') continue;
      locals.push({ seq: item.seq, at: e.at, node: e.node, kind: e.kind, label: localLabel(item), lamport: e.lamport });
      nodeOf.set(item.seq, e.node);
    }
  }
  const visible = [...arrows.values()].filter((a) => (a.endAt ?? to) >= from - 1e-9);
  return { arrows: visible, locals, nodeOf };
}

/**
 * Happened-before (Lamport): the events that precede `seq` (its causal past) and those it precedes
 * (its causal future), within the model. Past is closed under "earlier on the same node" and
 * "the send of a message this node received"; future is the mirror image.
 */
export function causalCone(model: SpaceTime, seq: number): { past: Set<number>; future: Set<number> } {
  const node = model.nodeOf.get(seq);
  const past = new Set<number>();
  const future = new Set<number>();
  if (node === undefined) return { past, future };
  // Events of each node in order.
  const lanes = new Map<string, number[]>();
  for (const [s, n] of model.nodeOf) {
    let l = lanes.get(n);
    if (l === undefined) lanes.set(n, (l = []));
    l.push(s);
  }
  for (const l of lanes.values()) l.sort((a, b) => a - b);
  const sendOfDeliver = new Map<number, number>();
  const deliversOfSend = new Map<number, number[]>();
  for (const a of model.arrows) {
    if (a.fate !== 'delivered' || a.endSeq === undefined) continue;
    sendOfDeliver.set(a.endSeq, a.sendSeq);
    const list = deliversOfSend.get(a.sendSeq) ?? [];
    list.push(a.endSeq);
    deliversOfSend.set(a.sendSeq, list);
  }
  // Past: per node, the highest event included so far (histories are prefix-closed).
  const cut = new Map<string, number>();
  const stack = [seq];
  while (stack.length > 0) {
    const x = stack.pop()!;
    const n = model.nodeOf.get(x);
    if (n === undefined) continue;
    const had = cut.get(n) ?? -Infinity;
    if (had >= x) continue;
    cut.set(n, x);
    for (const s of lanes.get(n) ?? []) {
      if (s <= had || s > x) continue;
      past.add(s);
      const send = sendOfDeliver.get(s);
      if (send !== undefined) stack.push(send);
    }
  }
  // Future: per node, the lowest event included so far (suffix-closed).
  const low = new Map<string, number>();
  const fstack = [seq];
  while (fstack.length > 0) {
    const x = fstack.pop()!;
    const n = model.nodeOf.get(x);
    if (n === undefined) continue;
    const had = low.get(n) ?? Infinity;
    if (had <= x) continue;
    low.set(n, x);
    for (const s of lanes.get(n) ?? []) {
      if (s < x || s >= had) continue;
      future.add(s);
      for (const dlv of deliversOfSend.get(s) ?? []) fstack.push(dlv);
    }
  }
  past.delete(seq);
  future.delete(seq);
  return { past, future };
}

/** A Lamport stamp to draw at a send point (px). */
export interface Stamp {
  x: number;
  y: number;
  node: string;
  lamport: number;
}

/** Width of a stamp label in px (11 px digits are up to 7 px wide). */
const stampWidth = (text: string): number => text.length * 7 + 2;

/** A box in the diagram's px (a label, a dot). */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Where the Lamport stamps go without overlapping one another or the dots (`obstacles`): sends from
 * one node at one instant (a leader's heartbeats to every follower) share one label ("12–15"); each
 * label tries above-right of its send, then below-right, above-left and below-left, inside `bounds`
 * when given; a label with no free place is left out (the arrow's tooltip still has it).
 */
export function placeStamps(stamps: readonly Stamp[], obstacles: readonly Box[] = [], bounds?: Box): Array<{ x: number; y: number; text: string }> {
  const sorted = [...stamps].sort((a, b) => a.x - b.x || a.y - b.y || a.lamport - b.lamport);
  const groups: Array<{ x: number; y: number; lo: number; hi: number; all: number[] }> = [];
  for (const s of sorted) {
    const g = groups.find((q) => q.y === s.y && Math.abs(q.x - s.x) < 1.5);
    if (g) {
      g.lo = Math.min(g.lo, s.lamport);
      g.hi = Math.max(g.hi, s.lamport);
      g.all.push(s.lamport);
    } else groups.push({ x: s.x, y: s.y, lo: s.lamport, hi: s.lamport, all: [s.lamport] });
  }
  const placed: Box[] = [];
  const out: Array<{ x: number; y: number; text: string }> = [];
  for (const g of groups) {
    const contiguous = g.hi - g.lo + 1 === g.all.length;
    const text = g.lo === g.hi ? String(g.lo) : contiguous ? `${g.lo}–${g.hi}` : `${g.lo}…${g.hi}`;
    const w = stampWidth(text);
    // Text boxes for 11 px digits: the baseline sits 2 px above the box's bottom.
    // Clear of the send's own dot (radius 3.5) and of a local event's diamond at the same point (5 px:
    // a candidate's timeout, at the instant it sends its RequestVotes, hid their label).
    const tries: Box[] = [
      { x0: g.x + 6, x1: g.x + 6 + w, y0: g.y - 18, y1: g.y - 6 },
      { x0: g.x + 6, x1: g.x + 6 + w, y0: g.y + 6, y1: g.y + 18 },
      { x0: g.x - 6 - w, x1: g.x - 6, y0: g.y - 18, y1: g.y - 6 },
      { x0: g.x - 6 - w, x1: g.x - 6, y0: g.y + 6, y1: g.y + 18 },
    ];
    const box = tries.find(
      (b) =>
        (!bounds || (b.x0 >= bounds.x0 && b.x1 <= bounds.x1 && b.y0 >= bounds.y0 && b.y1 <= bounds.y1)) &&
        !placed.some((p) => overlaps(p, b)) &&
        !obstacles.some((o) => overlaps(o, b)),
    );
    if (!box) continue;
    placed.push(box);
    out.push({ x: box.x0, y: box.y1 - 2, text });
  }
  return out;
}
