import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { onnxProto } from './proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../cli/node/nodeBackends';
import { loadWeightsOption } from '../../../cli/weightsOption';
import { fixedImages, reseed } from '../../__tests__/fixtures';
import { backboneSpec, BACKBONE_NAMES, buildModel, presetsFor, hasBundledWeights, type BackboneName, type PresetName } from '../../models';
import { ONNX_OPSET, toOnnx } from './toOnnx';

/**
 * `npm test`: every layer kind of the zoo and every head — all presets on resnet18, mobilenet_v3 and face_resnet;
 * vgg16 (whose own head is 120 M parameters of Dense, a 0.5 GB file) and resnet34 add no layer kind beyond their
 * trunks; face_dense and face_xception their trunks (separable convs, a 'same' max pool) and face_dense's own head. `npm run test:slow` (SLOW=1): every backbone × preset, at a second input size too.
 */
const CI_PRESETS: Record<BackboneName, PresetName[]> = {
  vgg16: ['binary', 'keypoints'],
  resnet18: ['original', 'binary', 'multiclass', 'keypoints', 'age-gender'],
  resnet34: ['binary'],
  mobilenet_v3: ['binary', 'multiclass', 'keypoints', 'age-gender'],
  face_resnet: ['original', 'binary', 'multiclass', 'keypoints', 'age-gender'],
  face_dense: ['original', 'keypoints'],
  face_xception: ['age-gender'],
};
/**
 * Sizes where adaptive pooling needs its bins (vgg16: 2×2 → 7×7; mobilenet_v3 at 96: 3×3), and face_resnet's
 * smallest. The face-api nets at their own 112²: every stride-2 TF 'same' conv and max pool there pads one side
 * only (even sides), as ONNX's SAME_UPPER must match.
 */
const SIZE: Record<BackboneName, number> = { vgg16: 64, resnet18: 64, resnet34: 64, mobilenet_v3: 96, face_resnet: 112, face_dense: 112, face_xception: 112 };
const PRESETS = (backbone: BackboneName): PresetName[] => (process.env.SLOW ? presetsFor(backboneSpec(backbone)) : CI_PRESETS[backbone]);
/** A second size whose maps do not divide like the first's (odd sides after the strides). */
const SIZES = (backbone: BackboneName): number[] => (process.env.SLOW ? [SIZE[backbone], SIZE[backbone] + 36] : [SIZE[backbone]]);

/** Seeded running statistics, so BatchNorm is not the identity a fresh torchvision trunk has (mean 0, variance 1). */
function randomizeBatchNormStatistics(model: tf.LayersModel): void {
  model.layers.filter((l) => l.getClassName() === 'BatchNormalization').forEach((layer, i) => {
    const [gamma, beta, mean] = layer.getWeights();
    const n = mean.shape[0];
    const stats = tf.tidy(() => [tf.randomUniform([n], -0.2, 0.2, 'float32', i), tf.randomUniform([n], 0.5, 2, 'float32', i + 1000)]);
    layer.setWeights([gamma, beta, ...stats]);
    tf.dispose(stats);
  });
}

/** tfjs NHWC → the NCHW the ONNX file takes. */
const toNchw = (x: tf.Tensor4D) => tf.tidy(() => x.transpose([0, 3, 1, 2]));

describe('toOnnx', () => {
  beforeAll(() => useBackend('wasm'));

  for (const backbone of BACKBONE_NAMES) {
    const cases = PRESETS(backbone).flatMap((preset) => SIZES(backbone).map((size) => [preset, size] as const));
    it.each(cases)(`${backbone} + %s at %i²: onnxruntime gives the studio's outputs within 1e-4 (batch 1 and 3)`, async (preset, size) => {
      const before = tf.memory().numTensors;
      const model = buildModel({ backbone, preset, inputSize: size, numClasses: 3 });
      const spec = backboneSpec(backbone);
      if (hasBundledWeights(backbone)) await loadWeightsOption(model, spec, 'pretrained');
      reseed(model.layers.filter((l) => !hasBundledWeights(backbone) || !l.name.startsWith(spec.trunkModules[0]) || l.trainable));
      const x = fixedImages(3, size, backbone);
      randomizeBatchNormStatistics(model);
      const bytes = toOnnx(model, { model: { backbone, preset, inputSize: size, numClasses: 3 }, task: 'classification', ctx: { classes: ['a', 'b', 'c'] }, preprocessing: spec.preprocessing, inputSize: size });

      const decoded = onnxProto.ModelProto.decode(bytes);
      expect(Number(decoded.opsetImport[0].version)).toBe(ONNX_OPSET);
      expect(decoded.graph!.input![0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 3, size, size]);
      const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
      expect(JSON.parse(meta['transfer-studio']).outputs).toEqual(model.outputNames);

      const session = await ort.InferenceSession.create(bytes);
      expect(session.outputNames).toEqual(model.outputNames);
      for (const n of [1, 3]) {
        const batch = tf.tidy(() => x.slice(0, n) as tf.Tensor4D);
        const nchw = toNchw(batch);
        const feeds = { input: new ort.Tensor('float32', (await nchw.data()) as Float32Array, nchw.shape) };
        const got = await session.run(feeds);
        const expected = model.predict(batch) as tf.Tensor | tf.Tensor[];
        const outs = Array.isArray(expected) ? expected : [expected];
        for (const [i, t] of outs.entries()) {
          const want = (await t.data()) as Float32Array;
          const have = got[model.outputNames[i]].data as Float32Array;
          expect(got[model.outputNames[i]].dims).toEqual(t.shape);
          const scale = Math.max(1, ...Array.from(want, Math.abs));
          const diff = Math.max(...Array.from(want, (v, k) => Math.abs(v - have[k])));
          expect(diff / scale).toBeLessThanOrEqual(1e-4);
        }
        tf.dispose([batch, nchw, ...outs]);
      }
      await session.release();
      x.dispose();
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }, 300_000);
  }
});
