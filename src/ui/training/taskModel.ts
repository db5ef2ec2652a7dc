import type { BackboneName, ModelConfig, PresetName } from '../../engine/models';
import type { Catalog } from '../store/modelSlice';

/** What the studio knows, when a dataset is opened, about the model the tree shows. */
export interface ModelOnOpen {
  /** The user picked this backbone (the model bar) for the dataset being opened, or before any dataset. */
  backbonePicked: boolean;
  /** The worker holds trained weights for it (a finished or stopped run, or one restored after a reload). */
  trained: boolean;
  /** A run cut short by a reload that can go on from its checkpoint. */
  resumable: boolean;
  /** A run is going on (it keeps its model and its dataset). */
  running: boolean;
}

/** The model is the user's (picked, trained, or part of a run): opening a dataset keeps it. */
export function keepsModel(s: ModelOnOpen): boolean {
  return s.backbonePicked || s.trained || s.resumable || s.running;
}

/** A model as the worker's plan with no backbone chosen gives it (`planTraining`: the task's default backbone). */
export interface TaskModel {
  backbone: BackboneName;
  preset: PresetName;
  numClasses?: number;
  inputSize?: number;
}

/**
 * The model to build for a newly opened dataset: the task's default backbone with the task's head at the proposed
 * input size, or null when the current one already is it (the proposal then only sets its size) or the zoo does not
 * offer it here.
 */
export function taskModel(planned: TaskModel, current: ModelConfig | null, catalog: Catalog | null): TaskModel | null {
  const offered = catalog?.backbones.find((b) => b.name === planned.backbone);
  if (catalog && !offered?.presets.includes(planned.preset)) return null;
  if (current && current.backbone === planned.backbone && current.preset === planned.preset && current.numClasses === planned.numClasses) return null;
  const { backbone, preset, numClasses, inputSize } = planned;
  return { backbone, preset, ...(numClasses !== undefined && { numClasses }), ...(inputSize !== undefined && { inputSize }) };
}
