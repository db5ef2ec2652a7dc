/**
 * The `.safetensors` format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}`, then the tensors'
 * raw little-endian bytes, offsets relative to the end of the header. Plain TypedArrays, no tfjs.
 */

/** Element sizes of the dtypes the format defines; only the float ones convert to float32. */
const DTYPE_BYTES = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
} as const;
export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

/** One tensor of a file, its bytes not yet converted (a 528 MB VGG16 file is read tensor by tensor). */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range inside the file. */
  byteOffset: number;
  byteLength: number;
}

export interface SafetensorsFile {
  /** Tensors by name, in header order. */
  tensors: Map<string, SafetensorsEntry>;
  /** The header's `__metadata__` (free-form strings), `{}` when absent. */
  metadata: Record<string, string>;
  /** The whole file; entries point into it. */
  buffer: ArrayBuffer;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Reads the header of a `.safetensors` file and checks every tensor's byte range; converts nothing yet. */
export function parseSafetensors(buffer: ArrayBuffer): SafetensorsFile {
  if (buffer.byteLength < 8) throw new Error(`safetensors: ${buffer.byteLength} bytes is too short for a header`);
  const view = new DataView(buffer);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > buffer.byteLength - 8) {
    throw new Error(`safetensors: header length ${headerLength} exceeds the file (${buffer.byteLength} bytes); not a .safetensors file?`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, headerLength))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`safetensors: the header is not JSON (${(e as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = buffer.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = (raw ?? {}) as Record<string, string>;
      continue;
    }
    const info = raw as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const dtype = info.dtype as SafetensorsDtype;
    if (!(dtype in DTYPE_BYTES)) throw new Error(`safetensors: '${name}' has unknown dtype '${info.dtype}'`);
    const shape = info.shape ?? [];
    const [begin, end] = info.data_offsets ?? [NaN, NaN];
    if (!(begin >= 0 && end >= begin && end <= dataLength)) {
      throw new Error(`safetensors: '${name}' data_offsets [${begin}, ${end}] fall outside the ${dataLength} data bytes`);
    }
    if (end - begin !== size(shape) * DTYPE_BYTES[dtype]) {
      throw new Error(`safetensors: '${name}' is ${dtype} [${shape}] but has ${end - begin} bytes`);
    }
    tensors.set(name, { name, dtype, shape, byteOffset: dataStart + begin, byteLength: end - begin });
  }
  return { tensors, metadata, buffer };
}

/** IEEE half → float, by bits (exact). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The entry's values as float32 (F32 as it is, F16 / BF16 widened exactly, F64 rounded). A fresh array. */
export function readFloat32(file: SafetensorsFile, entry: SafetensorsEntry): Float32Array {
  const { byteOffset, byteLength } = entry;
  const n = size(entry.shape);
  const bytes = new Uint8Array(file.buffer, byteOffset, byteLength);
  const view = new DataView(file.buffer, byteOffset, byteLength);
  switch (entry.dtype) {
    case 'F32': {
      if (littleEndian) return new Float32Array(bytes.slice().buffer);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32.
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'F64': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    default:
      throw new Error(`safetensors: '${entry.name}' is ${entry.dtype}; only F32, F16, BF16 and F64 convert to float32`);
  }
}

/** Writes float32 tensors as a `.safetensors` file (header padded to 8 bytes, as the reference writer does). */
export function encodeSafetensors(
  tensors: Record<string, { shape: number[]; values: Float32Array }>,
  metadata?: Record<string, string>,
): ArrayBuffer {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, { shape, values }] of Object.entries(tensors)) {
    if (values.length !== size(shape)) throw new Error(`encodeSafetensors: '${name}' has ${values.length} values for [${shape}]`);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + values.byteLength] };
    offset += values.byteLength;
  }
  if (metadata) header.__metadata__ = metadata;
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  let at = 8 + text.length;
  for (const { values } of Object.values(tensors)) {
    const v = new DataView(out.buffer, at, values.byteLength);
    for (let i = 0; i < values.length; i++) v.setFloat32(i * 4, values[i], true);
    at += values.byteLength;
  }
  return out.buffer;
}
