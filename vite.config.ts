// Vite build (relative base, so dist/ works from any sub-path) and Vitest settings.
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// CI sets TEST_JSON_DIR so it can print one closing line from the JSON results.
const jsonDir = process.env.TEST_JSON_DIR;

export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    ...(jsonDir ? { reporters: ['default', 'json'], outputFile: { json: `${jsonDir}/unit.json` } } : {}),
  },
});
