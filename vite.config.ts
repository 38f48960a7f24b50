// Vite build (relative base, so dist/ works from any sub-path) and Vitest settings.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * In the page's build, config.ts's import of the YAML parser is an empty module: the parser loads
 * only when a cluster.yaml text is read or written (src/sim/yaml.ts; the config panel and the guides
 * import it themselves). Headless (Node, tests) config.ts loads it at once.
 */
function yamlOnDemand(): Plugin {
  const config = fileURLToPath(new URL('./src/sim/config.ts', import.meta.url));
  const EMPTY = '\0wiber-yaml-on-demand';
  return {
    name: 'wiber-yaml-on-demand',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      return importer === config && /\/yamlEager(\.ts)?$/.test(source) ? EMPTY : null;
    },
    load(id) {
      return id === EMPTY ? 'export {};' : null;
    },
  };
}

// CI sets TEST_JSON_DIR so it can print one closing line from the JSON results.
const jsonDir = process.env.TEST_JSON_DIR;

export default defineConfig({
  base: './',
  plugins: [react(), yamlOnDemand()],
  build: { outDir: 'dist', sourcemap: true },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    // Both cores (Vitest's default leaves one to its main process, which here mostly waits).
    maxWorkers: availableParallelism(),
    testTimeout: 120_000,
    hookTimeout: 60_000,
    ...(jsonDir ? { reporters: ['default', 'json'], outputFile: { json: `${jsonDir}/unit.json` } } : {}),
  },
});
