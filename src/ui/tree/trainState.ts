import type { ModuleNode } from '../../engine/models';

/** How much of a module trains: all of it, none, part (a container with mixed children), or it has no weights. */
export type TrainState = 'on' | 'off' | 'mixed' | 'empty';

export function trainState(node: ModuleNode): TrainState {
  if (node.params === 0) return 'empty';
  if (node.trainableParams === node.params) return 'on';
  return node.trainableParams === 0 ? 'off' : 'mixed';
}
