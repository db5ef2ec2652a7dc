import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { IMAGENET_WEIGHTS_BASE, imagenetUrl, type ImagenetSource } from '../engine/models';
import { fetchCause } from './fetchCause';

/** Overrides the hub's base URL (a mirror, or a local server in tests): `$TRANSFER_STUDIO_WEIGHTS_BASE/<source.path>`. */
export const WEIGHTS_BASE_ENV = 'TRANSFER_STUDIO_WEIGHTS_BASE';

/** `($XDG_CACHE_HOME or ~/.cache)/transfer-studio/weights`: where `--weights imagenet` keeps what it downloaded. */
export function weightsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(root, 'transfer-studio', 'weights');
}

export interface CachedWeightsOptions {
  /** Environment read for the cache folder and the base URL (process.env by default). */
  env?: NodeJS.ProcessEnv;
  /** Progress lines; stderr by default. */
  log?: (text: string) => void;
}

/**
 * The path of `source`'s file in the cache folder, downloading it first when it is not there yet (progress on
 * stderr). The download goes to `<name>.safetensors.part` and is renamed only when complete, so an interrupted one
 * never passes for the file. A failed download throws one line: what, why, and what to do instead.
 */
export async function cachedImagenetFile(source: ImagenetSource, options: CachedWeightsOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((text: string) => process.stderr.write(text));
  const file = path.join(weightsCacheDir(env), `${source.name}.safetensors`);
  if (await stat(file).then((s) => s.isFile(), () => false)) return file;

  const url = imagenetUrl(source, env[WEIGHTS_BASE_ENV] || IMAGENET_WEIGHTS_BASE);
  const fail = (reason: string): never => {
    throw new Error(`could not download ${url}: ${reason}; download it yourself and pass --weights FILE`);
  };
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.part`;
  try {
    const response = await fetch(url).catch((e: unknown) => fail(fetchCause(e)));
    if (!response.ok || !response.body) fail(`the server answered ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get('content-length')) || null;
    log(`downloading ${source.name} (${megabytes(total ?? source.megabytes * 1e6)} MB) from ${url}\n`);
    const received = await streamToFile(response.body!, partial, (n) => log(progressLine(source.name, n, total)));
    if (total !== null && received !== total) fail(`the connection ended after ${received} of ${total} bytes`);
    await rename(partial, file);
    log(`\n${source.name}: saved in ${file}\n`);
    return file;
  } catch (e) {
    await rm(partial, { force: true });
    const message = (e as Error).message;
    throw message.startsWith('could not download') ? e : new Error(`could not download ${url}: ${message}; download it yourself and pass --weights FILE`);
  }
}

/** Writes a response body to `file`, calling `onProgress(bytes so far)` at most once per whole megabyte step. */
async function streamToFile(body: ReadableStream<Uint8Array>, file: string, onProgress: (received: number) => void): Promise<number> {
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  let received = 0;
  let shown = -1;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (!out.write(value)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      const step = Math.floor(received / 1e6);
      if (step !== shown) {
        shown = step;
        onProgress(received);
      }
    }
  } finally {
    out.end();
    await closed;
  }
  return received;
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/** `\r resnet18.tv_in1k 12.0 / 46.8 MB`: rewritten in place on a terminal. */
function progressLine(name: string, received: number, total: number | null): string {
  return `\r${name} ${megabytes(received)}${total ? ` / ${megabytes(total)}` : ''} MB`;
}
