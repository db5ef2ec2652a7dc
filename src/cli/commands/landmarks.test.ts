import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../node/openDataset';

const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');
const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;

/** Runs the real CLI entry (`npx transfer-studio …` resolves to the same file). */
const run = (...args: string[]) => execFileSync(process.execPath, [BIN, 'landmarks', ...args], { encoding: 'utf8', stdio: 'pipe' });

interface Json {
  file?: string;
  faces: { box: number[]; score: number; points: number[][] }[];
  message: string;
}

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'landmarks-cli-'));
  const faces = await openDataset(`${SHARED}facial-keypoints.zip`);
  const cats = await openDataset(`${SHARED}cats-dogs.zip`);
  writeFileSync(path.join(dir, 'a-face.jpg'), await faces.archive.read('test/Bill_Frist_10.jpg'));
  writeFileSync(path.join(dir, 'b-face.jpg'), await faces.archive.read('test/Angelo_Reyes_21.jpg'));
  writeFileSync(path.join(dir, 'c-cat.jpg'), await cats.archive.read('test/cats/cat.4007.jpg'));
  await Promise.all([faces.close(), cats.close()]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('transfer-studio landmarks', () => {
  it('prints one JSON object with 68 2D points in pixels of the image', () => {
    const out = run('--image', path.join(dir, 'a-face.jpg'), '--mode', '2d').trim().split('\n');
    expect(out).toHaveLength(1);
    const json = JSON.parse(out[0]) as Json;
    expect(json.file).toBeUndefined();
    expect(json.faces).toHaveLength(1);
    const [face] = json.faces;
    expect(face.points).toHaveLength(68);
    expect(face.points.every((p) => p.length === 2)).toBe(true);
    const [x, y, w, h] = face.box;
    // The points lie on the face: inside its box, widened a little for the jaw.
    for (const [px, py] of face.points) {
      expect(px).toBeGreaterThan(x - 0.2 * w);
      expect(px).toBeLessThan(x + 1.2 * w);
      expect(py).toBeGreaterThan(y - 0.2 * h);
      expect(py).toBeLessThan(y + 1.2 * h);
    }
    expect(face.score).toBeGreaterThan(0.5);
  });

  it('prints 468 3D points, or the 68-point subset with --subset68', () => {
    const mesh = JSON.parse(run('--image', path.join(dir, 'a-face.jpg'), '--mode', '3d')) as Json;
    expect(mesh.faces[0].points).toHaveLength(468);
    expect(mesh.faces[0].points[0]).toHaveLength(3);
    const subset = JSON.parse(run('--image', path.join(dir, 'a-face.jpg'), '--mode', '3d', '--subset68')) as Json;
    expect(subset.faces[0].points).toHaveLength(68);
    expect(subset.faces[0].points[0]).toHaveLength(3);
  });

  it('prints one line per image of a folder, with its file, and says when there is no face', () => {
    const lines = run('--image', dir, '--mode', '2d')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Json);
    expect(lines.map((l) => l.file)).toEqual(['a-face.jpg', 'b-face.jpg', 'c-cat.jpg']);
    expect(lines.map((l) => l.faces.length)).toEqual([1, 1, 0]);
    expect(lines[2].message).toMatch(/no face/);
  });

  it('refuses --subset68 outside 3D mode', () => {
    expect(() => run('--image', path.join(dir, 'a-face.jpg'), '--subset68')).toThrow(/--subset68 needs --mode 3d/);
  });
});
