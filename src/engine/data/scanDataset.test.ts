import { describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { inspectJson } from './inspectJson';
import { scanDataset } from './scanDataset';

/** The real datasets (../shared/datasets beside the repository; see its README). */
const SHARED = new URL('../../../../shared/datasets/', import.meta.url).pathname;

async function scanShared(zip: string) {
  const { archive, close } = await openDataset(SHARED + zip);
  try {
    return await scanDataset(archive, { decoder: sharpDecoder });
  } finally {
    await close();
  }
}

describe('scanDataset', () => {
  it('reads cats-dogs.zip as binary image folders: train 150+150, test 50+50', async () => {
    const { report, items } = await scanShared('cats-dogs.zip');
    expect(inspectJson(report)).toEqual({
      layout: 'imagefolder',
      splits: {
        train: { count: 300, classes: { cats: 150, dogs: 150 } },
        test: { count: 100, classes: { cats: 50, dogs: 50 } },
      },
      skipped: 0,
      problems: [],
    });
    expect(report.task).toBe('binary');
    expect(report.classes).toEqual(['cats', 'dogs']);
    expect(report.ambiguous).toBe(false);
    expect(report.imageSize).toEqual({ minWidth: 75, maxWidth: 256, minHeight: 81, maxHeight: 256 });
    expect(items.find((i) => i.path === 'train/dogs/dog.987.jpg')).toMatchObject({ split: 'train', label: 1 });
  });

  it('reads facial-keypoints.zip: training 400, test 100, 68 points each, all normalized into [0, 1]', async () => {
    const { report, items } = await scanShared('facial-keypoints.zip');
    const json = inspectJson(report);
    expect(json.layout).toBe('keypoints-csv');
    expect(json.splits).toEqual({ training: { count: 400, points: 68 }, test: { count: 100, points: 68 } });
    expect(json.skipped).toBe(0);
    // One real label lies 3 px below its image: kept, moved to the edge, and said so.
    expect(report.problems.every((p) => p.kept)).toBe(true);
    expect(report.task).toBe('keypoints');
    for (const item of items) {
      expect(item.points).toHaveLength(136);
      expect(Math.min(...item.points!)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...item.points!)).toBeLessThanOrEqual(1);
    }
    // training_frames_keypoints.csv line 2: Adam_Sandler_00.jpg, x0 = 86, y0 = 108 in pixels.
    const adam = items.find((i) => i.path === 'training/Adam_Sandler_00.jpg')!;
    expect(adam.row).toBe(2);
    expect(adam.points![0] * adam.width).toBeCloseTo(86, 6);
    expect(adam.points![1] * adam.height).toBeCloseTo(108, 6);
  });

  it('reads age-gender.zip: train 400 (200/200), val 100 (50/50)', async () => {
    const { report, items } = await scanShared('age-gender.zip');
    expect(inspectJson(report)).toEqual({
      layout: 'age-gender-csv',
      splits: {
        train: { count: 400, genders: { Male: 200, Female: 200 } },
        val: { count: 100, genders: { Male: 50, Female: 50 } },
      },
      skipped: 0,
      problems: [],
    });
    expect(report.splits.train.ages).toEqual({ min: 1, max: 96 });
    expect(report.splits.val.ages).toEqual({ min: 1, max: 89 });
    // Labels agree with the UTKFace names they came from.
    for (const item of items) {
      const [age, gender] = item.path.split('/')[1].split('_').map(Number);
      expect([item.age, item.gender]).toEqual([age, gender]);
    }
  });
});
