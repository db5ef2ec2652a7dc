import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { inspectJson, scanDataset } from '../../engine/data';
import { openDataset } from './openDataset';
import { sharpDecoder } from './sharpDecoder';

describe('openDataset', () => {
  it('reads a folder the same way as a zip (one top folder looked through)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ts-folder-'));
    try {
      for (const [i, p] of ['pets/train/cats/a.jpg', 'pets/train/dogs/b.jpg', 'pets/test/cats/c.jpg'].entries()) {
        await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
        const jpg = await sharp({ create: { width: 20 + i, height: 10, channels: 3, background: '#884422' } }).jpeg().toBuffer();
        await writeFile(path.join(dir, p), jpg);
      }
      const { archive, close } = await openDataset(dir);
      const { report } = await scanDataset(archive, { decoder: sharpDecoder });
      await close();
      expect(inspectJson(report)).toEqual({
        layout: 'imagefolder',
        splits: { train: { count: 2, classes: { cats: 1, dogs: 1 } }, test: { count: 1, classes: { cats: 1, dogs: 0 } } },
        skipped: 0,
        problems: [],
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
