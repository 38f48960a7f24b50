// Vitest settings for the end-to-end tests in real headless Chromium (built app served by vite preview).
import { defineConfig } from 'vitest/config';

const jsonDir = process.env.TEST_JSON_DIR;

export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    globalSetup: ['tests/e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    ...(jsonDir ? { reporters: ['default', 'json'], outputFile: { json: `${jsonDir}/e2e.json` } } : {}),
  },
});
