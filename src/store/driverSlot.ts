// Where the store finds the engine (the Driver class, and the commands that drive it): registered at once headless, loaded after the page's first frame in the browser.
import type * as commands from './commands';
import type { Driver } from './driver';
import { lazySlot } from './lazySlot';

export type Commands = typeof commands;

export interface EngineKit {
  Driver: typeof Driver;
  /** The store's commands that need the engine (store/commands.ts). */
  commands: Commands;
}

const slot = lazySlot<EngineKit>(() => import('./driverEager'));

/** Called by driverEager.ts when the engine's modules have run. */
export const registerEngine = slot.register;
/** The engine, or null while it has not loaded. */
export const engineKit = slot.get;
/** Loads the engine (a no-op when it is there). */
export const loadEngineKit = slot.load;
