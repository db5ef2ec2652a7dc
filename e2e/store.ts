import type { Page } from '@playwright/test';

/**
 * Reads one field of the studio's store (`window.__store` in e2e builds), typed by the spec's own view of the
 * store: `const field = storeField<StoreView>();  await field(page, 'trainState')`. One field at a time: polling
 * the whole state would itself load the page's thread.
 */
export function storeField<View>() {
  return <K extends keyof View>(page: Page, key: K) =>
    page.evaluate((k) => (window as unknown as { __store: { getState(): Record<string, unknown> } }).__store.getState()[k as string], key) as Promise<View[K]>;
}
