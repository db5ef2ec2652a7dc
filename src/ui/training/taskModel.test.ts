import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../engine/models';
import type { Catalog } from '../store/modelSlice';
import { keepsModel, taskModel } from './taskModel';

const catalog: Catalog = {
  backbones: [
    { name: 'mobilenet_v3', title: 'MobileNetV3', inputSize: 224, presets: ['binary', 'multiclass', 'keypoints', 'age-gender'], headModules: [] },
    { name: 'face_dense', title: 'face_dense', inputSize: 112, presets: ['keypoints'], headModules: [] },
  ],
  presets: ['binary', 'multiclass', 'keypoints', 'age-gender'],
};

describe('keepsModel', () => {
  const fresh = { backbonePicked: false, trained: false, resumable: false, running: false };
  it('lets an untrained model nobody picked follow the dataset', () => {
    expect(keepsModel(fresh)).toBe(false);
  });
  it('keeps a picked, trained, resumable or running model', () => {
    expect(keepsModel({ ...fresh, backbonePicked: true })).toBe(true);
    expect(keepsModel({ ...fresh, trained: true })).toBe(true);
    expect(keepsModel({ ...fresh, resumable: true })).toBe(true);
    expect(keepsModel({ ...fresh, running: true })).toBe(true);
  });
});

describe('taskModel', () => {
  const mobile: ModelConfig = { backbone: 'mobilenet_v3', preset: 'binary', freezeOps: [] };
  it('switches mobilenet_v3 + binary to the keypoints plan: face_dense + keypoints at its proposed size', () => {
    expect(taskModel({ backbone: 'face_dense', preset: 'keypoints', inputSize: 112 }, mobile, catalog)).toEqual({
      backbone: 'face_dense',
      preset: 'keypoints',
      inputSize: 112,
    });
  });
  it('leaves a model that already is the plan\'s to the proposal (its size only)', () => {
    expect(taskModel({ backbone: 'mobilenet_v3', preset: 'binary', inputSize: 320 }, mobile, catalog)).toBeNull();
  });
  it('switches the head when the class count differs', () => {
    const three: ModelConfig = { backbone: 'mobilenet_v3', preset: 'multiclass', numClasses: 3, freezeOps: [] };
    expect(taskModel({ backbone: 'mobilenet_v3', preset: 'multiclass', numClasses: 4, inputSize: 320 }, three, catalog)).toEqual({
      backbone: 'mobilenet_v3',
      preset: 'multiclass',
      numClasses: 4,
      inputSize: 320,
    });
  });
  it('does not switch to a backbone the zoo does not offer here', () => {
    expect(taskModel({ backbone: 'face_xception', preset: 'age-gender', inputSize: 112 }, mobile, catalog)).toBeNull();
  });
  it('builds the plan\'s model when none is built yet', () => {
    expect(taskModel({ backbone: 'face_dense', preset: 'keypoints', inputSize: 112 }, null, null)).toEqual({ backbone: 'face_dense', preset: 'keypoints', inputSize: 112 });
  });
});
