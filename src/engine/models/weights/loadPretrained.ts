import * as tf from '@tensorflow/tfjs';
import { builtConfig } from '../modelConfigOf';
import { backboneSpec } from '../backbones';
import { modulePath } from '../modulePath';
import type { ProgressCallback, WeightSource } from './weightSource';
import { hasBundledWeights, manifestSource, type WeightsManifest } from './weightsManifest';
import type { WeightsInfo } from './weightsInfo';

export interface LoadPretrainedOptions {
  /** Bytes read so far out of the whole load (manifest, model.json and shards), as they arrive. */
  onProgress?: ProgressCallback;
  /** Check each file's SHA-256 against the manifest (default true; 12 MB hash in a few ms). */
  verify?: boolean;
}

async function sha256(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out.buffer;
}

/** Reads `<name>/manifest.json` from a source. */
export async function readWeightsManifest(source: WeightSource, name: string): Promise<WeightsManifest> {
  let bytes: ArrayBuffer;
  try {
    bytes = await source.read(`${name}/manifest.json`);
  } catch (e) {
    throw new Error(
      `No bundled weights for '${name}' at ${source.location}${name}/ (${(e as Error).message}); ` +
        'they are written at install by `npm run prepare-weights` (scripts/prepare-weights.ts).',
    );
  }
  return JSON.parse(new TextDecoder().decode(bytes)) as WeightsManifest;
}

/**
 * Sets a `buildModel` model's weights from its backbone's bundled folder (`<backbone>/manifest.json`,
 * `model.json` and shards, tfjs layers format), matched by weight name (`layer.name/kernel`). Every trunk layer
 * must be found with the same shapes; the backbone's own head is loaded too when the model has it (the
 * `original` preset); a preset's new head keeps its fresh weights. Checks everything before setting anything and
 * throws naming each problem. Resolves to the badge's WeightsInfo. Leaves no tensors behind.
 */
export async function loadPretrained(
  model: tf.LayersModel,
  source: WeightSource,
  options: LoadPretrainedOptions = {},
): Promise<WeightsInfo> {
  const { backbone } = builtConfig(model, 'loadPretrained');
  if (!hasBundledWeights(backbone)) {
    throw new Error(`${backbone} has no bundled weights; import a torchvision .safetensors instead`);
  }
  const manifest = await readWeightsManifest(source, backbone);
  if (manifest.format !== 'layers-model') throw new Error(`${backbone}: manifest format '${manifest.format}' is not a layers model`);
  const digests = new Map(manifest.files.map((f) => [f.path, f]));
  const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
  let done = 0;
  const read = async (file: string): Promise<ArrayBuffer> => {
    const path = `${backbone}/${file}`;
    const bytes = await source.read(path, (n) => options.onProgress?.({ file: path, loaded: done + n, total }));
    done += bytes.byteLength;
    options.onProgress?.({ file: path, loaded: done, total });
    const expected = digests.get(file);
    if (options.verify !== false && expected && (await sha256(bytes)) !== expected.sha256) {
      throw new Error(`${source.location}${path} does not match its manifest's sha256; run \`npm run prepare-weights\` again`);
    }
    return bytes;
  };

  const modelJSON = JSON.parse(new TextDecoder().decode(await read('model.json'))) as tf.io.ModelJSON;
  const groups = modelJSON.weightsManifest;
  // Shards are read one after another: progress stays monotonic and memory holds one shard in flight.
  const shards: ArrayBuffer[] = [];
  for (const p of groups.flatMap((g) => g.paths)) shards.push(await read(p));
  const named = tf.io.decodeWeights(concat(shards), tf.io.getWeightSpecs(groups));

  try {
    const trunk = new Set(backboneSpec(backbone).trunkModules);
    const isTrunk = (layerName: string) => trunk.has(modulePath(layerName).split('.')[0]);
    const problems: string[] = [];
    const plan: [tf.LayerVariable, tf.Tensor][] = [];
    const used = new Set<string>();
    for (const layer of model.layers) {
      for (const variable of layer.weights) {
        const value = named[variable.originalName];
        if (!value) {
          if (isTrunk(layer.name)) problems.push(`'${variable.originalName}' is not in ${backbone}/model.json`);
          continue; // a preset's own head: fresh weights
        }
        used.add(variable.originalName);
        if (!tf.util.arraysEqual(value.shape, variable.shape as number[])) {
          problems.push(`'${variable.originalName}': the model has [${variable.shape}], the file [${value.shape}]`);
        } else plan.push([variable, value]);
      }
    }
    for (const name of Object.keys(named)) {
      // The file's own head (face_resnet's `fc`) goes unused under another preset; its trunk may not.
      if (!used.has(name) && isTrunk(name.slice(0, name.lastIndexOf('/')))) problems.push(`'${name}' matches no weight of ${model.name}`);
    }
    if (problems.length > 0) throw new Error(`Cannot load the bundled ${backbone} weights:\n  ${problems.join('\n  ')}`);
    for (const [variable, value] of plan) variable.write(value);
  } finally {
    tf.dispose(Object.values(named));
  }
  return { pretrained: true, source: manifestSource(manifest) };
}
