import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeightSource } from '../engine/models/weights/weightSource';

/** `public/weights` of this checkout, where scripts/prepare-weights.ts writes at install. */
export const PUBLIC_WEIGHTS_DIR = path.resolve(fileURLToPath(new URL('../../public/weights/', import.meta.url)));

/** Node: reads bundled weights from a folder (no fetch, no tfjs-node). Progress is reported once per file. */
export function fileWeightSource(dir: string = PUBLIC_WEIGHTS_DIR): WeightSource {
  return {
    location: dir + path.sep,
    async read(file, onBytes) {
      const bytes = await readFile(path.join(dir, ...file.split('/')));
      onBytes?.(bytes.byteLength);
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
    },
  };
}
