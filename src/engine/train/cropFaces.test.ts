import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../cli/node/nodeBackends';
import { fileWeightSource } from '../../cli/fileWeightSource';
import { nodeLandmarkLibs } from '../../cli/landmarkLibs';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { loadWeightsOption } from '../../cli/weightsOption';
import { FACE_CROP, bytesSource, openZip, scanDataset, type Archive, type DatasetItem } from '../data';
import { createFaceDetector, type FaceDetector } from '../landmarks';
import { backboneSpec, buildModel } from '../models';
import { nme, TASKS } from '../tasks';
import { cropFaces, NO_FACE_REASON } from './cropFaces';
import { predictImage } from './predict';
import { trainingSplits } from './runTraining';

const KEYPOINTS = new URL('../../../../shared/datasets/facial-keypoints.zip', import.meta.url);

/** facial-keypoints.zip's CSVs and its first `n` test images, plus a plain grey JPEG with no face in test/. */
async function smallZip(n: number): Promise<Archive> {
  const entries = unzipSync(readFileSync(KEYPOINTS));
  const tests = Object.keys(entries).filter((p) => /^test\/.*\.jpg$/.test(p)).sort().slice(0, n);
  // As large as the image whose CSV row it borrows, so that row's points lie inside it.
  const { width, height } = await sharp(entries[tests[0]]).metadata();
  const grey = await sharp({ create: { width: width!, height: height!, channels: 3, background: { r: 128, g: 128, b: 128 } } }).jpeg().toBuffer();
  const kept: Zippable = Object.fromEntries(Object.entries(entries).filter(([p]) => p.endsWith('.csv') || tests.includes(p)));
  kept['test/zz_no_face.jpg'] = new Uint8Array(grey);
  // The grey image needs a CSV row: copy the first test row under its name.
  const csvName = Object.keys(entries).find((p) => /test.*\.csv$/.test(p))!;
  const csv = new TextDecoder().decode(entries[csvName]).trimEnd().split('\n');
  const row = csv.find((l) => l.startsWith(tests[0].split('/').pop()! + ','))!;
  kept[csvName] = new TextEncoder().encode([...csv, row.replace(/^[^,]+/, 'zz_no_face.jpg')].join('\n') + '\n');
  return openZip('faces.zip', bytesSource(zipSync(kept)));
}

describe('face crops from BlazeFace (wasm, real images)', () => {
  let archive: Archive;
  let items: DatasetItem[];
  let detector: FaceDetector;
  beforeAll(async () => {
    await useBackend('wasm');
    archive = await smallZip(8);
    const index = await scanDataset(archive, { decoder: sharpDecoder });
    items = trainingSplits(index).test;
    detector = await createFaceDetector(nodeLandmarkLibs(), fileWeightSource());
  }, 120_000);

  it("cuts each face's square around its 68 points, and keeps an image with no face whole, as a listed problem", async () => {
    expect(items.map((i) => i.path)).toContain('test/zz_no_face.jpg');
    const progress: number[] = [];
    const { items: cropped, problems } = await cropFaces(items, { archive, decoder: sharpDecoder, detector, spec: FACE_CROP, onProgress: (d) => progress.push(d) });
    expect(progress.at(-1)).toBe(items.length);
    expect(problems).toEqual([expect.objectContaining({ file: 'test/zz_no_face.jpg', reason: NO_FACE_REASON, kept: true })]);
    for (const item of cropped) {
      expect(item.crop).toBeDefined();
      if (item.path === 'test/zz_no_face.jpg') {
        const { width: w, height: h } = item.crop!;
        expect(item.crop).toMatchObject({ square: [(w - Math.max(w, h)) / 2, (h - Math.max(w, h)) / 2, Math.max(w, h)], noFace: true });
        continue;
      }
      const inside = item.points!.filter((p, j) => j % 2 === 0 && p >= 0 && p <= 1 && item.points![j + 1] >= 0 && item.points![j + 1] <= 1).length;
      // The jaw's lowest points may fall just below the square (it is cut around the eyes and nose).
      expect(inside, item.path).toBeGreaterThanOrEqual(60);
      const [, , side] = item.crop!.square;
      expect(side).toBeGreaterThan(0.25 * Math.min(item.crop!.width, item.crop!.height));
    }
  }, 120_000);

  it("lets face_dense's own 68-point head find the points through the crop, in pixels of the original image", async () => {
    const faces = items.filter((i) => i.path !== 'test/zz_no_face.jpg');
    const withCrop = buildModel({ backbone: 'face_dense', preset: 'keypoints', inputSize: 112, faceCrop: FACE_CROP });
    await loadWeightsOption(withCrop, backboneSpec('face_dense'), 'pretrained');
    const before = tf.memory().numTensors;
    const error = async (options: object) => {
      let sum = 0;
      for (const item of faces) {
        const p = await predictImage(withCrop, TASKS.keypoints, { points: 68 }, await archive.read(item.path), sharpDecoder, options);
        if (p.task !== 'keypoints') throw new Error('not keypoints');
        sum += nme(p.points.flatMap(([x, y]) => [x / item.width, y / item.height]), item.points!, item.width, item.height);
      }
      return sum / faces.length;
    };
    const cropped = await error({ faceDetector: detector });
    // The same network on the whole frame (the crop turned off): the domain it was not trained on.
    const whole = await error({ faceCrop: null });
    withCrop.dispose();
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(0);
    expect(cropped).toBeLessThan(0.12);
    expect(whole).toBeGreaterThan(2 * cropped);
    await expect(predictImage(buildModel({ backbone: 'face_dense', preset: 'keypoints', inputSize: 112, faceCrop: FACE_CROP }), TASKS.keypoints, { points: 68 }, await archive.read(faces[0].path), sharpDecoder)).rejects.toThrow(/face detector/);
  }, 180_000);
});
