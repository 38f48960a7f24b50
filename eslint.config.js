// ESLint flat config: TypeScript rules everywhere, and the engine layers kept free of UI, DOM, wall time and Math.random.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const pureLayerRules = {
  'no-restricted-imports': [
    'error',
    {
      paths: ['react', 'react-dom', 'd3', 'zustand'].map((name) => ({
        name,
        message: 'src/core and src/sim are pure: no UI libraries here.',
      })),
      patterns: [
        { group: ['react-dom/*', 'd3-*', 'zustand/*', 'react/*'], message: 'src/core and src/sim are pure: no UI libraries here.' },
        { group: ['**/ui/**', '**/store/**'], message: 'Layers point down only.' },
      ],
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use the seeded Rng from the context.' },
    { object: 'Date', property: 'now', message: 'Use virtual time.' },
    { object: 'performance', property: 'now', message: 'Use virtual time.' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'document', message: 'No DOM in the engine.' },
    { name: 'window', message: 'No DOM in the engine.' },
    { name: 'setTimeout', message: 'Use the scheduler.' },
    { name: 'setInterval', message: 'Use the scheduler.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly', process: 'readonly', window: 'readonly', document: 'readonly',
        performance: 'readonly', requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        URL: 'readonly', Blob: 'readonly', navigator: 'readonly', location: 'readonly', history: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', atob: 'readonly', btoa: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  { files: ['src/core/**/*.ts', 'src/sim/**/*.ts'], rules: pureLayerRules },
);
