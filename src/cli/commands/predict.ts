import { readFile } from 'node:fs/promises';
import { loadSavedModel } from '../../engine/models';
import { TASKS } from '../../engine/tasks';
import { predictImage } from '../../engine/train';
import { parseCommandArgs, type CommandOptions } from '../args';
import { readModelDir } from '../modelDir';
import { COMMON_OPTIONS } from '../commonOptions';
import { useBackend, type NodeBackend } from '../nodeBackends';
import { sharpDecoder } from '../sharpDecoder';

const OPTIONS = {
  model: { type: 'string', value: 'DIR', required: true, help: 'a saved model: the folder train --out wrote' },
  image: { type: 'string', value: 'FILE', multiple: true, required: true, help: 'an image to predict; repeat for more' },
  backend: COMMON_OPTIONS.backend,
} satisfies CommandOptions;

/** One JSON line per image: `{"image": FILE, ...prediction}` (coordinates in pixels of that image). */
export async function predictCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'predict', OPTIONS);
  const files = await readModelDir(values.model);
  const images = await Promise.all(
    values.image.map((file) =>
      readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`--image ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
      }),
    ),
  );
  await useBackend(values.backend as NodeBackend);
  const { model, meta } = await loadSavedModel(files);
  try {
    for (const [i, bytes] of images.entries()) {
      const prediction = await predictImage(model, TASKS[meta.task], meta.ctx, new Uint8Array(bytes), sharpDecoder, {
        inputSize: meta.inputSize,
        preprocessing: meta.preprocessing,
      }).catch((e: Error) => {
        throw new Error(`--image ${values.image[i]}: ${e.message}`);
      });
      process.stdout.write(JSON.stringify({ image: values.image[i], ...prediction }) + '\n');
    }
  } finally {
    model.dispose();
  }
  return 0;
}
