import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs';
import {
  hasBundledWeights,
  importTorchvision,
  importedWeightsInfo,
  loadPretrained,
  RANDOM_INIT,
  type BackboneSpec,
  type WeightsInfo,
} from '../engine/models';
import { fileWeightSource } from './fileWeightSource';

/**
 * The CLI's `--weights FILE|URL|pretrained|random`, applied to a model just made by `buildModel`:
 * - absent: the backbone's bundled weights (public/weights, prepared at install) where it has them, else random
 *   init; bundled weights that cannot be read leave random init with the reason in `problem`;
 * - `pretrained`: the bundled weights, or an error when there are none;
 * - `random`: random init, as built;
 * - a `.safetensors` path or an http(s) URL: a torchvision-named state dict, imported by module path.
 * Resolves to what `summary` prints (`pretrained`, `source`, missing / unexpected keys of an import).
 */
export async function loadWeightsOption(model: tf.LayersModel, spec: BackboneSpec, arg?: string): Promise<WeightsInfo> {
  if (arg === 'random') return RANDOM_INIT;
  if (arg === undefined || arg === 'pretrained') {
    if (!hasBundledWeights(spec.name)) {
      if (arg === undefined) return RANDOM_INIT;
      throw new Error(`${spec.name} has no bundled weights; pass --weights FILE.safetensors or --weights URL (torchvision names)`);
    }
    try {
      return await loadPretrained(model, fileWeightSource());
    } catch (e) {
      if (arg === 'pretrained') throw e;
      return { ...RANDOM_INIT, problem: (e as Error).message };
    }
  }
  let bytes: ArrayBuffer;
  if (/^https?:\/\//.test(arg)) {
    const fail = (e: unknown) => {
      throw new Error(`--weights ${arg}: could not fetch it: ${fetchCause(e)}`);
    };
    const response = await fetch(arg).catch(fail);
    if (!response.ok) throw new Error(`--weights ${arg}: the server answered ${response.status} ${response.statusText}`);
    bytes = await response.arrayBuffer().catch(fail);
  } else {
    const file = await readFile(arg).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`--weights ${arg}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    });
    // A large read has its own ArrayBuffer: take it as it is rather than copy 500 MB.
    const whole = file.byteOffset === 0 && file.byteLength === file.buffer.byteLength;
    bytes = (whole ? file.buffer : file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength)) as ArrayBuffer;
  }
  const name = arg.split(/[\\/]/).filter(Boolean).pop() ?? arg;
  return importedWeightsInfo(importTorchvision(model, bytes), name);
}

/** What the network codes under Node's "fetch failed" mean, in words. */
const NETWORK_CAUSES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve (DNS)',
  EAI_AGAIN: 'the host name could not be resolved now (DNS)',
  ECONNREFUSED: 'connection refused, nothing listens at that address and port',
  ECONNRESET: 'the server reset the connection',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/** The cause under a failed `fetch` (Node wraps it as `TypeError('fetch failed', { cause })`), in words, with the system's own line. */
export function fetchCause(e: unknown): string {
  let cause = e as { message?: string; code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  while (cause?.cause !== undefined && cause.code === undefined) cause = cause.cause as typeof cause;
  // Several addresses tried (IPv4 and IPv6): each one failed the same way, the first says it.
  if (cause?.code === undefined && cause?.errors?.length) cause = cause.errors[0] as typeof cause;
  const message = cause?.message ?? String(e);
  const words = cause?.code ? NETWORK_CAUSES[cause.code] : undefined;
  return words ? `${words} (${message})` : message;
}
