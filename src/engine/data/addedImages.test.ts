import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { addedImagePath, overlayArchive } from './addedImages';
import { scanDataset } from './scanDataset';

const SAMPLES = new URL('../../../public/samples/', import.meta.url).pathname;
const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;
const FACES = ['Angelo_Reyes_21.jpg', 'Bill_Frist_10.jpg', 'Celso_Amorim_40.jpg'];

/** Real JPEGs (the sample faces) standing in for camera captures. */
const faces = () => Promise.all(FACES.map(async (f) => new Uint8Array(await readFile(`${SAMPLES}faces/${f}`))));

async function scanWithAdded(zip: string, add: (index: Awaited<ReturnType<typeof scanDataset>>) => Promise<Map<string, Uint8Array>>) {
  const { archive, close } = await openDataset(zip);
  try {
    const before = await scanDataset(archive, { decoder: sharpDecoder });
    const added = await add(before);
    const after = await scanDataset(overlayArchive(archive, added), { decoder: sharpDecoder });
    return { before, after, added };
  } finally {
    await close();
  }
}

describe('overlayArchive + addedImagePath', () => {
  it('reads images added to an existing class as training images of that class', async () => {
    const { before, after, added } = await scanWithAdded(`${SAMPLES}cats-dogs.zip`, async (index) => {
      const bytes = await faces();
      return new Map(bytes.map((b, i) => [addedImagePath(index, 'dogs', `webcam-${i}.jpg`), b]));
    });
    expect([...added.keys()]).toEqual(['train/dogs/webcam-0.jpg', 'train/dogs/webcam-1.jpg', 'train/dogs/webcam-2.jpg']);
    const dogs = before.report.splits.train.classes!.dogs;
    expect(after.report.splits.train.classes!.dogs).toBe(dogs + 3);
    expect(after.report.splits.test).toEqual(before.report.splits.test);
    expect(after.items.find((i) => i.path === 'train/dogs/webcam-1.jpg')).toMatchObject({ split: 'train', label: 1 });
    expect(after.report.problems).toEqual(before.report.problems);
  });

  it('makes a new class of a new name: three classes, multiclass, labels re-indexed by name', async () => {
    const { after } = await scanWithAdded(`${SAMPLES}cats-dogs.zip`, async (index) => {
      const bytes = await faces();
      return new Map(bytes.map((b, i) => [addedImagePath(index, ' people ', `webcam-${i}.jpg`), b]));
    });
    expect(after.report.classes).toEqual(['cats', 'dogs', 'people']);
    expect(after.report.task).toBe('multiclass');
    expect(after.report.splits.train.classes!.people).toBe(3);
    expect(after.items.find((i) => i.path === 'train/people/webcam-0.jpg')?.label).toBe(2);
  });

  it('refuses class names that are not one folder, and datasets that are not image folders', async () => {
    const { archive, close } = await openDataset(`${SAMPLES}cats-dogs.zip`);
    const index = await scanDataset(archive).finally(close);
    for (const bad of ['', '  ', 'a/b', '..', '.hidden', 'a\\b']) {
      expect(() => addedImagePath(index, bad, 'x.jpg')).toThrow(/cannot be a class folder name/);
    }
    const keypoints = await openDataset(`${SHARED}facial-keypoints.zip`);
    const kIndex = await scanDataset(keypoints.archive).finally(keypoints.close);
    expect(() => addedImagePath(kIndex, 'faces', 'x.jpg')).toThrow('images can be added to image-folder datasets only');
  });
});
