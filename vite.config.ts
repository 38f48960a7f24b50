// Vite build (relative base, so dist/ works from any sub-path) and Vitest settings.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * In the page's build, five eager imports are empty modules, so what they bring loads only on demand:
 * config.ts's import of the YAML parser (loaded when a cluster.yaml text is read or written,
 * src/sim/yaml.ts), cluster.ts's import of the zod option validator (loaded when options come
 * from outside, src/sim/validate.ts; the page's own first run needs neither), and the store's import
 * of the Driver and engine (loaded just after the first frame, which is drawn from the options alone:
 * src/store/firstFrame.ts, loadEngine in src/store/sim.ts) with the event explanations (src/ui/explainLater.ts:
 * before the engine there are no events to explain) and the branch tree (src/store/branchesLater.ts:
 * before the engine nothing can fork). The modules that need them import the
 * eager modules themselves. Headless (Node, tests) all load at once.
 */
function onDemand(): Plugin {
  const stubbed = [
    { importer: fileURLToPath(new URL('./src/sim/config.ts', import.meta.url)), source: /\/yamlEager(\.ts)?$/ },
    { importer: fileURLToPath(new URL('./src/sim/cluster.ts', import.meta.url)), source: /\/validateEager(\.ts)?$/ },
    { importer: fileURLToPath(new URL('./src/store/sim.ts', import.meta.url)), source: /\/driverEager(\.ts)?$/ },
    { importer: fileURLToPath(new URL('./src/ui/explainLater.ts', import.meta.url)), source: /\/explainEager(\.ts)?$/ },
    { importer: fileURLToPath(new URL('./src/store/branchesLater.ts', import.meta.url)), source: /\/branchesEager(\.ts)?$/ },
  ];
  const EMPTY = '\0wiber-on-demand';
  return {
    name: 'wiber-on-demand',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      return stubbed.some((s) => s.importer === importer && s.source.test(source)) ? EMPTY : null;
    },
    load(id) {
      return id === EMPTY ? 'export {};' : null;
    },
  };
}

/** Modules of the chunk that loads after the first frame (src/store/driverEager.ts and what it brings, src/ui/explainEager.ts). */
const AFTER_FIRST_FRAME = /\/src\/(core\/|sim\/(?!index|scenario|explore|yaml|validateEager|options)|store\/(driver|driverEager|commands|metrics|workload|stepKinds|branches|branchesEager)\.ts|ui\/(explain|explainExtras|explainEager|feedContext)\.ts)/;

// CI sets TEST_JSON_DIR so it can print one closing line from the JSON results.
const jsonDir = process.env.TEST_JSON_DIR;

export default defineConfig({
  base: './',
  plugins: [react(), onDemand()],
  build: {
    outDir: 'dist',
    sourcemap: true,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'first', tags: ['$initial'] },
            // What loads right after the first frame, in one file (eleven small ones compressed 4 KB worse):
            // the engine, the driver and the event explanations. Guides, exploring and YAML stay in their own.
            { name: 'engine', test: AFTER_FIRST_FRAME },
          ],
        },
      },
    },
  },
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
