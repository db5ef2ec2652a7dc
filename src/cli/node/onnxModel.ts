import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { onnxProto } from '../../engine/export/onnx/proto';
import type { ModelConfig, SavedModelMeta } from '../../engine/models';
import type { ExternalModel } from '../../engine/train';

/** What scoring a model needs beyond the network; `model.faceCrop` when it takes face crops (its config, when saved with it). */
export type ScoringMeta = Pick<SavedModelMeta, 'task' | 'ctx' | 'preprocessing' | 'inputSize'> & { model?: Pick<ModelConfig, 'faceCrop'> };

/** What `toOnnx` writes under the `transfer-studio` key (with `outputs`, the heads in the studio's order). */
type StudioMetadata = ScoringMeta & { layout: string; outputs: string[] };

/**
 * An ONNX file `export` wrote, run by onnxruntime-node: NHWC batches are transposed to the file's NCHW here, and
 * the task, classes, preprocessing and input size are read from its `metadata_props`.
 */
export async function loadOnnxModel(file: string, bytes: Uint8Array): Promise<{ model: ExternalModel; meta: ScoringMeta; dispose(): Promise<void> }> {
  let metadata: StudioMetadata;
  try {
    const props = onnxProto.ModelProto.decode(bytes).metadataProps ?? [];
    const studio = props.find((p) => p.key === 'transfer-studio')?.value;
    if (!studio) throw new Error('it has no transfer-studio metadata_props (task, classes, preprocessing); write it with `transfer-studio export`');
    metadata = JSON.parse(studio) as StudioMetadata;
  } catch (e) {
    throw new Error(`--model ${file}: not an ONNX model this studio exported (${(e as Error).message})`);
  }
  if (metadata.layout !== 'NCHW') throw new Error(`--model ${file}: input layout '${metadata.layout}'; the studio writes NCHW`);
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    intraOpNumThreads: availableParallelism(),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  }).catch((e: Error) => {
    throw new Error(`--model ${file}: onnxruntime-node cannot load it (${e.message.split('\n')[0]})`);
  });
  const model: ExternalModel = {
    name: file,
    inputSize: metadata.inputSize,
    async predict(x) {
      const nchw = tf.transpose(x, [0, 3, 1, 2]);
      const data = (await nchw.data()) as Float32Array;
      const result = await session.run({ input: new ort.Tensor('float32', data, nchw.shape) });
      nchw.dispose();
      return metadata.outputs.map((name) => tf.tensor(result[name].data as Float32Array, result[name].dims as number[]));
    },
  };
  const { task, ctx, preprocessing, inputSize } = metadata;
  // The face crop rides in `model` (the whole ModelConfig is in the file): predict and evaluate crop as for --model DIR.
  const faceCrop = metadata.model?.faceCrop;
  return { model, meta: { task, ctx, preprocessing, inputSize, ...(faceCrop && { model: { faceCrop } }) }, dispose: () => session.release() };
}
