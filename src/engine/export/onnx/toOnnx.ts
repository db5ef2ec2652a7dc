/**
 * A studio model as ONNX (opset 13), written from the tfjs layer graph: NCHW in the file (torchvision's
 * convention) while the studio runs NHWC, a dynamic batch axis, the weights as initializers, and what a user
 * needs to run it (input size, preprocessing, task, class and output names) in `metadata_props`.
 *
 * Layouts: every 4-D tensor of the tfjs graph is NHWC and is held NCHW in the ONNX graph ('nchw'); tensors of
 * other ranks keep their order ('plain'). Axis arguments of 'nchw' tensors are mapped; `Permute([3, 1, 2])`
 * (NHWC → NCHW before a torch-order Flatten) becomes an Identity that turns the tensor 'plain'; a Flatten of an
 * 'nchw' tensor goes back to NHWC order first, so the flattened order is tfjs's.
 */
import type * as tf from '@tensorflow/tfjs';
import type { onnx } from 'onnx-proto';
import { onnxProto } from './proto';
import { ONE_SIXTH } from '../../models/backbones/mobilenetV3';
import type { SavedModelMeta } from '../../models/savedModel';
import { GraphBuilder } from './graphBuilder';

export const ONNX_OPSET = 13;

type Layout = 'nchw' | 'plain';
interface Value {
  name: string;
  layout: Layout;
}

/** The tfjs NHWC axis `axis` of a 4-D tensor, in the NCHW graph. */
const NCHW_AXIS = [0, 2, 3, 1];
function onnxAxis(v: Value, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  return v.layout === 'nchw' ? NCHW_AXIS[a] : a;
}

/** What goes into `metadata_props`: the saved model's meta minus its run history. */
export type OnnxModelInfo = Pick<SavedModelMeta, 'model' | 'task' | 'ctx' | 'preprocessing' | 'inputSize'> & Partial<Pick<SavedModelMeta, 'metrics'>>;

interface SymbolicLike {
  id: number;
  shape: (number | null)[];
}
interface NodeLike {
  inputTensors: SymbolicLike[];
  outputTensors: SymbolicLike[];
}

/** Serialized ONNX model bytes for `model` (built by the studio's `buildModel`, any backbone × preset). */
export function toOnnx(model: tf.LayersModel, info: OnnxModelInfo): Uint8Array {
  const { graph, outputNames } = convertModel(model, 'nchw');
  const metadata = {
    'transfer-studio': JSON.stringify({ ...info, layout: 'NCHW', channels: 'RGB', outputs: outputNames }),
    task: info.task,
    preprocessing: JSON.stringify(info.preprocessing),
    input_size: String(info.inputSize),
    ...(info.ctx.classes && { classes: JSON.stringify(info.ctx.classes) }),
  };
  return encodeModel(graph, metadata);
}

/**
 * A frozen prefix (`splitFrozenPrefix`) as ONNX for the trunk runner: NHWC in and NHWC out, as tfjs holds them,
 * with a Transpose at each end inside the graph (the runtime fuses or runs them far faster than a copy in
 * JavaScript would); inside, NCHW as in `toOnnx`. Its 4-D outputs (feature maps) are allowed here.
 */
export function prefixToOnnx(prefix: tf.LayersModel): Uint8Array {
  return encodeModel(convertModel(prefix, 'nhwc').graph, {});
}

function encodeModel(graph: onnx.IGraphProto, metadata: Record<string, string>): Uint8Array {
  const proto = onnxProto.ModelProto.create({
    irVersion: 7,
    producerName: 'transfer-studio',
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    graph,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnxProto.ModelProto.encode(proto).finish();
}

/** The graph of `model` with its input and outputs in `io` layout: the file's NCHW, or tfjs's NHWC (the prefix runner's). */
function convertModel(model: tf.LayersModel, io: 'nchw' | 'nhwc'): { graph: onnx.IGraphProto; outputNames: string[] } {
  const g = new GraphBuilder();
  const values = new Map<number, Value>();
  const inputShape = model.inputs[0].shape;
  if (model.inputs.length !== 1 || inputShape.length !== 4) throw new Error(`${model.name}: ONNX export takes one image input, NHWC`);
  const [, h, w, c] = inputShape as number[];

  for (const layer of model.layers) {
    const node = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[0];
    if (layer.getClassName() === 'InputLayer') {
      const input = io === 'nhwc' ? g.node('Transpose', ['input'], 'input/nchw', { perm: [0, 3, 1, 2] }) : 'input';
      values.set(node.outputTensors[0].id, { name: input, layout: 'nchw' });
      continue;
    }
    const inputs = node.inputTensors.map((t) => {
      const v = values.get(t.id);
      if (!v) throw new Error(`${layer.name}: input ${t.id} was not converted`);
      return { ...v, rank: t.shape.length };
    });
    const out = convertLayer(g, layer, inputs, node.outputTensors[0].shape.length);
    values.set(node.outputTensors[0].id, out);
  }

  const outputNames = model.outputNames;
  const outputs: onnx.IValueInfoProto[] = model.outputs.map((t, i) => {
    const v = values.get(t.id)!;
    const image = v.layout === 'nchw' && t.shape.length === 4;
    if (image && io === 'nchw') throw new Error(`${outputNames[i]}: a 4-D output is not supported`);
    const source = image ? g.node('Transpose', [v.name], `${outputNames[i]}/nhwc`, { perm: [0, 2, 3, 1] }) : v.name;
    g.nodes.push({ opType: 'Identity', input: [source], output: [outputNames[i]], name: outputNames[i] });
    return valueInfo(outputNames[i], ['batch', ...(t.shape.slice(1) as number[])]);
  });

  const graph: onnx.IGraphProto = {
    name: model.name,
    node: g.nodes,
    initializer: g.initializers,
    input: [valueInfo('input', io === 'nhwc' ? ['batch', h, w, c] : ['batch', c, h, w])],
    output: outputs,
  };
  return { graph, outputNames };
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnxProto.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

type Input = Value & { rank: number };

/** A weight of `layer` by its short name (`kernel`, `bias`, `gamma`…), as a typed array with its shape. */
function weight(layer: tf.layers.Layer, short: string): { data: Float32Array; shape: number[] } | undefined {
  const v = layer.weights.find((w) => w.originalName.split('/').pop() === short || w.name.split('/').pop()?.replace(/_\d+$/, '') === short);
  return v && { data: v.read().dataSync() as Float32Array, shape: v.shape as number[] };
}

/** [kh, kw, in, out] → [out, in, kh, kw]. */
function convKernel(data: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o];
  return out;
}

/** Depthwise [kh, kw, in, mult] → [in·mult, 1, kh, kw] (output channel c·mult + m, as tfjs orders them). */
function depthwiseKernel(data: Float32Array, [kh, kw, cin, mult]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let m = 0; m < mult; m++) out[((i * mult + m) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * mult + m];
  return out;
}

function activation(g: GraphBuilder, x: string, name: string | undefined, base: string): string {
  switch (name ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return g.node('Relu', [x], base);
    case 'relu6':
      return g.node('Clip', [x, g.floats(`${base}/min`, [], [0]), g.floats(`${base}/max`, [], [6])], base);
    case 'sigmoid':
      return g.node('Sigmoid', [x], base);
    case 'tanh':
      return g.node('Tanh', [x], base);
    case 'softmax':
      return g.node('Softmax', [x], base, { axis: -1 });
    default:
      throw new Error(`${base}: activation '${name}' has no ONNX export yet`);
  }
}

const autoPad = (padding: string) => (padding === 'same' ? 'SAME_UPPER' : 'VALID');

/** relu6(x + 3) · ⅙ with the CenterNet graph's ⅙, as HardSigmoid / HardSwish compute it. */
function hardSigmoid(g: GraphBuilder, x: string, base: string): string {
  const shifted = g.node('Add', [x, g.floats(`${base}/three`, [], [3])], base);
  const clipped = g.node('Clip', [shifted, g.floats(`${base}/min`, [], [0]), g.floats(`${base}/max`, [], [6])], base);
  return g.node('Mul', [clipped, g.floats(`${base}/sixth`, [], [ONE_SIXTH])], base);
}

function convertLayer(g: GraphBuilder, layer: tf.layers.Layer, inputs: Input[], outRank: number): Value {
  const cfg = layer.getConfig() as Record<string, unknown>;
  const base = layer.name;
  const [x] = inputs;
  const same = (name: string): Value => ({ name, layout: x.layout });
  switch (layer.getClassName()) {
    case 'Conv2D': {
      const k = weight(layer, 'kernel')!;
      const b = weight(layer, 'bias');
      const ins = [x.name, g.floats(`${base}/weight`, [k.shape[3], k.shape[2], k.shape[0], k.shape[1]], convKernel(k.data, k.shape))];
      if (b) ins.push(g.floats(`${base}/bias`, b.shape, b.data));
      const y = g.node('Conv', ins, base, {
        kernel_shape: cfg.kernelSize as number[],
        strides: cfg.strides as number[],
        dilations: cfg.dilationRate as number[],
        auto_pad: autoPad(cfg.padding as string),
      });
      return same(activation(g, y, cfg.activation as string, base));
    }
    case 'DepthwiseConv2D': {
      const k = weight(layer, 'depthwise_kernel')!;
      const b = weight(layer, 'bias');
      const [kh, kw, cin, mult] = k.shape;
      const ins = [x.name, g.floats(`${base}/weight`, [cin * mult, 1, kh, kw], depthwiseKernel(k.data, k.shape))];
      if (b) ins.push(g.floats(`${base}/bias`, b.shape, b.data));
      const y = g.node('Conv', ins, base, {
        kernel_shape: cfg.kernelSize as number[],
        strides: cfg.strides as number[],
        dilations: cfg.dilationRate as number[],
        group: cin,
        auto_pad: autoPad(cfg.padding as string),
      });
      return same(activation(g, y, cfg.activation as string, base));
    }
    case 'Dense': {
      if (x.rank !== 2) throw new Error(`${base}: Dense on a rank-${x.rank} input has no ONNX export yet`);
      const k = weight(layer, 'kernel')!;
      const b = weight(layer, 'bias');
      const ins = [x.name, g.floats(`${base}/weight`, k.shape, k.data)];
      if (b) ins.push(g.floats(`${base}/bias`, b.shape, b.data));
      return same(activation(g, g.node('Gemm', ins, base), cfg.activation as string, base));
    }
    case 'BatchNormalization': {
      const mean = weight(layer, 'moving_mean')!;
      const variance = weight(layer, 'moving_variance')!;
      const n = mean.shape[0];
      const gamma = weight(layer, 'gamma')?.data ?? new Float32Array(n).fill(1);
      const beta = weight(layer, 'beta')?.data ?? new Float32Array(n);
      if (onnxAxis(x, (cfg.axis as number) ?? -1, x.rank) !== 1) throw new Error(`${base}: BatchNorm must be over the channels`);
      return same(
        g.node(
          'BatchNormalization',
          [x.name, g.floats(`${base}/scale`, [n], gamma), g.floats(`${base}/bias`, [n], beta), g.floats(`${base}/mean`, [n], mean.data), g.floats(`${base}/var`, [n], variance.data)],
          base,
          { epsilon: { float: cfg.epsilon as number } },
        ),
      );
    }
    case 'Activation':
      return same(activation(g, x.name, cfg.activation as string, base));
    case 'ReLU':
      return same(g.node('Relu', [x.name], base));
    case 'HardSigmoid':
      return same(hardSigmoid(g, x.name, base));
    case 'HardSwish':
      return same(g.node('Mul', [x.name, hardSigmoid(g, x.name, base)], base));
    case 'Dropout':
    case 'SpatialDropout2D':
      return same(g.node('Identity', [x.name], base));
    case 'MaxPooling2D':
    case 'AveragePooling2D':
      return same(
        g.node(layer.getClassName() === 'MaxPooling2D' ? 'MaxPool' : 'AveragePool', [x.name], base, {
          kernel_shape: cfg.poolSize as number[],
          strides: cfg.strides as number[],
          auto_pad: autoPad(cfg.padding as string),
        }),
      );
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      const pooled = g.node(layer.getClassName() === 'GlobalMaxPooling2D' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x.name], base);
      return cfg.keepDims ? same(pooled) : { name: g.node('Flatten', [pooled], base, { axis: 1 }), layout: 'plain' };
    }
    case 'AdaptivePool2d':
      return same(adaptivePool(g, layer, x));
    case 'ZeroPadding2D': {
      const [[top, bottom], [left, right]] = cfg.padding as [[number, number], [number, number]];
      return same(g.node('Pad', [x.name, g.int64s(`${base}/pads`, [0, 0, top, left, 0, 0, bottom, right])], base, { mode: 'constant' }));
    }
    case 'ChannelZeroPad':
      return same(g.node('Pad', [x.name, g.int64s(`${base}/pads`, [0, 0, 0, 0, 0, cfg.channels as number, 0, 0])], base, { mode: 'constant' }));
    case 'ChannelAffine': {
      const s = weight(layer, 'weight')!;
      const b = weight(layer, 'bias')!;
      const shape = x.layout === 'nchw' ? [1, s.shape[0], 1, 1] : s.shape;
      const scaled = g.node('Mul', [x.name, g.floats(`${base}/weight`, shape, s.data)], base);
      return same(g.node('Add', [scaled, g.floats(`${base}/bias`, shape, b.data)], base));
    }
    case 'Rescaling': {
      let y = g.node('Mul', [x.name, g.floats(`${base}/scale`, [], [cfg.scale as number])], base);
      if (cfg.offset) y = g.node('Add', [y, g.floats(`${base}/offset`, [], [cfg.offset as number])], base);
      return same(y);
    }
    case 'Permute': {
      const dims = cfg.dims as number[];
      if (x.layout === 'nchw' && dims.join() === '3,1,2') return { name: g.node('Identity', [x.name], base), layout: 'plain' };
      if (x.layout === 'nchw') throw new Error(`${base}: Permute(${dims}) of an image tensor has no ONNX export yet`);
      return same(g.node('Transpose', [x.name], base, { perm: [0, ...dims] }));
    }
    case 'Flatten': {
      const src = x.layout === 'nchw' ? g.node('Transpose', [x.name], `${base}/nhwc`, { perm: [0, 2, 3, 1] }) : x.name;
      return { name: g.node('Flatten', [src], base, { axis: 1 }), layout: 'plain' };
    }
    case 'Add':
    case 'Multiply': {
      sameLayouts(base, inputs);
      const op = layer.getClassName() === 'Add' ? 'Add' : 'Mul';
      return same(inputs.slice(1).reduce((acc, v) => g.node(op, [acc, v.name], base), x.name));
    }
    case 'Concatenate': {
      sameLayouts(base, inputs);
      return same(g.node('Concat', inputs.map((v) => v.name), base, { axis: onnxAxis(x, (cfg.axis as number) ?? -1, outRank) }));
    }
    default:
      throw new Error(`${base}: layer ${layer.getClassName()} has no ONNX export yet`);
  }
}

function sameLayouts(base: string, inputs: Input[]): void {
  if (inputs.some((v) => v.layout !== inputs[0].layout || v.rank !== inputs[0].rank)) throw new Error(`${base}: inputs of different layouts`);
}

/** torch's adaptive pooling (AdaptivePool2d.ts) at the graph's static size: a pool, or bins as a matrix product. */
function adaptivePool(g: GraphBuilder, layer: tf.layers.Layer, x: Input): string {
  const { outputSize: out, mode } = layer.getConfig() as { outputSize: number; mode: 'avg' | 'max' };
  const shape = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[0].inputTensors[0].shape;
  const [, h, w] = shape as number[];
  const base = layer.name;
  if (out === 1) return g.node(mode === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool', [x.name], base);
  if (h % out === 0 && w % out === 0) {
    const size = [h / out, w / out];
    return g.node(mode === 'avg' ? 'AveragePool' : 'MaxPool', [x.name], base, { kernel_shape: size, strides: size });
  }
  const edges = (n: number) => Array.from({ length: out }, (_, i) => [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)]);
  if (mode === 'max') {
    // Each cell the max of its bin (overlapping bins): a Slice and a ReduceMax per cell, concatenated back.
    const axes = g.int64s(`${base}/axes`, [2, 3]);
    const rows = edges(h).map(([r0, r1]) => {
      const cells = edges(w).map(([c0, c1]) => {
        const bin = g.node('Slice', [x.name, g.int64s(`${base}/starts`, [r0, c0]), g.int64s(`${base}/ends`, [r1, c1]), axes], base);
        return g.node('ReduceMax', [bin], base, { axes: [2, 3], keepdims: 1 });
      });
      return g.node('Concat', cells, base, { axis: 3 });
    });
    return g.node('Concat', rows, base, { axis: 2 });
  }
  // Each output cell is the mean of its bin: rows = P_h · X, then columns = · P_wᵀ.
  const bins = (n: number) => {
    const m = new Float32Array(out * n);
    for (let i = 0; i < out; i++) {
      const [a, b] = [Math.floor((i * n) / out), Math.ceil(((i + 1) * n) / out)];
      for (let j = a; j < b; j++) m[i * n + j] = 1 / (b - a);
    }
    return m;
  };
  const transpose = (m: Float32Array, rows: number, cols: number) => Float32Array.from({ length: m.length }, (_, k) => m[(k % rows) * cols + Math.floor(k / rows)]);
  const rows = g.node('MatMul', [g.floats(`${base}/rows`, [out, h], bins(h)), x.name], base);
  return g.node('MatMul', [rows, g.floats(`${base}/cols`, [w, out], transpose(bins(w), out, w))], base);
}
