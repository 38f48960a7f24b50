// Breadth-first search over the explorer's moves: every distinct state once, the shortest run to a broken property first.
//
// States are told apart by their canonical key (model.ts). The search keeps, per state, only its
// parent and the move that reached it (8 bytes) and a 64-bit hash of its key: a state is rebuilt
// from an ancestor when it is expanded. Breadth-first order means the first state found with a
// broken property is at the smallest depth there is, so its run is a shortest counterexample.
// Two different keys hashing alike would merge two states; with 64 bits and a million states the
// chance is about 3 in 100 million (`exactKeys` keeps the keys themselves, for tests).
import { applyMove, copyWorld, movesOf, stateKey, touchedBy, type Bounds, type Fixed, type Move, type TimerName, type World } from './model';

// ---- moves packed in a number: kind (3 bits), copy (1), node (5), timer (2), then the message id or proposal ----

const KINDS = ['deliver', 'fire', 'drop', 'duplicate', 'crash', 'restart', 'propose'] as const;
const TIMER_CODES: readonly TimerName[] = ['election', 'heartbeat', 'replicate'];

function pack(m: Move, proposals: readonly string[]): number {
  const k = KINDS.indexOf(m.kind);
  switch (m.kind) {
    case 'deliver':
      return k + (m.copy ? 8 : 0) + m.id * 2048;
    case 'drop':
    case 'duplicate':
      return k + m.id * 2048;
    case 'fire':
      return k + m.node * 16 + TIMER_CODES.indexOf(m.timer) * 512;
    case 'crash':
    case 'restart':
      return k + m.node * 16;
    case 'propose':
      return k + m.node * 16 + proposals.indexOf(m.command) * 2048;
  }
}

function unpack(code: number, proposals: readonly string[]): Move {
  const kind = KINDS[code % 8];
  const node = Math.floor(code / 16) % 32;
  const rest = Math.floor(code / 2048);
  switch (kind) {
    case 'deliver':
      return { kind, id: rest, copy: (code & 8) !== 0 };
    case 'drop':
    case 'duplicate':
      return { kind, id: rest };
    case 'fire':
      return { kind, node, timer: TIMER_CODES[Math.floor(code / 512) % 4] };
    case 'crash':
    case 'restart':
      return { kind, node };
    case 'propose':
      return { kind, node, command: proposals[rest] };
  }
}

// ---- a set of 64-bit hashes (open addressing; (0, 0) marks an empty slot) ----

function hash64(s: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  h1 >>>= 0;
  h2 >>>= 0;
  if (h1 === 0 && h2 === 0) h2 = 1;
  return [h1, h2];
}

class HashSet64 {
  private a = new Uint32Array(1 << 12);
  private b = new Uint32Array(1 << 12);
  size = 0;

  /** Adds the hash; false when it was there already. */
  add(h1: number, h2: number): boolean {
    if ((this.size + 1) * 2 > this.a.length) this.grow();
    const mask = this.a.length - 1;
    let i = h1 & mask;
    for (;;) {
      const x = this.a[i];
      const y = this.b[i];
      if (x === 0 && y === 0) {
        this.a[i] = h1;
        this.b[i] = h2;
        this.size++;
        return true;
      }
      if (x === h1 && y === h2) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { a, b } = this;
    this.a = new Uint32Array(a.length * 2);
    this.b = new Uint32Array(b.length * 2);
    this.size = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== 0 || b[i] !== 0) this.add(a[i], b[i]);
  }

  get bytes(): number {
    return this.a.byteLength + this.b.byteLength;
  }
}

/** A growing column of numbers. */
class Column {
  data = new Float64Array(1 << 12);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
}

export type StopReason = 'exhausted' | 'max-states' | 'violation';

export interface SearchStats {
  /** Distinct states found (the start included). */
  states: number;
  /** Moves made (each a state visited; those already seen were pruned). */
  transitions: number;
  /** Depth being expanded (its states are at this many moves from the start). */
  depth: number;
  /** States at `depth` waiting to be expanded, and expanded so far. */
  frontier: number;
  expanded: number;
  /** States per depth (index = moves from the start). */
  perDepth: number[];
  /** Set once the search is over. */
  stopped?: StopReason;
  /** Bytes the search keeps (hashes, parents, moves), roughly. */
  bytes: number;
}

export interface Found {
  /** The moves from the start, in order. */
  readonly moves: readonly Move[];
  /** The broken property as the checker put it. */
  readonly violation: string;
}

export class Search {
  private readonly seen = new HashSet64();
  private readonly exact: Set<string> | undefined;
  /** Per state: its parent's number (-1 for the start) and the packed move that reached it. */
  private readonly parent = new Column();
  private readonly move = new Column();
  private frontier: number[] = [0];
  private next: number[] = [];
  private at = 0;
  private depth = 0;
  /** The last rebuilt path: cache[d] is the world of state cacheIds[d], at depth d. */
  private readonly cache: World[] = [];
  private readonly cacheIds: number[] = [];
  private transitions = 0;
  private readonly perDepth = [1];
  private stoppedBy: StopReason | undefined;
  found: Found | undefined;

  constructor(
    private readonly root: World,
    private readonly fixed: Fixed,
    readonly bounds: Bounds,
    options: { exactKeys?: boolean } = {},
  ) {
    this.exact = options.exactKeys === true ? new Set() : undefined;
    this.remember(stateKey(root, true));
    this.parent.push(-1);
    this.move.push(0);
    this.cache[0] = root;
    this.cacheIds[0] = 0;
    if (root.violation !== null) this.stop('violation', { moves: [], violation: root.violation });
    else if (bounds.maxDepth <= 0) this.stop('exhausted');
  }

  get done(): boolean {
    return this.stoppedBy !== undefined;
  }

  get stats(): SearchStats {
    return {
      states: this.seen.size,
      transitions: this.transitions,
      depth: this.depth,
      frontier: this.frontier.length,
      expanded: this.at,
      perDepth: [...this.perDepth],
      ...(this.stoppedBy !== undefined ? { stopped: this.stoppedBy } : {}),
      bytes: this.seen.bytes + this.parent.data.byteLength + this.move.data.byteLength + 4 * (this.frontier.length + this.next.length),
    };
  }

  private remember(key: string): boolean {
    if (this.exact !== undefined) {
      if (this.exact.has(key)) return false;
      this.exact.add(key);
    }
    const [h1, h2] = hash64(key);
    const added = this.seen.add(h1, h2);
    // Exact keys are the truth: a hash collision then still counts as a new state.
    if (!added && this.exact !== undefined) this.seen.size++;
    return added || this.exact !== undefined;
  }

  private stop(reason: StopReason, found?: Found): void {
    this.stoppedBy = reason;
    if (found !== undefined) this.found = found;
  }

  /** The moves from the start to state `s`. */
  pathTo(s: number): Move[] {
    const codes: number[] = [];
    for (let x = s; x > 0; x = this.parent.data[x]) codes.push(this.move.data[x]);
    return codes.reverse().map((c) => unpack(c, this.bounds.proposals));
  }

  /** State `s`'s world (at the current depth), rebuilt from the deepest ancestor still cached. */
  private worldOf(s: number): World {
    const chain: number[] = [];
    let x = s;
    let d = this.depth;
    while (this.cacheIds[d] !== x) {
      chain.push(x);
      x = this.parent.data[x];
      d--;
    }
    let w = this.cache[d];
    for (let i = chain.length - 1; i >= 0; i--) {
      const id = chain[i];
      const move = unpack(this.move.data[id], this.bounds.proposals);
      const next = copyWorld(w, this.fixed, touchedBy(w, move));
      applyMove(next, this.fixed, move);
      d++;
      this.cache[d] = next;
      this.cacheIds[d] = id;
      w = next;
    }
    return w;
  }

  /** Expands up to `budget` states (resumable: call again until done). */
  run(budget: number): void {
    const { bounds, fixed } = this;
    for (let n = 0; n < budget && !this.done; n++) {
      if (this.at >= this.frontier.length) {
        // The whole depth is done: go one deeper.
        if (this.next.length === 0 || this.depth + 1 >= bounds.maxDepth) {
          if (this.next.length > 0) this.depth++;
          this.stop('exhausted');
          return;
        }
        this.frontier = this.next;
        this.next = [];
        this.at = 0;
        this.depth++;
        continue;
      }
      const s = this.frontier[this.at++];
      const w = this.worldOf(s);
      for (const move of movesOf(w, bounds, fixed)) {
        const child = copyWorld(w, fixed, touchedBy(w, move));
        applyMove(child, fixed, move);
        this.transitions++;
        if (!this.remember(stateKey(child, true))) continue;
        const id = this.parent.length;
        this.parent.push(s);
        this.move.push(pack(move, bounds.proposals));
        if (this.perDepth.length <= this.depth + 1) this.perDepth.push(0);
        this.perDepth[this.depth + 1]++;
        if (child.violation !== null) {
          this.depth++;
          this.stop('violation', { moves: this.pathTo(id), violation: child.violation });
          return;
        }
        if (this.seen.size >= bounds.maxStates) {
          // The deepest states reached are the children being added, one move past the frontier.
          this.depth = this.perDepth.length - 1;
          this.stop('max-states');
          return;
        }
        this.next.push(id);
      }
    }
  }
}
