import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACE_CROP, scanDataset, type DatasetItem } from '../../engine/data';
import { findTorchPython } from '../../engine/__tests__/torchPython';
import { openDataset } from '../node/openDataset';
import type { FaceCropsFile } from './faceCrops';

/**
 * Face crops where BlazeFace does not run: `face-crops` writes each image's square, an exported folder's train.py
 * trains on them (--face-crops), and the studio (evaluate --model FOLDER, and the folder as ONNX) scores the
 * result on squares it finds itself. On 22 images of facial-keypoints.zip (16 train, 6 test), face_dense at 64².
 */
const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');
const KEYPOINTS = path.resolve(__dirname, '../../../../shared/datasets/facial-keypoints.zip');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

/** The first `n` rows of a keypoints CSV and their images. */
function firstRows(source: Record<string, Uint8Array>, csv: string, folder: string, n: number): Zippable {
  const rows = new TextDecoder().decode(source[csv]).split('\n').slice(0, n + 1);
  const images = rows.slice(1).map((row) => `${folder}/${row.split(',')[0]}`);
  return { [csv]: new TextEncoder().encode(rows.join('\n') + '\n'), ...Object.fromEntries(images.map((p) => [p, source[p]])) };
}

describe('face crops for an exported PyTorch folder: face-crops, then train.py --face-crops', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'face-crops-'));
  const zip = path.join(dir, 'faces.zip');
  const cropsFile = path.join(dir, 'crops.json');
  let faceCrops: ReturnType<typeof cli>;
  let items: DatasetItem[];

  beforeAll(async () => {
    const source = unzipSync(readFileSync(KEYPOINTS));
    writeFileSync(zip, zipSync({ ...firstRows(source, 'training_frames_keypoints.csv', 'training', 16), ...firstRows(source, 'test_frames_keypoints.csv', 'test', 6) }));
    const { archive, close } = await openDataset(zip);
    items = (await scanDataset(archive)).items;
    await close();
    faceCrops = cli('face-crops', '--data', zip, '--out', cropsFile);
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes one face-sized square per image that holds most of the image's 68 points, progress on stderr", () => {
    expect(faceCrops.status, faceCrops.stderr).toBe(0);
    expect(faceCrops.stderr).toContain('face-crops: 22 images in ');
    const file: FaceCropsFile = JSON.parse(readFileSync(cropsFile, 'utf8'));
    expect(file.spec).toEqual(FACE_CROP);
    expect(file.noFace).toEqual([]);
    expect(Object.keys(file.crops).sort()).toEqual(items.map((i) => i.path).sort());
    for (const item of items) {
      const [x, y, side] = file.crops[item.path];
      const xs = item.points!.filter((_, j) => j % 2 === 0).map((p) => p * item.width);
      const ys = item.points!.filter((_, j) => j % 2 === 1).map((p) => p * item.height);
      const inside = xs.filter((px, k) => px >= x && px <= x + side && ys[k] >= y && ys[k] <= y + side).length;
      expect(inside, item.path).toBeGreaterThanOrEqual(60);
      // Around the face, not the frame: the points span 0.55–0.8 of the square here.
      const extent = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
      expect(side, item.path).toBeLessThan(2.5 * extent);
    }
  });

  describe('face_dense keypoints exported with --face-crop', () => {
    const python = findTorchPython();
    const folder = path.join(dir, 'face_dense');
    const trained = path.join(folder, 'trained');
    const train = (...args: string[]) =>
      spawnSync(python, [path.join(folder, 'train.py'), '--data', zip, '--epochs', '1', '--size', '64', '--batch', '4', '--threads', '1', '--out', trained, ...args], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      });

    beforeAll(() => {
      const r = cli('export', '--format', 'pytorch', '--backbone', 'face_dense', '--preset', 'keypoints', '--input-size', '64', '--face-crop', '--out', folder);
      expect(r.status, r.stderr).toBe(0);
      expect(lastJson(r.stdout).input.faceCrop).toEqual(FACE_CROP);
    }, 60_000);

    it('train.py without --face-crops stops, naming the flag and the command that writes the file', () => {
      const r = train();
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('--face-crops FILE is required');
      expect(r.stderr).toContain(`transfer-studio face-crops --data ${zip} --scale 1 --shift 0.1 --out face-crops.json`);
    }, 120_000);

    it("train.py --face-crops prints the test NME that evaluate --model gives the folder it wrote, and its ONNX file the same", () => {
      const r = train('--face-crops', cropsFile);
      expect(r.status, r.stderr).toBe(0);
      const printed = lastJson(r.stdout).test;
      const studio = JSON.parse(readFileSync(path.join(trained, 'studio.json'), 'utf8'));
      expect(studio.model.faceCrop).toEqual(FACE_CROP);

      const evaluated = lastJson(cli('evaluate', '--model', trained, '--data', zip).stdout);
      console.log(`train.py test nme ${printed.nme}, evaluate --model trained ${evaluated.nme}`);
      expect(evaluated.n).toBe(6);
      // Measured 0.295016 against 0.295006: the same squares, grid_sample against cropResize, PIL against sharp decoding.
      expect(Math.abs(evaluated.nme - printed.nme)).toBeLessThanOrEqual(1e-3);
      expect(Math.abs(evaluated.maePx - printed.maePx)).toBeLessThanOrEqual(0.05);

      const onnx = path.join(dir, 'trained.onnx');
      expect(cli('export', '--model', trained, '--out', onnx).status).toBe(0);
      const fromOnnx = lastJson(cli('evaluate', '--model', onnx, '--data', zip).stdout);
      expect(fromOnnx.nme).toBeCloseTo(evaluated.nme, 5);
    }, 240_000);
  });
  it('train --face-crop trains on the squares; evaluate --model gives its test figure, predict puts the points on the face in image pixels', () => {
    const out = path.join(dir, 'model');
    const r = cli('train', '--data', zip, '--backbone', 'face_dense', '--input-size', '64', '--epochs', '1', '--face-crop', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('on face crops (BlazeFace)');
    expect(r.stderr).toMatch(/face crops: 22 images in [\d.]+ s, no face in 0/);
    const printed = lastJson(r.stdout).test;
    expect(JSON.parse(readFileSync(path.join(out, 'studio.json'), 'utf8')).model.faceCrop).toEqual(FACE_CROP);
    expect(lastJson(cli('evaluate', '--model', out, '--data', zip).stdout)).toMatchObject({ n: 6, nme: printed.nme });

    const item = items.find((i) => i.split === 'test')!;
    const image = path.join(dir, 'face.jpg');
    writeFileSync(image, unzipSync(readFileSync(zip))[item.path]);
    const p = lastJson(cli('predict', '--model', out, '--image', image).stdout);
    expect(p.points).toHaveLength(68);
    // In pixels of the whole image (not of the 64² crop): the mean point lies near the true face's centre.
    const mean = (k: number, scale: number, of: number[]) => (of.filter((_, j) => j % 2 === k).reduce((a, b) => a + b, 0) / 68) * scale;
    const predicted = p.points.flat() as number[];
    const near = 0.1 * Math.max(item.width, item.height);
    expect(Math.abs(mean(0, 1, predicted) - mean(0, item.width, item.points!))).toBeLessThan(near);
    expect(Math.abs(mean(1, 1, predicted) - mean(1, item.height, item.points!))).toBeLessThan(near);
  }, 240_000);
});
