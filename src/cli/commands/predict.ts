import { readFile } from 'node:fs/promises';
import { loadSavedModel } from '../../engine/models';
import { TASKS } from '../../engine/tasks';
import { predictImage } from '../../engine/train';
import { parseCommandArgs, UsageError } from '../args';
import { readModelDir } from '../modelDir';
import { NODE_BACKENDS, useBackend, type NodeBackend } from '../nodeBackends';
import { sharpDecoder } from '../sharpDecoder';

const USAGE = `transfer-studio predict --model DIR --image FILE [--image FILE]... [--backend <${NODE_BACKENDS.join('|')}>]`;

/** One JSON line per image: `{"image": FILE, ...prediction}` (coordinates in pixels of that image). */
export async function predictCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      model: { type: 'string' },
      image: { type: 'string', multiple: true },
      backend: { type: 'string', default: 'wasm' },
    },
    USAGE,
  );
  if (!values.model) throw new UsageError(`--model is required\nusage: ${USAGE}`);
  if (!values.image?.length) throw new UsageError(`--image is required\nusage: ${USAGE}`);
  if (!(NODE_BACKENDS as readonly string[]).includes(values.backend)) throw new UsageError(`unknown backend '${values.backend}'\nusage: ${USAGE}`);
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
        throw new Error(`--image ${values.image![i]}: ${e.message}`);
      });
      process.stdout.write(JSON.stringify({ image: values.image![i], ...prediction }) + '\n');
    }
  } finally {
    model.dispose();
  }
  return 0;
}
