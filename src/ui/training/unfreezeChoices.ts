import { isWithin, type ModuleNode } from '../../engine/models';

/** How deep in the tree the fine_tune picker offers modules: blocks (`layer4`) and their children (`layer4.1`). */
const PICK_DEPTH = 2;

/**
 * The trunk modules fine_tune can unfreeze from (`FineTuneOptions.unfreezeFrom`), in the tree's order: the
 * modules with parameters down to `PICK_DEPTH`, leaving out the preset's pooling and head (`headModules`).
 */
export function unfreezeChoices(tree: ModuleNode, headModules: string[]): string[] {
  const out: string[] = [];
  const walk = (node: ModuleNode, depth: number) => {
    for (const child of node.children) {
      if (headModules.some((h) => isWithin(child.path, h)) || child.params === 0) continue;
      out.push(child.path);
      if (depth < PICK_DEPTH) walk(child, depth + 1);
    }
  };
  walk(tree, 1);
  return out;
}
