import { writeFile } from 'node:fs/promises';
import { loadSavedModel } from '../../engine/models';
import { toOnnx } from '../../engine/export/onnx/toOnnx';
import { parseCommandArgs, usageText, UsageError, type CommandOptions } from '../args';
import { readModelDir } from '../modelDir';
import { useBackend } from '../node/nodeBackends';

const FORMATS = ['onnx'] as const;

const OPTIONS = {
  model: { type: 'string', value: 'DIR', required: true, help: 'a saved model: the folder train --out wrote' },
  format: { type: 'string', choices: FORMATS, default: 'onnx', help: 'the file format (ONNX opset 13, NCHW input, dynamic batch)' },
  out: { type: 'string', value: 'FILE', required: true, help: 'where to write it (an existing file is not overwritten)' },
} satisfies CommandOptions;
const USAGE = usageText('export', OPTIONS);

/**
 * `export --model DIR --format onnx --out model.onnx`: the saved model as an ONNX file any runtime loads
 * (onnxruntime, TensorRT, OpenVINO). Input `input` [batch, 3, H, W] float32, preprocessed as `metadata_props`
 * says; one output per head, named as in the studio. Prints one JSON line: the file, its bytes, inputs and outputs.
 */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'export', OPTIONS);
  const files = await readModelDir(values.model);
  await useBackend('wasm');
  const { model, meta } = await loadSavedModel(files);
  try {
    const bytes = toOnnx(model, meta);
    try {
      await writeFile(values.out, bytes, { flag: 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UsageError(`--out ${values.out}: ${code === 'EEXIST' ? 'already exists; remove it or pick another name' : (e as Error).message}\nusage: ${USAGE}`);
    }
    const summary = {
      format: values.format,
      out: values.out,
      bytes: bytes.length,
      input: { name: 'input', shape: ['batch', 3, meta.inputSize, meta.inputSize], preprocessing: meta.preprocessing },
      outputs: model.outputNames,
      task: meta.task,
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
  } finally {
    model.dispose();
  }
  return 0;
}
