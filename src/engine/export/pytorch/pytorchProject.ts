import type * as tf from '@tensorflow/tfjs';
import { encodeSafetensors, torchvisionStateDict, type SavedModelMeta } from '../../models';
import type { Hyperparameters } from '../../train/defaults';
import { MODEL_PY } from './modelPy';
import { TRAIN_PY } from './trainPy';
import { projectReadme } from './projectReadme';

/** File names of an exported PyTorch folder. */
export const PYTORCH_FILES = {
  model: 'model.py',
  train: 'train.py',
  weights: 'weights.safetensors',
  meta: 'studio.json',
  recipe: 'recipe.json',
  requirements: 'requirements.txt',
  readme: 'README.md',
} as const;

/** What train.py needs beyond the model: the run's hyper-parameters (the studio's recipe). JSON. */
export type PytorchRecipe = Partial<Hyperparameters>;

/** The packages model.py and train.py import (safetensors is optional: model.py reads and writes the format itself). */
export const REQUIREMENTS = 'torch>=1.13\ntorchvision>=0.14\nsafetensors>=0.3\n';

/**
 * A model as a PyTorch project: model.py (the network with the studio's module paths), weights.safetensors (every
 * weight, torchvision layout: the inverse of `importTorchvision`), studio.json (the saved model's description, which
 * model.py and train.py read), recipe.json (train.py's defaults), train.py, requirements.txt and a README. Plain
 * bytes by file name, as `saveModel` gives them: the CLI writes them to a folder, the studio zips them.
 */
export function pytorchProject(model: tf.LayersModel, meta: SavedModelMeta, recipe: PytorchRecipe = {}): Record<string, Uint8Array> {
  const encode = (text: string) => new TextEncoder().encode(text);
  const weights = encodeSafetensors(torchvisionStateDict(model), { format: 'pt', producer: 'transfer-studio' });
  return {
    [PYTORCH_FILES.model]: encode(MODEL_PY.trimStart()),
    [PYTORCH_FILES.train]: encode(TRAIN_PY.trimStart()),
    [PYTORCH_FILES.weights]: new Uint8Array(weights),
    [PYTORCH_FILES.meta]: encode(JSON.stringify(meta, null, 2) + '\n'),
    [PYTORCH_FILES.recipe]: encode(JSON.stringify(recipe, null, 2) + '\n'),
    [PYTORCH_FILES.requirements]: encode(REQUIREMENTS),
    [PYTORCH_FILES.readme]: encode(projectReadme(meta)),
  };
}
