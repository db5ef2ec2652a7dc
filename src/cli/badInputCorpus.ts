import path from 'node:path';
import sharp from 'sharp';
import { crc32 } from '../engine/data/crc32';
import { openDataset } from './node/openDataset';

/**
 * What the bad-input corpus is built from (the CLI's corpus test and the studio's e2e spec alike): real photos
 * of the shared datasets, zips written by hand so names can repeat or hold '..' and bytes can be damaged, and a
 * PNG that declares 400 MP.
 */

/** Real photos from the shared datasets: 8 cats and 8 dogs (train), one face, 3 UTKFace males (name and bytes). */
export interface CorpusPhotos {
  cats: Uint8Array[];
  dogs: Uint8Array[];
  face: Uint8Array;
  utk: { name: string; bytes: Uint8Array }[];
}

/** Reads the corpus's photos from `datasets` (the shared datasets folder). */
export async function corpusPhotos(datasets: string): Promise<CorpusPhotos> {
  const read = async (zip: string, filter: RegExp, n: number) => {
    const { archive, close } = await openDataset(path.join(datasets, zip));
    const names = archive.entries.map((e) => e.path).filter((p) => filter.test(p)).sort().slice(0, n);
    const files = await Promise.all(names.map(async (name) => ({ name, bytes: await archive.read(name) })));
    await close();
    return files;
  };
  return {
    cats: (await read('cats-dogs.zip', /^train\/cats\//, 8)).map((f) => f.bytes),
    dogs: (await read('cats-dogs.zip', /^train\/dogs\//, 8)).map((f) => f.bytes),
    face: (await read('facial-keypoints.zip', /^test\/Bill_Frist_10\.jpg$/, 1))[0].bytes,
    utk: (await read('age-gender.zip', /^train\/\d+_0_/, 3)).map((f) => ({ name: f.name.slice(6), bytes: f.bytes })),
  };
}

/** The first half of a file: a JPEG cut there passes the header check and does not decode. */
export const cut = (b: Uint8Array) => b.subarray(0, b.length >> 1);

/** A zip written by hand, stored (no compression), so names can repeat, hold '..' or escapes, and bytes can be damaged. */
export function storedZip(entries: { name: string; bytes: Uint8Array; damage?: boolean }[]): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const { name, bytes, damage } of entries) {
    const n = enc.encode(name);
    const crc = crc32(bytes);
    const data = bytes.slice();
    if (damage) data[data.length >> 1] ^= 0x5a; // after the CRC was taken: the stored checksum no longer matches
    const local = new Uint8Array(30 + n.length + data.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, n.length, true);
    local.set(n, 30);
    local.set(data, 30 + n.length);
    const central = new Uint8Array(46 + n.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, n.length, true);
    cv.setUint32(42, offset, true);
    central.set(n, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A real PNG whose IHDR (checksum fixed) declares 20000×20000: 1.2 GB of RGB if anyone decoded it. */
export async function hugePng(photo: Uint8Array): Promise<Uint8Array> {
  const png = new Uint8Array(await sharp(photo).png().toBuffer());
  const v = new DataView(png.buffer);
  v.setUint32(16, 20000);
  v.setUint32(20, 20000);
  v.setUint32(29, crc32(png.subarray(12, 29)));
  return png;
}

/** The engine's words for each bad entry, as the CLI prints them and the studio shows them. */
export const HUGE = 'declares 20000×20000 pixels (400.0 MP), over the 40.0 MP limit';
export const CRC = 'could not be read: damaged in the zip (CRC-32 does not match)';
export const DOTDOT = "its name has a '..' segment; left out";
