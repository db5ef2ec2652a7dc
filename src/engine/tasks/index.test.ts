import { describe, expect, it } from 'vitest';
import type { DatasetReport } from '../data';
import { headConfig, TASK_NAMES, TASKS, taskContext, taskFor } from './index';

const report = (over: Partial<DatasetReport>): DatasetReport => ({
  name: 'd.zip',
  layout: null,
  candidates: [],
  ambiguous: false,
  task: null,
  splits: {},
  imageSize: null,
  skipped: 0,
  ignored: 0,
  problems: [],
  ...over,
});

describe('TASKS', () => {
  it('holds one task per name, under its own name', () => {
    expect(Object.keys(TASKS).sort()).toEqual([...TASK_NAMES].sort());
    for (const name of TASK_NAMES) expect(TASKS[name].name).toBe(name);
  });
});

describe('taskFor', () => {
  it('maps both classification dataset tasks to classification', () => {
    expect(taskFor('binary').name).toBe('classification');
    expect(taskFor('multiclass').name).toBe('classification');
    expect(taskFor('keypoints').name).toBe('keypoints');
    expect(taskFor('age-gender').name).toBe('age-gender');
  });
});

describe('taskContext', () => {
  it('takes classes and points from the report; age-gender starts from the book weights', () => {
    expect(taskContext(report({ layout: 'imagefolder', task: 'multiclass', classes: ['a', 'b', 'c'] }))).toEqual({ classes: ['a', 'b', 'c'] });
    expect(taskContext(report({ layout: 'keypoints-csv', task: 'keypoints', points: 68 }))).toEqual({ points: 68 });
    expect(taskContext(report({ layout: 'utkface', task: 'age-gender' }))).toEqual({ lossWeights: { age: 1, gender: 1 } });
  });
});

describe('headConfig', () => {
  it('gives multiclass its class count and the other heads none', () => {
    expect(headConfig(TASKS.classification, { classes: ['a', 'b', 'c', 'd'] })).toEqual({ preset: 'multiclass', numClasses: 4 });
    expect(headConfig(TASKS.classification, { classes: ['a', 'b'] })).toEqual({ preset: 'binary' });
    expect(headConfig(TASKS.keypoints, { points: 68 })).toEqual({ preset: 'keypoints' });
  });
});
