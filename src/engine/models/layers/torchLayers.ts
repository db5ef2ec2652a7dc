import * as tf from '@tensorflow/tfjs';

/**
 * torch-style conv: explicit symmetric zero padding, as `nn.Conv2d(padding=p)` does. tfjs 'same' pads
 * asymmetrically under stride 2, so strided convs get a `<name>__pad` layer; stride 1 uses 'same', which
 * is the same thing there.
 */
export function torchConv2d(
  x: tf.SymbolicTensor,
  name: string,
  opts: { filters: number; kernel: number; stride?: number; padding?: number; bias?: boolean },
): tf.SymbolicTensor {
  const { filters, kernel, stride = 1, padding = 0, bias = true } = opts;
  const sameIsSymmetric = stride === 1 && padding * 2 === kernel - 1;
  let input = x;
  if (padding > 0 && !sameIsSymmetric) {
    input = tf.layers.zeroPadding2d({ padding: padding, name: `${name}__pad` }).apply(x) as tf.SymbolicTensor;
  }
  return tf.layers
    .conv2d({
      name,
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: sameIsSymmetric ? 'same' : 'valid',
      useBias: bias,
      kernelInitializer: 'heNormal',
    })
    .apply(input) as tf.SymbolicTensor;
}

/** torch `nn.MaxPool2d(kernel, stride, padding)`; zero padding is only used after a ReLU, where it equals -inf. */
export function torchMaxPool(
  x: tf.SymbolicTensor,
  name: string,
  opts: { kernel: number; stride: number; padding?: number },
): tf.SymbolicTensor {
  let input = x;
  if (opts.padding) {
    input = tf.layers.zeroPadding2d({ padding: opts.padding, name: `${name}__pad` }).apply(x) as tf.SymbolicTensor;
  }
  return tf.layers
    .maxPooling2d({ name, poolSize: opts.kernel, strides: opts.stride, padding: 'valid' })
    .apply(input) as tf.SymbolicTensor;
}

export function relu(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ activation: 'relu', name }).apply(x) as tf.SymbolicTensor;
}

/** Element-wise sum of `inputs` (a residual or dense connection). */
export function add(inputs: tf.SymbolicTensor[], name: string): tf.SymbolicTensor {
  return tf.layers.add({ name }).apply(inputs) as tf.SymbolicTensor;
}

export function sigmoid(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ activation: 'sigmoid', name }).apply(x) as tf.SymbolicTensor;
}

export function softmax(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.activation({ activation: 'softmax', name }).apply(x) as tf.SymbolicTensor;
}

export function linear(x: tf.SymbolicTensor, name: string, units: number): tf.SymbolicTensor {
  return tf.layers.dense({ name, units }).apply(x) as tf.SymbolicTensor;
}

export function dropout(x: tf.SymbolicTensor, name: string, rate: number): tf.SymbolicTensor {
  return tf.layers.dropout({ name, rate }).apply(x) as tf.SymbolicTensor;
}

export function flatten(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  return tf.layers.flatten({ name }).apply(x) as tf.SymbolicTensor;
}

/**
 * torch flattens NCHW, tfjs NHWC; permuting first keeps a torchvision Linear's weight rows in their own order,
 * so imported classifiers need no reshuffle.
 */
export function torchFlatten(x: tf.SymbolicTensor, name: string): tf.SymbolicTensor {
  const nchw = tf.layers.permute({ dims: [3, 1, 2], name: `${name}__nchw` }).apply(x) as tf.SymbolicTensor;
  return flatten(nchw, `${name}__flatten`);
}
