// Where the store finds the engine (the Driver class, and the Step goals that read its events): registered at once headless, loaded after the page's first frame in the browser.
import type { Driver } from './driver';
import type { stepGoal, untilGoal } from './stepKinds';

export interface EngineKit {
  Driver: typeof Driver;
  stepGoal: typeof stepGoal;
  untilGoal: typeof untilGoal;
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
