// Where the store finds the engine (the Driver class, and the commands that drive it): registered at once headless, loaded after the page's first frame in the browser.
import type * as commands from './commands';
import type { Driver } from './driver';

export type Commands = typeof commands;

export interface EngineKit {
  Driver: typeof Driver;
  /** The store's commands that need the engine (store/commands.ts). */
  commands: Commands;
}

let registered: EngineKit | null = null;

/** Called by driverEager.ts when the engine's modules have run. */
export function registerEngine(kit: EngineKit): void {
  registered = kit;
}

/** The engine, or null while it has not loaded. */
export function engineKit(): EngineKit | null {
  return registered;
}

/** Loads the engine (a no-op when it is there). */
export async function loadEngineKit(): Promise<EngineKit> {
  if (registered === null) await import('./driverEager');
  return registered!;
}
