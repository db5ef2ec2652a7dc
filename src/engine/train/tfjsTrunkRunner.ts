import * as tf from '@tensorflow/tfjs';
import type { TrunkRunner, TrunkRunnerFactory } from './trunkRunner';

/** The frozen prefix run by tfjs on its current backend, behind the TrunkRunner interface (what `auto` falls back to). */
export const tfjsTrunkRunner: TrunkRunnerFactory = async (prefix): Promise<TrunkRunner> => ({
  engine: 'tfjs',
  label: tfjsTrunkLabel(),
  async run(input, shape) {
    const out = tf.tidy(() => {
      const y = prefix.predict(tf.tensor4d(input, shape), { batchSize: shape[0] });
      return Array.isArray(y) ? y : [y];
    });
    const values = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(out);
    return values;
  },
  dispose: async () => {},
});

/** What the plan line says when tfjs runs the trunk: `tfjs wasm`. */
export const tfjsTrunkLabel = () => `tfjs ${tf.getBackend()}`;
