import type { ModelConfig } from './buildModel';
import type { FreezeOp } from './freeze';

const sameOps = (a: readonly FreezeOp[], b: readonly FreezeOp[]) =>
  a.length === b.length && a.every((op, i) => op.op === b[i].op && op.path === b[i].path);

/**
 * Whether two configs build the same model: backbone, head (preset, class count), input size, where the weights
 * start from and the tree's freeze ops, in order. Key order does not count, nor a default left out (no `weights`
 * is 'pretrained', no `freezeOps` is none), so a config read back from IndexedDB or a saved model's studio.json
 * is the same model as the one it was saved from. An input size left out is not the backbone's own written out.
 */
export function sameModel(a: ModelConfig, b: ModelConfig): boolean {
  return (
    a.backbone === b.backbone &&
    a.preset === b.preset &&
    a.numClasses === b.numClasses &&
    a.inputSize === b.inputSize &&
    (a.weights ?? 'pretrained') === (b.weights ?? 'pretrained') &&
    sameOps(a.freezeOps ?? [], b.freezeOps ?? [])
  );
}
