import { readFile } from 'node:fs/promises';
import type { ScoringModel } from '../engine/train';
import { loadModelFiles } from './loadModelFiles';
import { readModelDir } from './modelDir';
import { loadOnnxModel, type ScoringMeta } from './node/onnxModel';

/** `--model` of predict and evaluate: wording shared by both. */
export const SCORING_MODEL_OPTION = {
  type: 'string',
  value: 'DIR|FILE.onnx',
  required: true,
  help: 'a saved model: the folder train --out or export --format pytorch wrote, or the .onnx file export wrote (run by onnxruntime-node)',
} as const;

/** A loaded `--model`: a saved model or exported PyTorch folder on tfjs, or an exported `.onnx` file on onnxruntime-node. */
export interface LoadedScoringModel {
  model: ScoringModel;
  meta: ScoringMeta;
  dispose(): Promise<void>;
}

/** Loads `--model PATH` (the tfjs backend must be set first: both kinds normalize and transpose with it). */
export async function loadScoringModel(modelPath: string): Promise<LoadedScoringModel> {
  if (modelPath.toLowerCase().endsWith('.onnx')) {
    const bytes = await readFile(modelPath).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`--model ${modelPath}: ${e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'a folder, not an .onnx file' : e.message}`);
    });
    return loadOnnxModel(modelPath, new Uint8Array(bytes));
  }
  const { model, meta } = await loadModelFiles(await readModelDir(modelPath));
  return { model, meta, dispose: async () => void model.dispose() };
}
