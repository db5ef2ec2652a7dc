import { describe, expect, it } from 'vitest';
import { splitDataset } from './splitDataset';
import type { DatasetIndex, DatasetItem } from './types';

const item = (path: string, split: string, label?: number): DatasetItem => ({ path, split, width: 1, height: 1, label });

function index(items: DatasetItem[]): DatasetIndex {
  return { report: {} as DatasetIndex['report'], items };
}

describe('splitDataset', () => {
  it('makes a seeded, class-balanced 80/20 split of train when the zip has no val split', () => {
    const items = [
      ...Array.from({ length: 150 }, (_, i) => item(`train/cats/${i}.jpg`, 'train', 0)),
      ...Array.from({ length: 150 }, (_, i) => item(`train/dogs/${i}.jpg`, 'train', 1)),
      ...Array.from({ length: 100 }, (_, i) => item(`test/x/${i}.jpg`, 'test', i % 2)),
    ];
    const s = splitDataset(index(items), { seed: 1 });
    expect([s.train.length, s.val.length, s.test.length, s.valFrom]).toEqual([240, 60, 100, 'train']);
    expect(s.val.filter((i) => i.label === 0)).toHaveLength(30);
    expect(new Set([...s.train, ...s.val].map((i) => i.path)).size).toBe(300);
    expect(splitDataset(index(items), { seed: 1 }).val).toEqual(s.val);
    expect(splitDataset(index(items), { seed: 2 }).val).not.toEqual(s.val);
  });

  it("keeps the zip's own validation split, by role name", () => {
    const s = splitDataset(index([item('a', 'training'), item('b', 'valid'), item('c', 'test')]));
    expect([s.train, s.val, s.test].map((l) => l.map((i) => i.path))).toEqual([['a'], ['b'], ['c']]);
    expect(s.valFrom).toBe('zip');
  });
});
