import { defineConfig } from '@playwright/test';
import { CHROMIUM } from './e2e/chromium';

/** E2E_PORT lets two suites run side by side (each builds into its own folder). */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const OUT = PORT === 4173 ? 'dist' : `dist-e2e-${PORT}`;

/**
 * E2E against the built app (`vite build --mode e2e`, which exposes the store on `window.__store`) served by
 * `vite preview`, in Debian's Chromium with WebGPU through SwiftShader. One worker: the machine has 2 cores
 * and each page trains in its own Web Worker.
 */
export default defineConfig({
  testDir: 'e2e',
  // Tests tagged @slow (e2e/large.spec.ts: 20,000 images, minutes) run only with SLOW=1 (`npm run test:slow`).
  grepInvert: process.env.SLOW ? undefined : /@slow/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 120_000,
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
    command: `npx vite build --mode e2e --outDir ${OUT} && npx vite preview --outDir ${OUT} --port ${PORT} --strictPort`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
