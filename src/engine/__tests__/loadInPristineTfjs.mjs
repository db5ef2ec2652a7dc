// What a user of a downloaded model does: plain @tensorflow/tfjs, no studio code, no custom layer classes.
// argv[2]: a JSON list of { dir (model.json + its weights), input (raw float32 NHWC), shape, out (JSON written) }.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const bytesOf = (file) => {
  const b = readFileSync(file);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

for (const { dir, input, shape, out } of JSON.parse(readFileSync(process.argv[2], 'utf8'))) {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const [group] = json.weightsManifest;
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData: bytesOf(path.join(dir, group.paths[0])) }),
  );
  const x = tf.tensor(new Float32Array(bytesOf(input)), shape);
  const y = model.predict(x);
  const outputs = (Array.isArray(y) ? y : [y]).map((t) => Array.from(t.dataSync()));
  writeFileSync(out, JSON.stringify({ backend: tf.getBackend(), outputs, metadata: json.userDefinedMetadata ?? null }));
  tf.dispose([x, y]);
  model.dispose();
}
