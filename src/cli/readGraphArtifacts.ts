import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Node only: reads a tfjs `model.json` and its weight shards from disk (no tfjs-node), returning artifacts
 * whose `weightData` is one ArrayBuffer, ready for `tf.io.fromMemory` or the weight mappers.
 */
export async function readGraphArtifacts(jsonPath: string): Promise<tf.io.ModelArtifacts> {
  const modelJSON = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  const dir = path.dirname(jsonPath);
  return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
    const shards = await Promise.all(manifest.flatMap((group) => group.paths.map((p) => readFile(path.join(dir, p)))));
    const joined = new Uint8Array(shards.reduce((n, b) => n + b.byteLength, 0));
    let offset = 0;
    for (const b of shards) {
      joined.set(b, offset);
      offset += b.byteLength;
    }
    return [tf.io.getWeightSpecs(manifest), joined.buffer];
  });
}
