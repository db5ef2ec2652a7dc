import * as tf from '@tensorflow/tfjs';
import type { HasStandardForm } from './standardForm';

export interface AdaptivePool2dArgs {
  /** Output height and width, as torch's `AdaptiveAvgPool2d(output_size)`. */
  outputSize: number;
  /** Average (torch `AdaptiveAvgPool2d`) or max (`AdaptiveMaxPool2d`). */
  mode: 'avg' | 'max';
  name?: string;
}

/** torch's bins of `n` input cells for `out` output cells: [start, end) of each, overlapping where `out` does not divide `n`. */
const bins = (n: number, out: number) =>
  Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);

/**
 * torch's adaptive pooling: output cell i covers input rows floor(i·H/out) … ceil((i+1)·H/out).
 * This is what lets the book's heads run at any input size.
 */
export class AdaptivePool2d extends tf.layers.Layer implements HasStandardForm {
  static className = 'AdaptivePool2d';
  readonly outputSize: number;
  readonly mode: 'avg' | 'max';

  constructor(args: AdaptivePool2dArgs) {
    super({ name: args.name });
    this.outputSize = args.outputSize;
    this.mode = args.mode;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = inputShape as tf.Shape;
    return [s[0], this.outputSize, this.outputSize, s[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [, h, w] = x.shape;
      const reduce = (t: tf.Tensor4D) => (this.mode === 'avg' ? t.mean([1, 2], true) : t.max([1, 2], true));
      const out = this.outputSize;
      if (out === 1) return reduce(x);
      if (h % out === 0 && w % out === 0) {
        const size: [number, number] = [h / out, w / out];
        return this.mode === 'avg' ? tf.avgPool(x, size, size, 'valid') : tf.maxPool(x, size, size, 'valid');
      }
      const rows = bins(h, out).map(([r0, r1]) =>
        tf.concat(bins(w, out).map(([c0, c1]) => reduce(x.slice([0, r0, c0, 0], [-1, r1 - r0, c1 - c0, -1]))), 2),
      );
      return tf.concat(rows, 1);
    });
  }

  /**
   * The same three cases with Keras layers: a global pool, a pool whose window divides the input, or one
   * cropped global pool per output cell, concatenated.
   */
  standardForm(x: tf.SymbolicTensor): tf.SymbolicTensor {
    const [, h, w, channels] = x.shape;
    if (x.rank !== 4 || h == null || w == null || channels == null) {
      throw new Error(`${this.name}: a standard form needs a known input size, got [${x.shape}]`);
    }
    const out = this.outputSize;
    const apply = (layer: tf.layers.Layer, input: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(input) as tf.SymbolicTensor;
    const globalPool = (name: string, input: tf.SymbolicTensor, outName: string) => {
      const pool = this.mode === 'avg' ? tf.layers.globalAveragePooling2d({ name }) : tf.layers.globalMaxPooling2d({ name });
      return apply(tf.layers.reshape({ name: outName, targetShape: [1, 1, channels] }), apply(pool, input));
    };
    if (out === 1) return globalPool(`${this.name}__pool`, x, this.name);
    if (h % out === 0 && w % out === 0) {
      const args = { name: this.name, poolSize: [h / out, w / out] as [number, number], padding: 'valid' as const };
      return apply(this.mode === 'avg' ? tf.layers.averagePooling2d(args) : tf.layers.maxPooling2d(args), x);
    }
    const rows = bins(h, out).map(([r0, r1], i) => {
      const cells = bins(w, out).map(([c0, c1], j) => {
        const cell = `${this.name}__cell_${i}_${j}`;
        const crop = tf.layers.cropping2D({ name: `${cell}__crop`, cropping: [[r0, h - r1], [c0, w - c1]] });
        return globalPool(`${cell}__pool`, apply(crop, x), cell);
      });
      return apply(tf.layers.concatenate({ name: `${this.name}__row_${i}`, axis: 2 }), cells);
    });
    return apply(tf.layers.concatenate({ name: this.name, axis: 1 }), rows);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: this.outputSize, mode: this.mode };
  }
}
tf.serialization.registerClass(AdaptivePool2d);

export function adaptivePool2d(args: AdaptivePool2dArgs): AdaptivePool2d {
  return new AdaptivePool2d(args);
}
