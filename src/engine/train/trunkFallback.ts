import type { TrunkRunnerFactory } from './trunkRunner';

/**
 * `primary`'s runner, or `fallback`'s when `primary` cannot start (its runtime does not load, a layer has no ONNX
 * export): the run goes on, and `onFallback` hears why in one line.
 */
export function withFallback(primary: TrunkRunnerFactory, fallback: TrunkRunnerFactory, onFallback: (reason: string) => void): TrunkRunnerFactory {
  return async (prefix) => {
    try {
      return await primary(prefix);
    } catch (e) {
      onFallback(((e as Error)?.message ?? String(e)).split('\n')[0]);
      return fallback(prefix);
    }
  };
}
