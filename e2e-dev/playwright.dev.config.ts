import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { CHROMIUM } from '../e2e/chromium';

/** E2E_DEV_PORT lets this run beside the built-app suite (e2e/) and another dev server. */
const PORT = Number(process.env.E2E_DEV_PORT ?? 4193);

/**
 * E2E against the dev server, as `npm start` serves the studio (Vite's dev mode: dependencies optimized on
 * demand, modules served one by one). Each run starts from an empty dependency cache of its own (`--force`,
 * VITE_CACHE_DIR), as on a fresh clone: what the first use of a page optimizes, and whether that reloads the
 * page, is part of what is tested. With SLOW=1 it also runs issue 16's newcomer journey (e2e/newcomer.spec.ts,
 * @slow), which must pass against both servers.
 */
export default defineConfig({
  testDir: '..',
  testMatch: process.env.SLOW ? ['e2e-dev/*.spec.ts', 'e2e/newcomer.spec.ts'] : 'e2e-dev/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1280, height: 900 },
    launchOptions: CHROMIUM,
  },
  webServer: {
    // The repository root (the default is this config's folder, where Vite would find no index.html).
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    command: `VITE_CACHE_DIR=node_modules/.vite-e2e-dev-${PORT} npx vite --port ${PORT} --strictPort --force`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
