import { tfjsTrunkRunner, type TrunkEngineChoice, type TrunkRunnerFactory } from '../engine/train';
import { withFallback } from '../engine/train/trunkFallback';
import type { CommandOptions } from './args';
import { onnxTrunkRunner } from './node/onnxTrunk';

export const TRUNK_ENGINE_CHOICES = ['auto', 'onnx', 'tfjs'] as const satisfies readonly TrunkEngineChoice[];

/** `--trunk-engine`, worded once for `train` and `lr-find`. */
export const TRUNK_ENGINE_OPTION = {
  'trunk-engine': {
    type: 'string',
    choices: TRUNK_ENGINE_CHOICES,
    default: 'auto',
    help:
      'who runs the frozen trunk that fills the feature cache: onnx (onnxruntime-node on every core, several times faster), ' +
      'tfjs (the --backend, as before), auto (onnx, which measured faster for every backbone here; tfjs when its session cannot be created)',
  },
} satisfies CommandOptions;

/**
 * The runner factory `--trunk-engine` asks for; undefined for tfjs (today's path). `auto` falls back to tfjs with
 * one line to `warn` saying why; an explicit `onnx` that cannot run fails the run instead.
 */
export function trunkRunnerFor(choice: TrunkEngineChoice, warn: (line: string) => void): TrunkRunnerFactory | undefined {
  if (choice === 'tfjs') return undefined;
  if (choice === 'onnx') {
    return async (prefix) => {
      try {
        return await onnxTrunkRunner(prefix);
      } catch (e) {
        throw new Error(`--trunk-engine onnx: onnxruntime-node could not run ${prefix.name}: ${(e as Error).message}`);
      }
    };
  }
  return withFallback(onnxTrunkRunner, tfjsTrunkRunner, (reason) => warn(`trunk engine auto: onnxruntime-node could not run the frozen trunk (${reason}); tfjs runs it`));
}
