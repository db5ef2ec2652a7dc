import * as tf from '@tensorflow/tfjs';

/*
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter or
 * DepthwiseConv2dNativeBackpropInput, so no conv or depthwise kernel can be trained on it. These kernels
 * rebuild each one from forward ops wasm does have (pad, transpose, reshape, slice, sum and a conv with
 * dilation = the forward stride), so the work stays in XNNPACK.
 */

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Pair = [number, number];

interface ConvAttrs {
  strides: number | Pair;
  pad: Pad;
  dilations?: number | Pair;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

const asTensor4d = (info: tf.TensorInfo | undefined): tf.Tensor4D => {
  if (!info) throw new Error('wasm grad kernel: missing input');
  return (info instanceof tf.Tensor ? info : tf.engine().makeTensorFromTensorInfo(info)) as tf.Tensor4D;
};

function assertPlain(name: string, attrs: ConvAttrs): void {
  const d = attrs.dilations ?? 1;
  if ((Array.isArray(d) ? d : [d, d]).some((v) => v !== 1)) throw new Error(`${name} on wasm: dilations > 1 unsupported`);
  if (attrs.dataFormat === 'NCHW') throw new Error(`${name} on wasm: NCHW unsupported`);
}

/** Pads (or, for a negative amount, crops) axis 1 and 2 of an NHWC tensor. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  const padded = tf.pad(t, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
  const [n, h, w, c] = padded.shape;
  const y0 = Math.max(0, -top);
  const x0 = Math.max(0, -left);
  const hh = h - y0 - Math.max(0, -bottom);
  const ww = w - x0 - Math.max(0, -right);
  return hh === h && ww === w ? padded : padded.slice([0, y0, x0, 0], [n, hh, ww, c]);
}

/** x padded as the forward conv padded it, and cut or extended to exactly the rows/columns the outputs read. */
function paddedInput(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  const needH = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const needW = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
  const { top, left } = info.padInfo;
  return padOrCrop(x, top, needH - x.shape[1] - top, left, needW - x.shape[2] - left);
}

/** dW[kh,kw,ci,co] = Σ_{n,oh,ow} xpad[n, oh·s+kh, ow·s+kw, ci] · dy[n,oh,ow,co], as one dilated conv. */
export function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  assertPlain('Conv2DBackpropFilter', attrs);
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filterShape;
    const info = tf.backend_util.computeConv2DInfo(x.shape, [kh, kw, ci, co], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const xt = paddedInput(x, info).transpose<tf.Tensor4D>([3, 1, 2, 0]); // [ci, needH, needW, n]
    const k = dy.transpose<tf.Tensor4D>([1, 2, 0, 3]); // [oh, ow, n, co]
    const out = tf.conv2d(xt, k, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]); // [ci, kh, kw, co]
    return out.transpose<tf.Tensor4D>([1, 2, 0, 3]);
  });
}

/** dW[kh,kw,c,m] = Σ_{n,oh,ow} xpad[n, oh·s+kh, ow·s+kw, c] · dy[n,oh,ow,c·M+m]: batch folded into channels. */
export function depthwiseBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  assertPlain('DepthwiseConv2dNativeBackpropFilter', attrs);
  return tf.tidy(() => {
    const [kh, kw, c, m] = filterShape;
    const [n, oh, ow] = dy.shape;
    const info = tf.backend_util.computeConv2DInfo(x.shape, [kh, kw, c, m], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, true);
    const xp = paddedInput(x, info);
    const input = xp.transpose([1, 2, 3, 0]).reshape<tf.Tensor4D>([1, xp.shape[1], xp.shape[2], c * n]);
    const filter = dy.reshape([n, oh, ow, c, m]).transpose([1, 2, 3, 0, 4]).reshape<tf.Tensor4D>([oh, ow, c * n, m]);
    const out = tf.depthwiseConv2d(input, filter, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]);
    return out.reshape([kh, kw, c, n, m]).sum(3) as tf.Tensor4D;
  });
}

/** dx = the full correlation of the stride-dilated dy with the flipped filter, per channel. */
export function depthwiseBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: number[], attrs: ConvAttrs): tf.Tensor4D {
  assertPlain('DepthwiseConv2dNativeBackpropInput', attrs);
  return tf.tidy(() => {
    const [n, h, w, c] = inputShape;
    const [kh, kw, , m] = filter.shape;
    const [, oh, ow] = dy.shape;
    const info = tf.backend_util.computeConv2DInfo([n, h, w, c], filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, true);
    const [sh, sw] = [info.strideHeight, info.strideWidth];
    // Zeros between the rows and columns of dy: [n, (oh-1)·sh+1, (ow-1)·sw+1, c·m].
    let spread: tf.Tensor4D = dy;
    if (sh > 1 || sw > 1) {
      const holes = tf.pad(dy.reshape([n, oh, 1, ow, 1, c * m]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
      spread = holes
        .reshape<tf.Tensor4D>([n, oh * sh, ow * sw, c * m])
        .slice([0, 0, 0, 0], [n, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c * m]);
    }
    const { top, left } = info.padInfo;
    const before = [kh - 1 - top, kw - 1 - left];
    const padded = padOrCrop(
      spread,
      before[0],
      h + kh - 1 - before[0] - spread.shape[1],
      before[1],
      w + kw - 1 - before[1] - spread.shape[2],
    );
    const flipped = tf.reverse(filter, [0, 1]).reshape<tf.Tensor4D>([kh, kw, c * m, 1]);
    const out = tf.depthwiseConv2d(padded, flipped, 1, 'valid'); // [n, h, w, c·m]
    return (m === 1 ? out : out.reshape([n, h, w, c, m]).sum(4)) as tf.Tensor4D;
  });
}

let registered = false;

/** Registers the three missing gradient kernels for the `wasm` backend (once; before or after it starts). */
export function registerWasmGradKernels(): void {
  if (registered) return;
  registered = true;
  const kernels: tf.KernelConfig[] = [
    {
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) =>
        conv2dBackpropFilter(asTensor4d(inputs.x), asTensor4d(inputs.dy), (attrs as unknown as { filterShape: number[] }).filterShape, attrs as unknown as ConvAttrs),
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) =>
        depthwiseBackpropFilter(asTensor4d(inputs.x), asTensor4d(inputs.dy), (attrs as unknown as { filterShape: number[] }).filterShape, attrs as unknown as ConvAttrs),
    },
    {
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) =>
        depthwiseBackpropInput(asTensor4d(inputs.dy), asTensor4d(inputs.filter), (attrs as unknown as { inputShape: number[] }).inputShape, attrs as unknown as ConvAttrs),
    },
  ];
  for (const kernel of kernels) {
    if (!tf.getKernel(kernel.kernelName, 'wasm')) tf.registerKernel(kernel);
  }
}
