import type * as tf from '@tensorflow/tfjs';
import { buildModel, importTorchvision, readSavedModelMeta, type SavedModelFiles, type SavedModelMeta } from '../../models';
import { PYTORCH_FILES } from './pytorchProject';

/** An exported PyTorch folder (studio.json + weights.safetensors) rather than a tfjs saved model (model.json). */
export function isPytorchProject(files: SavedModelFiles): boolean {
  return PYTORCH_FILES.weights in files && PYTORCH_FILES.meta in files && !('model.json' in files);
}

/**
 * The studio's model of an exported (and perhaps retrained) PyTorch folder: built from studio.json's config, every
 * weight from weights.safetensors. Throws naming the keys when the file is not that network's.
 */
export function loadPytorchProject(files: SavedModelFiles): { model: tf.LayersModel; meta: SavedModelMeta } {
  const meta = readSavedModelMeta(files);
  const bytes = files[PYTORCH_FILES.weights];
  if (!bytes) throw new Error(`not an exported PyTorch folder: ${PYTORCH_FILES.weights} is missing`);
  const model = buildModel({ ...meta.model, inputSize: meta.inputSize });
  try {
    let report;
    try {
      report = importTorchvision(model, bytes.slice().buffer as ArrayBuffer, { head: 'load' });
    } catch (e) {
      throw new Error(`${PYTORCH_FILES.weights} does not fit ${model.name}: ${(e as Error).message}`);
    }
    if (report.missing.length || report.unexpected.length) {
      const list = (what: string, keys: string[]) => (keys.length ? `${what} ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ` (+${keys.length - 5})` : ''}` : '');
      throw new Error(`${PYTORCH_FILES.weights} is not ${model.name}'s: ${[list('missing', report.missing), list('unexpected', report.unexpected)].filter(Boolean).join('; ')}`);
    }
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, meta };
}
