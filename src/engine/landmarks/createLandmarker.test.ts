import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileWeightSource } from '../../cli/fileWeightSource';
import { nodeLandmarkLibs } from '../../cli/landmarkLibs';
import { useBackend } from '../../cli/node/nodeBackends';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { parseCsv, type Archive } from '../data';
import { createLandmarker, type Landmarker } from './createLandmarker';
import type { LandmarkFace } from './types';
import { pointsNme } from './pointsNme';

const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;

interface Truth {
  file: string;
  points: number[][];
}

let landmarker: Landmarker;
let faces: { archive: Archive; close(): Promise<void> };
let truths: Truth[];

beforeAll(async () => {
  await useBackend('wasm');
  landmarker = await createLandmarker(nodeLandmarkLibs(), fileWeightSource());
  faces = await openDataset(`${SHARED}facial-keypoints.zip`);
  const [, ...rows] = parseCsv(await faces.archive.read('test_frames_keypoints.csv'));
  truths = rows
    .filter((r) => r.length === 137)
    .map((r) => ({ file: `test/${r[0]}`, points: Array.from({ length: 68 }, (_, i) => [Number(r[1 + 2 * i]), Number(r[2 + 2 * i])]) }));
});

afterAll(async () => {
  landmarker?.dispose();
  await faces?.close();
});

const decode = async (archive: Archive, file: string) => sharpDecoder(await archive.read(file));
/** The face whose box centre is nearest the image centre: the crop's own face when a neighbour's shows too. */
function central<F extends LandmarkFace>(found: F[], image: { width: number; height: number }): F {
  const off = (f: F) => Math.hypot(f.box[0] + f.box[2] / 2 - image.width / 2, f.box[1] + f.box[3] / 2 - image.height / 2);
  if (found.length > 1) multiple++;
  return found.reduce((a, b) => (off(b) < off(a) ? b : a));
}
let multiple = 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('createLandmarker', () => {
  it('finds ≥ 95% of the 100 facial-keypoints test faces in 2D, with 68-point NME ≤ 0.10 over all of them', async () => {
    expect(truths).toHaveLength(100);
    let detected = 0;
    const errors: number[] = [];
    for (const t of truths) {
      const image = await decode(faces.archive, t.file);
      const result = await landmarker.detect(image, { mode: '2d', fallback: true });
      expect(result.faces.length).toBeGreaterThan(0);
      if (!result.faces[0].fallback) detected++;
      errors.push(pointsNme(central(result.faces, image).points, t.points, image.width, image.height));
    }
    const nme2d = mean(errors);
    console.log(`landmarks 2D on ${truths.length} facial-keypoints test images: face found in ${detected}/${truths.length}, NME ${nme2d.toFixed(4)} (${multiple} with a second face found)`);
    expect(detected / truths.length).toBeGreaterThanOrEqual(0.95);
    expect(nme2d).toBeLessThanOrEqual(0.1);
  });

  it('gives 468 3D mesh points and a 68-point subset with NME ≤ 0.12 on the same images', async () => {
    let detected = 0;
    const errors: number[] = [];
    for (const t of truths) {
      const image = await decode(faces.archive, t.file);
      const result = await landmarker.detect(image, { mode: '3d' });
      if (result.faces.length > 0) {
        detected++;
        for (const f of result.faces) {
          expect(f.points).toHaveLength(468);
          expect(f.points[0]).toHaveLength(3);
          expect(f.subset68).toHaveLength(68);
        }
        errors.push(pointsNme(central(result.faces, image).subset68!, t.points, image.width, image.height));
      } else {
        // FaceMesh needs a detected face; a miss counts with the 2D mode's whole-image fallback.
        const fallback = await landmarker.detect(image, { mode: '2d', fallback: true });
        errors.push(pointsNme(fallback.faces[0].points, t.points, image.width, image.height));
      }
    }
    const nme3d = mean(errors);
    console.log(`landmarks 3D (68-point subset of the mesh) on ${truths.length} images: face found in ${detected}/${truths.length}, NME ${nme3d.toFixed(4)}`);
    expect(nme3d).toBeLessThanOrEqual(0.12);
  });

  it('returns no face and says so for a cat', async () => {
    const cats = await openDataset(`${SHARED}cats-dogs.zip`);
    try {
      const cat = cats.archive.entries.find((e) => /(^|\/)cats?\//i.test(e.path) && /\.jpe?g$/i.test(e.path));
      expect(cat).toBeDefined();
      for (const mode of ['2d', '3d'] as const) {
        const result = await landmarker.detect(await decode(cats.archive, cat!.path), { mode });
        expect(result.faces).toEqual([]);
        expect(result.message).toMatch(/no face/);
      }
    } finally {
      await cats.close();
    }
  });

  it('returns both faces of two faces side by side, each on its own half', async () => {
    const [a, b] = await Promise.all(['test/Bill_Frist_10.jpg', 'test/Angelo_Reyes_21.jpg'].map((f) => faces.archive.read(f)));
    const height = 240;
    const left = await sharp(a).resize({ height }).toBuffer();
    const right = await sharp(b).resize({ height }).toBuffer();
    const leftWidth = (await sharp(left).metadata()).width!;
    const rightWidth = (await sharp(right).metadata()).width!;
    const pair = await sharp({ create: { width: leftWidth + rightWidth, height, channels: 3, background: '#808080' } })
      .composite([{ input: left, left: 0, top: 0 }, { input: right, left: leftWidth, top: 0 }])
      .jpeg()
      .toBuffer();
    const image = await sharpDecoder(new Uint8Array(pair));
    for (const mode of ['2d', '3d'] as const) {
      const result = await landmarker.detect(image, { mode });
      expect(result.faces).toHaveLength(2);
      const centres = result.faces.map((f) => f.box[0] + f.box[2] / 2).sort((p, q) => p - q);
      expect(centres[0]).toBeLessThan(leftWidth);
      expect(centres[1]).toBeGreaterThan(leftWidth);
      expect(result.message).toBe('found 2 faces');
      // The mesh's surface comes with 3D results only: 880 triangles over the 468 points, each point used.
      if (mode === '3d') {
        expect(result.triangulation).toHaveLength(2640);
        expect(new Set(result.triangulation).size).toBe(468);
      } else {
        expect(result.triangulation).toBeUndefined();
      }
    }
  });

  it('leaves no tensors behind', async () => {
    const image = await decode(faces.archive, truths[0].file);
    for (const mode of ['2d', '3d'] as const) {
      await landmarker.detect(image, { mode });
      const before = tf.memory().numTensors;
      await landmarker.detect(image, { mode });
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
