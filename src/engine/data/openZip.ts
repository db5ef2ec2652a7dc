import { inflateSync } from 'fflate';
import { normalizePath, unsafePathReason, type Archive, type ArchiveEntry } from './archive';
import { crc32 } from './crc32';
import type { ByteSource } from './byteSource';
import { DEFAULT_LIMITS, type DatasetLimits, type Problem } from './types';

interface ZipEntry extends ArchiveEntry {
  compressedSize: number;
  method: number;
  encrypted: boolean;
  localOffset: number;
  /** CRC-32 of the uncompressed bytes, from the central directory: checked after every read. */
  crc: number;
  /** The name as stored, for a line about an entry left out because of it. */
  rawName: string;
  /** Why the name cannot be a dataset path (`..`, absolute), when it cannot. */
  unsafe?: string;
  /** Name + extra length in the central header: a good guess for the local header's. */
  headerGuess: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_EOCD_SEARCH = 22 + 0xffff;

const utf8 = new TextDecoder('utf-8');

/** Human size: 4.0 GB, 256 MB, 12 kB. */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} bytes`;
}

/**
 * Lists a zip from its central directory (read from the end of `source`) and inflates one entry per `read`,
 * with fflate, only when asked. Sizes are checked as declared, before anything is inflated: an entry over
 * `maxEntryBytes` is left out with a problem; a zip whose entries add up to more than `maxTotalBytes` is
 * refused whole (no entries, one problem). Never throws for bad input: the problems say what was wrong.
 */
export async function openZip(
  name: string,
  source: ByteSource,
  limits: Partial<DatasetLimits> = {},
): Promise<Archive> {
  const { maxEntryBytes, maxTotalBytes } = { ...DEFAULT_LIMITS, ...limits };
  const problems: Problem[] = [];
  const refuse = (reason: string): Archive => ({
    name,
    entries: [],
    problems: [{ file: name, reason }],
    read: () => Promise.reject(new Error(reason)),
  });

  const tailLength = Math.min(source.size, MAX_EOCD_SEARCH);
  const tail = await source.read(source.size - tailLength, tailLength);
  const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tailView.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return refuse('not a zip archive (no end of central directory record)');

  let count = tailView.getUint16(eocd + 10, true);
  let cdSize = tailView.getUint32(eocd + 12, true);
  let cdOffset = tailView.getUint32(eocd + 16, true);
  if (eocd >= 20 && tailView.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
    const at = Number(tailView.getBigUint64(eocd - 20 + 8, true));
    const rec = await source.read(at, 56);
    const v = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    if (rec.length < 56 || v.getUint32(0, true) !== ZIP64_EOCD) return refuse('broken ZIP64 end of central directory');
    count = Number(v.getBigUint64(32, true));
    cdSize = Number(v.getBigUint64(40, true));
    cdOffset = Number(v.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > source.size) return refuse('truncated zip: its central directory lies past the end of the file');

  const cd = await source.read(cdOffset, cdSize);
  const v = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== CENTRAL) {
      problems.push({ file: name, reason: `broken central directory after ${i} of ${count} entries` });
      break;
    }
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let size = v.getUint32(p + 24, true);
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    let localOffset = v.getUint32(p + 42, true);
    const rawName = utf8.decode(cd.subarray(p + 46, p + 46 + nameLength));
    const path = normalizePath(rawName);
    // ZIP64 extra field: 8-byte values for the fields saturated at 0xffffffff, in this order.
    for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; ) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (size === 0xffffffff) (size = Number(v.getBigUint64(q, true))), (q += 8);
        if (compressedSize === 0xffffffff) (compressedSize = Number(v.getBigUint64(q, true))), (q += 8);
        if (localOffset === 0xffffffff) localOffset = Number(v.getBigUint64(q, true));
      }
      e += 4 + len;
    }
    p += 46 + nameLength + extraLength + commentLength;
    entries.push({
      path,
      size,
      compressedSize,
      method,
      encrypted: (flags & 1) !== 0,
      localOffset,
      crc,
      rawName,
      unsafe: unsafePathReason(rawName),
      headerGuess: nameLength + extraLength,
    });
  }

  const kept: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const e of entries) {
    if (e.unsafe) {
      // A folder entry holds no data: only files get a line.
      if (!e.path.endsWith('/')) problems.push({ file: e.rawName, reason: e.unsafe });
    } else if (seen.has(e.path)) {
      if (!e.path.endsWith('/')) problems.push({ file: e.path, reason: 'stored twice in the zip; the first copy is used', kept: true });
    } else if (e.path.endsWith('/')) {
      seen.add(e.path);
      kept.push(e);
    } else if (e.size > maxEntryBytes) {
      problems.push({
        file: e.path,
        reason: `declares ${formatBytes(e.size)} uncompressed, over the ${formatBytes(maxEntryBytes)} limit for one file`,
      });
    } else if (e.encrypted) {
      problems.push({ file: e.path, reason: 'encrypted; password-protected zips are not supported' });
    } else if (e.method !== 0 && e.method !== 8) {
      problems.push({ file: e.path, reason: `compression method ${e.method} is not supported (only stored and deflate)` });
    } else {
      seen.add(e.path);
      total += e.size;
      kept.push(e);
    }
  }
  if (total > maxTotalBytes) {
    return refuse(
      `declares ${formatBytes(total)} uncompressed, over the ${formatBytes(maxTotalBytes)} limit; nothing was read`,
    );
  }

  const byPath = new Map(kept.map((e) => [e.path, e]));
  return {
    name,
    entries: kept.map(({ path, size }) => ({ path, size })),
    problems,
    async read(path) {
      const e = byPath.get(path);
      if (!e) throw new Error('no such entry in the zip');
      return readEntry(source, e);
    },
  };
}

async function readEntry(source: ByteSource, e: ZipEntry): Promise<Uint8Array> {
  // One read for the local header and the data, guessing the local header's length from the central one.
  let chunk = await source.read(e.localOffset, 30 + e.headerGuess + e.compressedSize + 64);
  const v = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk.length < 30 || v.getUint32(0, true) !== LOCAL) throw new Error('broken local header in the zip');
  const start = 30 + v.getUint16(26, true) + v.getUint16(28, true);
  if (start + e.compressedSize > chunk.length) chunk = await source.read(e.localOffset, start + e.compressedSize);
  const data = chunk.subarray(start, start + e.compressedSize);
  if (data.length < e.compressedSize) throw new Error('truncated zip entry');
  let out: Uint8Array;
  if (e.method === 0) out = data.slice();
  else {
    try {
      out = inflateSync(data, { out: new Uint8Array(e.size) });
    } catch (err) {
      throw new Error(`could not inflate (${(err as Error).message})`);
    }
  }
  if (out.length !== e.size) throw new Error(`inflates to ${out.length} bytes but declares ${e.size}`);
  // A damaged deflate stream can still inflate to the right length: only the checksum tells.
  if (crc32(out) !== e.crc) throw new Error('damaged in the zip (CRC-32 does not match)');
  return out;
}
