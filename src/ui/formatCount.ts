const counts = new Intl.NumberFormat('en-US');

/** 14780481 → `14,780,481`. */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** [null, 14, 14, 512] → `14×14×512`; the batch dimension is left out. */
export function formatShape(shape: (number | null)[]): string {
  const dims = shape[0] === null ? shape.slice(1) : shape;
  return dims.map((d) => d ?? '?').join('×');
}
