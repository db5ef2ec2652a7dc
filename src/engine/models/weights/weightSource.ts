/** Bytes loaded so far out of all the files of one load (model.json, shards). */
export interface LoadProgress {
  /** The file being read, relative to the source (`mobilenet_v3/group1-shard2of3.bin`). */
  file: string;
  loaded: number;
  total: number;
}
export type ProgressCallback = (progress: LoadProgress) => void;

/**
 * Where bundled weights are read from: `fetchSource('/weights/')` in the browser worker, `fileWeightSource(dir)`
 * (src/cli) in Node. Paths are relative and `/`-separated: `mobilenet_v3/model.json`.
 */
export interface WeightSource {
  /** The source's root, for messages (`/weights/`, `/repo/public/weights`). */
  readonly location: string;
  /** The file's bytes; `onBytes(n)` is called with the bytes received so far, as they arrive. */
  read(path: string, onBytes?: (received: number) => void): Promise<ArrayBuffer>;
}

/** Reads over HTTP from `baseUrl` (the studio serves `public/weights` at `/weights/`), streaming for progress. */
export function fetchSource(baseUrl: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): WeightSource {
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  return {
    location: base,
    async read(path, onBytes) {
      const url = base + path;
      const response = await fetchImpl(url);
      if (!response.ok) throw new Error(`weights: GET ${url} answered ${response.status} ${response.statusText}`);
      return readBody(response, onBytes);
    },
  };
}

/** A response's body, streamed so that `onBytes(received)` can report progress as chunks arrive. */
export async function readBody(response: Response, onBytes?: (received: number) => void): Promise<ArrayBuffer> {
  if (!onBytes || !response.body) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.byteLength;
    onBytes(received);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out.buffer;
}
