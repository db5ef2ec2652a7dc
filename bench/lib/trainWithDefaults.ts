import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDataset } from '../../src/cli/node/openDataset';
import { sharpDecoder } from '../../src/cli/node/sharpDecoder';
import { loadWeightsOption } from '../../src/cli/weightsOption';
import { faceDetectorFor } from '../../src/cli/nodeFaceDetector';
import { restartBackend } from '../../src/engine/backend';
import { scanDataset, type DatasetItem } from '../../src/engine/data';
import { backboneSpec, buildModel } from '../../src/engine/models';
import { nme, type Evaluation } from '../../src/engine/tasks';
import { planTraining, runTraining, trainingSplits, type TrainConfig, type TrainingOutcome } from '../../src/engine/train';

export const DATASETS = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

export interface DefaultRun extends Omit<TrainingOutcome, 'model'> {
  /** Wall time of the whole run: scan, weights, feature cache, epochs, test evaluation. */
  seconds: number;
  /** Whether the bundled pretrained weights were loaded (the defaults need them). */
  pretrained: boolean;
  /** `tf.memory().numTensors` after the run minus before it (0: nothing leaked). */
  leakedTensors: number;
}

/**
 * What `train --data ZIP` does with no other flag: scan (decoding every image), `planTraining` with no choices
 * (the proposed recipe), the bundled pretrained trunk, `runTraining` (val every epoch, the test split once). The
 * model is freed. The acceptance test asserts on it; `npm run bench -- recipes` prints it.
 */
export async function trainWithDefaults(zip: string): Promise<DefaultRun> {
  const start = performance.now();
  const { archive, close } = await openDataset(path.join(DATASETS, zip));
  try {
    const index = await scanDataset(archive, { decoder: sharpDecoder });
    const config: TrainConfig = planTraining(index.report, {}, trainingSplits(index).train.length);
    // BlazeFace's weights stay for the process (Human shares its loaded models between instances): counted before.
    const faceDetector = await faceDetectorFor(config.model.faceCrop);
    const before = tf.memory().numTensors;
    let pretrained = true;
    const build = async () => {
      const model = buildModel(config.model);
      pretrained &&= (await loadWeightsOption(model, backboneSpec(config.model.backbone), 'pretrained')).pretrained;
      return model;
    };
    const { model, ...outcome } = await runTraining({
      config,
      dataset: { archive, index, decoder: sharpDecoder },
      model: await build(),
      rebuild: build,
      restartBackend: () => restartBackend({}),
      faceDetector,
    }).done;
    model.dispose();
    return { ...outcome, pretrained, leakedTensors: tf.memory().numTensors - before, seconds: (performance.now() - start) / 1000 };
  } finally {
    await close();
  }
}

/** NME of always answering the train split's mean face (the trivial keypoints baseline), over `items`. */
export function meanShapeNme(train: DatasetItem[], items: DatasetItem[]): number {
  const mean = train[0].points!.map((_, j) => train.reduce((sum, item) => sum + item.points![j], 0) / train.length);
  return items.reduce((sum, item) => sum + nme(mean, item.points!, item.width, item.height), 0) / items.length;
}

/** Age MAE in years of always answering the train split's median age (the trivial age baseline), over `items`. */
export function medianAgeMae(train: DatasetItem[], items: DatasetItem[]): number {
  const ages = train.map((i) => i.age!).sort((a, b) => a - b);
  const median = ages[Math.floor(ages.length / 2)];
  return items.reduce((sum, item) => sum + Math.abs(item.age! - median), 0) / items.length;
}

export const formatEvaluation = (e?: Evaluation) =>
  e ? Object.entries(e.metrics).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ') + ` (n=${e.n})` : '—';

/** The recipe a run used, in one line: `mobilenet_v3 @320², lr 0.001, batch 4, 5 epochs`. */
export function describeRecipe(c: TrainConfig): string {
  return (
    `${c.model.backbone} @${c.model.inputSize}², lr ${c.learningRate}, batch ${c.batchSize}, ${c.epochs} epochs` +
    `${c.fineTune ? `, fine_tune ${c.fineTune.freezeEpochs} + from ${c.fineTune.unfreezeFrom ?? 'the first layer'}` : ''}` +
    `${c.augment ? ', augmented' : ''}${c.ctx.lossWeights ? `, loss weights ${JSON.stringify(c.ctx.lossWeights)}` : ''}`
  );
}
