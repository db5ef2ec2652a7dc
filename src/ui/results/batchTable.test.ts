import { describe, expect, it } from 'vitest';
import type { PredictedFile } from '../../engine/train';
import { batchCsv, sortedRows } from './batchTable';

const classes = ['cats', 'dogs'];
const row = (path: string, pDog: number, truth?: number): PredictedFile => ({
  path,
  prediction: { task: 'classification', classes, probs: [1 - pDog, pDog], label: pDog > 0.5 ? 1 : 0 },
  confidence: Math.max(pDog, 1 - pDog),
  ...(truth === undefined ? {} : { truth: { path, split: 'test', width: 10, height: 10, label: truth }, error: 1 - (truth ? pDog : 1 - pDog) }),
});
const rows: PredictedFile[] = [
  row('b.jpg', 0.9, 0),
  row('a.jpg', 0.6, 1),
  { path: 'bad, "one".jpg', problem: 'bad, "one".jpg: not an image' },
  row('c.jpg', 0.2),
];

describe('sortedRows', () => {
  it('sorts by confidence or error either way, rows without the value last', () => {
    expect(sortedRows(rows, { key: 'confidence', descending: true }).map((r) => r.path)).toEqual(['b.jpg', 'c.jpg', 'a.jpg', 'bad, "one".jpg']);
    expect(sortedRows(rows, { key: 'confidence', descending: false }).map((r) => r.path)).toEqual(['a.jpg', 'c.jpg', 'b.jpg', 'bad, "one".jpg']);
    expect(sortedRows(rows, { key: 'error', descending: true }).map((r) => r.path)).toEqual(['b.jpg', 'a.jpg', 'bad, "one".jpg', 'c.jpg']);
  });
});

describe('batchCsv', () => {
  it('writes one quoted-where-needed line per row, with each class probability', () => {
    const lines = batchCsv(rows).trimEnd().split('\n');
    expect(lines[0]).toBe('file,prediction,confidence,truth,error,problem,p_cats,p_dogs');
    expect(lines[1]).toBe('b.jpg,dogs,0.900000,cats,0.900000,,0.100000,0.900000');
    expect(lines[3]).toBe('"bad, ""one"".jpg",,,,,"bad, ""one"".jpg: not an image",,');
    expect(lines[4]).toBe('c.jpg,cats,0.800000,,,,0.800000,0.200000');
  });
});
