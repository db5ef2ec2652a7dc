import * as tf from '@tensorflow/tfjs';

/**
 * face-api's `depthwiseSeparableConv`: a 3×3 depthwise conv and a 1×1 pointwise conv with bias, TF 'same'
 * padding. Built as two layers (`<path>.depthwise`, `<path>.pointwise`) rather than tf.layers' SeparableConv2D
 * so that the tree, the ONNX export and the PyTorch export see the two convs they already know.
 */
export function separableConv(
  x: tf.SymbolicTensor,
  path: string,
  opts: { filters: number; stride?: number },
): tf.SymbolicTensor {
  const depthwise = tf.layers
    .depthwiseConv2d({
      name: `${path}.depthwise`,
      kernelSize: 3,
      strides: opts.stride ?? 1,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: 'heNormal',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.layers
    .conv2d({ name: `${path}.pointwise`, filters: opts.filters, kernelSize: 1, useBias: true, kernelInitializer: 'heNormal' })
    .apply(depthwise) as tf.SymbolicTensor;
}

/** A TF 'same' conv with bias, as face-api's `conv` (`tf.conv2d(x, filters, stride, 'same') + bias`). */
export function sameConv(
  x: tf.SymbolicTensor,
  path: string,
  opts: { filters: number; kernel: number; stride: number },
): tf.SymbolicTensor {
  return tf.layers
    .conv2d({
      name: path,
      filters: opts.filters,
      kernelSize: opts.kernel,
      strides: opts.stride,
      padding: 'same',
      useBias: true,
      kernelInitializer: 'heNormal',
    })
    .apply(x) as tf.SymbolicTensor;
}
