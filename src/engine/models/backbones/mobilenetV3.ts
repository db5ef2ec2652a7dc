import * as tf from '@tensorflow/tfjs';
import type { BackboneSpec, Trunk } from '../types';
import { adaptivePool2d } from '../layers/AdaptivePool2d';
import type { HasStandardForm } from '../layers/standardForm';

/**
 * 1/6 as the CenterNet graph stores it (float16: 0.1666259765625). Every hard-swish and hard-sigmoid of the
 * graph multiplies by this constant, so the rebuilt trunk does too and matches the graph to float32 rounding.
 */
export const ONE_SIXTH = 0.1666259765625;

/** relu6(x + 3) with Keras layers: `<name>__plus3`, `<name>__relu6`. */
function relu6Plus3(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  const plus3 = tf.layers.rescaling({ name: `${name}__plus3`, scale: 1, offset: 3 }).apply(x) as tf.SymbolicTensor;
  return tf.layers.activation({ name: `${name}__relu6`, activation: 'relu6' }).apply(plus3) as tf.SymbolicTensor;
}

/** hard_swish as the graph computes it: (x · ⅙) · relu6(x + 3). */
export class HardSwish extends tf.layers.Layer implements HasStandardForm {
  static className = 'HardSwish';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(tf.mul(x, ONE_SIXTH), tf.relu6(tf.add(x, 3)));
    });
  }

  /** The same products in the same order: Rescaling(⅙) · relu6(Rescaling(1, +3)). */
  standardForm(x: tf.SymbolicTensor): tf.SymbolicTensor {
    const scaled = tf.layers.rescaling({ name: `${this.name}__scaled`, scale: ONE_SIXTH, offset: 0 }).apply(x) as tf.SymbolicTensor;
    return tf.layers.multiply({ name: this.name }).apply([scaled, relu6Plus3(x, this.name)]) as tf.SymbolicTensor;
  }
}
tf.serialization.registerClass(HardSwish);

/** The squeeze-excite gate as the graph computes it: relu6(x + 3) · ⅙. */
export class HardSigmoid extends tf.layers.Layer implements HasStandardForm {
  static className = 'HardSigmoid';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.mul(tf.relu6(tf.add(x, 3)), ONE_SIXTH);
    });
  }

  /** Rescaling(⅙) after relu6(Rescaling(1, +3)). (tfjs' own hardSigmoid has slope 0.2, not ⅙.) */
  standardForm(x: tf.SymbolicTensor): tf.SymbolicTensor {
    return tf.layers.rescaling({ name: this.name, scale: ONE_SIXTH, offset: 0 }).apply(relu6Plus3(x, this.name)) as tf.SymbolicTensor;
  }
}
tf.serialization.registerClass(HardSigmoid);

type Activation = 'relu' | 'hard_swish';

/** One `expanded_conv` block, with the widths the CenterNet graph has (MobileNetV3-Large at ×0.75). */
interface BlockCfg {
  /** Channels after the 1×1 expansion; null where the block has none (`expanded_conv`). */
  expand: number | null;
  kernel: 3 | 5;
  stride: 1 | 2;
  /** Channels of the squeeze-excite bottleneck; null where the block has none. */
  se: number | null;
  act: Activation;
  out: number;
}

const STEM_CHANNELS = 16;
// prettier-ignore
const BLOCKS: BlockCfg[] = [
  { expand: null, kernel: 3, stride: 1, se: null, act: 'relu', out: 16 },        // expanded_conv
  { expand: 64, kernel: 3, stride: 2, se: null, act: 'relu', out: 24 },          // expanded_conv_1
  { expand: 72, kernel: 3, stride: 1, se: null, act: 'relu', out: 24 },
  { expand: 72, kernel: 5, stride: 2, se: 24, act: 'relu', out: 32 },            // expanded_conv_3
  { expand: 96, kernel: 5, stride: 1, se: 24, act: 'relu', out: 32 },
  { expand: 96, kernel: 5, stride: 1, se: 24, act: 'relu', out: 32 },
  { expand: 192, kernel: 3, stride: 2, se: null, act: 'hard_swish', out: 64 },   // expanded_conv_6
  { expand: 160, kernel: 3, stride: 1, se: null, act: 'hard_swish', out: 64 },
  { expand: 144, kernel: 3, stride: 1, se: null, act: 'hard_swish', out: 64 },
  { expand: 144, kernel: 3, stride: 1, se: null, act: 'hard_swish', out: 64 },
  { expand: 384, kernel: 3, stride: 1, se: 96, act: 'hard_swish', out: 88 },     // expanded_conv_10
  { expand: 528, kernel: 3, stride: 1, se: 136, act: 'hard_swish', out: 88 },
  { expand: 528, kernel: 5, stride: 2, se: 136, act: 'hard_swish', out: 120 },   // expanded_conv_12
  { expand: 720, kernel: 5, stride: 1, se: 184, act: 'hard_swish', out: 120 },
  { expand: 720, kernel: 5, stride: 1, se: 184, act: 'hard_swish', out: 120 },   // expanded_conv_14
];

/** The graph's own scope names: `expanded_conv`, `expanded_conv_1`, … */
const blockName = (i: number) => (i === 0 ? 'expanded_conv' : `expanded_conv_${i}`);

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
  layer.apply(x) as tf.SymbolicTensor;

/** A ReLU is fused into the conv as the graph fuses it; a hard-swish follows as `<name>__hard_swish`. */
function withActivation(x: tf.SymbolicTensor, name: string, act: Activation | null): tf.SymbolicTensor {
  return act === 'hard_swish' ? apply(new HardSwish({ name: `${name}__hard_swish` }), x) : x;
}

/** 1×1 or k×k conv with bias (BatchNorm is folded), 'same' padding as in the graph. */
function conv(
  x: tf.SymbolicTensor,
  name: string,
  opts: { filters: number; kernel?: number; stride?: number; act: Activation | null },
): tf.SymbolicTensor {
  const layer = tf.layers.conv2d({
    name,
    filters: opts.filters,
    kernelSize: opts.kernel ?? 1,
    strides: opts.stride ?? 1,
    padding: 'same',
    activation: opts.act === 'relu' ? 'relu' : 'linear',
  });
  return withActivation(apply(layer, x), name, opts.act);
}

function squeezeExcite(x: tf.SymbolicTensor, path: string, bottleneck: number): tf.SymbolicTensor {
  const channels = x.shape[3] as number;
  let s = apply(adaptivePool2d({ name: `${path}__mean`, outputSize: 1, mode: 'avg' }), x);
  s = conv(s, `${path}.Conv`, { filters: bottleneck, act: 'relu' });
  s = conv(s, `${path}.Conv_1`, { filters: channels, act: null });
  s = apply(new HardSigmoid({ name: `${path}.Conv_1__hard_sigmoid` }), s);
  return apply(tf.layers.multiply({ name: `${path}__mul` }), [s, x]);
}

function invertedResidual(x: tf.SymbolicTensor, path: string, cfg: BlockCfg): tf.SymbolicTensor {
  const inChannels = x.shape[3] as number;
  let y = x;
  if (cfg.expand !== null) y = conv(y, `${path}.expand`, { filters: cfg.expand, act: cfg.act });
  const depthwise = tf.layers.depthwiseConv2d({
    name: `${path}.depthwise`,
    kernelSize: cfg.kernel,
    strides: cfg.stride,
    padding: 'same',
    activation: cfg.act === 'relu' ? 'relu' : 'linear',
  });
  y = withActivation(apply(depthwise, y), `${path}.depthwise`, cfg.act);
  if (cfg.se !== null) y = squeezeExcite(y, `${path}.squeeze_excite`, cfg.se);
  y = conv(y, `${path}.project`, { filters: cfg.out, act: null });
  if (cfg.stride === 1 && inChannels === cfg.out) y = apply(tf.layers.add({ name: `${path}.add` }), [y, x]);
  return y;
}

/** Everything up to and including the graph node `tower_0/MobilenetV3/expanded_conv_14/add`. */
function buildTrunk(input: tf.SymbolicTensor): Trunk {
  // The graph feeds raw 0..255 pixels straight into `Conv`: there is no scaling op to rebuild.
  let x = conv(input, 'Conv', { filters: STEM_CHANNELS, kernel: 3, stride: 2, act: 'hard_swish' });
  BLOCKS.forEach((cfg, i) => {
    x = invertedResidual(x, blockName(i), cfg);
  });
  return { output: x, channels: BLOCKS[BLOCKS.length - 1].out };
}

export const mobilenetV3: BackboneSpec = {
  name: 'mobilenet_v3',
  title: 'MobileNetV3 (CenterNet, COCO)',
  inputSize: 512,
  minInputSize: 32,
  preprocessing: { kind: 'raw' },
  featureScale: 1 / 32,
  buildTrunk,
  trunkModules: ['Conv', ...BLOCKS.map((_, i) => blockName(i))],
  poolModule: 'avgpool',
  headModule: 'classifier',
  containerType: (path) =>
    /^expanded_conv(_\d+)?$/.test(path) ? 'InvertedResidual' : path.endsWith('.squeeze_excite') ? 'SqueezeExcite' : 'Module',
};
