import type { ModuleNode } from '../../engine/models';

/**
 * A module's freeze state: how much of it trains — all of it, none, part (a container with mixed children), or it
 * has no weights. Not a run's `TrainState` (docs/VOCABULARY.md).
 */
export type FreezeState = 'on' | 'off' | 'mixed' | 'empty';

/** The freeze state of `node`. */
export function freezeState(node: ModuleNode): FreezeState {
  if (node.params === 0) return 'empty';
  if (node.trainableParams === node.params) return 'on';
  return node.trainableParams === 0 ? 'off' : 'mixed';
}
