import * as tf from '@tensorflow/tfjs';
import type { WeightSource } from '../models/weights/weightSource';

/** The URL scheme our tfjs load router answers; Human is handed `studio-weights:<n>/` as its model base path. */
const SCHEME = 'studio-weights:';
const sources: WeightSource[] = [];
let registered = false;

/** Reads a tfjs model (model.json + shards, paths relative to it) from `source`. */
async function readModel(source: WeightSource, file: string): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse(new TextDecoder().decode(await source.read(file))) as tf.io.ModelJSON;
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const groups = json.weightsManifest ?? [];
  const shards = await Promise.all(groups.flatMap((g) => g.paths).map((p) => source.read(dir + p)));
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    weightSpecs: groups.flatMap((g) => g.weights),
    weightData: tf.io.concatenateArrayBuffers(shards),
  };
}

/**
 * A base URL under which tfjs' loaders (`loadGraphModel`, and Human's own loader, which goes through them)
 * read model files from `source` instead of fetching them: `${base}blazeface/blazeface.json`. Libraries that
 * take a model path can so be pointed at bundled weights in the worker and at files in Node alike.
 */
export function weightRouteBase(source: WeightSource): string {
  if (!registered) {
    registered = true;
    // tfjs asks every router about every URL; one that is not ours answers null (its IORouter type omits that).
    const router = ((url: string | string[]) => {
      const path = typeof url === 'string' ? url : Array.isArray(url) ? url[0] : '';
      const match = /^studio-weights:(\d+)\/(.+)$/.exec(path);
      if (!match) return null;
      const routed = sources[Number(match[1])];
      return routed ? { load: () => readModel(routed, match[2]) } : null;
    }) as Parameters<typeof tf.io.registerLoadRouter>[0];
    tf.io.registerLoadRouter(router);
  }
  let id = sources.indexOf(source);
  if (id < 0) id = sources.push(source) - 1;
  return `${SCHEME}${id}/`;
}
