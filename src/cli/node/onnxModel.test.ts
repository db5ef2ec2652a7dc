import { beforeAll, describe, expect, it } from 'vitest';
import type { FaceCropSpec } from '../../engine/data';
import { toOnnx } from '../../engine/export/onnx/toOnnx';
import { backboneSpec, buildModel, type ModelConfig } from '../../engine/models';
import { loadOnnxModel } from './onnxModel';
import { useBackend } from './nodeBackends';

/** An exported ONNX file of a small keypoints model, with or without the face crop in its config. */
function exported(faceCrop?: FaceCropSpec): Uint8Array {
  const config: ModelConfig = { backbone: 'mobilenet_v3', preset: 'keypoints', inputSize: 32, weights: 'random', ...(faceCrop && { faceCrop }) };
  const model = buildModel(config);
  try {
    return toOnnx(model, { model: config, task: 'keypoints', ctx: { points: 68 }, preprocessing: backboneSpec('mobilenet_v3').preprocessing, inputSize: 32 });
  } finally {
    model.dispose();
  }
}

describe('loadOnnxModel: the face crop in the transfer-studio metadata', () => {
  beforeAll(() => useBackend('wasm'));

  // Not the default spec: the values must come from the file.
  it("reads model.faceCrop back, so predict and evaluate --model FILE.onnx crop as --model DIR does", async () => {
    const spec = { scale: 1.2, shift: 0.05 };
    const loaded = await loadOnnxModel('crop.onnx', exported(spec));
    try {
      expect(loaded.meta.model?.faceCrop).toEqual(spec);
      expect(loaded.meta.task).toBe('keypoints');
    } finally {
      await loaded.dispose();
    }
  });

  it('gives no face crop for a model that takes whole images', async () => {
    const loaded = await loadOnnxModel('whole.onnx', exported());
    try {
      expect(loaded.meta.model?.faceCrop).toBeUndefined();
    } finally {
      await loaded.dispose();
    }
  });
});
