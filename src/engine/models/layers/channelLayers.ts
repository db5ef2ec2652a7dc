import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology';

// Layers face-api (dlib) uses that tf.layers lacks.


/**
 * face-api's (dlib's) scale layer, `x * weight + bias` per channel: a BatchNorm folded to an affine map.
 * Weights `weight` and `bias`, both [channels], in that order.
 */
export class ChannelAffine extends tf.layers.Layer {
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
}
tf.serialization.registerClass(ChannelAffine);

export interface ChannelZeroPadArgs {
  /** Zero channels appended after the input's own. */
  channels: number;
  name?: string;
}

/** Appends zero channels (face-api's `tf.concat([pooled, zeros], 3)` on a widening shortcut). */
export class ChannelZeroPad extends tf.layers.Layer {
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
}
tf.serialization.registerClass(ChannelZeroPad);
