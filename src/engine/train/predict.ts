import * as tf from '@tensorflow/tfjs';
import { cropResize, normalize, type FaceCropSpec, type ImageDecoder } from '../data';
import type { FaceDetector } from '../landmarks';
import { faceSquare } from './cropFaces';
import { uncropPrediction } from './decodeItem';
import { modelConfigOf, type Preprocessing } from '../models';
import { isExternalModel } from './externalModel';
import type { Prediction, Task, TaskContext } from '../tasks/types';
import { imageOptionsFor } from './batches';
import type { ScoringModel } from './externalModel';
import { scoreOutputs, type TtaName } from './tta';

export interface PredictOptions {
  /** Square input side; the model's own input size by default. */
  inputSize?: number;
  /** The backbone's normalization; read from the model's name (`backbone+preset`) by default. */
  preprocessing?: Preprocessing;
  /** Test-time augmentation (default 'none'). */
  tta?: TtaName;
  /** The model takes face crops (`ModelConfig.faceCrop`); read from a studio LayersModel's config by default, `null`: the whole image. */
  faceCrop?: FaceCropSpec | null;
  /** Finds the face to crop around; required when the model takes face crops. */
  faceDetector?: FaceDetector;
}

/** One image's raw outputs (one array per model output) and the size of the original (oriented) image. */
export interface ImageOutputs {
  outputs: number[][];
  size: { width: number; height: number };
  /** With a face crop: `[x, y, side]` of the square the model saw, in pixels of the original, and whether a face was found there. */
  crop?: { square: [number, number, number]; noFace: boolean };
}

/** The face crop `model` takes, if any: the caller's, or its studio config's. */
export function faceCropOf(model: ScoringModel, options: Pick<PredictOptions, 'faceCrop'>): FaceCropSpec | undefined {
  if (options.faceCrop !== undefined) return options.faceCrop ?? undefined;
  return isExternalModel(model) ? undefined : modelConfigOf(model)?.faceCrop;
}

/** The model's input pixels: the image stretched to s², or its face crop resampled to s². */
async function inputPixels(bytes: Uint8Array, decoder: ImageDecoder, s: number, spec: FaceCropSpec | undefined, detector: FaceDetector | undefined) {
  if (!spec) {
    const image = await decoder(bytes, { width: s, height: s });
    return { data: image.data, size: { width: image.sourceWidth, height: image.sourceHeight } };
  }
  if (!detector) throw new Error('this model takes face crops: predicting needs the face detector (BlazeFace)');
  const image = await decoder(bytes);
  const crop = await faceSquare(detector, image, spec);
  return { data: cropResize(image, crop.square, s), size: { width: image.width, height: image.height }, crop };
}

/** One image file → the model's outputs on it, decoded and stretched to the input size as in training, normalized, in inference mode. */
export async function imageOutputs(
  model: ScoringModel,
  task: Task,
  ctx: TaskContext,
  bytes: Uint8Array,
  decoder: ImageDecoder,
  options: PredictOptions = {},
): Promise<ImageOutputs> {
  const { inputSize: s, preprocessing } = imageOptionsFor(model, { decoder, ...options });
  const { data, size, crop } = await inputPixels(bytes, decoder, s, faceCropOf(model, options), options.faceDetector);
  const x = tf.tidy(() => normalize(tf.tensor4d(Float32Array.from(data), [1, s, s, 3]), preprocessing));
  const outputs = await scoreOutputs(model, [x], { task, ctx, tta: options.tta }).finally(() => x.dispose());
  const values = await Promise.all(outputs.map((t) => t.data()));
  tf.dispose(outputs);
  return { outputs: values.map((v) => Array.from(v)), size, ...(crop && { crop }) };
}

/** One image file → the task's prediction, in pixels of the original (oriented) image (`imageOutputs`, `Task.decode`d). */
export async function predictImage(
  model: ScoringModel,
  task: Task,
  ctx: TaskContext,
  bytes: Uint8Array,
  decoder: ImageDecoder,
  options: PredictOptions = {},
): Promise<Prediction> {
  return decodeOutputs(task, ctx, await imageOutputs(model, task, ctx, bytes, decoder, options));
}

/** `Task.decode` of one image's outputs, in pixels of the original image (a face crop's points moved back). */
export function decodeOutputs(task: Task, ctx: TaskContext, { outputs, size, crop }: ImageOutputs): Prediction {
  if (!crop) return task.decode(outputs, size, ctx);
  const [, , side] = crop.square;
  return uncropPrediction(task.decode(outputs, { width: side, height: side }, ctx), crop.square);
}
