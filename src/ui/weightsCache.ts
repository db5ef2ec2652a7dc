import { openDB, type DBSchema } from 'idb';
import { readBody } from '../engine/models';

interface WeightsDB extends DBSchema {
  /** Fetched weight files by URL, so a second load needs no request. */
  files: { key: string; value: { url: string; bytes: ArrayBuffer; savedAt: number } };
}

const db = () =>
  openDB<WeightsDB>('transfer-studio-weights', 1, {
    upgrade(d) {
      d.createObjectStore('files');
    },
  });

/**
 * The bytes at `url`, from IndexedDB when fetched before, else fetched (progress through `onBytes`) and stored.
 * `fromCache` says which.
 */
export async function fetchWeightsFile(
  url: string,
  onBytes?: (received: number, total: number | null) => void,
): Promise<{ bytes: ArrayBuffer; fromCache: boolean }> {
  const store = await db();
  const cached = await store.get('files', url);
  if (cached) return { bytes: cached.bytes, fromCache: true };
  const response = await fetchAllowed(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || null;
  const bytes = await readBody(response, onBytes && ((received) => onBytes(received, total)));
  await store.put('files', { url, bytes, savedAt: Date.now() }, url);
  return { bytes, fromCache: false };
}

/**
 * `fetch(url)`, saying so when the app's Content-Security-Policy refused it: its connect-src names the origins
 * weights may come from, chosen at build time (WEIGHTS_ORIGINS, see the README's Privacy section).
 */
async function fetchAllowed(url: string): Promise<Response> {
  let refused = false;
  const onViolation = (e: SecurityPolicyViolationEvent) => {
    if (e.effectiveDirective === 'connect-src') refused = true;
  };
  document.addEventListener('securitypolicyviolation', onViolation);
  try {
    return await fetch(url);
  } catch (e) {
    await new Promise((resolve) => setTimeout(resolve, 50)); // the violation event is queued as a task
    if (!refused) throw e;
    throw new Error(
      `${new URL(url, location.href).origin} is not allowed by this build's Content-Security-Policy (connect-src); ` +
        'build the app with WEIGHTS_ORIGINS naming it, or download the file and drop it on the tree',
    );
  } finally {
    document.removeEventListener('securitypolicyviolation', onViolation);
  }
}

/** The file name of a URL (`…/resnet18.tv_in1k/model.safetensors` → `resnet18.tv_in1k/model.safetensors`). */
export function weightsFileLabel(url: string): string {
  const parts = new URL(url, location.href).pathname.split('/').filter(Boolean);
  return parts.slice(-2).join('/') || url;
}
