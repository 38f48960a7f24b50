// A slot for a module that registers itself when it has run: there at once headless (its eager module is imported), loaded on demand in the page (vite.config.ts makes that import empty).

export interface LazySlot<T> {
  /** Called by the eager module when it has run. */
  register(value: T): void;
  /** What was registered, or null while it has not loaded. */
  get(): T | null;
  /** Loads the eager module (a no-op when it is there) and resolves with what it registered. */
  load(): Promise<T>;
}

/** A slot filled by importing `eager` (a module that calls `register`). */
export function lazySlot<T>(eager: () => Promise<unknown>): LazySlot<T> {
  let value: T | null = null;
  return {
    register: (v) => {
      value = v;
    },
    get: () => value,
    load: async () => {
      if (value === null) await eager();
      if (value === null) throw new Error('a module loaded on demand did not register itself');
      return value;
    },
  };
}
