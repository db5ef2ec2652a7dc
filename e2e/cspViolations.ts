import type { Page } from '@playwright/test';

/**
 * Every CSP violation the browser reports while a test runs: `securitypolicyviolation` events in the page (an
 * init script forwards them through an exposed binding, so they survive navigations) and in the app's workers
 * (their scripts are served with a listener prepended that logs to the console, which Playwright forwards),
 * Chromium's own console lines about the policy, and the errors a refused `importScripts` throws in the wasm
 * backend's blob: pthread workers (whose scripts cannot be routed).
 */
export function watchViolations(page: Page): string[] {
  const seen: string[] = [];
  void page.exposeBinding('__cspViolation', (_source, line: string) => void seen.push(line));
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __cspViolation(s: string): void }).__cspViolation(
        `page: ${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber}) ${e.sample}`,
      ),
    );
  });
  void page.route(/\/assets\/[\w-]+\.worker-[\w-]+\.js$/, async (route) => {
    const response = await route.fetch();
    const listener =
      "self.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation in a worker: ${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`));\n";
    await route.fulfill({ response, body: listener + (await response.text()) });
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|CSP violation|strict CSP/i.test(text)) seen.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => {
    if (/importScripts|Content Security Policy/i.test(error.message)) seen.push(`pageerror: ${error.message}`);
  });
  return seen;
}
