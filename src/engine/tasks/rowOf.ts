/** Row `i` of a row-major [n, width] output as a plain array (what `decode` and `itemError` take). */
export function rowOf(output: Float32Array, n: number, i: number): number[] {
  const width = output.length / n;
  return Array.from(output.subarray(i * width, (i + 1) * width));
}

/** One item's outputs, one row per model output. */
export function itemOutputs(outputs: Float32Array[], n: number, i: number): number[][] {
  return outputs.map((o) => rowOf(o, n, i));
}
