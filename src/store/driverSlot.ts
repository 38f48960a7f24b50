// Where the store finds the Driver class (and with it the engine): registered at once headless, loaded after the page's first frame in the browser.
import type { Driver } from './driver';

export type DriverClass = typeof Driver;

let registered: DriverClass | null = null;

/** Called by driverEager.ts when the engine's module has run. */
export function registerDriver(D: DriverClass): void {
  registered = D;
}

/** The Driver class, or null while the engine has not loaded. */
export function driverClass(): DriverClass | null {
  return registered;
}

/** Loads the engine (a no-op when it is there). */
export async function loadDriverClass(): Promise<DriverClass> {
  if (registered === null) await import('./driverEager');
  return registered!;
}
