// The end-to-end suite (`npx playwright test`, run by `./build.sh test`): the specs in
// tests/e2e/*.spec.mjs, in Debian's headless chromium through launchOptions.executablePath
// (never a browser that Playwright downloads: PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 is set by
// build.sh, and nothing here runs `playwright install`). One worker: each test starts several
// wasm Web Workers, and the machine has 2 cores. Generous timeouts for the same reason; nothing
// sleeps for a fixed time, they only bound how long a condition may take.
//
//   npx playwright test                          every spec
//   npx playwright test --grep 'embed'           the tests whose name matches
//   npx playwright test tests/e2e/toy.spec.mjs   one file
//   npx playwright test --list                   the names, without running anything
//   E2E_SCREENSHOTS=1 npx playwright test --grep 'screenshot'   also rewrites docs/screenshot*.png
//   E2E_ROOT=dist npx playwright test            serve another copy of the page (default www)
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from './tools/chromium.mjs';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.mjs',
  outputDir: 'target/e2e/test-results',
  timeout: 900_000,
  expect: { timeout: 120_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
    trace: 'off',
    screenshot: 'off',
    video: 'off',
    // The page registers a service worker (www/sw.js) for offline use; it would answer the
    // requests the tests watch (which files load, and when) from its cache. The figures are
    // tested without it; tests/e2e/offline.spec.mjs alone allows it (test.use there), and
    // sw.js is unit-tested too (tests/unit/sw.test.mjs).
    serviceWorkers: 'block',
  },
});
