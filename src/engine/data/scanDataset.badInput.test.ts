import { strToU8, zipSync, type Zippable } from 'fflate';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDataset } from '../../cli/node/openDataset';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { bytesSource } from './byteSource';
import { inspectJson } from './inspectJson';
import { openZip } from './openZip';
import { scanDataset } from './scanDataset';
import type { DatasetLimits } from './types';

/** Bad input, built here: zips with fflate, images with sharp. Each case checks its report line. */

const rgb = (width: number, height: number, r: number, g: number, b: number) =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } });

/** Varied pixels, so damage to the JPEG's entropy-coded data shows. */
const noise = (width: number, height: number) =>
  sharp(Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 7919) % 256)), {
    raw: { width, height, channels: 3 },
  });

const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

let jpeg: (seed: number) => Promise<Uint8Array>;
let corruptJpeg: Uint8Array;
let truncatedPng: Uint8Array;
let grayJpeg: Uint8Array;
let rgbaPng: Uint8Array;
let rotatedJpeg: Uint8Array;
let hugeJpeg: Uint8Array;

beforeAll(async () => {
  jpeg = async (seed) => u8(await rgb(32 + seed, 24, (seed * 40) % 256, 90, 160).jpeg().toBuffer());
  const noisy = u8(await noise(64, 48).jpeg().toBuffer());
  corruptJpeg = noisy.slice();
  for (let i = Math.floor(noisy.length * 0.6); i < noisy.length - 2; i++) corruptJpeg[i] = (i * 31) & 0xff;
  const png = u8(await noise(64, 48).png().toBuffer());
  truncatedPng = png.slice(0, png.length >> 1);
  grayJpeg = u8(await rgb(30, 20, 120, 120, 120).toColourspace('b-w').jpeg().toBuffer());
  rgbaPng = u8(
    await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } })
      .png()
      .toBuffer(),
  );
  // 40×20: left half red, right half blue; EXIF orientation 6 (rotate 90° clockwise to display).
  const halves = Buffer.alloc(40 * 20 * 3);
  for (let y = 0; y < 20; y++) for (let x = 0; x < 40; x++) halves.set(x < 20 ? [255, 0, 0] : [0, 0, 255], (y * 40 + x) * 3);
  rotatedJpeg = u8(
    await sharp(halves, { raw: { width: 40, height: 20, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer(),
  );
  hugeJpeg = declareSize(await jpeg(9), 20000, 20000);
});

/** The same JPEG with its frame header declaring another size (its pixels stay small). */
function declareSize(jpg: Uint8Array, width: number, height: number): Uint8Array {
  const out = jpg.slice();
  for (let i = 2; i < out.length; ) {
    const marker = out[i + 1];
    if (marker === 0xc0 || marker === 0xc2) {
      out.set([height >> 8, height & 0xff, width >> 8, width & 0xff], i + 5);
      return out;
    }
    i += 2 + ((out[i + 2] << 8) | out[i + 3]);
  }
  throw new Error('no SOF marker');
}

async function scan(files: Zippable, limits: Partial<DatasetLimits> = {}, name = 'test.zip') {
  const archive = await openZip(name, bytesSource(zipSync(files)), limits);
  return scanDataset(archive, { decoder: sharpDecoder, limits });
}

/** x,y pairs inside a 40×24 image. */
const points = (n: number) => Array.from({ length: 2 * n }, (_, i) => (i % 2 === 0 ? 1 + (i % 37) : 1 + (i % 23)));

describe('scanDataset on bad input', () => {
  it('skips a corrupt JPEG, a truncated PNG and a 20000×20000 header, and keeps every good image', async () => {
    const { report, items } = await scan({
      'train/cats/a.jpg': await jpeg(1),
      'train/cats/corrupt.jpg': corruptJpeg,
      'train/cats/huge.jpg': hugeJpeg,
      'train/dogs/b.jpg': await jpeg(2),
      'train/dogs/truncated.png': truncatedPng,
      'test/cats/c.jpg': await jpeg(3),
      'test/dogs/d.jpg': await jpeg(4),
    });
    expect(report.problems).toEqual([
      // The text after 'does not decode:' is libvips' and not reliable: its error buffer is shared by concurrent
      // decodes, so a truncated PNG can come back with the corrupt JPEG's message. Which file is skipped is what counts.
      { file: 'train/cats/corrupt.jpg', reason: expect.stringMatching(/^does not decode: \S/) },
      {
        file: 'train/cats/huge.jpg',
        reason: 'declares 20000×20000 pixels (400.0 MP), over the 40.0 MP limit',
      },
      { file: 'train/dogs/truncated.png', reason: expect.stringMatching(/^does not decode: \S/) },
    ]);
    expect(items.map((i) => i.path)).toEqual(['test/cats/c.jpg', 'test/dogs/d.jpg', 'train/cats/a.jpg', 'train/dogs/b.jpg']);
    expect(report.skipped).toBe(3);
    expect(inspectJson(report).splits).toEqual({
      train: { count: 2, classes: { cats: 1, dogs: 1 } },
      test: { count: 2, classes: { cats: 1, dogs: 1 } },
    });
  });

  it('reads grayscale, RGBA, upper-case and EXIF-rotated images as RGB, the rotated one upright', async () => {
    const { report, items } = await scan({
      'pets/gray.JPG': grayJpeg,
      'pets/rgba.PNG': rgbaPng,
      'pets/rotated.JPEG': rotatedJpeg,
      'pets/plain.jpg': await jpeg(5),
      'other/x.jpg': await jpeg(6),
    });
    expect(report.problems).toEqual([]);
    expect(report.splits).toMatchObject({ train: { count: 5, classes: { other: 1, pets: 4 } } });
    const rotated = items.find((i) => i.path === 'pets/rotated.JPEG')!;
    expect([rotated.width, rotated.height]).toEqual([20, 40]);

    for (const bytes of [grayJpeg, rgbaPng]) {
      const image = await sharpDecoder(bytes);
      expect(image.data.length).toBe(image.width * image.height * 3);
    }
    const gray = await sharpDecoder(grayJpeg);
    expect([gray.data[0], gray.data[1], gray.data[2]]).toEqual([gray.data[0], gray.data[0], gray.data[0]]);
    const upright = await sharpDecoder(rotatedJpeg);
    expect([upright.width, upright.height]).toEqual([20, 40]);
    const pixel = (x: number, y: number) => Array.from(upright.data.subarray((y * 20 + x) * 3, (y * 20 + x) * 3 + 3));
    expect(pixel(10, 5)[0]).toBeGreaterThan(200); // top: the red left half, turned clockwise
    expect(pixel(10, 34)[2]).toBeGreaterThan(200); // bottom: blue
  });

  it('names an empty class folder, looks through one top folder, and ignores non-image files', async () => {
    const { report, items } = await scan({
      'my-data/train/cats/a.jpg': await jpeg(1),
      'my-data/train/dogs/b.jpg': await jpeg(2),
      'my-data/train/birds/': new Uint8Array(0),
      'my-data/train/fish/notes.txt': strToU8('no fish yet'),
      'my-data/README.md': strToU8('# my data'),
      '__MACOSX/my-data/._a.jpg': new Uint8Array(8),
    });
    expect(report.layout).toBe('imagefolder');
    expect(report.classes).toEqual(['cats', 'dogs']);
    expect(report.problems).toEqual([
      { file: 'my-data/train/birds/', reason: 'empty class folder: no usable images in it' },
      { file: 'my-data/train/fish/', reason: 'empty class folder: no usable images in it' },
    ]);
    expect(report.ignored).toBe(3);
    expect(items.map((i) => [i.path, i.label])).toEqual([
      ['my-data/train/cats/a.jpg', 0],
      ['my-data/train/dogs/b.jpg', 1],
    ]);
  });

  it('keeps same-named files in two folders, and says when they are the same file', async () => {
    const same = await jpeg(7);
    const { report, items } = await scan({
      'train/cats/1.jpg': await jpeg(1),
      'train/dogs/1.jpg': await jpeg(2),
      'train/dogs/2.jpg': same,
      'test/dogs/2.jpg': same,
    });
    expect(items).toHaveLength(4);
    expect(report.skipped).toBe(0);
    expect(report.problems).toEqual([
      { file: 'train/dogs/2.jpg', reason: 'same file as test/dogs/2.jpg (identical bytes, same name); kept both', kept: true },
    ]);
  });

  it('reports a zip with only one class, and one with no images', async () => {
    const one = await scan({ 'cats/a.jpg': await jpeg(1), 'cats/b.jpg': await jpeg(2) }, {}, 'one.zip');
    expect(one.items).toHaveLength(2);
    expect(one.report.problems).toEqual([
      { file: 'one.zip', reason: "only one class ('cats'): classification needs at least two class folders" },
    ]);
    const none = await scan({ 'notes.txt': strToU8('hello'), 'data/x.bin': new Uint8Array(4) }, {}, 'none.zip');
    expect(none.report.layout).toBeNull();
    expect(none.items).toEqual([]);
    expect(none.report.problems).toEqual([
      { file: 'none.zip', reason: 'no images found (2 files, none a JPEG, PNG, GIF or WebP)' },
    ]);
    expect(inspectJson(none.report)).toMatchObject({ layout: null, splits: {}, skipped: 0 });
  });

  it('checks keypoint rows: a missing image, 135 numbers, NaN and an empty cell, each with its CSV line', async () => {
    const row = (name: string, values: (number | string)[]) => [name, ...values].join(',');
    const good = points(68);
    const csv = [
      ['', ...Array.from({ length: 136 }, (_, i) => i)].join(','),
      row('a.jpg', good),
      row('missing.jpg', good),
      row('b.jpg', good.slice(0, 135)),
      row('c.jpg', good.map((v, i) => (i === 7 ? 'NaN' : v))),
      row('d.jpg', good.map((v, i) => (i === 10 ? '' : v))),
      row('e.jpg', good),
    ].join('\n');
    const { report, items } = await scan({
      'training_frames_keypoints.csv': strToU8(csv + '\n'),
      'training/a.jpg': await jpeg(8),
      'training/b.jpg': await jpeg(8),
      'training/c.jpg': await jpeg(8),
      'training/d.jpg': await jpeg(8),
      'training/e.jpg': await jpeg(8),
      'training/f.jpg': await jpeg(8),
    });
    const file = 'training_frames_keypoints.csv';
    expect(report.layout).toBe('keypoints-csv');
    expect(report.problems).toEqual([
      { file: 'training/b.jpg', reason: 'not named in any CSV; left out' },
      { file: 'training/c.jpg', reason: 'not named in any CSV; left out' },
      { file: 'training/d.jpg', reason: 'not named in any CSV; left out' },
      { file: 'training/f.jpg', reason: 'not named in any CSV; left out' },
      { file, row: 3, reason: "names 'missing.jpg', which is not in the zip" },
      { file, row: 4, reason: 'has 135 numbers after the file name, expected 136 (68 x,y pairs)' },
      { file, row: 5, reason: "y3 (column 9) is not a number ('NaN')" },
      { file, row: 6, reason: 'empty cell for x5 (column 12)' },
    ]);
    expect(inspectJson(report).splits).toEqual({ training: { count: 2, points: 68 } });
    expect(items.map((i) => [i.path, i.row])).toEqual([
      ['training/a.jpg', 2],
      ['training/e.jpg', 7],
    ]);
    expect(items[0].points![0]).toBeCloseTo(good[0] / items[0].width, 9);
  });

  it('checks age/gender rows: negative age, unknown gender word, missing image; reads bins and 0/1', async () => {
    const csv = [
      'file,age,gender,race',
      'train/a.jpg,25,Male,x',
      'train/b.jpg,-3,Female,x',
      'train/c.jpg,30,Robot,x',
      'train/missing.jpg,30,F,x',
      'train/d.jpg,20-29,1,x',
      'train/e.jpg,more than 70,M,x',
      'train/f.jpg,,M,x',
    ].join('\r\n');
    const { report, items } = await scan({
      'train.csv': strToU8(csv),
      'train/a.jpg': await jpeg(1),
      'train/b.jpg': await jpeg(2),
      'train/c.jpg': await jpeg(3),
      'train/d.jpg': await jpeg(4),
      'train/e.jpg': await jpeg(5),
      'train/f.jpg': await jpeg(6),
    });
    expect(report.layout).toBe('age-gender-csv');
    expect(report.problems).toEqual([
      { file: 'train.csv', row: 3, reason: 'negative age -3' },
      { file: 'train.csv', row: 4, reason: "unknown gender 'Robot'" },
      { file: 'train.csv', row: 5, reason: "names 'train/missing.jpg', which is not in the zip" },
      { file: 'train.csv', row: 8, reason: 'empty age' },
      { file: 'train/b.jpg', reason: 'not named in any CSV; left out' },
      { file: 'train/c.jpg', reason: 'not named in any CSV; left out' },
      { file: 'train/f.jpg', reason: 'not named in any CSV; left out' },
    ]);
    expect(items.map((i) => [i.path, i.age, i.gender])).toEqual([
      ['train/a.jpg', 25, 0],
      ['train/d.jpg', 24.5, 1],
      ['train/e.jpg', 75, 0],
    ]);
    expect(inspectJson(report).splits).toEqual({ train: { count: 3, genders: { Male: 2, Female: 1 } } });
  });

  it('refuses a zip that declares more than the size limit, and skips one entry over the per-file limit', async () => {
    const files = { 'train/cats/a.jpg': await jpeg(1), 'train/dogs/b.jpg': await jpeg(2), 'train/dogs/c.jpg': await jpeg(3) };
    const zip = zipSync(files);
    // The central directory's uncompressed size of c.jpg, patched to 4 GB: nothing is inflated to find out.
    const patched = zip.slice();
    const view = new DataView(patched.buffer);
    for (let i = patched.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50 && new TextDecoder().decode(patched.subarray(i + 46, i + 46 + 16)) === 'train/dogs/c.jpg') {
        view.setUint32(i + 24, 4_000_000_000, true);
        break;
      }
    }
    const oneBig = await scanDataset(await openZip('big.zip', bytesSource(patched)), { decoder: sharpDecoder });
    expect(oneBig.report.problems).toEqual([
      { file: 'train/dogs/c.jpg', reason: 'declares 4.0 GB uncompressed, over the 268.4 MB limit for one file' },
    ]);
    expect(oneBig.items.map((i) => i.path)).toEqual(['train/cats/a.jpg', 'train/dogs/b.jpg']);

    const limits = { maxTotalBytes: 100 };
    const refused = await scanDataset(await openZip('big.zip', bytesSource(zip), limits), { limits });
    expect(refused.report.layout).toBeNull();
    expect(refused.report.problems).toEqual([
      { file: 'big.zip', reason: expect.stringMatching(/^declares \d+ bytes uncompressed, over the 100 bytes limit; nothing was read$/) },
    ]);
  });

  it('reads UTKFace names without a CSV, and reports a file that is not a zip', async () => {
    const { report } = await scan({
      'UTKFace/25_0_1_20170116.jpg.chip.jpg': await jpeg(1),
      'UTKFace/3_1_2_20170116.jpg.chip.jpg': await jpeg(2),
      'UTKFace/40_1_0_20170117.jpg.chip.jpg': await jpeg(4),
      'UTKFace/61_0_3_20170117.jpg.chip.jpg': await jpeg(5),
      'UTKFace/notes_1.jpg': await jpeg(3),
    });
    expect(report.layout).toBe('utkface');
    expect(inspectJson(report).splits).toEqual({ train: { count: 4, genders: { Male: 2, Female: 2 } } });
    expect(report.problems).toEqual([
      { file: 'UTKFace/notes_1.jpg', reason: "name does not follow UTKFace's <age>_<gender>_<race>_<date>.jpg; left out" },
    ]);
    const notZip = await scanDataset(await openZip('photo.zip', bytesSource(await jpeg(1))));
    expect(notZip.report.problems).toEqual([
      { file: 'photo.zip', reason: 'not a zip archive (no end of central directory record)' },
    ]);
  });
});

describe('scanDataset on keypoint CSVs built from facial-keypoints.zip', () => {
  const SHARED = new URL('../../../../shared/datasets/facial-keypoints.zip', import.meta.url).pathname;
  /** Real photos and their real CSV rows: [name, ...136 numbers], by split. */
  const real: Record<'training' | 'test', { name: string; bytes: Uint8Array; cells: string[] }[]> = { training: [], test: [] };
  const TRAIN = 'training_frames_keypoints.csv';
  const TEST = 'test_frames_keypoints.csv';
  let header: string;

  beforeAll(async () => {
    const { archive, close } = await openDataset(SHARED);
    for (const split of ['training', 'test'] as const) {
      const rows = new TextDecoder().decode(await archive.read(`${split}_frames_keypoints.csv`)).trim().split(/\r?\n/);
      header = rows[0];
      for (const line of rows.slice(1, 4)) {
        const cells = line.split(',');
        real[split].push({ name: cells[0], bytes: await archive.read(`${split}/${cells[0]}`), cells });
      }
    }
    await close();
  });

  const images = (split: 'training' | 'test') => Object.fromEntries(real[split].map((r) => [`${split}/${r.name}`, r.bytes]));
  const csv = (lines: string[]) => strToU8(lines.join('\n') + '\n');
  const row = (cells: string[]) => cells.join(',');

  it('takes the point count from the most common row length when the first rows have 135 and 137 numbers', async () => {
    const [a, b, c] = real.training;
    // No header: the count can only come from the rows. The training CSV has no row of 136 numbers at all.
    const { report, items } = await scan({
      [TRAIN]: csv([row(a.cells.slice(0, 136)), row([...b.cells, '1'])]),
      [TEST]: csv(real.test.map((r) => row(r.cells))),
      ...images('training'),
      ...images('test'),
    });
    expect(report.layout).toBe('keypoints-csv');
    expect(report.points).toBe(68);
    expect(report.problems).toEqual([
      { file: `training/${a.name}`, reason: 'not named in any CSV; left out' },
      { file: `training/${b.name}`, reason: 'not named in any CSV; left out' },
      { file: `training/${c.name}`, reason: 'not named in any CSV; left out' },
      { file: TRAIN, row: 1, reason: 'has 135 numbers after the file name, expected 136 (68 x,y pairs)' },
      { file: TRAIN, row: 2, reason: 'has 137 numbers after the file name, expected 136 (68 x,y pairs)' },
    ]);
    expect(items.map((i) => i.path)).toEqual(real.test.map((r) => `test/${r.name}`).sort());
    expect(items[0].points).toHaveLength(136);
  });

  it("takes the header's count over the rows', skipping each wrong row by its line and keeping the rest", async () => {
    const [a, b, c] = real.training;
    const { report, items } = await scan({
      [TRAIN]: csv([header, row(a.cells.slice(0, 136)), row([...b.cells, '1']), row(c.cells)]),
      ...images('training'),
    });
    expect(report.points).toBe(68);
    expect(report.problems).toEqual([
      { file: `training/${a.name}`, reason: 'not named in any CSV; left out' },
      { file: `training/${b.name}`, reason: 'not named in any CSV; left out' },
      { file: TRAIN, row: 2, reason: 'has 135 numbers after the file name, expected 136 (68 x,y pairs)' },
      { file: TRAIN, row: 3, reason: 'has 137 numbers after the file name, expected 136 (68 x,y pairs)' },
    ]);
    expect(items.map((i) => [i.path, i.row])).toEqual([[`training/${c.name}`, 4]]);
  });

  it('says a header-only CSV has no rows and lists the images it leaves unlabelled', async () => {
    const { report, items } = await scan({
      [TRAIN]: csv([header, ...real.training.map((r) => row(r.cells))]),
      [TEST]: csv([header]),
      ...images('training'),
      ...images('test'),
    });
    expect(report.layout).toBe('keypoints-csv');
    expect(report.problems).toEqual([
      ...real.test.map((r) => ({ file: `test/${r.name}`, reason: 'not named in any CSV; left out' })).sort((x, y) => (x.file < y.file ? -1 : 1)),
      { file: TEST, reason: 'has a header and no rows: 3 images in test/ left unlabelled' },
    ]);
    expect(report.skipped).toBe(3);
    expect(items).toHaveLength(3);
    // Alone in the zip, it is still read as keypoints: the same lines, not "no dataset layout recognised".
    const alone = await scan({ [TEST]: csv([header]), ...images('test') });
    expect(alone.report.layout).toBe('keypoints-csv');
    expect(alone.report.problems).toContainEqual({ file: TEST, reason: 'has a header and no rows: 3 images in test/ left unlabelled' });
    expect(alone.items).toEqual([]);
  });
});
