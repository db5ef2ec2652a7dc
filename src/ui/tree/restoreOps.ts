import type { FreezeOp, ModuleNode } from '../../engine/models';

/** Modules with weights and no children: their trainable flags are the whole freezing state. */
function weightLeaves(node: ModuleNode, out: ModuleNode[] = []): ModuleNode[] {
  if (node.children.length === 0) {
    if (node.params > 0) out.push(node);
  } else {
    for (const child of node.children) weightLeaves(child, out);
  }
  return out;
}

/**
 * The freeze ops that take a model from the `current` tree back to the `target` tree (both of the same
 * model): a module whose weight leaves all flip the same way gets one op, otherwise its children are
 * looked at. This is what undo sends, since unfreezing a parent does not undo freezing it when its
 * children were mixed before.
 */
export function restoreOps(target: ModuleNode, current: ModuleNode): FreezeOp[] {
  const wanted = new Map(weightLeaves(target).map((leaf) => [leaf.path, leaf.trainableParams > 0]));
  const ops: FreezeOp[] = [];
  const visit = (node: ModuleNode) => {
    const leaves = weightLeaves(node);
    const changed = leaves.filter((leaf) => wanted.has(leaf.path) && wanted.get(leaf.path) !== leaf.trainableParams > 0);
    if (changed.length === 0) return;
    const direction = wanted.get(changed[0].path)!;
    if (changed.length === leaves.length && changed.every((leaf) => wanted.get(leaf.path) === direction)) {
      ops.push({ op: direction ? 'unfreeze' : 'freeze', path: node.path });
      return;
    }
    node.children.forEach(visit);
  };
  visit(current);
  return ops;
}
