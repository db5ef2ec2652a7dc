import { describe, expect, it } from 'vitest';
import type { ModelConfig } from './buildModel';
import { sameModel } from './sameModel';

const base: ModelConfig = { backbone: 'mobilenet_v3', preset: 'binary', inputSize: 64, freezeOps: [{ op: 'unfreeze', path: 'expanded_conv_14' }] };

describe('sameModel', () => {
  it('is true for the same fields in another key order, as IndexedDB gives them back', () => {
    const reordered: ModelConfig = { freezeOps: [{ path: 'expanded_conv_14', op: 'unfreeze' }], inputSize: 64, preset: 'binary', backbone: 'mobilenet_v3' };
    expect(sameModel(base, reordered)).toBe(true);
  });

  it('treats a left-out default as the default: no weights is pretrained, no freeze ops is none', () => {
    expect(sameModel({ ...base, weights: 'pretrained' }, base)).toBe(true);
    expect(sameModel({ backbone: 'vgg16', preset: 'binary' }, { backbone: 'vgg16', preset: 'binary', freezeOps: [] })).toBe(true);
  });

  it('is false when the backbone, head, class count, input size, weights or freezing differ', () => {
    expect(sameModel(base, { ...base, backbone: 'resnet18' })).toBe(false);
    expect(sameModel(base, { ...base, preset: 'multiclass', numClasses: 3 })).toBe(false);
    expect(sameModel({ ...base, preset: 'multiclass', numClasses: 3 }, { ...base, preset: 'multiclass', numClasses: 4 })).toBe(false);
    expect(sameModel(base, { ...base, inputSize: 32 })).toBe(false);
    expect(sameModel(base, { ...base, weights: 'random' })).toBe(false);
    expect(sameModel(base, { ...base, freezeOps: [] })).toBe(false);
    expect(sameModel(base, { ...base, freezeOps: [{ op: 'freeze', path: 'expanded_conv_14' }] })).toBe(false);
  });
});
