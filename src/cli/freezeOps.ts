import type { FreezeOp } from '../engine/models';

/** `--freeze` / `--unfreeze` flags in command-line order, so `--freeze a --unfreeze a.b` does what it says. */
export function freezeOpsInOrder(argv: string[]): FreezeOp[] {
  const ops: FreezeOp[] = [];
  argv.forEach((arg, i) => {
    const [flag, inline] = arg.split('=', 2);
    if (flag === '--freeze' || flag === '--unfreeze') {
      ops.push({ op: flag === '--freeze' ? 'freeze' : 'unfreeze', path: inline ?? argv[i + 1] ?? '' });
    }
  });
  return ops;
}
