import * as tf from '@tensorflow/tfjs';

export interface AdaptivePool2dArgs {
  /** Output height and width, as torch's `AdaptiveAvgPool2d(output_size)`. */
  outputSize: number;
  /** Average (torch `AdaptiveAvgPool2d`) or max (`AdaptiveMaxPool2d`). */
  mode: 'avg' | 'max';
  name?: string;
}

/**
 * torch's adaptive pooling: output cell i covers input rows floor(i·H/out) … ceil((i+1)·H/out).
 * This is what lets the book's heads run at any input size.
 */
export class AdaptivePool2d extends tf.layers.Layer {
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
      const bins = (n: number) =>
        Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
      const rows = bins(h).map(([r0, r1]) =>
        tf.concat(bins(w).map(([c0, c1]) => reduce(x.slice([0, r0, c0, 0], [-1, r1 - r0, c1 - c0, -1]))), 2),
      );
      return tf.concat(rows, 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), outputSize: this.outputSize, mode: this.mode };
  }
}
tf.serialization.registerClass(AdaptivePool2d);

export function adaptivePool2d(args: AdaptivePool2dArgs): AdaptivePool2d {
  return new AdaptivePool2d(args);
}
