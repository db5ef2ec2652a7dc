import type * as tf from '@tensorflow/tfjs';
import { loadSavedModel, type SavedModelFiles, type SavedModelMeta } from '../engine/models';
import { isPytorchProject, loadPytorchProject } from '../engine/export/pytorch';

/** A `--model DIR`'s network: a saved model (model.json) or an exported PyTorch folder (weights.safetensors). */
export async function loadModelFiles(files: SavedModelFiles): Promise<{ model: tf.LayersModel; meta: SavedModelMeta }> {
  return isPytorchProject(files) ? loadPytorchProject(files) : loadSavedModel(files);
}
