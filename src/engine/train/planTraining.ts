/**
 * `planTraining`: a scanned dataset and the user's choices → the whole run's config. What the studio proposes,
 * what `train --data ZIP` does with no other flag and what the acceptance tests run are this one plan.
 */
import type { DatasetReport, FaceCropSpec } from '../data';
import { backboneSpec, type BackboneName, type FreezeOp, type ModelConfig } from '../models';
import { headConfig, taskContext, taskFor, type TaskName } from '../tasks';
import { TRAIN_DEFAULTS, type Hyperparameters } from './defaults';
import type { FineTuneOptions } from './fineTuneOptions';
import { DEFAULT_BACKBONE, RECIPES } from './recipes';
import type { TrainConfig } from './types';

/** What a user may choose; everything left out comes from the task's recipe (recipes.ts). */
export interface TrainingChoices extends Partial<Omit<Hyperparameters, 'fineTune'>> {
  /** fastai's fine_tune; `null` turns off a recipe's (the head alone trains on the frozen trunk). */
  fineTune?: FineTuneOptions | null;
  backbone?: BackboneName;
  /** Square input side in pixels. */
  inputSize?: number;
  /** Clicks in the tree (or `--freeze`/`--unfreeze`), applied after the preset's own freezing. */
  freezeOps?: FreezeOp[];
  weights?: 'pretrained' | 'random';
  /** Loss weight per output name, over the recipe's (age-gender: `age`, `gender`). */
  lossWeights?: Record<string, number>;
  /** The face crop (`ModelConfig.faceCrop`): `null` turns off a recipe's, a spec turns it on with any backbone. */
  faceCrop?: FaceCropSpec | null;
}

/** Why a dataset cannot be trained on, with its first problems: the message the CLI and the studio show. */
export function unusableReason(report: DatasetReport): string | undefined {
  if (report.task && !report.ambiguous) return undefined;
  const why = report.ambiguous ? `it fits several layouts (${report.candidates.join(', ')})` : 'no dataset layout was recognized';
  const problems = report.problems.slice(0, 5).map((p) => `  ${p.file}${p.row ? ` row ${p.row}` : ''}: ${p.reason}`);
  return [`${report.name}: cannot train on it: ${why}`, ...problems].join('\n');
}

/**
 * The largest batch not above `batch` that still gives at least `MIN_STEPS` steps an epoch on `trainImages`
 * (a power of two, at least 2): 48 training images at batch 32 would make one step an epoch.
 */
export const MIN_STEPS = 20;
export function batchForDataset(batch: number, trainImages: number): number {
  let fit = 2;
  while (fit * 2 <= batch && fit * 2 * MIN_STEPS <= trainImages) fit *= 2;
  return Math.min(batch, Math.max(fit, 2));
}

/**
 * The run's config for `report`'s task: its recipe on the chosen (or the task's default) backbone, the task's
 * head, and the user's choices on top. `trainImages` (the train split's size) caps the proposed batch size so an
 * epoch has steps to learn from; a batch size the user chose is kept. Throws `unusableReason` for a dataset
 * with no task.
 */
export function planTraining(report: DatasetReport, choices: TrainingChoices = {}, trainImages = Infinity): TrainConfig {
  const unusable = unusableReason(report);
  if (unusable) throw new Error(unusable);
  const task = taskFor(report.task!);
  const backbone = choices.backbone ?? DEFAULT_BACKBONE[task.name];
  const recipe = RECIPES[task.name][backbone] ?? {};
  const base = taskContext(report);
  const lossWeights = base.lossWeights && { ...base.lossWeights, ...recipe.lossWeights, ...choices.lossWeights };
  const ctx = lossWeights ? { ...base, lossWeights } : base;
  const model: ModelConfig = {
    backbone,
    ...headConfig(task, ctx),
    inputSize: choices.inputSize ?? recipe.inputSize ?? backboneSpec(backbone).inputSize,
    freezeOps: choices.freezeOps ?? [],
    weights: choices.weights ?? 'pretrained',
  };
  const faceCrop = choices.faceCrop === null ? undefined : (choices.faceCrop ?? recipe.faceCrop);
  if (faceCrop) model.faceCrop = faceCrop;
  const hyper = proposedHyperparameters(task.name, backbone, trainImages);
  const { backbone: _b, inputSize: _i, freezeOps: _f, weights: _w, lossWeights: _l, faceCrop: _c, fineTune, ...chosen } = choices;
  const config: TrainConfig = { model, task: task.name, ctx, ...hyper, ...definedOnly(chosen) };
  if (fineTune === null) delete config.fineTune;
  else if (fineTune) config.fineTune = fineTune;
  return config;
}

/** The hyper-parameters the studio proposes for `task` on `backbone` (its recipe over the book's defaults). */
export function proposedHyperparameters(task: TaskName, backbone: BackboneName, trainImages = Infinity): Hyperparameters {
  const hyper = { ...TRAIN_DEFAULTS[task], ...RECIPES[task][backbone]?.hyper };
  return { ...hyper, batchSize: batchForDataset(hyper.batchSize, trainImages) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
