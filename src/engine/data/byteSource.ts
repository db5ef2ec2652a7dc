/** Random access to the bytes of an archive, so entries are read one at a time and never all at once. */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Up to `length` bytes starting at `offset` (fewer at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A source over bytes already in memory (tests, fetched samples). */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/** A source over a Blob or File: each read is a slice, so a dropped 2 GB zip is never loaded whole. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}
