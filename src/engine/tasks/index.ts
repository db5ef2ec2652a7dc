import type { DatasetReport, DatasetTask } from '../data';
import type { ModelConfig } from '../models';
import { ageGender, AGE_GENDER_LOSS_WEIGHTS } from './ageGender';
import { classification } from './classification';
import { keypoints } from './keypoints';
import type { Task, TaskContext, TaskName } from './types';
import { classWeightsOf } from './classWeights';

export { TASK_NAMES } from './types';
export { classWeightsOf, trainClassCounts, UNEVEN_RATIO } from './classWeights';
export type { Evaluation, MetricAccumulator, Prediction, Task, TaskContext, TaskFor, TaskName } from './types';
export { nme, OUTER_EYE_CORNERS } from './nme';
export { classification, keypoints, ageGender, AGE_GENDER_LOSS_WEIGHTS };

export const TASKS: Record<TaskName, Task> = {
  classification,
  keypoints,
  'age-gender': ageGender,
};

/** The dataset's task → the studio's task (two or more classes are both classification). */
export function taskFor(datasetTask: DatasetTask): Task {
  return TASKS[datasetTask === 'binary' || datasetTask === 'multiclass' ? 'classification' : datasetTask];
}

/** What the task needs to know about a scanned dataset; age-gender starts from the book's loss weights. */
export function taskContext(report: DatasetReport): TaskContext {
  const classWeights = classWeightsOf(report);
  return {
    ...(report.classes ? { classes: [...report.classes] } : {}),
    ...(report.points !== undefined ? { points: report.points } : {}),
    ...(report.task === 'age-gender' ? { lossWeights: { ...AGE_GENDER_LOSS_WEIGHTS } } : {}),
    ...(classWeights ? { classWeights } : {}),
  };
}

/** The head part of a `ModelConfig` for a task (multiclass needs the class count). */
export function headConfig(task: Task, ctx: TaskContext): Pick<ModelConfig, 'preset' | 'numClasses'> {
  const preset = task.preset(ctx);
  return preset === 'multiclass' ? { preset, numClasses: ctx.classes!.length } : { preset };
}
