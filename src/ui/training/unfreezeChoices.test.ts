import { describe, expect, it } from 'vitest';
import type { ModuleNode } from '../../engine/models';
import { unfreezeChoices } from './unfreezeChoices';

const node = (path: string, params: number, children: ModuleNode[] = []): ModuleNode => ({ path, type: 'Sequential', outputShape: [], params, trainableParams: 0, children });

describe('unfreezeChoices', () => {
  it('offers trunk blocks and their children in tree order, without the head, the pooling or parameter-free modules', () => {
    const tree = node('', 100, [
      node('conv1', 10),
      node('relu', 0),
      node('layer4', 40, [node('layer4.0', 20, [node('layer4.0.conv1', 10)]), node('layer4.1', 20)]),
      node('avgpool', 0),
      node('fc', 50, [node('fc.0', 50)]),
    ]);
    expect(unfreezeChoices(tree, ['avgpool', 'fc'])).toEqual(['conv1', 'layer4', 'layer4.0', 'layer4.1']);
  });
});
