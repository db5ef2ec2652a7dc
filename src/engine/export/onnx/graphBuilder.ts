import type { onnx } from 'onnx-proto';
import { onnxProto } from './proto';

export type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

/** Builds an ONNX graph: nodes in order, initializers as raw little-endian data, names unique per graph. */
export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private count = 0;

  /** A fresh tensor name under `base` (a tfjs layer name, so the graph reads like the studio's tree). */
  name(base: string): string {
    return `${base}:${this.count++}`;
  }

  /** A float32 initializer of `shape`. */
  floats(base: string, shape: number[], data: ArrayLike<number>): string {
    const values = data instanceof Float32Array ? data : Float32Array.from(data);
    if (values.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`${base}: ${values.length} values do not fill [${shape}]`);
    const name = this.name(base);
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push({ name, dims: shape, dataType: onnxProto.TensorProto.DataType.FLOAT, rawData: bytes });
    return name;
  }

  /** An int64 initializer (Pad's pads, Reshape's shape). */
  int64s(base: string, values: number[]): string {
    const name = this.name(base);
    this.initializers.push({ name, dims: [values.length], dataType: onnxProto.TensorProto.DataType.INT64, int64Data: values });
    return name;
  }

  /** Appends `op` and returns its (first) output's name. */
  node(op: string, inputs: string[], base: string, attrs: Record<string, AttrValue> = {}): string {
    const output = this.name(base);
    this.nodes.push({ opType: op, input: inputs, output: [output], name: output, attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)) });
    return output;
  }
}

function attribute(name: string, v: AttrValue): onnx.IAttributeProto {
  const T = onnxProto.AttributeProto.AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.FLOATS, floats: v.floats };
}
