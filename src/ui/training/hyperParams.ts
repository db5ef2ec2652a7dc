import type { DatasetTask, FaceCropSpec } from '../../engine/data';
import type { TaskName } from '../../engine/tasks';
import type { Hyperparameters, TrainConfig } from '../../engine/train';
import type { FineTuneOptions } from '../../engine/train/fineTuneOptions';

/** What the Train panel edits: the trainer's hyper-parameters and, for several outputs, their loss weights. */
export interface HyperParams extends Hyperparameters {
  /** Loss weight per model output (age-gender: `age`, `gender`); empty for one output. */
  lossWeights: Record<string, number>;
  /** Train and predict on the square around each face BlazeFace finds (`ModelConfig.faceCrop`); absent: whole images. */
  faceCrop?: FaceCropSpec;
}

/** The studio's task for a dataset's task, as the engine's `taskFor` maps it (two or more classes alike). */
export function taskNameOf(datasetTask: DatasetTask): TaskName {
  return datasetTask === 'binary' || datasetTask === 'multiclass' ? 'classification' : datasetTask;
}

/** Whether the face crop is offered: for face tasks (keypoints, age and gender), not for photos of anything. */
export function offersFaceCrop(datasetTask: DatasetTask | null | undefined): boolean {
  return !!datasetTask && taskNameOf(datasetTask) !== 'classification';
}

/** The hyper-parameters of a planned run (`planTraining`): what the Train panel proposes. */
export function proposalOf(planned: TrainConfig): HyperParams {
  const { optimizer, learningRate, batchSize, epochs, seed, featureCache, schedule, fineTune, augment } = planned;
  return {
    optimizer,
    learningRate,
    batchSize,
    epochs,
    seed,
    featureCache,
    ...(schedule ? { schedule } : {}),
    ...(fineTune ? { fineTune } : {}),
    ...(augment ? { augment } : {}),
    lossWeights: planned.ctx.lossWeights ?? {},
    ...(planned.model.faceCrop ? { faceCrop: planned.model.faceCrop } : {}),
  };
}

/**
 * The user's edits over the proposal; `fineTune: null` turns a recipe's fine_tune off and `faceCrop: null` its face
 * crop (as the engine's choices do).
 */
export type HyperEdits = Omit<Partial<HyperParams>, 'fineTune' | 'faceCrop'> & { fineTune?: FineTuneOptions | null; faceCrop?: FaceCropSpec | null };

/** The proposed recipe with the user's edits on top (a field edited stays edited). */
export function hyperParams(proposed: HyperParams, edits: HyperEdits): HyperParams {
  const { fineTune, faceCrop, ...rest } = edits;
  const merged: HyperParams = { ...proposed, ...rest, lossWeights: { ...proposed.lossWeights, ...edits.lossWeights } };
  if (fineTune === null) delete merged.fineTune;
  else if (fineTune) merged.fineTune = fineTune;
  if (faceCrop === null) delete merged.faceCrop;
  else if (faceCrop) merged.faceCrop = faceCrop;
  return merged;
}

/** Input sizes offered; smaller ones train faster, and the heads pool globally so any size works. */
export const INPUT_SIZES = [32, 64, 96, 128, 160, 224, 256, 320] as const;
