import path from 'node:path';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { scanDataset, splitDataset, type DatasetItem } from '../data';
import type { BackboneName } from '../models';
import { taskContext, taskFor } from '../tasks';
import { defaultTrainConfig, type Hyperparameters, type TrainConfig, type TrainData } from '../train';

/** ../shared/datasets beside the repository (as CI lays it out). */
const DATASETS = path.resolve(__dirname, '../../../../shared/datasets');

/** The shared zips the train tests read a few real images from. */
export const SHARED_ZIPS = {
  classification: 'cats-dogs.zip',
  keypoints: 'facial-keypoints.zip',
  'age-gender': 'age-gender.zip',
} as const;
export type SharedTask = keyof typeof SHARED_ZIPS;

/** `n` items from both ends of the path order, so both classes of an image-folder zip show up in a handful. */
const pick = (items: DatasetItem[], n: number) => [...items.slice(0, Math.ceil(n / 2)), ...items.slice(items.length - Math.floor(n / 2))];

/**
 * `nTrain` train and `nVal` val images of the task's shared zip, with a config for `backbone` at `inputSize`.
 * `close` releases the zip.
 */
export async function smallRun(
  task: SharedTask,
  backbone: BackboneName,
  inputSize: number,
  sizes: { nTrain: number; nVal: number },
  overrides: Partial<Hyperparameters> = {},
): Promise<{ data: TrainData; config: TrainConfig; close(): Promise<void> }> {
  const { archive, close } = await openDataset(path.join(DATASETS, SHARED_ZIPS[task]));
  const index = await scanDataset(archive);
  const splits = splitDataset(index);
  const ctx = taskContext(index.report);
  const preset = taskFor(index.report.task!).preset(ctx);
  const config = defaultTrainConfig(task, { backbone, preset, inputSize, weights: 'random' }, ctx, overrides);
  const train = pick([...splits.train].sort((a, b) => (a.path < b.path ? -1 : 1)), sizes.nTrain);
  const val = pick([...splits.val].sort((a, b) => (a.path < b.path ? -1 : 1)), sizes.nVal);
  return { data: { archive, decoder: sharpDecoder, splits: { train, val } }, config, close };
}
