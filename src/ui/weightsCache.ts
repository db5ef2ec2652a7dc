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
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || null;
  const bytes = await readBody(response, onBytes && ((received) => onBytes(received, total)));
  await store.put('files', { url, bytes, savedAt: Date.now() }, url);
  return { bytes, fromCache: false };
}

/** The file name of a URL (`…/resnet18.tv_in1k/model.safetensors` → `resnet18.tv_in1k/model.safetensors`). */
export function weightsFileLabel(url: string): string {
  const parts = new URL(url, location.href).pathname.split('/').filter(Boolean);
  return parts.slice(-2).join('/') || url;
}
