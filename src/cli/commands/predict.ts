import { readFile, stat } from 'node:fs/promises';
import { TASKS } from '../../engine/tasks';
import { predictImage, type TtaName } from '../../engine/train';
import { parseCommandArgs, type CommandOptions } from '../args';
import { COMMON_OPTIONS } from '../commonOptions';
import { useBackend, type NodeBackend } from '../node/nodeBackends';
import { printable } from '../../engine/data';
import { sharpDecoder } from '../node/sharpDecoder';
import { loadScoringModel, SCORING_MODEL_OPTION } from '../scoringModel';
import { faceDetectorFor } from '../nodeFaceDetector';

const OPTIONS = {
  model: SCORING_MODEL_OPTION,
  image: { type: 'string', value: 'FILE', multiple: true, required: true, help: 'an image to predict; repeat for more' },
  tta: COMMON_OPTIONS.tta,
  backend: COMMON_OPTIONS.backend,
} satisfies CommandOptions;

/** The bytes of one `--image FILE`, or a short reason it cannot be read as one. */
async function readImageFile(file: string): Promise<Uint8Array> {
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === 'ENOENT' ? 'no such file' : e.message);
  });
  if (info.isDirectory()) throw new Error('is a folder; predict takes image files (landmarks reads a folder)');
  return new Uint8Array(await readFile(file));
}

/**
 * One JSON line per image: `{"image": FILE, ...prediction}` (coordinates in pixels of that image), or
 * `{"image": FILE, "error": "FILE: why"}` for one that cannot be read; the rest still run. Exit status 1 when
 * any image failed.
 */
export async function predictCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'predict', OPTIONS);
  await useBackend(values.backend as NodeBackend);
  const { model, meta, dispose } = await loadScoringModel(values.model);
  const faceCrop = meta.model?.faceCrop;
  const faceDetector = await faceDetectorFor(faceCrop);
  let failed = 0;
  try {
    for (const file of values.image) {
      let line: object;
      try {
        const bytes = await readImageFile(file);
        const prediction = await predictImage(model, TASKS[meta.task], meta.ctx, bytes, sharpDecoder, {
          inputSize: meta.inputSize,
          preprocessing: meta.preprocessing,
          tta: values.tta as TtaName,
          faceCrop,
          faceDetector,
        });
        line = { image: file, ...prediction };
      } catch (e) {
        failed++;
        const error = `${file}: ${(e as Error).message}`;
        process.stderr.write(`--image ${printable(error)}\n`);
        line = { image: file, error };
      }
      process.stdout.write(JSON.stringify(line) + '\n');
    }
  } finally {
    await dispose();
  }
  if (failed) process.stderr.write(`${failed} of ${values.image.length} images could not be predicted\n`);
  return failed ? 1 : 0;
}
