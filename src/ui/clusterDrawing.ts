// Draws the cluster: nodes, links and labels into an SVG with plain DOM calls (written only when they change), and what
// moves every frame (messages in flight, election-timer arcs) onto a canvas over it, in the colours of the same CSS rules;
// text keeps a readable size at any width or zoom, and labels thin out where nodes crowd.
import type { ZoomBehavior, ZoomTransform } from 'd3';
import type { InFlight, NodeView } from '../sim';
import { getView, useSim } from '../store/sim';
import './raftExtras.css';
import { electionTimeoutOf } from '../store/runOptions';
import { labelPoint, lostOpacity, messagePoint, progressOf, ringArc, ringLayout, timerShare, type Point, type RingLayout } from './clusterGeometry';
import { MESSAGE_LEN, OP_MESSAGE, OP_TIMER, TIMER_LEN, replay, type MessagePaint, type PainterMessage, type PaintTables } from './canvasPaint';

const SIZE = 600;
const SVG_NS = 'http://www.w3.org/2000/svg';
/** The smallest text on screen, in CSS px (the page's checks hold every label to it). */
export const MIN_TEXT_PX = 11;
/** Room a node's label needs along the ring, in screen px, before labels are thinned. */
const LABEL_ROOM_PX = 34;
const ZOOM_MAX = 8;

/** A message in flight as the canvas knows it: its look (from type and payload, fixed in flight). */
interface MessageMark {
  look: { path: string; cls: string; count: string };
  seen: number;
}

/** A message where the canvas drew it last (drawing units), for clicks and the test hook. */
export interface DrawnMessage {
  id: number;
  type: string;
  count: string;
  x: number;
  y: number;
}

export interface DrawingHandlers {
  onNode: (id: string) => void;
  onMessage: (id: number) => void;
  onBackground: () => void;
  /** The zoom factor changed (1 = the whole ring). */
  onZoom?: (k: number) => void;
}

type G = SVGGElement;

/**
 * Appends an SVG element with these attributes, in this order. The drawing is built with plain DOM calls,
 * not d3-selection: that keeps d3 (4 KB gzip) out of the page's first load; it loads with zoom and pan.
 */
function add<K extends keyof SVGElementTagNameMap>(parent: Element, tag: K, attrs?: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  if (attrs !== undefined) for (const k in attrs) e.setAttribute(k, String(attrs[k]));
  parent.appendChild(e);
  return e;
}

/** Sets an attribute, or removes it for null. */
function setAttr(e: Element, name: string, value: string | number | null): void {
  if (value === null) e.removeAttribute(name);
  else e.setAttribute(name, String(value));
}

/** Makes `parent`'s children exactly `count` elements of `tag` (keeping the first ones), and returns them. */
function keep<K extends keyof SVGElementTagNameMap>(parent: Element, tag: K, count: number): Array<SVGElementTagNameMap[K]> {
  const have = parent.children;
  while (have.length > count) have[have.length - 1].remove();
  while (have.length < count) add(parent, tag);
  return Array.from(have) as Array<SVGElementTagNameMap[K]>;
}

const diamond = (s: number): string => `M0,${-s}L${s},0L0,${s}L${-s},0Z`;
const circle = (r: number): string => `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0`;
const square = (s: number): string => `M${-s},${-s}h${2 * s}v${2 * s}h${-2 * s}Z`;
const triangle = (s: number): string => `M0,${-s}L${s},${s * 0.8}L${-s},${s * 0.8}Z`;

/** Shape and classes of a message, from its type and payload (which never change in flight). */
export function messageLook(m: Pick<InFlight, 'type' | 'payload' | 'lost' | 'duplicate'>): { path: string; cls: string; count: string } {
  const p = (typeof m.payload === 'object' && m.payload !== null ? m.payload : {}) as Record<string, unknown>;
  let path: string;
  let cls: string;
  let count = '';
  switch (m.type) {
    case 'RequestVote':
      path = diamond(9);
      cls = 'm-rv';
      break;
    case 'RequestVoteReply':
      path = diamond(6.5);
      cls = p.voteGranted === true ? 'm-rvr ok' : 'm-rvr no';
      break;
    case 'AppendEntries': {
      const n = Array.isArray(p.entries) ? p.entries.length : 0;
      path = n > 0 ? square(8) : circle(6);
      cls = n > 0 ? 'm-ae entries' : 'm-ae heartbeat';
      count = n > 0 ? String(n) : '';
      break;
    }
    case 'AppendEntriesReply':
      path = circle(5);
      cls = p.success === true ? 'm-aer ok' : 'm-aer no';
      break;
    // Issue 13's messages: Pre-Vote (thesis §9.6) as hollow diamonds, a snapshot (§7) as a large
    // square marked S, TimeoutNow (thesis §3.10) as a triangle.
    case 'PreVote':
      path = diamond(8);
      cls = 'm-pv';
      break;
    case 'PreVoteReply':
      path = diamond(5.5);
      cls = p.voteGranted === true ? 'm-pvr ok' : 'm-pvr no';
      break;
    case 'InstallSnapshot':
      path = square(9.5);
      cls = 'm-is';
      count = 'S';
      break;
    case 'InstallSnapshotReply':
      path = circle(5);
      cls = typeof p.matchIndex === 'number' && p.matchIndex > 0 ? 'm-isr ok' : 'm-isr no';
      break;
    case 'TimeoutNow':
      path = triangle(8);
      cls = 'm-tn';
      break;
    default:
      path = triangle(5.5);
      cls = 'm-other';
  }
  if (m.lost) cls += ' lost';
  if (m.duplicate) cls += ' dup';
  return { path, cls, count };
}

/** Votes a candidate needs: a majority of the voters of its own configuration (§6), else of the ring. */
function majorityOf(v: NodeView, fallback: number): number {
  return v.members !== undefined && v.members.length > 0 ? Math.floor(v.members.length / 2) + 1 : fallback;
}

function roleLabel(v: NodeView, majority: number, suspectedBy = 0): string {
  const parts: string[] = [];
  if (!v.up) parts.push('down');
  else if (v.role === 'candidate') parts.push(`candidate ${v.votes.length}/${majorityOf(v, majority)}`);
  else if (v.role === 'follower' && v.learner) parts.push('learner');
  else if (v.role === 'follower' && v.preCandidate) parts.push('pre-vote');
  else if (v.role === 'leader' && v.transferee) parts.push(`leader → ${v.transferee}`);
  else parts.push(v.role);
  if (!v.connected) parts.push('disconnected');
  if (suspectedBy > 0) parts.push(`suspected by ${suspectedBy}`);
  return parts.join(' · ');
}

function nodeClass(v: NodeView, selected: boolean, suspectedBy = 0): string {
  let c = `node ${v.up ? v.role : 'down'}`;
  if (v.learner) c += ' learner';
  if (v.up && v.preCandidate) c += ' pre-candidate';
  if (v.up && v.transferee) c += ' transferring';
  if (!v.connected) c += ' disconnected';
  if (suspectedBy > 0) c += ' suspected';
  if (selected) c += ' selected';
  return c;
}

export function nodeAriaLabel(v: NodeView, majority: number, suspectedBy = 0): string {
  return `${v.id}: ${roleLabel(v, majority, suspectedBy)}, term ${v.term}, commit index ${v.commitIndex}, log length ${v.log.length}`;
}

export class ClusterDrawing {
  private readonly root: G;
  private readonly linksG: G;
  private readonly cutsG: G;
  private readonly nodesG: G;
  /** The nodes' text, drawn over them but outside the node buttons (their aria-label says it all in words). */
  private readonly textsG: G;
  private readonly texts = new Map<string, SVGGElement>();
  /** Each node's group (its button), in ring order. */
  private readonly nodeEls = new Map<string, SVGGElement>();
  /** The links between nodes (keyed a-b) and the one-way cuts (keyed from>to), as drawn. */
  private readonly linkEls = new Map<string, SVGLineElement>();
  private readonly cutEls = new Map<string, SVGGElement>();
  private readonly msgsG: G;
  /** The canvas over the SVG that messages and timer arcs are painted on each frame. */
  private canvas: HTMLCanvasElement;
  /** The canvas's context when it is painted here; null when a worker paints it (or there is no canvas). */
  private ctx: CanvasRenderingContext2D | null;
  /** The worker that paints the canvas (OffscreenCanvas), where the browser has one. */
  private painter: Worker | null;
  /**
   * The worker failed (its script could not load, say): a fresh canvas painted here takes the place of
   * the one handed to it.
   */
  private readonly paintHere = (): void => {
    this.painter?.terminate();
    this.painter = null;
    if (this.destroyed) return;
    const c = document.createElement('canvas');
    c.className = this.canvas.className;
    c.setAttribute('aria-hidden', 'true');
    c.style.cssText = this.canvas.style.cssText;
    this.canvas.replaceWith(c);
    this.canvas = c;
    this.ctx = canvasContext(c);
    this.pw = 0;
    this.ph = 0;
    this.tablesSent = false;
    this.paintedSig = '';
    this.rescale();
  };

  /** The canvas's size in device px (set here, or by the worker on its OffscreenCanvas). */
  private pw = 0;
  private ph = 0;
  /** This frame's paint commands (see canvasPaint.ts), and what they refer to by index. */
  private cmds = new Float64Array(2048);
  private tables: PaintTables = { paints: [], paths: [], counts: [], timer: { on: '#888', low: '#e0a000' } };
  private tablesSent = false;
  private readonly paintIndex = new Map<string, number>();
  private readonly pathIndex = new Map<string, number>();
  private readonly countIndex = new Map<string, number>();
  private localPaths: Path2D[] = [];
  /** Where the fitted square of the drawing starts in the SVG element (CSS px). */
  private offX = 0;
  private offY = 0;
  /** Where the canvas starts in the SVG element (CSS px). */
  private regionX = 0;
  private regionY = 0;
  private dpr = 1;
  /** The zoom's translation and scale (only k, x, y are read: d3-zoom loads on first use). */
  private zoomT: Pick<ZoomTransform, 'k' | 'x' | 'y'> = { k: 1, x: 0, y: 0 };
  private readonly marks = new Map<number, MessageMark>();
  private readonly paints = new Map<string, MessagePaint>();
  private timerColours: { on: string; low: string } | null = null;
  private drawn: DrawnMessage[] = [];
  /** SVG copies of the messages and timers put in for an export; removed at the next frame. */
  private materialized = false;
  private readonly themeWatch: MutationObserver | null;
  private readonly hub: G;
  private hubShown = false;
  private layout: RingLayout;
  private readonly majority: number;
  private lastKey = '';
  private readonly ids: readonly string[];
  private readonly reducedMotion: boolean;
  private readonly index: ReadonlyMap<string, number>;
  private readonly nodeSigs = new Map<string, string>();
  private linkSig = '';
  private frameMark = 0;
  /** Screen px per drawing unit at zoom 1 (the viewBox is fitted into the element). */
  private fit = 1;
  private zoomK = 1;
  /** Only every labelStep-th node (and every node worth a look) has a label when they crowd. */
  private labelStep = 1;
  private msgScale = 1;
  /** Labels changed (or their size did): hide the ones that would overlap a more important one. */
  private declutterDue = true;
  /** Zoom and pan, once d3-zoom has loaded (see loadZoom). */
  private zoomer: ZoomBehavior<SVGSVGElement, unknown> | null = null;
  private zoomLoading: Promise<ZoomBehavior<SVGSVGElement, unknown>> | null = null;
  private zoomIdentity: ZoomTransform | null = null;
  /** d3-selection, which comes with the zoom (d3-zoom is driven through it). */
  private d3select: typeof import('d3').select | null = null;
  private destroyed = false;
  private readonly resize: ResizeObserver | null;

  constructor(
    private readonly svg: SVGSVGElement,
    ids: readonly string[],
    private readonly handlers: DrawingHandlers,
  ) {
    this.ids = ids;
    this.index = new Map(ids.map((id, i) => [id, i]));
    this.majority = Math.floor(ids.length / 2) + 1;
    this.layout = ringLayout(ids, SIZE);
    this.reducedMotion = typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    svg.replaceChildren();
    svg.setAttribute('viewBox', `${-SIZE / 2} ${-SIZE / 2} ${SIZE} ${SIZE}`);
    svg.addEventListener('click', this.onBackgroundClick);
    this.root = add(svg, 'g', { class: 'cv-root' });
    // Zoom and pan load when a pointer first comes over the view (or it gets focus, or a zoom button is used).
    svg.addEventListener('pointerover', this.onZoomLoad);
    svg.addEventListener('focusin', this.onZoomLoad);
    this.linksG = add(this.root, 'g', { class: 'links' });
    this.cutsG = add(this.root, 'g', { class: 'cuts' });
    this.nodesG = add(this.root, 'g', { class: 'nodes' });
    this.textsG = add(this.root, 'g', { class: 'node-texts', 'aria-hidden': 'true' });
    // Clients and the time server live off the ring; their messages start and end here.
    this.hub = add(this.root, 'g', { class: 'hub', display: 'none' });
    add(this.hub, 'circle', { r: 9 });
    add(this.hub, 'text', { dy: '2.1em' }).textContent = 'clients';
    this.msgsG = add(this.root, 'g', { class: 'msgs' });
    // Hundreds of messages move every frame: as SVG elements each move restyled, re-laid out and
    // repainted the drawing (issue 11), so they are painted on a canvas laid over it instead.
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'cv-layer';
    this.canvas.setAttribute('aria-hidden', 'true');
    svg.after(this.canvas);
    this.painter = offscreenPainter(this.canvas);
    this.painter?.addEventListener('error', this.paintHere);
    this.ctx = this.painter === null ? canvasContext(this.canvas) : null;
    svg.addEventListener('click', this.onClickCapture, true);
    svg.addEventListener('pointermove', this.onPointerMove, { passive: true });
    svg.addEventListener('pointerleave', this.onPointerLeave, { passive: true });
    this.themeWatch = typeof MutationObserver === 'undefined' ? null : new MutationObserver(() => this.forgetPaints());
    this.themeWatch?.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class'] });
    this.buildNodes();
    this.resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this.rescale());
    this.resize?.observe(svg);
    this.rescale();
  }

  private readonly onBackgroundClick = (ev: MouseEvent): void => {
    if (ev.target === this.svg) this.handlers.onBackground();
  };

  private readonly onZoomLoad = (): void => void this.loadZoom();

  /**
   * Zoom and pan: pinch, ctrl+wheel (or the wheel where the page itself does not scroll) and the
   * zoom buttons; dragging pans once zoomed in. A page that scrolls keeps one-finger scrolling.
   * d3-zoom loads on first use, so the first frame does without it.
   */
  private loadZoom(): Promise<ZoomBehavior<SVGSVGElement, unknown>> {
    this.zoomLoading ??= import('./clusterZoom').then(({ zoom, zoomIdentity, select }) => {
      this.zoomIdentity = zoomIdentity;
      this.d3select = select;
      const z = zoom<SVGSVGElement, unknown>()
        .scaleExtent([1, ZOOM_MAX])
        .translateExtent([[-SIZE / 2, -SIZE / 2], [SIZE / 2, SIZE / 2]])
        .filter((ev: Event) => {
          if (ev.type === 'wheel') return (ev as WheelEvent).ctrlKey || !pageScrolls();
          if (ev.type === 'touchstart') return (ev as TouchEvent).touches.length >= 2 || this.zoomK > 1;
          if (ev.type === 'mousedown') return (ev as MouseEvent).button === 0 && this.zoomK > 1;
          return false;
        })
        .on('zoom', (ev: { transform: ZoomTransform }) => {
          this.root.setAttribute('transform', ev.transform.toString());
          this.zoomT = ev.transform;
          if (ev.transform.k !== this.zoomK) {
            this.zoomK = ev.transform.k;
            this.rescale();
            this.handlers.onZoom?.(this.zoomK);
          }
        });
      if (!this.destroyed) {
        this.svg.removeEventListener('pointerover', this.onZoomLoad);
        this.svg.removeEventListener('focusin', this.onZoomLoad);
        select(this.svg).call(z).on('dblclick.zoom', null);
      }
      this.zoomer = z;
      return z;
    });
    return this.zoomLoading;
  }

  /** Zooms by a factor (the zoom buttons), towards the selected node, else the leader, else the middle. */
  zoomBy(factor: number): void {
    void this.loadZoom().then((zoomer) => {
      if (this.destroyed) return;
      const sel = this.d3select!(this.svg);
      zoomer.scaleBy(sel, factor);
      const s = useSim.getState();
      const id = s.selection.node ?? s.leader;
      const p = id !== null && id !== undefined ? this.layout.pos.get(id) : undefined;
      if (p !== undefined && this.zoomK > 1.001) zoomer.translateTo(sel, p.x, p.y);
    });
  }

  zoomReset(): void {
    // Not loaded yet: nothing was zoomed.
    if (this.zoomer !== null) this.zoomer.transform(this.d3select!(this.svg), this.zoomIdentity!);
  }

  /**
   * Keeps text at MIN_TEXT_PX or more on screen whatever the element's size and the zoom: the CSS
   * sizes text in units of --u (drawing units per screen px); messages grow a little on small screens.
   */
  private rescale(): void {
    const r = this.svg.getBoundingClientRect();
    const side = Math.min(r.width, r.height);
    if (side > 0) this.fit = side / SIZE;
    // The viewBox is fitted and centred in the element (preserveAspectRatio xMidYMid meet).
    this.offX = (r.width - SIZE * this.fit) / 2;
    this.offY = (r.height - SIZE * this.fit) / 2;
    this.sizeCanvas(r.width, r.height);
    const px = this.fit * this.zoomK;
    const u = 1 / px;
    this.svg.style.setProperty('--u', u.toFixed(4));
    // Messages keep about the same size on screen whatever the zoom (a little bigger on small screens).
    this.msgScale = Math.max(1 / this.zoomK, Math.min(2.2, 0.75 * u));
    this.svg.style.setProperty('--um', (u / this.msgScale).toFixed(4));
    this.forgetPaints();
    this.svg.classList.toggle('zoomed', this.zoomK > 1.001);
    const L = this.layout;
    const spacingPx = this.ids.length > 1 ? ((2 * Math.PI * L.ringR) / this.ids.length) * px : Infinity;
    const step = Math.max(1, Math.ceil(LABEL_ROOM_PX / spacingPx));
    if (step !== this.labelStep) {
      this.labelStep = step;
      this.nodeSigs.clear();
      this.lastKey = '';
    }
    this.declutterDue = true;
  }

  /**
   * Hides node labels that would overlap another: labels of nodes worth a look (leader, candidates,
   * down, suspected, selected) are placed first, then the others in ring order. Runs only when a
   * label's text or the text size changed.
   */
  private declutter(): void {
    this.declutterDue = false;
    const items: Array<{ t: SVGTextElement; p: Point; notable: boolean; i: number }> = [];
    this.ids.forEach((id, i) => {
      const t = this.texts.get(id)?.querySelector<SVGTextElement>('text.nlabel');
      if (!t) return;
      t.removeAttribute('display');
      if (!t.textContent) return;
      items.push({ t, p: this.layout.pos.get(id)!, notable: t.dataset.notable === '1', i });
    });
    items.sort((a, b) => Number(b.notable) - Number(a.notable) || a.i - b.i);
    const placed: Array<{ x0: number; x1: number; y0: number; y1: number }> = [];
    const pad = 1.5 / (this.fit * this.zoomK);
    for (const it of items) {
      let b: DOMRect;
      try {
        b = it.t.getBBox();
      } catch {
        continue;
      }
      const box = { x0: it.p.x + b.x - pad, x1: it.p.x + b.x + b.width + pad, y0: it.p.y + b.y - pad, y1: it.p.y + b.y + b.height + pad };
      if (placed.some((q) => q.x0 < box.x1 && box.x0 < q.x1 && q.y0 < box.y1 && box.y0 < q.y1)) it.t.setAttribute('display', 'none');
      else placed.push(box);
    }
  }

  private buildNodes(): void {
    const L = this.layout;
    const r = L.nodeR;
    const timerTrack = ringArc(r + 2.5, r + 5.5, 1);
    for (const id of this.ids) {
      const p = L.pos.get(id)!;
      const transform = `translate(${p.x},${p.y})`;
      const g = add(this.nodesG, 'g', { class: 'node', transform, tabindex: 0, role: 'button', 'data-node': id });
      g.addEventListener('click', (ev: MouseEvent) => {
        ev.stopPropagation();
        this.handlers.onNode(id);
      });
      g.addEventListener('keydown', (ev: KeyboardEvent) => {
        if (ev.key === 'Enter' || ev.key === ' ') {
          ev.preventDefault();
          ev.stopPropagation();
          this.handlers.onNode(id);
        }
      });
      add(g, 'circle', { class: 'focus-ring', r: r + 15 });
      add(g, 'circle', { class: 'halo', r: r + 11 });
      add(g, 'circle', { class: 'sel-ring', r: r + 8 });
      add(g, 'path', { class: 'timer-track', d: timerTrack });
      add(g, 'path', { class: 'timer' });
      add(g, 'circle', { class: 'body', r });
      add(g, 'g', { class: 'votes' });
      add(g, 'title');
      this.nodeEls.set(id, g);
      const t = add(this.textsG, 'g', { class: 'ntext', 'data-node': id, transform });
      this.texts.set(id, t);
      // Big nodes carry their id and term inside; small ones (many nodes) get the id in the label outside.
      if (L.detail) {
        const nid = add(t, 'text', { class: 'nid', dy: '-0.1em' });
        nid.style.setProperty('--nid', `${Math.min(16, r * 0.55)}px`);
        nid.textContent = id;
        add(t, 'text', { class: 'nterm', dy: '1.1em' });
      }
      // Big nodes: the label is centred under the node (over it for the top ones), so a long one never
      // runs off the drawing's sides; small nodes: on the node's own ray, outside the ring.
      if (L.detail) {
        const above = p.y < -L.ringR * 0.5;
        add(t, 'text', { class: 'nlabel', x: 0, y: above ? -(r + 16) : r + 10, 'text-anchor': 'middle', 'data-place': above ? 'above' : 'below' });
      } else {
        const lp = labelPoint(L, id, 8);
        add(t, 'text', { class: 'nlabel', x: lp.x - p.x, y: lp.y - p.y, 'text-anchor': lp.anchor, 'data-place': lp.y < p.y - 1 ? 'above' : 'side' });
      }
    }
  }

  /** Draws the current state; cheap when nothing but time moved (then only the canvas is painted). */
  draw(): void {
    const d = getView();
    const s = useSim.getState();
    const now = d.now;
    const views = d.views();
    const sel = s.selection;
    if (this.materialized) this.dematerialize();
    const key = `${d.seq}|${sel.node}|${sel.message}|${d.cluster.nodeIds.length}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.drawNodes(views, sel.node);
      this.drawLinks(views);
    }
    if (this.declutterDue) this.declutter();
    const msgs = d.inFlight();
    this.place(msgs, now);
    this.paint(views, msgs, now, electionTimeoutOf(s.run)[1], sel.message);
    if (this.svgCopies) this.materialize();
  }

  /** Keeps SVG copies of the messages and timers in the SVG every frame (the browser tests check their colours). */
  svgCopies = false;

  private drawNodes(views: NodeView[], selected: string | null): void {
    const byId = new Map(views.map((v) => [v.id, v]));
    const groups = getView().cluster.groups();
    const distinct = [...new Set(Object.values(groups))];
    const partitioned = distinct.length > 1;
    const majority = this.majority;
    const L = this.layout;
    const sigs = this.nodeSigs;
    const step = this.labelStep;
    const index = this.index;
    let due = false;
    // How many up nodes' failure detectors suspect each node.
    const suspected = new Map<string, number>();
    for (const v of views) if (v.up) for (const p of v.suspects) suspected.set(p, (suspected.get(p) ?? 0) + 1);
    for (const [id, g] of this.nodeEls) {
      const v = byId.get(id);
      if (v === undefined) continue;
      const sus = suspected.get(id) ?? 0;
      const cls = nodeClass(v, id === selected, sus);
      // Most events change no node's look: skip nodes whose drawn state is unchanged.
      const sig = `${cls}|${sus}|${v.term}|${v.votes.length}|${v.commitIndex}|${v.log.length}|${partitioned ? distinct.indexOf(groups[id]) : -1}|${step}`;
      if (sigs.get(id) === sig) continue;
      sigs.set(id, sig);
      const tg = this.texts.get(id)!;
      const aria = nodeAriaLabel(v, majority, sus);
      tg.setAttribute('class', cls.replace(/^node/, 'ntext'));
      g.setAttribute('class', cls);
      g.setAttribute('aria-label', aria);
      g.setAttribute('aria-pressed', id === selected ? 'true' : 'false');
      g.querySelector('circle.halo')!.setAttribute('class', partitioned ? `halo on g${distinct.indexOf(groups[id]) % 6}` : 'halo');
      const nterm = tg.querySelector('text.nterm');
      if (nterm !== null) nterm.textContent = `T${v.term}`;
      // The role on one line, what is wrong with the node (cut off, suspected) on a second; a plain
      // follower needs no words (its colour says it). Small nodes lead with their id, thinned out
      // where they crowd (every step-th one, and any node worth a look).
      const notable = v.role !== 'follower' || !v.up || !v.connected || sus > 0 || id === selected;
      const parts = notable ? roleLabel(v, majority, sus).split(' · ') : [];
      if (v.up && v.role === 'follower' && v.connected) parts.shift();
      let lines: string[];
      if (L.detail) lines = parts.length > 1 ? [parts[0], parts.slice(1).join(' · ')] : parts;
      else if (notable || (index.get(id) ?? 0) % step === 0) lines = [id, ...(parts.length > 0 ? [parts.join(' · ')] : [])];
      else lines = [];
      const label = tg.querySelector<SVGTextElement>('text.nlabel')!;
      const place = label.getAttribute('data-place');
      setAttr(label, 'data-notable', notable ? '1' : null);
      if (label.textContent !== lines.join('')) due = true;
      const x = label.getAttribute('x');
      keep(label, 'tspan', lines.length).forEach((span, i) => {
        setAttr(span, 'x', x);
        span.setAttribute('dy', i > 0 ? '1.15em' : place === 'below' ? '0.85em' : place === 'above' && lines.length > 1 ? '-1.15em' : '0');
        span.textContent = lines[i];
      });
      g.querySelector('title')!.textContent = aria;
      // Votes: one dot per vote needed for a majority, filled when granted.
      const dots = v.up && v.role === 'candidate' && L.detail ? Array.from({ length: majorityOf(v, majority) }, (_, i) => i < v.votes.length) : [];
      const rr = L.nodeR + 9;
      keep(g.querySelector('g.votes')!, 'circle', dots.length).forEach((dot, i) => {
        dot.setAttribute('r', '2.6');
        dot.setAttribute('class', dots[i] ? 'vote on' : 'vote');
        dot.setAttribute('cx', String(rr * Math.cos(-Math.PI / 2 + (i - (dots.length - 1) / 2) * 0.32)));
        dot.setAttribute('cy', String(rr * Math.sin(-Math.PI / 2 + (i - (dots.length - 1) / 2) * 0.32)));
      });
    }
    if (due) this.declutterDue = true;
  }

  private drawLinks(views: NodeView[]): void {
    const L = this.layout;
    const c = getView().cluster;
    const groups = c.groups();
    const cutList = c.cutLinks();
    const sig = `${JSON.stringify(groups)}|${views.map((v) => (v.connected ? 1 : 0)).join('')}|${cutList.join(';')}`;
    if (sig === this.linkSig) return;
    this.linkSig = sig;
    const up = new Map(views.map((v) => [v.id, v]));
    // Every pair of nodes (up to 12 nodes; the ring's nodes never change in a drawing), built once.
    if (this.ids.length <= 12) {
      for (let i = 0; i < this.ids.length; i++) {
        for (let j = i + 1; j < this.ids.length; j++) {
          const a = this.ids[i];
          const b = this.ids[j];
          const blocked = groups[a] !== groups[b] || !up.get(a)?.connected || !up.get(b)?.connected;
          const cls = blocked ? 'link blocked' : 'link';
          const line = this.linkEls.get(`${a}-${b}`);
          if (line !== undefined) line.setAttribute('class', cls);
          else {
            const pa = L.pos.get(a)!;
            const pb = L.pos.get(b)!;
            this.linkEls.set(`${a}-${b}`, add(this.linksG, 'line', { class: cls, x1: pa.x, y1: pa.y, x2: pb.x, y2: pb.y }));
          }
        }
      }
    }
    // One-way cuts: a red stub from the sender toward the receiver, ending in a cross.
    const keys = new Set(cutList.map(([from, to]) => `${from}>${to}`));
    for (const [k, g] of this.cutEls) {
      if (keys.has(k)) continue;
      g.remove();
      this.cutEls.delete(k);
    }
    let at: Element | null = this.cutsG.firstElementChild;
    for (const [from, to] of cutList) {
      const k = `${from}>${to}`;
      let g = this.cutEls.get(k);
      if (g === undefined) {
        g = document.createElementNS(SVG_NS, 'g');
        g.setAttribute('class', 'cut');
        add(g, 'line');
        add(g, 'path', { class: 'cross' });
        add(g, 'title');
        this.cutEls.set(k, g);
      }
      // In the order of the list.
      if (g !== at) this.cutsG.insertBefore(g, at);
      else at = at.nextElementSibling;
      const a = messagePoint(L, { from, to, sentAt: 0, arriveAt: 1 }, 0, 7);
      const b = messagePoint(L, { from, to, sentAt: 0, arriveAt: 1 }, 0.45, 7);
      const line = g.querySelector('line')!;
      line.setAttribute('x1', String(a.x));
      line.setAttribute('y1', String(a.y));
      line.setAttribute('x2', String(b.x));
      line.setAttribute('y2', String(b.y));
      g.querySelector('path.cross')!.setAttribute('d', `M${b.x - 5},${b.y - 5}L${b.x + 5},${b.y + 5}M${b.x - 5},${b.y + 5}L${b.x + 5},${b.y - 5}`);
      g.querySelector('title')!.textContent = `link ${from} → ${to} is cut`;
    }
  }

  /** Where each message in flight is now (drawing units), remembering each one's look while it flies. */
  private place(msgs: readonly InFlight[], now: number): void {
    const L = this.layout;
    const idx = this.index;
    const seen = (this.frameMark = (this.frameMark + 1) | 0);
    const out: DrawnMessage[] = [];
    let offRing = false;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      const key = m.duplicate ? -m.id : m.id;
      let mark = this.marks.get(key);
      if (mark === undefined) {
        mark = { look: messageLook(m), seen };
        this.marks.set(key, mark);
      }
      mark.seen = seen;
      const lane = (idx.get(m.from) ?? -1) < (idx.get(m.to) ?? -1) ? 7 : -7;
      const p = messagePoint(L, m, now, lane);
      out.push({ id: m.id, type: m.type, count: mark.look.count, x: p.x, y: p.y });
      if (!offRing) offRing = !idx.has(m.from) || !idx.has(m.to);
    }
    for (const [key, mark] of this.marks) if (mark.seen !== seen) this.marks.delete(key);
    this.drawn = out;
    if (offRing !== this.hubShown && this.ids.length > 1) {
      this.hubShown = offRing;
      setAttr(this.hub, 'display', offRing ? null : 'none');
    }
  }

  /**
   * Sizes the canvas over the SVG (device pixels, so it stays sharp): over the fitted square of the
   * drawing at zoom 1 (nothing is drawn outside it, and every pixel costs a copy each frame), over the
   * whole element once zoomed in.
   */
  private sizeCanvas(w: number, h: number): void {
    const dpr = Math.max(1, Math.min(3, window.devicePixelRatio || 1));
    this.dpr = dpr;
    const whole = this.zoomK > 1.001;
    const side = SIZE * this.fit;
    this.regionX = whole ? 0 : Math.max(0, Math.floor(this.offX));
    this.regionY = whole ? 0 : Math.max(0, Math.floor(this.offY));
    const cw = whole ? w : Math.min(w - this.regionX, Math.ceil(side) + 1);
    const ch = whole ? h : Math.min(h - this.regionY, Math.ceil(side) + 1);
    const c = this.canvas;
    // Laid over the SVG inside their shared parent (positioned by the CSS).
    const parent = this.svg.parentElement;
    const box = this.svg.getBoundingClientRect();
    const pr = parent?.getBoundingClientRect();
    c.style.left = `${(pr ? box.left - pr.left - (parent?.clientLeft ?? 0) : 0) + this.regionX}px`;
    c.style.top = `${(pr ? box.top - pr.top - (parent?.clientTop ?? 0) : 0) + this.regionY}px`;
    c.style.width = `${Math.max(0, cw)}px`;
    c.style.height = `${Math.max(0, ch)}px`;
    const pw = Math.max(1, Math.round(cw * dpr));
    const ph = Math.max(1, Math.round(ch * dpr));
    if (pw === this.pw && ph === this.ph) return;
    this.pw = pw;
    this.ph = ph;
    if (this.painter !== null) this.post({ size: [pw, ph] });
    else {
      c.width = pw;
      c.height = ph;
    }
  }

  /** Canvas px per drawing unit, and where drawing point 0,0 is on the canvas (zoom included). */
  private canvasMap(): { s: number; x0: number; y0: number } {
    const t = this.zoomT;
    const f = this.fit * this.dpr;
    return {
      s: f * t.k,
      x0: this.dpr * (this.offX - this.regionX) + f * (t.x + SIZE / 2),
      y0: this.dpr * (this.offY - this.regionY) + f * (t.y + SIZE / 2),
    };
  }

  /** Paints the moving things: election-timer arcs, then the messages in flight (oldest first, as the SVG stacked them). */
  private paint(views: readonly NodeView[], msgs: readonly InFlight[], now: number, maxTimeoutMs: number, selected: number | null): void {
    if (this.ctx === null && this.painter === null) return;
    const { s, x0, y0 } = this.canvasMap();
    // A paused or idle run paints nothing new: the canvas is left alone (no frame to hand to the compositor).
    const sig = `${getView().seq}|${now}|${msgs.length}|${selected}|${s}|${x0}|${y0}|${this.pw}x${this.ph}|${this.paints.size}|${this.timerColours === null}`;
    if (sig === this.paintedSig) return;
    this.paintedSig = sig;
    const L = this.layout;
    const need = views.length * TIMER_LEN + msgs.length * MESSAGE_LEN;
    if (this.cmds.length < need) this.cmds = new Float64Array(need * 2);
    const c = this.cmds;
    let n = 0;
    // Election timers: the share of the timeout left, an arc from 12 o'clock clockwise (§5.2).
    if (this.timerColours === null) {
      this.timerColours = this.readTimerColours();
      this.tables.timer = this.timerColours;
      this.tablesSent = false;
    }
    const r0 = L.nodeR + 2.5;
    const r1 = L.nodeR + 5.5;
    for (const v of views) {
      if (!v.up || v.role === 'leader') continue;
      const share = timerShare(v.electionDeadline, now, maxTimeoutMs);
      if (!(share > 0)) continue;
      const p = L.pos.get(v.id);
      if (p === undefined) continue;
      c[n] = OP_TIMER;
      c[n + 1] = s;
      c[n + 2] = x0 + s * p.x;
      c[n + 3] = y0 + s * p.y;
      c[n + 4] = r0;
      c[n + 5] = r1;
      c[n + 6] = share;
      c[n + 7] = share < 0.2 ? 1 : 0;
      n += TIMER_LEN;
    }
    const k = s * this.msgScale;
    const reduced = this.reducedMotion;
    const drawn = this.drawn;
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i];
      const mark = this.marks.get(m.duplicate ? -m.id : m.id);
      const at = drawn[i];
      if (mark === undefined || at === undefined) continue;
      const alpha = m.lost ? (reduced ? 0.45 : lostOpacity(progressOf(m, now))) : 1;
      if (alpha <= 0) continue;
      c[n] = OP_MESSAGE;
      c[n + 1] = k;
      c[n + 2] = x0 + s * at.x;
      c[n + 3] = y0 + s * at.y;
      c[n + 4] = alpha;
      c[n + 5] = m.duplicate ? 1 : 0;
      c[n + 6] = this.paintIndexOf(m.id === selected ? `${mark.look.cls} selected` : mark.look.cls);
      c[n + 7] = indexIn(this.pathIndex, this.tables.paths, mark.look.path, this.added);
      c[n + 8] = mark.look.count === '' ? -1 : indexIn(this.countIndex, this.tables.counts, mark.look.count, this.added);
      n += MESSAGE_LEN;
    }
    if (this.painter !== null) {
      if (!this.tablesSent) {
        this.post({ tables: this.tables });
        this.tablesSent = true;
      }
      this.post({ cmds: c.slice(0, n), n });
    } else if (this.ctx !== null) {
      if (!this.tablesSent) {
        this.localPaths = [];
        this.tablesSent = true;
      }
      replay(this.ctx, this.canvas.width, this.canvas.height, c, n, this.tables, this.localPaths);
    }
  }

  /** A new entry in the tables (the worker must get them again): the entry is the key itself. */
  private readonly added = (key: string): string => {
    this.tablesSent = false;
    return key;
  };

  private post(m: PainterMessage): void {
    this.painter?.postMessage(m);
  }

  /** The index of a class of message's paint in the tables (read from the CSS the first time). */
  private paintIndexOf(cls: string): number {
    return indexIn(this.paintIndex, this.tables.paints, cls, () => {
      this.tablesSent = false;
      return this.paintOf(cls);
    });
  }

  /** Colours change with the theme, text sizes with the zoom: read them again from the CSS when needed. */
  private forgetPaints(): void {
    this.paints.clear();
    this.paintIndex.clear();
    this.tables = { ...this.tables, paints: [] };
    this.tablesSent = false;
    this.timerColours = null;
    this.paintedSig = '';
  }

  /** What the canvas shows now (run position, selection, geometry), to skip repainting the same picture. */
  private paintedSig = '';

  private readTimerColours(): { on: string; low: string } {
    const cs = getComputedStyle(this.svg);
    return { on: cs.getPropertyValue('--timer').trim() || '#888', low: cs.getPropertyValue('--candidate').trim() || '#e0a000' };
  }

  /**
   * How a class of message looks, read once (per theme and zoom) from a hidden SVG copy styled by the
   * page's `.cv .msg …` rules, so the canvas, the legend and an exported SVG all follow the same CSS.
   */
  private paintOf(cls: string): MessagePaint {
    const known = this.paints.get(cls);
    if (known !== undefined) return known;
    const probe = this.svgMessage({ path: '', cls, count: '0' }, true);
    probe.setAttribute('visibility', 'hidden');
    this.msgsG.appendChild(probe);
    const shape = getComputedStyle(probe.querySelector('.shape')!);
    const ring = getComputedStyle(probe.querySelector('.dup-ring')!);
    const text = getComputedStyle(probe.querySelector('.count')!);
    const colour = (v: string): string | null => (v === '' || v === 'none' ? null : v);
    const px = (v: string): number => {
      const n = parseFloat(v);
      return Number.isFinite(n) ? n : 0;
    };
    const dash = (v: string): number[] => (v === '' || v === 'none' ? [] : v.split(/[\s,]+/).map(px).filter((n) => n > 0));
    const paint: MessagePaint = {
      fill: colour(shape.fill),
      stroke: colour(shape.stroke),
      strokeWidth: px(shape.strokeWidth),
      dash: dash(shape.strokeDasharray),
      ringStroke: colour(ring.stroke) ?? 'transparent',
      ringWidth: px(ring.strokeWidth),
      ringDash: dash(ring.strokeDasharray),
      text: colour(text.fill) ?? '#fff',
      font: `${text.fontWeight} ${text.fontSize} ${text.fontFamily}`,
    };
    probe.remove();
    this.paints.set(cls, paint);
    return paint;
  }

  /** An SVG element for a message (export copies and style probes). */
  private svgMessage(look: { path: string; cls: string; count: string }, probe = false, duplicate = probe): SVGGElement {
    const g = document.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', `msg ${look.cls}`);
    if (duplicate) {
      const ring = document.createElementNS(SVG_NS, 'circle');
      ring.setAttribute('class', 'dup-ring');
      ring.setAttribute('r', '11');
      g.appendChild(ring);
    }
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('class', 'shape');
    path.setAttribute('d', look.path);
    g.appendChild(path);
    if (look.count) {
      const text = document.createElementNS(SVG_NS, 'text');
      text.setAttribute('class', 'count');
      text.setAttribute('dy', '0.35em');
      text.textContent = look.count;
      g.appendChild(text);
    }
    return g;
  }

  /**
   * Puts SVG copies of what the canvas shows (messages, timer arcs) into the SVG, for an export that
   * looks like the screen; the next frame takes them out again.
   */
  materialize(): void {
    if (this.materialized) this.dematerialize();
    this.materialized = true;
    const d = getView();
    const s = useSim.getState();
    const now = d.now;
    const msgs = d.inFlight();
    this.place(msgs, now);
    const parent = this.msgsG;
    const scale = Math.abs(this.msgScale - 1) > 0.005 ? ` scale(${this.msgScale.toFixed(2)})` : '';
    msgs.forEach((m, i) => {
      const mark = this.marks.get(m.duplicate ? -m.id : m.id);
      const at = this.drawn[i];
      if (mark === undefined || at === undefined) return;
      const g = this.svgMessage(mark.look, false, m.duplicate);
      g.setAttribute('data-msg', String(m.id));
      g.setAttribute('transform', `translate(${at.x.toFixed(1)},${at.y.toFixed(1)})${scale}`);
      if (m.lost) g.setAttribute('opacity', (this.reducedMotion ? 0.45 : lostOpacity(progressOf(m, now))).toFixed(2));
      if (m.id === s.selection.message) g.classList.add('selected');
      parent.appendChild(g);
    });
    const r = this.layout.nodeR;
    const byId = new Map(d.views().map((v) => [v.id, v]));
    const maxTimeout = electionTimeoutOf(s.run)[1];
    for (const [id, g] of this.nodeEls) {
      const v = byId.get(id);
      const share = v && v.up && v.role !== 'leader' ? timerShare(v.electionDeadline, now, maxTimeout) : 0;
      const timer = g.querySelector('path.timer')!;
      setAttr(timer, 'd', share > 0 ? ringArc(r + 2.5, r + 5.5, share) : null);
      timer.setAttribute('class', share > 0 && share < 0.2 ? 'timer low' : 'timer');
    }
  }

  private dematerialize(): void {
    this.materialized = false;
    for (const m of this.msgsG.querySelectorAll('g.msg')) m.remove();
    for (const t of this.nodesG.querySelectorAll('path.timer')) t.removeAttribute('d');
  }

  /** The messages as last drawn, with where they are on screen (client px): for clicks and the browser tests. */
  drawnMessages(): Array<DrawnMessage & { clientX: number; clientY: number }> {
    const r = this.svg.getBoundingClientRect();
    const { s, x0, y0 } = this.canvasMap();
    return this.drawn.map((m) => ({ ...m, clientX: r.left + this.regionX + (x0 + s * m.x) / this.dpr, clientY: r.top + this.regionY + (y0 + s * m.y) / this.dpr }));
  }

  /** The message under a point of the screen (client px), the nearest one within reach of a finger or pointer. */
  messageAt(clientX: number, clientY: number): number | null {
    if (this.drawn.length === 0) return null;
    const r = this.svg.getBoundingClientRect();
    const { s, x0, y0 } = this.canvasMap();
    const px = ((clientX - r.left - this.regionX) * this.dpr - x0) / s;
    const py = ((clientY - r.top - this.regionY) * this.dpr - y0) / s;
    // About the largest shape (a snapshot square of 9.5), and never less than 12 screen px.
    const reach = Math.max(11 * this.msgScale, (12 * this.dpr) / s);
    let best: number | null = null;
    let bestD = reach * reach;
    // Later messages are painted over earlier ones: on a tie the topmost wins.
    for (let i = this.drawn.length - 1; i >= 0; i--) {
      const m = this.drawn[i];
      const d2 = (m.x - px) ** 2 + (m.y - py) ** 2;
      if (d2 < bestD) {
        bestD = d2;
        best = m.id;
      }
    }
    return best;
  }

  /** Messages are painted over the nodes: a click on one selects it before the node under it sees the click. */
  private readonly onClickCapture = (ev: MouseEvent): void => {
    const id = this.messageAt(ev.clientX, ev.clientY);
    if (id === null) return;
    ev.stopPropagation();
    this.handlers.onMessage(id);
  };

  private pointerOver = false;
  private readonly onPointerMove = (ev: PointerEvent): void => {
    const over = ev.pointerType !== 'touch' && this.messageAt(ev.clientX, ev.clientY) !== null;
    if (over === this.pointerOver) return;
    this.pointerOver = over;
    this.svg.classList.toggle('over-msg', over);
  };

  private readonly onPointerLeave = (): void => {
    if (!this.pointerOver) return;
    this.pointerOver = false;
    this.svg.classList.remove('over-msg');
  };

  /** The SVG element, for export. */
  element(): SVGSVGElement {
    return this.svg;
  }

  destroy(): void {
    this.destroyed = true;
    this.resize?.disconnect();
    this.themeWatch?.disconnect();
    this.marks.clear();
    this.svg.removeEventListener('click', this.onClickCapture, true);
    this.svg.removeEventListener('pointermove', this.onPointerMove);
    this.svg.removeEventListener('pointerleave', this.onPointerLeave);
    this.painter?.terminate();
    this.canvas.remove();
    this.svg.removeEventListener('click', this.onBackgroundClick);
    this.svg.removeEventListener('pointerover', this.onZoomLoad);
    this.svg.removeEventListener('focusin', this.onZoomLoad);
    this.d3select?.(this.svg).on('.zoom', null);
    this.svg.replaceChildren();
  }
}

/** Index of `key` in `list` (`value()` is appended the first time). */
function indexIn<T>(index: Map<string, number>, list: T[], key: string, value: (key: string) => T): number {
  let i = index.get(key);
  if (i === undefined) {
    i = list.length;
    list.push(value(key));
    index.set(key, i);
  }
  return i;
}

/**
 * A worker painting the canvas through an OffscreenCanvas: rasterizing the messages and handing the canvas
 * to the compositor then cost the page's main thread nothing (they were about 2 ms of every frame with
 * software rendering, issue 11). Null where there is no OffscreenCanvas or no module worker (then the
 * canvas is painted here).
 */
function offscreenPainter(c: HTMLCanvasElement): Worker | null {
  if (typeof navigator !== 'undefined' && /jsdom/i.test(navigator.userAgent)) return null;
  if (typeof Worker === 'undefined' || typeof c.transferControlToOffscreen !== 'function') return null;
  let w: Worker | null = null;
  try {
    w = new Worker(new URL('./canvasPaint.worker.ts', import.meta.url), { type: 'module', name: 'cluster-painter' });
    const off = c.transferControlToOffscreen();
    w.postMessage({ canvas: off } satisfies PainterMessage, [off]);
    return w;
  } catch {
    w?.terminate();
    return null;
  }
}

/** The canvas's 2D context; none where there is no canvas (jsdom in the unit tests): then positions are still kept for clicks. */
function canvasContext(c: HTMLCanvasElement): CanvasRenderingContext2D | null {
  if (typeof navigator !== 'undefined' && /jsdom/i.test(navigator.userAgent)) return null;
  try {
    return c.getContext('2d');
  } catch {
    return null;
  }
}


/** Whether the page scrolls vertically (then the wheel scrolls it rather than zooming the drawing). */
function pageScrolls(): boolean {
  const el = document.scrollingElement ?? document.documentElement;
  return el.scrollHeight > window.innerHeight + 1;
}
