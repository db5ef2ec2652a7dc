import { describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../engine/train';
import { eventBuffer } from './eventBuffer';

const record = (pos: number): TrainEvent => ({ type: 'record', pos, values: { trn_loss: 1 }, line: '', elapsedMs: 0, etaMs: 0 });
const val = { n: 1, metrics: {} };

describe('eventBuffer', () => {
  it('holds per-batch records until the tick, then applies them as one chunk', async () => {
    const applied: TrainEvent[][] = [];
    const buffer = eventBuffer((events) => applied.push(events), 20);
    buffer.push(record(0.25));
    buffer.push(record(0.5));
    expect(applied).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(applied.map((c) => c.length)).toEqual([2]);
  });

  it('applies a state change at once, after the records before it, each chunk in a task of its own', async () => {
    const applied: string[][] = [];
    const buffer = eventBuffer((events) => applied.push(events.map((e) => e.type)), 10_000);
    buffer.push(record(0.5));
    buffer.push(record(1));
    buffer.push({ type: 'epoch', epoch: 1, averages: {}, val, seconds: 1, best: true, keptBy: { metric: 'val_accuracy', value: 1 } });
    buffer.push({ type: 'state', state: 'done' });
    expect(applied).toEqual([['record', 'record']]);
    await buffer.flush();
    expect(applied).toEqual([['record', 'record'], ['epoch'], ['state']]);
  });

  it('goes on applying after a chunk that was applied at once', async () => {
    const applied: string[] = [];
    const buffer = eventBuffer((events) => applied.push(...events.map((e) => e.type)), 10);
    buffer.push({ type: 'state', state: 'running' });
    buffer.push(record(0.5));
    await new Promise((resolve) => setTimeout(resolve, 40));
    buffer.push({ type: 'state', state: 'done' });
    expect(applied).toEqual(['state', 'record', 'state']);
  });

  it('drops what is waiting on clear', async () => {
    const applied: TrainEvent[][] = [];
    const buffer = eventBuffer((events) => applied.push(events), 10);
    buffer.push(record(0.5));
    buffer.clear();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(applied).toEqual([]);
  });
});
