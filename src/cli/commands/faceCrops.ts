import { writeFile } from 'node:fs/promises';
import { FACE_CROP, printable, scanDataset, type FaceCropSpec } from '../../engine/data';
import { cropFaces } from '../../engine/train';
import { parseCommandArgs, usageText, type CommandOptions } from '../args';
import { COMMON_OPTIONS } from '../commonOptions';
import { formatProblems } from '../inspect';
import { useBackend, type NodeBackend } from '../node/nodeBackends';
import { openDataset } from '../node/openDataset';
import { sharpDecoder } from '../node/sharpDecoder';
import { faceDetectorFor } from '../nodeFaceDetector';
import { numberOption } from '../numberOption';

const OPTIONS = {
  data: { type: 'string', value: 'ZIP|DIR', required: true, help: 'the dataset: every image its scan keeps gets a square' },
  out: { type: 'string', value: 'FILE', help: "where to write the JSON (an exported folder's train.py reads it with --face-crops FILE)", defaultText: 'stdout' },
  scale: { type: 'string', value: 'X', default: String(FACE_CROP.scale), help: "the square's side over the longer side of BlazeFace's box (the model's faceCrop.scale)" },
  shift: { type: 'string', value: 'X', default: String(FACE_CROP.shift), help: 'how far the square moves down, in sides (the model\'s faceCrop.shift)' },
  backend: COMMON_OPTIONS.backend,
} satisfies CommandOptions;
const USAGE = usageText('face-crops', OPTIONS);

/** What `face-crops` writes: the spec, each image's square `[x, y, side]` in its pixels, and the images with no face. */
export interface FaceCropsFile {
  spec: FaceCropSpec;
  crops: Record<string, [number, number, number]>;
  noFace: string[];
}

/**
 * The face crop of every image of a dataset, as the studio cuts it before training (BlazeFace's central face,
 * data/faceCrop.ts), for tools that cannot run BlazeFace: an exported folder's train.py takes the file with
 * `--face-crops`. An image with no face found gets the centred square of the whole image and is listed in `noFace`.
 */
export async function faceCropsCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'face-crops', OPTIONS);
  const spec: FaceCropSpec = {
    scale: numberOption('--scale', values.scale, { min: 0.1, max: 10 }, USAGE),
    shift: numberOption('--shift', values.shift, { min: -1, max: 1 }, USAGE),
  };
  await useBackend(values.backend as NodeBackend);
  const { archive, close } = await openDataset(values.data);
  try {
    const index = await scanDataset(archive, { decoder: sharpDecoder });
    if (index.report.problems.length) process.stderr.write(`${archive.name}: ${formatProblems(index.report).join('\n')}\n`);
    if (!index.report.task || index.items.length === 0) throw new Error(`${values.data}: no dataset layout was recognized`);
    const detector = (await faceDetectorFor(spec))!;
    const started = performance.now();
    const cropped = await cropFaces(index.items, {
      archive,
      decoder: sharpDecoder,
      detector,
      spec,
      onProgress: (done, total) => process.stderr.write(`\rface-crops: ${done}/${total} images`),
    });
    const file: FaceCropsFile = {
      spec,
      crops: Object.fromEntries(cropped.items.map((item) => [item.path, item.crop!.square])),
      noFace: cropped.problems.map((p) => p.file),
    };
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\rface-crops: ${cropped.items.length} images in ${seconds} s, ${file.noFace.length} with no face found (cropped to the whole image)\n`);
    for (const p of cropped.problems) process.stderr.write(`${printable(p.file)}: ${p.reason}\n`);
    const json = JSON.stringify(file) + '\n';
    if (values.out === undefined) process.stdout.write(json);
    else await writeFile(values.out, json);
  } finally {
    await close();
  }
  return 0;
}
