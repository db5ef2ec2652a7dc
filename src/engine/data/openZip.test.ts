import { readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { bytesSource } from './byteSource';
import { crc32 } from './crc32';
import { openZip } from './openZip';
import { scanDataset } from './scanDataset';

/** Real photos from the shared cats-dogs.zip, zipped again here with the damage each case needs. */
const CATS_DOGS = path.resolve(__dirname, '../../../../shared/datasets/cats-dogs.zip');

let photo: Uint8Array[] = [];
beforeAll(async () => {
  const zip = await openZip('cats-dogs.zip', bytesSource(new Uint8Array(readFileSync(CATS_DOGS))));
  const names = zip.entries.map((e) => e.path).filter((p) => p.endsWith('.jpg')).slice(0, 8);
  photo = await Promise.all(names.map((n) => zip.read(n)));
});

/** A zip of `files` in order, with the local and central headers fflate writes. */
const zipOf = (files: Zippable) => zipSync(files);

/** Byte offset of the first entry's data in a zip built by fflate (no extra field). */
const firstDataAt = (zip: Uint8Array) => 30 + (zip[26] | (zip[27] << 8)) + (zip[28] | (zip[29] << 8));

async function scan(zip: Uint8Array) {
  const archive = await openZip('bad.zip', bytesSource(zip));
  return { archive, ...(await scanDataset(archive, { decoder: sharpDecoder })) };
}

describe('crc32', () => {
  it('gives the standard check value of "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('openZip', () => {
  it('refuses a stored entry whose bytes were changed, naming it, and keeps the rest', async () => {
    const zip = zipOf({
      'train/cats/damaged.jpg': [photo[0], { level: 0 }],
      'train/cats/a.jpg': photo[1],
      'train/dogs/b.jpg': photo[2],
    });
    const at = firstDataAt(zip) + (photo[0].length >> 1);
    zip[at] ^= 0x5a;
    const { archive, report, items } = await scan(zip);
    await expect(archive.read('train/cats/damaged.jpg')).rejects.toThrow('damaged in the zip (CRC-32 does not match)');
    expect(report.problems).toContainEqual({
      file: 'train/cats/damaged.jpg',
      reason: 'could not be read: damaged in the zip (CRC-32 does not match)',
    });
    expect(items.map((i) => i.path)).toEqual(['train/cats/a.jpg', 'train/dogs/b.jpg']);
  });

  it('refuses a deflated entry that inflates to the right length but the wrong bytes', async () => {
    // A literal byte in the middle of the deflate stream, changed: the same length comes out, other pixels.
    let damagedAt = -1;
    let zip = new Uint8Array();
    const { inflateSync } = await import('fflate');
    for (let k = 0.5; k < 0.9 && damagedAt < 0; k += 0.01) {
      zip = zipOf({ 'train/cats/damaged.jpg': [photo[0], { level: 6 }], 'train/cats/a.jpg': photo[1], 'train/dogs/b.jpg': photo[2] });
      const start = firstDataAt(zip);
      const size = zip[18] | (zip[19] << 8) | (zip[20] << 16);
      const at = start + Math.floor(size * k);
      zip[at] ^= 0x01;
      try {
        if (inflateSync(zip.subarray(start, start + size), { out: new Uint8Array(photo[0].length) }).length === photo[0].length) damagedAt = at;
      } catch {
        // this byte broke the stream itself; try the next one
      }
    }
    expect(damagedAt).toBeGreaterThan(0);
    const { report, items } = await scan(zip);
    expect(report.problems).toEqual([
      { file: 'train/cats/damaged.jpg', reason: 'could not be read: damaged in the zip (CRC-32 does not match)' },
    ]);
    expect(items).toHaveLength(2);
  });

  it("leaves out '..', '.' and absolute entry names with a line each, so none becomes a class", async () => {
    const { report, items } = await scan(
      zipOf({
        'train/../../x.jpg': photo[0],
        'train/cats/../../y.jpg': photo[1],
        'train/./cats/z.jpg': photo[2],
        '/abs/cats/w.jpg': photo[3],
        'train/cats/a.jpg': photo[4],
        'train/dogs/b.jpg': photo[5],
      }),
    );
    expect(report.classes).toEqual(['cats', 'dogs']);
    expect(report.problems).toEqual([
      { file: '/abs/cats/w.jpg', reason: 'its name is an absolute path; left out' },
      { file: 'train/../../x.jpg', reason: "its name has a '..' segment; left out" },
      { file: 'train/./cats/z.jpg', reason: "its name has a '.' segment; left out" },
      { file: 'train/cats/../../y.jpg', reason: "its name has a '..' segment; left out" },
    ]);
    expect(report.skipped).toBe(4);
    expect(items.map((i) => i.path)).toEqual(['train/cats/a.jpg', 'train/dogs/b.jpg']);
  });

  it('reads the first of two entries with the same name and says so once', async () => {
    // fflate's zipSync takes an object, so the second copy is spliced in as a second zip's entry.
    const a = zipOf({ 'train/cats/a.jpg': photo[0], 'train/dogs/b.jpg': photo[1] });
    const twin = zipOf({ 'train/cats/a.jpg': photo[2] });
    const zip = joinZips(a, twin);
    const { archive, report, items } = await scan(zip);
    expect(archive.entries.map((e) => e.path)).toEqual(['train/cats/a.jpg', 'train/dogs/b.jpg']);
    expect(await archive.read('train/cats/a.jpg')).toEqual(photo[0]);
    expect(report.problems).toEqual([{ file: 'train/cats/a.jpg', reason: 'stored twice in the zip; the first copy is used', kept: true }]);
    expect(report.skipped).toBe(0);
    expect(items).toHaveLength(2);
  });
});

/** One zip holding every entry of `a` then `b` (local data concatenated, central directories merged). */
function joinZips(a: Uint8Array, b: Uint8Array): Uint8Array {
  const eocd = (z: Uint8Array) => {
    const v = new DataView(z.buffer, z.byteOffset, z.byteLength);
    const at = z.length - 22;
    return { v, count: v.getUint16(at + 10, true), cdSize: v.getUint32(at + 12, true), cdOffset: v.getUint32(at + 16, true) };
  };
  const ea = eocd(a);
  const eb = eocd(b);
  const cdB = b.slice(eb.cdOffset, eb.cdOffset + eb.cdSize);
  // Shift b's local header offsets past a's local data.
  const vb = new DataView(cdB.buffer);
  for (let p = 0; p < cdB.length; p += 46 + vb.getUint16(p + 28, true) + vb.getUint16(p + 30, true) + vb.getUint16(p + 32, true)) {
    vb.setUint32(p + 42, vb.getUint32(p + 42, true) + ea.cdOffset, true);
  }
  const out = new Uint8Array(ea.cdOffset + eb.cdOffset + ea.cdSize + cdB.length + 22);
  out.set(a.subarray(0, ea.cdOffset), 0);
  out.set(b.subarray(0, eb.cdOffset), ea.cdOffset);
  const cdAt = ea.cdOffset + eb.cdOffset;
  out.set(a.subarray(ea.cdOffset, ea.cdOffset + ea.cdSize), cdAt);
  out.set(cdB, cdAt + ea.cdSize);
  const v = new DataView(out.buffer);
  const end = out.length - 22;
  v.setUint32(end, 0x06054b50, true);
  v.setUint16(end + 8, ea.count + eb.count, true);
  v.setUint16(end + 10, ea.count + eb.count, true);
  v.setUint32(end + 12, ea.cdSize + cdB.length, true);
  v.setUint32(end + 16, cdAt, true);
  return out;
}

describe('scanDataset on layouts that train badly', () => {
  it('warns of a class with no training images and of class names that differ only by case, keeping every image', async () => {
    const { report, items } = await scan(
      zipOf({
        'train/cats/a.jpg': photo[0],
        'train/Cats/b.jpg': photo[1],
        'train/dogs/c.jpg': photo[2],
        'test/cats/d.jpg': photo[3],
        'test/birds/e.jpg': photo[4],
      }),
    );
    expect(items).toHaveLength(5);
    expect(report.skipped).toBe(0);
    expect(report.problems).toEqual([
      { file: 'bad.zip', reason: "class 'birds' has no training images: the model cannot learn it", kept: true },
      { file: 'bad.zip', reason: "classes 'Cats' and 'cats' differ only by case: they are read as 2 classes", kept: true },
    ]);
  });
});
