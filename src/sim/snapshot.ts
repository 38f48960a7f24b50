// Snapshots of a whole simulation by walking its object graph; restoring writes every saved object back in place.
//
// What counts as state, and the rules that keep a snapshot exact (tests/sim/snapshot.test.ts checks
// that a restored run equals a full replay):
// - Everything mutable is reachable from the root through own properties, arrays, Maps, Sets or
//   typed arrays. Closures are not looked into: a closure may hold immutable values, or objects that
//   are also reachable through data.
// - A frozen object is immutable: it is shared between snapshots, never copied, never walked.
//   Per-message and per-entry objects are frozen for this reason (and memory).
// - An object can take over its own saving with a SnapshotHook (e.g. the journal, which is not
//   state: it only restarts its window), or be left out entirely with `notSnapshotted`.
// Arrays, Maps and Sets are saved in chunks; a chunk equal to the one saved last time is shared, so
// a growing log costs only its new tail per snapshot. Likewise an object whose properties did not
// change since the last snapshot shares its saved record.

/** Implemented by objects that save and restore themselves (under the SNAPSHOT key). */
export interface SnapshotHook {
  /** What to keep; `visit` hands the walker objects the saved data refers to that may change (they are saved too). */
  save(visit: (o: unknown) => void): unknown;
  restore(saved: unknown): void;
}

export const SNAPSHOT: unique symbol = Symbol('snapshot hook');

export interface HasSnapshotHook {
  [SNAPSHOT]: SnapshotHook;
}

const excluded = new WeakSet<object>();

/** Leaves `o` (and whatever only it reaches) out of every snapshot: it is not state (caches, observers, unique-id counters). */
export function notSnapshotted<T extends object>(o: T): T {
  excluded.add(o);
  return o;
}

const CHUNK = 128;
/** Stands for a hole of a sparse array (not the same as an undefined element). */
const HOLE = Symbol('hole');

const OBJECT = 0;
const ARRAY = 1;
const MAP = 2;
const SET = 3;
const TYPED = 4;
const HOOK = 5;

type Chunk = readonly unknown[];

/** One object's saved state. Shared by consecutive snapshots while the object does not change. */
interface Saved {
  readonly kind: number;
  /** OBJECT: own keys; ARRAY/MAP/SET: element count (MAP: 2 per entry). */
  readonly keys: readonly string[] | number;
  /** OBJECT: values in key order; ARRAY/MAP/SET: chunks; TYPED: a copy; HOOK: what the hook saved. */
  readonly data: unknown;
}

/** Chunks holding no walkable object (primitives, frozen or excluded objects): nothing in them can change. */
const inert = new WeakSet<Chunk>();

export interface Snapshot {
  readonly objects: readonly object[];
  readonly saved: readonly Saved[];
  /** Rough bytes this snapshot added over the one before it (shared parts are counted once). */
  readonly bytes: number;
}

type Typed = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Int16Array | Uint8Array | Int8Array;

function walkable(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Object.isFrozen(v) && !excluded.has(v);
}

/**
 * Takes snapshots of one object graph (one simulated cluster). It remembers what it saved last for
 * each object, so that unchanged objects and chunks are shared between its snapshots.
 */
export class Snapshotter {
  private last = new WeakMap<object, Saved>();
  /** Bytes the last saveSeq added. */
  private added = 0;

  take(root: object): Snapshot {
    const objects: object[] = [];
    const saved: Saved[] = [];
    const seen = new Set<object>([root]);
    const stack: object[] = [root];
    let bytes = 0;
    const visit = (v: unknown): void => {
      if (walkable(v) && !seen.has(v)) {
        seen.add(v);
        stack.push(v);
      }
    };
    const last = this.last;
    while (stack.length > 0) {
      const o = stack.pop()!;
      const prev = last.get(o);
      let s: Saved;
      const hook = (o as Partial<HasSnapshotHook>)[SNAPSHOT];
      if (hook !== undefined) {
        s = { kind: HOOK, keys: 0, data: hook.save(visit) };
        bytes += 64;
      } else if (Array.isArray(o)) {
        s = this.saveSeq(ARRAY, o, o.length, (i) => (o[i] === undefined && !(i in o) ? HOLE : o[i]), prev, visit);
      } else if (o instanceof Map) {
        const flat: unknown[] = [];
        for (const [k, v] of o) flat.push(k, v);
        s = this.saveSeq(MAP, o, flat.length, (i) => flat[i], prev, visit);
      } else if (o instanceof Set) {
        const flat = [...o];
        s = this.saveSeq(SET, o, flat.length, (i) => flat[i], prev, visit);
      } else if (ArrayBuffer.isView(o)) {
        const t = o as Typed;
        const p = prev?.kind === TYPED ? (prev.data as Typed) : undefined;
        if (p !== undefined && p.length === t.length && sameTyped(p, t)) s = prev!;
        else {
          s = { kind: TYPED, keys: 0, data: t.slice() };
          bytes += 64 + t.byteLength;
        }
      } else if (o instanceof WeakMap || o instanceof WeakSet) {
        continue; // opaque by nature: see notSnapshotted for what such tables must not hold
      } else {
        const keys = Object.keys(o);
        const rec = o as Record<string, unknown>;
        const values = new Array<unknown>(keys.length);
        for (let i = 0; i < keys.length; i++) {
          const v = rec[keys[i]];
          values[i] = v;
          visit(v);
        }
        if (prev !== undefined && prev.kind === OBJECT && sameKeys(prev.keys as readonly string[], keys) && sameValues(prev.data as unknown[], values)) s = prev;
        else {
          const pk = prev?.kind === OBJECT && sameKeys(prev.keys as readonly string[], keys) ? (prev.keys as readonly string[]) : keys;
          s = { kind: OBJECT, keys: pk, data: values };
          bytes += 48 + 8 * values.length + (pk === keys ? 8 * keys.length : 0);
        }
      }
      if (s !== prev) {
        if (s.kind === ARRAY || s.kind === MAP || s.kind === SET) bytes += this.added;
        last.set(o, s);
      }
      objects.push(o);
      saved.push(s);
    }
    return { objects, saved, bytes };
  }

  /** Saves a sequence in chunks, sharing those equal to the last snapshot's; walks what may change. */
  private saveSeq(kind: number, o: object, n: number, at: (i: number) => unknown, prev: Saved | undefined, visit: (v: unknown) => void): Saved {
    const old = prev !== undefined && prev.kind === kind ? (prev.data as Chunk[]) : undefined;
    const chunks: Chunk[] = [];
    let added = 0;
    let reusedAll = old !== undefined && prev!.keys === n;
    for (let start = 0, c = 0; start < n; start += CHUNK, c++) {
      const end = Math.min(n, start + CHUNK);
      const was = old?.[c];
      if (was !== undefined && was.length === end - start) {
        let same = true;
        for (let i = start; i < end; i++) {
          if (!Object.is(was[i - start], at(i))) {
            same = false;
            break;
          }
        }
        if (same) {
          chunks.push(was);
          if (!inert.has(was)) for (const v of was) visit(v);
          continue;
        }
      }
      reusedAll = false;
      const chunk = new Array<unknown>(end - start);
      let still = true;
      for (let i = start; i < end; i++) {
        const v = at(i);
        chunk[i - start] = v;
        if (walkable(v)) {
          still = false;
          visit(v);
        }
      }
      Object.freeze(chunk);
      if (still) inert.add(chunk);
      chunks.push(chunk);
      added += 32 + 8 * chunk.length;
    }
    if (reusedAll && old!.length === chunks.length) return prev!;
    this.added = added + 48 + 8 * chunks.length;
    void o;
    return { kind, keys: n, data: chunks };
  }

  /** Writes every object of `snap` back to what it was when the snapshot was taken. */
  restore(snap: Snapshot): void {
    const { objects, saved } = snap;
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i];
      const s = saved[i];
      switch (s.kind) {
        case OBJECT: {
          const keys = s.keys as readonly string[];
          const values = s.data as unknown[];
          const rec = o as Record<string, unknown>;
          for (let k = 0; k < keys.length; k++) rec[keys[k]] = values[k];
          const now = Object.keys(o);
          if (now.length !== keys.length) for (const k of now) if (!keys.includes(k)) delete rec[k];
          break;
        }
        case ARRAY: {
          const a = o as unknown[];
          const n = s.keys as number;
          a.length = n;
          let k = 0;
          for (const chunk of s.data as Chunk[]) {
            for (const v of chunk) {
              if (v === HOLE) delete a[k++];
              else a[k++] = v;
            }
          }
          break;
        }
        case MAP: {
          const m = o as Map<unknown, unknown>;
          m.clear();
          for (const chunk of s.data as Chunk[]) for (let j = 0; j < chunk.length; j += 2) m.set(chunk[j], chunk[j + 1]);
          break;
        }
        case SET: {
          const set = o as Set<unknown>;
          set.clear();
          for (const chunk of s.data as Chunk[]) for (const v of chunk) set.add(v);
          break;
        }
        case TYPED:
          (o as Typed).set(s.data as Typed);
          break;
        case HOOK:
          (o as HasSnapshotHook)[SNAPSHOT].restore(s.data);
          break;
      }
      // What is now in the object is what this snapshot saved: the next snapshot may share it.
      this.last.set(o, s);
    }
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function sameTyped(a: Typed, b: Typed): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * A fingerprint of everything a snapshot would save, walked in a fixed order: two graphs with equal
 * fingerprints hold the same state (for tests: a restored run against a full replay).
 */
export function fingerprint(root: object): string {
  const ids = new Map<object, number>();
  const out: string[] = [];
  const prim = (v: unknown): string => {
    if (typeof v === 'function') return 'fn';
    if (typeof v === 'object' && v !== null) {
      if (excluded.has(v)) return 'x';
      const id = ids.get(v);
      if (id !== undefined) return `@${id}`;
      ids.set(v, ids.size);
      queue.push(v);
      return `#${ids.size - 1}`;
    }
    if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
    return typeof v === 'string' ? JSON.stringify(v) : String(v);
  };
  const queue: object[] = [];
  prim(root);
  for (let q = 0; q < queue.length; q++) {
    const o = queue[q];
    const hook = (o as Partial<HasSnapshotHook>)[SNAPSHOT];
    if (hook !== undefined) out.push(`H${prim(hook.save(prim))}`);
    else if (Array.isArray(o)) out.push(`[${Array.from(o.keys(), (i) => (i in o ? prim(o[i]) : '_')).join(',')}]`);
    else if (o instanceof Map) out.push(`M{${[...o].map(([k, v]) => `${prim(k)}:${prim(v)}`).join(',')}}`);
    else if (o instanceof Set) out.push(`S{${[...o].map(prim).join(',')}}`);
    else if (ArrayBuffer.isView(o)) out.push(`T[${Array.from(o as Typed, prim).join(',')}]`);
    else if (o instanceof WeakMap || o instanceof WeakSet) out.push('W');
    else out.push(`{${Object.keys(o).map((k) => `${k}=${prim((o as Record<string, unknown>)[k])}`).join(',')}}`);
  }
  return out.join('\n');
}
