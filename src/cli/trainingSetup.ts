/**
 * What `train` and `lr-find` share: the model choices their flags give, the dataset opened and scanned for
 * training, and the model built with its weights. One place, so both commands mean the same by the same flag.
 */
import type * as tf from '@tensorflow/tfjs';
import { backboneSpec, buildModel, type BackboneName, type ModelConfig } from '../engine/models';
import type { WeightsInfo } from '../engine/models/weights';
import { FACE_CROP, scanDataset, type Archive, type DatasetIndex, type DatasetSplits } from '../engine/data';
import { UsageError } from './args';
import { trainingSplits, unusableReason, type OptimizerName, type TrainingChoices } from '../engine/train';
import { inputSizeOption } from './commonOptions';
import { freezeOpsInOrder } from './freezeOps';
import { formatProblems } from './inspect';
import { numberOption } from './numberOption';
import { openDataset } from './node/openDataset';
import { sharpDecoder } from './node/sharpDecoder';
import { loadWeightsOption } from './weightsOption';

/** The flags both commands read (parsed values, as `parseCommandArgs` gives them). */
export interface ModelFlags {
  backbone?: string;
  'input-size'?: string;
  weights?: string;
  batch?: string;
  optimizer?: string;
  'no-cache'?: boolean;
  'face-crop'?: boolean;
  'no-face-crop'?: boolean;
}

/** The model and batch choices of the flags; `--freeze` / `--unfreeze` in command-line order. */
export function modelChoicesFrom(values: ModelFlags, argv: string[], usage: string): TrainingChoices {
  if (values['face-crop'] && values['no-face-crop']) throw new UsageError(`--face-crop and --no-face-crop contradict each other\nusage: ${usage}`);
  return {
    ...(values.backbone !== undefined && { backbone: values.backbone as BackboneName }),
    ...(values['input-size'] !== undefined && { inputSize: inputSizeOption(values['input-size'], usage) }),
    freezeOps: freezeOpsInOrder(argv),
    ...(values.weights === 'random' && { weights: 'random' as const }),
    ...(values.batch !== undefined && { batchSize: numberOption('--batch', values.batch, { integer: true, min: 1 }, usage) }),
    ...(values.optimizer !== undefined && { optimizer: values.optimizer as OptimizerName }),
    ...(values['no-cache'] && { featureCache: false }),
    ...(values['face-crop'] && { faceCrop: FACE_CROP }),
    ...(values['no-face-crop'] && { faceCrop: null }),
  };
}

export interface OpenedForTraining {
  archive: Archive;
  index: DatasetIndex;
  splits: DatasetSplits;
  close(): Promise<void>;
}

/**
 * Opens and scans `path` (decoding every image once, so a damaged one is skipped here instead of stopping a run
 * mid-epoch), prints its problems to stderr, and splits it. A dataset that cannot be trained on throws its
 * reason (which lists the first problems itself, so they are not printed twice).
 */
export async function openForTraining(path: string): Promise<OpenedForTraining> {
  const { archive, close } = await openDataset(path);
  try {
    const index = await scanDataset(archive, { decoder: sharpDecoder });
    const unusable = unusableReason(index.report);
    if (unusable) throw new Error(unusable);
    if (index.report.problems.length) process.stderr.write(`${archive.name}: ${formatProblems(index.report).join('\n')}\n`);
    return { archive, index, splits: trainingSplits(index), close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Builds `config`'s model and loads the weights `--weights` asks for (bundled pretrained when absent). */
export async function buildWithWeights(config: ModelConfig, weightsFlag: string | undefined): Promise<{ model: tf.LayersModel; weights: WeightsInfo }> {
  const model = buildModel(config);
  try {
    return { model, weights: await loadWeightsOption(model, backboneSpec(config.backbone), weightsFlag) };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
