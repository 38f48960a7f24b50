// The YAML parser as a loadable part: the page fetches it only when a cluster.yaml text must be read or written.
import type * as YAML from 'yaml';

type Yaml = Pick<typeof YAML, 'parseDocument' | 'stringify'>;

let impl: Yaml | undefined;

/** Makes the parser available to config.ts (the headless API and the panels that edit YAML do this at load). */
export function setYaml(y: Yaml): void {
  impl = y;
}

/** True once the parser is there. */
export function yamlLoaded(): boolean {
  return impl !== undefined;
}

/** Loads the parser (a separate chunk in the page). */
export async function loadYaml(): Promise<void> {
  if (impl === undefined) setYaml(await import('yaml'));
}

/** The parser; throws if nobody loaded it (the page must await loadYaml() before reading cluster.yaml text). */
export function yaml(): Yaml {
  if (impl === undefined) throw new Error('the YAML parser is not loaded yet (await loadYaml() first)');
  return impl;
}
