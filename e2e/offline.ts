import { expect, test, type Page, type Route } from '@playwright/test';

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Outside URLs the running test answers itself through `serveOffline`: their requests never leave the machine. */
const served = new Set<string>();

/**
 * Answers requests for exactly `url` from the test (Playwright routing, `handler` must fulfill or abort, never
 * continue), so a journey that needs an outside file (the hub's ImageNet weights) runs offline; the guard lets
 * that one URL pass and still fails the test on any other request that leaves localhost.
 */
export async function serveOffline(page: Page, url: string, handler: (route: Route) => Promise<void>): Promise<void> {
  served.add(url);
  await page.route(url, handler);
}

/**
 * Call at the top of a spec: each of its tests fails if any http(s)/ws request left localhost while it ran
 * (blob: and data: URLs stay in the page). One worker runs the tests one after another, so one list suffices.
 */
export function failOnRequestsLeavingLocalhost(): void {
  let outside: string[] = [];
  test.beforeEach(({ context }) => {
    outside = [];
    served.clear();
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) || served.has(request.url())) return;
      if (!LOCAL_HOSTS.includes(url.hostname)) outside.push(request.url());
    });
  });
  test.afterEach(() => {
    expect(outside, 'requests that left localhost').toEqual([]);
  });
}
