// ESLint flat config (npm run lint): the recommended rules over the page (www/, browser and
// worker globals), the tests and the tools (node globals). Generated and vendored files are
// ignored: the wasm-pack output in www/pkg*, node_modules, target/.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['node_modules/', 'target/', 'www/pkg/', 'www/pkg-scalar/', 'www/build-id.js', 'fuzz/', 'playwright-report/', 'test-results/'],
  },
  js.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2025, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `catch {}` blocks that deliberately ignore an error carry a comment saying why.
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
  {
    files: ['www/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['tests/**/*.mjs', 'tools/**/*.mjs', 'benches/**/*.mjs', '*.config.js', '*.config.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Functions passed to page.evaluate / waitForFunction run in the page; there the end-to-end
    // fixtures install __fig(id) and __state(id), the figures' public interface.
    files: ['tests/e2e/**/*.mjs', 'tools/bench-browser.mjs', 'tools/fashion-protocol.mjs', 'benches/web/**/*.mjs', 'benches/protocol.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, __fig: 'readonly', __state: 'readonly' } },
  },
];
