import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { HasStandardForm } from './standardForm';

// Layers face-api (dlib) uses that tf.layers lacks.


/**
 * face-api's (dlib's) scale layer, `x * weight + bias` per channel: a BatchNorm folded to an affine map.
 * Weights `weight` and `bias`, both [channels], in that order.
 */
export class ChannelAffine extends tf.layers.Layer implements HasStandardForm {
  static className = 'ChannelAffine';
  private weight: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`${this.name}: the channel dimension must be known`);
    this.weight = this.addWeight('weight', [channels], 'float32', tf.initializers.ones());
    this.bias = this.addWeight('bias', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      // face-api's order of operations: tf.add(tf.mul(x, weights), biases).
      return tf.add(tf.mul(x, this.weight!.read()), this.bias!.read());
    });
  }

  /** A 1×1 depthwise conv: its kernel [1, 1, C, 1] holds `weight`, its bias `bias`. */
  standardForm(x: tf.SymbolicTensor): tf.SymbolicTensor {
    if (x.rank !== 4) throw new Error(`${this.name}: a standard form exists for images [batch, h, w, c] only, got rank ${x.rank}`);
    return tf.layers.depthwiseConv2d({ name: this.name, kernelSize: 1, useBias: true }).apply(x) as tf.SymbolicTensor;
  }
}
tf.serialization.registerClass(ChannelAffine);

export interface ChannelZeroPadArgs {
  /** Zero channels appended after the input's own. */
  channels: number;
  name?: string;
}

/** Appends zero channels (face-api's `tf.concat([pooled, zeros], 3)` on a widening shortcut). */
export class ChannelZeroPad extends tf.layers.Layer implements HasStandardForm {
  static className = 'ChannelZeroPad';
  readonly channels: number;

  constructor(args: ChannelZeroPadArgs) {
    super({ name: args.name });
    this.channels = args.channels;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const c = s[s.length - 1];
    return [...s.slice(0, -1), c == null ? null : c + this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const pad = x.shape.map((): [number, number] => [0, 0]);
      pad[pad.length - 1] = [0, this.channels];
      return tf.pad(x, pad);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), channels: this.channels };
  }

  /** ZeroPadding2D pads only height and width: the channels are moved to the width's place and back. */
  standardForm(x: tf.SymbolicTensor): tf.SymbolicTensor {
    if (x.rank !== 4) throw new Error(`${this.name}: a standard form exists for images [batch, h, w, c] only, got rank ${x.rank}`);
    const swap = (name: string) => tf.layers.permute({ name, dims: [1, 3, 2] });
    let y = swap(`${this.name}__hcw`).apply(x) as tf.SymbolicTensor;
    y = tf.layers.zeroPadding2d({ name: `${this.name}__zeros`, padding: [[0, 0], [0, this.channels]] }).apply(y) as tf.SymbolicTensor;
    return swap(this.name).apply(y) as tf.SymbolicTensor;
  }
}
tf.serialization.registerClass(ChannelZeroPad);
