import type { TrainConfig } from '../../engine/train';
import type { StudioState } from '../store';
import { trainerWorker } from '../trainerWorkerClient';
import { offersFaceCrop } from './hyperParams';

/**
 * The config a run (or the learning-rate finder) would use now: the worker's `plan` of the open dataset with the
 * model the tree shows and the Train panel's choices. A head that does not fit the dataset's task is switched
 * to the task's first (the model is rebuilt); throws when there is nothing to plan or the model cannot be built.
 */
export async function planRun(get: () => StudioState): Promise<TrainConfig> {
  const s = get();
  const report = s.datasetReport;
  if (!report?.task || !s.modelConfig) throw new Error('open a dataset and pick a model first');
  const model = s.modelConfig;
  const { backbone, inputSize, freezeOps, weights } = model;
  // Only the user's edits go with the choices: the rest is the plan's, its batch cap included. A face crop chosen
  // on a face dataset is not carried to photos of anything else.
  const { faceCrop, ...edits } = s.hyperOverrides;
  const crop = offersFaceCrop(report.task) && faceCrop !== undefined ? { faceCrop } : {};
  const planned = await trainerWorker.call((api) => api.plan({ backbone, inputSize, freezeOps, weights, ...edits, ...crop }));
  if (model.preset !== planned.model.preset || model.numClasses !== planned.model.numClasses) {
    await get().chooseModel(model.backbone, planned.model.preset, { numClasses: planned.model.numClasses, inputSize: planned.model.inputSize });
  } else if (model.inputSize !== planned.model.inputSize) {
    // The proposal's input size had not reached the model yet: the tree's clicks are kept.
    await get().setInputSize(planned.model.inputSize!);
  }
  if (get().modelStatus !== 'ready') throw new Error(get().modelError ?? 'the model could not be built');
  // The model the tree shows, taking the plan's face crop (or none): a model's crop is part of what it is.
  const { faceCrop: _shown, ...shown } = get().modelConfig!;
  return { ...planned, model: { ...shown, ...(planned.model.faceCrop && { faceCrop: planned.model.faceCrop }) } };
}
