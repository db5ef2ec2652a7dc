import { describe, expect, it } from 'vitest';
import { encodeSafetensors, parseSafetensors, readFloat32 } from './safetensors';

/** A .safetensors file with one tensor of raw little-endian bytes, written by hand. */
function rawFile(name: string, dtype: string, shape: number[], bytes: number[]): ArrayBuffer {
  let header = JSON.stringify({ [name]: { dtype, shape, data_offsets: [0, bytes.length] }, __metadata__: { format: 'pt' } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const out = new Uint8Array(8 + header.length + bytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
  out.set(new TextEncoder().encode(header), 8);
  out.set(bytes, 8 + header.length);
  return out.buffer;
}

describe('parseSafetensors', () => {
  it('round-trips float32 tensors and metadata through encodeSafetensors', () => {
    const a = new Float32Array([1.5, -2, 3.25, 0, 1e-7, -1e7]);
    const file = parseSafetensors(encodeSafetensors({ 'conv1.weight': { shape: [2, 3], values: a }, bias: { shape: [1], values: new Float32Array([7]) } }, { source: 'test' }));
    expect([...file.tensors.keys()]).toEqual(['conv1.weight', 'bias']);
    expect(file.metadata).toEqual({ source: 'test' });
    const entry = file.tensors.get('conv1.weight')!;
    expect(entry.shape).toEqual([2, 3]);
    expect(readFloat32(file, entry)).toEqual(a);
    expect(readFloat32(file, file.tensors.get('bias')!)).toEqual(new Float32Array([7]));
  });

  it('widens F16 and BF16 exactly, subnormals and infinities included', () => {
    // F16: 1.0 = 0x3c00, -2.5 = 0xc100, 65504 = 0x7bff, smallest subnormal 0x0001 = 2^-24, -inf = 0xfc00
    const f16 = [0x3c00, 0xc100, 0x7bff, 0x0001, 0xfc00].flatMap((h) => [h & 0xff, h >> 8]);
    const half = parseSafetensors(rawFile('h', 'F16', [5], f16));
    expect([...readFloat32(half, half.tensors.get('h')!)]).toEqual([1, -2.5, 65504, 2 ** -24, -Infinity]);
    // BF16: the top 16 bits of a float32: 1.0 = 0x3f80, -3.0 = 0xc040, 0.15625 = 0x3e20
    const bf16 = [0x3f80, 0xc040, 0x3e20].flatMap((h) => [h & 0xff, h >> 8]);
    const brain = parseSafetensors(rawFile('b', 'BF16', [3], bf16));
    expect([...readFloat32(brain, brain.tensors.get('b')!)]).toEqual([1, -3, 0.15625]);
  });

  it('names the problem with a truncated file, a bad dtype or a wrong byte count', () => {
    expect(() => parseSafetensors(new ArrayBuffer(4))).toThrow(/too short/);
    const bad = rawFile('x', 'F32', [2], [0, 0, 0, 0, 0, 0, 0, 0]);
    new DataView(bad).setBigUint64(0, 1n << 40n, true);
    expect(() => parseSafetensors(bad)).toThrow(/header length .* exceeds the file/);
    expect(() => parseSafetensors(rawFile('x', 'Q4', [2], [0, 0]))).toThrow(/'x' has unknown dtype 'Q4'/);
    expect(() => parseSafetensors(rawFile('x', 'F32', [3], [0, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/'x' is F32 \[3\] but has 8 bytes/);
    const ints = parseSafetensors(rawFile('n', 'I64', [1], [1, 0, 0, 0, 0, 0, 0, 0]));
    expect(() => readFloat32(ints, ints.tensors.get('n')!)).toThrow(/'n' is I64; only F32, F16, BF16 and F64/);
  });
});
