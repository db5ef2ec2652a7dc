import { readFile, stat } from 'node:fs/promises';
import { isImagePath, printable, type Problem } from '../../engine/data';
import { createLandmarker, LANDMARK_MODES, type LandmarkMode, type LandmarkResult } from '../../engine/landmarks';
import { parseCommandArgs, usageText, UsageError, type CommandOptions } from '../args';
import { fileWeightSource } from '../fileWeightSource';
import { nodeLandmarkLibs } from '../landmarkLibs';
import { COMMON_OPTIONS } from '../commonOptions';
import { useBackend, type NodeBackend } from '../node/nodeBackends';
import { openDataset } from '../node/openDataset';
import { sharpDecoder } from '../node/sharpDecoder';

const OPTIONS = {
  image: { type: 'string', value: 'FILE|FOLDER|ZIP', required: true, help: 'an image, or every image of a folder or zip' },
  mode: { type: 'string', choices: LANDMARK_MODES, default: '2d', help: "68 points (face-api) in 2d, FaceMesh's 468 [x, y, z] in 3d" },
  subset68: { type: 'boolean', default: false, help: "with --mode 3d: FaceMesh's 68-point subset instead of all 468" },
  backend: COMMON_OPTIONS.backend,
} satisfies CommandOptions;

const round = (v: number) => Math.round(v * 100) / 100;

/** The JSON: `{"faces": [{"box", "score", "points"}], "message"}`; `subset68` swaps the mesh for its 68 points. */
export function landmarksJson(result: LandmarkResult, subset68: boolean): object {
  return {
    faces: result.faces.map((f) => ({
      box: f.box.map(round),
      score: round(f.score),
      points: (subset68 && f.subset68 ? f.subset68 : f.points).map((p) => p.map(round)),
    })),
    message: result.message,
  };
}

/** Images to read, by name: the file itself, or every image of a folder or zip (in path order). */
async function imagesOf(
  target: string,
): Promise<{ names: string[]; read(name: string): Promise<Uint8Array>; close(): Promise<void>; single: boolean; problems: Problem[] }> {
  const info = await stat(target).catch(() => {
    throw new Error(`--image ${target}: no such file or folder`);
  });
  if (info.isFile() && isImagePath(target)) {
    return { names: [target], read: async () => new Uint8Array(await readFile(target)), close: async () => {}, single: true, problems: [] };
  }
  const { archive, close } = await openDataset(target);
  const names = archive.entries.map((e) => e.path).filter(isImagePath).sort();
  return { names, read: (name) => archive.read(name), close, single: false, problems: archive.problems };
}

/**
 * Pretrained face landmarks, face-alignment style: one JSON object for an image; for a folder or zip one JSON
 * line per image with its `"file"`, the models loaded once. An image that cannot be read (damaged, over the 40 MP
 * limit) gets a line with an `"error"` naming it, the rest still run, and the exit status is 1.
 */
export async function landmarksCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, 'landmarks', OPTIONS);
  const mode = values.mode as LandmarkMode;
  if (values.subset68 && mode !== '3d') throw new UsageError(`--subset68 needs --mode 3d\nusage: ${usageText('landmarks', OPTIONS)}`);
  const images = await imagesOf(values.image);
  let failed = 0;
  try {
    if (images.names.length === 0) {
      // A '.zip' that is no zip says so, rather than 'no images'.
      const why = images.problems.map((p) => p.reason).join('; ') || 'no images in it';
      throw new Error(`--image ${values.image}: ${why}`);
    }
    for (const p of images.problems) process.stderr.write(`${printable(p.file)}: ${printable(p.reason)}\n`);
    await useBackend(values.backend as NodeBackend);
    const landmarker = await createLandmarker(nodeLandmarkLibs(), fileWeightSource());
    try {
      for (const name of images.names) {
        let line: object;
        try {
          const result = await landmarker.detect(await sharpDecoder(await images.read(name)), { mode });
          line = landmarksJson(result, values.subset68);
        } catch (e) {
          if (images.single) throw new Error(`--image ${name}: ${(e as Error).message}`);
          failed++;
          line = { faces: [], message: `could not read it: ${(e as Error).message}`, error: `${name}: ${(e as Error).message}` };
        }
        process.stdout.write(JSON.stringify(images.single ? line : { file: name, ...line }) + '\n');
      }
    } finally {
      landmarker.dispose();
    }
  } finally {
    await images.close();
  }
  if (failed) process.stderr.write(`${failed} of ${images.names.length} images could not be read\n`);
  return failed ? 1 : 0;
}
