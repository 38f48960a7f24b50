// Vitest settings for the end-to-end tests in real headless Chromium (built app served by vite preview).
// Two browser-test files run at a time (each drives its own Chromium; the tests wait on conditions, not
// delays, so a busier machine makes them slower, not wrong); perf.e2e.ts, which measures frames and heap,
// runs afterwards on its own (sequence.groupOrder). The longest files start first. E2E_WORKERS=1: one file at a time.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const jsonDir = process.env.TEST_JSON_DIR;
const PERF = 'tests/e2e/perf.e2e.ts';
/** The longest files (seconds each on this 2-core machine), started first so none is left running alone at the end. */
const LONGEST = ['guide-layout', 'guide', 'layout', 'sim'];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = LONGEST.indexOf(/([^/]+)\.e2e\.ts$/.exec(f.moduleId)?.[1] ?? '');
      return i < 0 ? LONGEST.length : i;
    };
    return [...(await super.sort(files))].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: Number(process.env.E2E_WORKERS ?? 2),
    sequence: { sequencer: LongestFirst },
    ...(jsonDir ? { reporters: ['default', 'json'], outputFile: { json: `${jsonDir}/e2e.json` } } : {}),
    projects: [
      { extends: true, test: { name: 'browser', include: ['tests/e2e/**/*.e2e.ts'], exclude: [PERF], globalSetup: [], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'perf', include: [PERF], globalSetup: [], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
