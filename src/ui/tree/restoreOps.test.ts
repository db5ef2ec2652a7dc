import { describe, expect, it } from 'vitest';
import type { ModuleNode } from '../../engine/models';
import { restoreOps } from './restoreOps';

const leaf = (path: string, params: number, trainable: boolean): ModuleNode => ({
  path,
  type: 'Conv2D',
  outputShape: [],
  params,
  trainableParams: trainable ? params : 0,
  children: [],
});

/** A tiny VGG-like tree from the trainable flags of its leaves. */
function tree(f0: boolean, f1: boolean, f2: boolean, head: boolean): ModuleNode {
  const features = [leaf('features.0', 10, f0), leaf('features.1', 0, f1), leaf('features.2', 20, f2)];
  const classifier = [leaf('classifier.0', 5, head)];
  const sum = (ns: ModuleNode[], key: 'params' | 'trainableParams') => ns.reduce((a, n) => a + n[key], 0);
  const group = (path: string, children: ModuleNode[]): ModuleNode => ({
    path,
    type: 'Sequential',
    outputShape: [],
    params: sum(children, 'params'),
    trainableParams: sum(children, 'trainableParams'),
    children,
  });
  const top = [group('features', features), group('classifier', classifier)];
  return group('', top);
}

describe('restoreOps', () => {
  it('gives nothing when the trees agree', () => {
    expect(restoreOps(tree(false, false, false, true), tree(false, false, false, true))).toEqual([]);
  });

  it('undoes one unfreeze with one freeze of the same module', () => {
    expect(restoreOps(tree(false, false, false, true), tree(false, false, true, true))).toEqual([
      { op: 'freeze', path: 'features.2' },
    ]);
  });

  it('undoes freezing a mixed parent by unfreezing only the leaves that were trainable', () => {
    const before = tree(false, false, true, true);
    const after = tree(false, false, false, true);
    expect(restoreOps(before, after)).toEqual([{ op: 'unfreeze', path: 'features.2' }]);
  });

  it('uses one op for a whole subtree that flips the same way', () => {
    expect(restoreOps(tree(true, true, true, false), tree(false, false, false, false))).toEqual([
      { op: 'unfreeze', path: 'features' },
    ]);
  });
});
