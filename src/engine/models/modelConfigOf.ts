import type * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from './buildModel';

/** The config each model was made from, by `buildModel` and `loadSavedModel`: a model's identity, never its name. */
const configs = new WeakMap<tf.LayersModel, ModelConfig>();

export function rememberConfig(model: tf.LayersModel, config: ModelConfig): void {
  configs.set(model, config);
}

/** The config `model` was built or loaded from; undefined for a model made any other way. */
export function modelConfigOf(model: tf.LayersModel): ModelConfig | undefined {
  return configs.get(model);
}

/** `modelConfigOf`, for code that only works on the studio's own models: throws naming `what` otherwise. */
export function builtConfig(model: tf.LayersModel, what: string): ModelConfig {
  const config = configs.get(model);
  if (!config) throw new Error(`${what}: '${model.name}' was not made by buildModel or loadSavedModel`);
  return config;
}
