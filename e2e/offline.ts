import { expect, test } from '@playwright/test';

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Call at the top of a spec: each of its tests fails if any http(s)/ws request left localhost while it ran
 * (blob: and data: URLs stay in the page). One worker runs the tests one after another, so one list suffices.
 */
export function failOnRequestsLeavingLocalhost(): void {
  let outside: string[] = [];
  test.beforeEach(({ context }) => {
    outside = [];
    context.on('request', (request) => {
      const url = new URL(request.url());
      if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return;
      if (!LOCAL_HOSTS.includes(url.hostname)) outside.push(request.url());
    });
  });
  test.afterEach(() => {
    expect(outside, 'requests that left localhost').toEqual([]);
  });
}
