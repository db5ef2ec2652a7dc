import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPhotos, CRC, cut, DOTDOT, HUGE, hugePng, storedZip } from './badInputCorpus';

/**
 * The bad-input corpus: zips, images and saved models built here from the shared datasets' real photos, run
 * through the real CLI (`bin/transfer-studio.mjs`). Each case checks the exit code, the line that names the
 * file, that the rest of the data was used, and that `--out` holds a model when training was asked for.
 * Cases are grouped per zip: every CLI start costs seconds.
 */

const BIN = path.resolve(__dirname, '../../bin/transfer-studio.mjs');
const DATASETS = path.resolve(__dirname, '../../../shared/datasets');
const SMALL_TRAIN = ['--backbone', 'mobilenet_v3', '--input-size', '32', '--epochs', '1', '--batch', '4'];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, out: r.stdout + r.stderr };
}
type Run = ReturnType<typeof cli>;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The problem line `  FILE: REASON` (REASON a string, or a pattern for the decoder's words). */
const line = (file: string, reason: string | RegExp) =>
  new RegExp(`^  ${escapeRe(file)}: ${typeof reason === 'string' ? escapeRe(reason) + '$' : reason.source}`, 'm');

let tmp: string;
let cats: Uint8Array[];
let dogs: Uint8Array[];
let face: Uint8Array;
let utk: { name: string; bytes: Uint8Array }[];
let huge: Uint8Array;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'ts-bad-'));
  ({ cats, dogs, face, utk } = await corpusPhotos(DATASETS));
  huge = await hugePng(cats[7]);
}, 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bad-input corpus: one zip with a bad entry of every kind', () => {
  const ESC = 'train/dogs/esc\u001b[2K\rproblems: none.jpg';
  /** Each bad entry and the reason its line gives. */
  const BAD: [string, string | RegExp][] = [
    ['train/cats/cut.jpg', /does not decode: \S.*$/],
    ['test/dogs/cut.jpg', /does not decode: \S.*$/],
    ['train/dogs/crc.jpg', CRC],
    ['train/../../x.jpg', DOTDOT],
    ['train/cats/../../y.jpg', DOTDOT],
    ['/abs/z.jpg', 'its name is an absolute path; left out'],
    ['train/cats/huge.png', HUGE],
    ['train/cats/empty.jpg', 'empty file (0 bytes)'],
    ['train/cats/not-an-image.jpg', /not a JPEG, PNG, GIF or WebP image/],
    ['train/dogs/esc\\x1b[2K\\x0dproblems: none.jpg', /does not decode: \S.*$/],
    ['train/cats/a.jpg', 'stored twice in the zip; the first copy is used'],
  ];
  let zip: string;
  let modelDir: string;
  let inspect: Run;
  let train: Run;
  let evaluate: Run;
  let evaluateFlip: Run;

  beforeAll(() => {
    zip = path.join(tmp, 'mixed.zip');
    modelDir = path.join(tmp, 'mixed-model');
    writeFileSync(
      zip,
      storedZip([
        { name: 'train/cats/a.jpg', bytes: cats[0] },
        ...[1, 2, 3].map((i) => ({ name: `train/cats/c${i}.jpg`, bytes: cats[i] })),
        ...[0, 1, 2, 3].map((i) => ({ name: `train/dogs/d${i}.jpg`, bytes: dogs[i] })),
        ...[4, 5].map((i) => ({ name: `test/cats/c${i}.jpg`, bytes: cats[i] })),
        ...[4, 5].map((i) => ({ name: `test/dogs/d${i}.jpg`, bytes: dogs[i] })),
        { name: 'train/cats/cut.jpg', bytes: cut(cats[6]) },
        { name: 'test/dogs/cut.jpg', bytes: cut(dogs[6]) },
        { name: 'train/dogs/crc.jpg', bytes: dogs[7], damage: true },
        { name: 'train/../../x.jpg', bytes: cats[6] },
        { name: 'train/cats/../../y.jpg', bytes: cats[6] },
        { name: '/abs/z.jpg', bytes: cats[6] },
        { name: 'train/cats/huge.png', bytes: huge },
        { name: 'train/cats/empty.jpg', bytes: new Uint8Array(0) },
        { name: 'train/cats/not-an-image.jpg', bytes: new TextEncoder().encode('hello') },
        { name: ESC, bytes: cut(dogs[6]) },
        { name: 'train/cats/a.jpg', bytes: cats[7] },
        { name: 'train/cats/readme.txt', bytes: new TextEncoder().encode('notes') },
      ]),
    );
    inspect = cli('inspect', '--data', zip);
    train = cli('train', '--data', zip, ...SMALL_TRAIN, '--out', modelDir);
    evaluate = cli('evaluate', '--model', modelDir, '--data', zip);
    evaluateFlip = cli('evaluate', '--model', modelDir, '--data', zip, '--tta', 'flip');
  }, 600_000);

  it('inspect exits 0 and counts only the good images', () => {
    expect(inspect.code).toBe(0);
    expect(inspect.stdout).toMatch(/^mixed\.zip: imagefolder \(binary: cats, dogs\)$/m);
    expect(inspect.stdout).toMatch(/^ +train +8 +4 +4$/m);
    expect(inspect.stdout).toMatch(/^ +test +4 +2 +2$/m);
    expect(inspect.stdout).toMatch(/^10 skipped, 1 other files ignored$/m);
  });

  it.each(BAD)('inspect names %s', (file, reason) => {
    expect(inspect.stdout).toMatch(line(file, reason));
  });

  it('inspect prints a control character in a name escaped, so no line can be faked', () => {
    expect(inspect.stdout).not.toContain('\u001b');
    expect(inspect.stdout).not.toContain('\r');
    expect(inspect.stdout).not.toMatch(/^problems: none/m);
  });

  it('inspect says once, not twice, that a name is stored twice', () => {
    expect(inspect.stdout.match(/train\/cats\/a\.jpg: stored twice/g)).toHaveLength(1);
  });

  it('train exits 0, trains on the rest and writes the model to --out', () => {
    expect(train.code).toBe(0);
    expect(train.stderr).toMatch(/^mixed\.zip: classification, train 6, val 2 \(seeded 20% of train\), test 4;/m);
    expect(JSON.parse(train.stdout.trim().split('\n').pop()!)).toMatchObject({ val: { n: 2 }, test: { n: 4 } });
    expect(readdirSync(modelDir).sort()).toEqual(['model.json', 'studio.json', 'weights.bin']);
    // No '..' class: the saved model knows the two classes the folders name.
    expect(JSON.parse(readFileSync(path.join(modelDir, 'studio.json'), 'utf8')).ctx.classes).toEqual(['cats', 'dogs']);
  });

  it.each(BAD)('train names %s', (file, reason) => {
    expect(train.stderr).toMatch(line(file, reason));
  });

  it('evaluate --tta flip scores the same test split, each image also mirrored', () => {
    expect(evaluateFlip.code).toBe(0);
    const flipped = JSON.parse(evaluateFlip.stdout);
    expect(flipped).toMatchObject({ task: 'classification', n: 4 });
    expect(flipped.accuracy).toBeGreaterThanOrEqual(0);
    expect(flipped.accuracy).toBeLessThanOrEqual(1);
  });

  it('evaluate exits 0 on the test split without its damaged image, naming it', () => {
    expect(evaluate.code).toBe(0);
    expect(evaluate.stderr).toMatch(line('test/dogs/cut.jpg', /does not decode: \S.*$/));
    expect(JSON.parse(evaluate.stdout)).toMatchObject({ task: 'classification', n: 4 });
  });

  describe('predict with the model trained above', () => {
    let images: string[];
    let predict: Run;
    beforeAll(() => {
      const dir = path.join(tmp, 'predict');
      mkdirSync(path.join(dir, 'a-folder'), { recursive: true });
      const put = (name: string, bytes: Uint8Array) => (writeFileSync(path.join(dir, name), bytes), path.join(dir, name));
      images = [
        put('cat.jpg', cats[0]),
        put('cut.jpg', cut(cats[6])),
        put('empty.jpg', new Uint8Array(0)),
        put('huge.png', huge),
        path.join(dir, 'a-folder'),
        path.join(dir, 'missing.jpg'),
        put('dog.jpg', dogs[0]),
      ];
      predict = cli('predict', '--model', modelDir, ...images.flatMap((i) => ['--image', i]));
    }, 240_000);

    it('prints one JSON line per image, in order, and exits 1 at the end', () => {
      expect(predict.code).toBe(1);
      const lines = predict.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.map((l) => l.image)).toEqual(images);
      expect(predict.stderr).toMatch(/^5 of 7 images could not be predicted$/m);
    });

    it.each([
      [0, undefined],
      [1, /: \S/],
      [2, ': empty file (0 bytes)'],
      [3, `: ${HUGE}`],
      [4, ': is a folder; predict takes image files (landmarks reads a folder)'],
      [5, ': no such file'],
      [6, undefined],
    ] as const)('image %i: a prediction, or an error naming the file', (i, error) => {
      const l = JSON.parse(predict.stdout.trim().split('\n')[i]);
      if (error === undefined) {
        expect(l.error).toBeUndefined();
        expect(l.probs.every((p: number) => p >= 0 && p <= 1)).toBe(true);
      } else {
        expect(l.probs).toBeUndefined();
        expect(l.error.startsWith(`${images[i]}: `)).toBe(true);
        if (typeof error === 'string') expect(l.error).toBe(images[i] + error);
      }
    });
  });

  describe('a saved model whose files were tampered with', () => {
    const tampered = (name: string, change: (dir: string) => void) => {
      const dir = path.join(tmp, name);
      cpSync(modelDir, dir, { recursive: true });
      change(dir);
      return dir;
    };
    const image = () => {
      const file = path.join(tmp, 'one-cat.jpg');
      writeFileSync(file, cats[1]);
      return file;
    };

    it('NaN weights: predict and evaluate exit 1 naming weights.bin, and print no nulls', () => {
      const dir = tampered('nan-model', (d) => {
        const w = readFileSync(path.join(d, 'weights.bin'));
        new Float32Array(w.buffer, w.byteOffset, 8).fill(NaN);
        writeFileSync(path.join(d, 'weights.bin'), w);
      });
      const p = cli('predict', '--model', dir, '--image', image());
      expect(p.code).toBe(1);
      expect(p.stdout).toBe('');
      expect(p.stderr).toMatch(/weights\.bin: weight '[^']+' holds 8 NaN or infinite values/);
      const e = cli('evaluate', '--model', dir, '--data', zip);
      expect(e.code).toBe(1);
      expect(e.stdout).toBe('');
      expect(e.stderr).toMatch(/weights\.bin: weight '[^']+' holds 8 NaN or infinite values/);
    }, 240_000);

    it.each([
      ['truncated', (b: Buffer) => b.subarray(0, b.length >> 1), /weights\.bin holds \d+ bytes; model\.json describes \d+ weights in \d+ bytes/],
      ['empty', () => Buffer.alloc(0), /weights\.bin holds 0 bytes; model\.json describes/],
    ] as const)('%s weights.bin: predict exits 1 naming the file', (name, change, message) => {
      const dir = tampered(`${name}-model`, (d) => writeFileSync(path.join(d, 'weights.bin'), change(readFileSync(path.join(d, 'weights.bin')))));
      const p = cli('predict', '--model', dir, '--image', image());
      expect(p.code).toBe(1);
      expect(p.stdout).toBe('');
      expect(p.stderr).toMatch(message);
    }, 240_000);

    it('a binary model whose studio.json says keypoints: predict exits 1 instead of printing no points', () => {
      const dir = tampered('keypoints-model', (d) => {
        const meta = JSON.parse(readFileSync(path.join(d, 'studio.json'), 'utf8'));
        writeFileSync(path.join(d, 'studio.json'), JSON.stringify({ ...meta, task: 'keypoints', ctx: { points: 68 } }));
      });
      const p = cli('predict', '--model', dir, '--image', image());
      expect(p.code).toBe(1);
      expect(p.stdout).toBe('');
      expect(p.stderr).toContain("studio.json says 'keypoints' with 68 points, which needs outputs of width [136]; model.json's network gives [1]");
    }, 240_000);
  });

  describe('train --out that cannot be written is refused before training', () => {
    const cases: [string, () => string, (out: string) => string][] = [
      ['an existing file', () => (writeFileSync(path.join(tmp, 'a-file'), 'x'), path.join(tmp, 'a-file')), () => 'it exists and is a file, not a folder'],
      ['a path under a file', () => (writeFileSync(path.join(tmp, 'b-file'), 'x'), path.join(tmp, 'b-file', 'model')), () => `${path.join(tmp, 'b-file')} is a file, not a folder`],
      [
        'a path under a dangling symlink',
        () => (symlinkSync(path.join(tmp, 'nowhere'), path.join(tmp, 'dangling')), path.join(tmp, 'dangling', 'model')),
        () => `${path.join(tmp, 'dangling')} is a symlink to nothing (dangling)`,
      ],
      ['a path under /proc', () => '/proc/transfer-studio-model', () => 'it lies under /proc, which holds no files'],
    ];
    it.each(cases)('%s: usage error (exit 2), no epoch run', (_, make, why) => {
      const out = make();
      const r = cli('train', '--data', zip, ...SMALL_TRAIN, '--out', out);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--out ${out}: cannot save the model there: ${why(out)}`);
      expect(r.stdout).not.toMatch(/EPOCH/);
    }, 240_000);
  });
});

describe('bad-input corpus: layouts that train badly are warned of, and the images kept', () => {
  let warn: Run;
  let ages: Run;
  beforeAll(() => {
    const zip = path.join(tmp, 'warn.zip');
    writeFileSync(
      zip,
      storedZip([
        ...[0, 1, 2].map((i) => ({ name: `train/cats/c${i}.jpg`, bytes: cats[i] })),
        ...[3, 4].map((i) => ({ name: `train/Cats/c${i}.jpg`, bytes: cats[i] })),
        ...[0, 1, 2].map((i) => ({ name: `train/dogs/d${i}.jpg`, bytes: dogs[i] })),
        { name: 'test/birds/b.jpg', bytes: dogs[3] },
      ]),
    );
    warn = cli('inspect', '--data', zip);
    const utkZip = path.join(tmp, 'utk.zip');
    writeFileSync(
      utkZip,
      storedZip([
        { name: utk[0].name, bytes: utk[0].bytes },
        { name: utk[1].name, bytes: utk[1].bytes },
        { name: `200${utk[2].name.slice(utk[2].name.indexOf('_'))}`, bytes: utk[2].bytes },
      ]),
    );
    ages = cli('inspect', '--data', utkZip);
  }, 240_000);

  it('a class with no training images', () => {
    expect(warn.code).toBe(0);
    expect(warn.stdout).toMatch(line('warn.zip', "class 'birds' has no training images: the model cannot learn it"));
  });

  it('class names that differ only by case', () => {
    expect(warn.stdout).toMatch(line('warn.zip', "classes 'Cats' and 'cats' differ only by case: they are read as 2 classes"));
    expect(warn.stdout).toMatch(/^0 skipped/m);
  });

  it('a UTKFace name with age 200 is left out; one gender only is warned of', () => {
    expect(ages.code).toBe(0);
    expect(ages.stdout).toMatch(/: age 200 is not a human age \(over 120\); left out$/m);
    expect(ages.stdout).toMatch(/^ +train +2 +2 +0 +\d+–\d+$/m);
    expect(ages.stdout).toMatch(line('utk.zip', 'every training image is Male: the gender output cannot learn'));
  });
});

describe('bad-input corpus: landmarks, a file that is no zip, summary flags', () => {
  it('landmarks on a 20000×20000 PNG refuses it by its header, naming it', () => {
    const file = path.join(tmp, 'huge-face.png');
    writeFileSync(file, huge);
    const r = cli('landmarks', '--image', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--image ${file}: ${HUGE}`);
  }, 240_000);

  it('landmarks over a folder goes on past a huge and a cut image, with an error line for each, and exits 1', () => {
    const dir = path.join(tmp, 'faces');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a-face.jpg'), face);
    writeFileSync(path.join(dir, 'b-huge.png'), huge);
    writeFileSync(path.join(dir, 'c-cut.jpg'), cut(face));
    const r = cli('landmarks', '--image', dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(['a-face.jpg', 'b-huge.png', 'c-cut.jpg']);
    expect(lines[0].faces).toHaveLength(1);
    expect(lines[1].error).toBe(`b-huge.png: ${HUGE}`);
    expect(lines[2].error).toMatch(/^c-cut\.jpg: \S/);
  }, 240_000);

  it('a .zip that is no zip: inspect and landmarks exit 1 and say so', () => {
    const file = path.join(tmp, 'not-a-zip.zip');
    writeFileSync(file, 'plain text, not a zip');
    const i = cli('inspect', '--data', file);
    expect(i.code).toBe(1);
    expect(i.stdout).toMatch(line('not-a-zip.zip', 'not a zip archive (no end of central directory record)'));
    const l = cli('landmarks', '--image', file);
    expect(l.code).toBe(1);
    expect(l.stderr).toContain(`--image ${file}: not a zip archive`);
  }, 240_000);

  it.each([
    ['--depth', '-1', "--depth takes an integer ≥ 0, got '-1'"],
    ['--depth', 'abc', "--depth takes an integer ≥ 0, got 'abc'"],
    ['--classes', 'abc', "--classes takes an integer ≥ 2, got 'abc'"],
  ])('summary %s %s is a usage error', (flag, value, message) => {
    // `--depth -1` is refused by parseArgs itself (a value that starts with a dash): the `=` form reaches the check.
    const r = cli('summary', '--backbone', 'mobilenet_v3', '--preset', 'multiclass', '--classes', '3', `${flag}=${value}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  }, 240_000);

  it.each([
    ['summary', '--backbone', 'mobilenet_v3', '--preset', 'binary'],
    ['train', '--data', path.join(DATASETS, 'cats-dogs.zip')],
    ['lr-find', '--data', path.join(DATASETS, 'cats-dogs.zip')],
  ])('%s --input-size 100000 is a usage error naming the flag and the limit, before anything is read', (...args) => {
    const r = cli(...args, '--input-size', '100000');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--input-size takes an integer from 1 to 2048, got '100000' (one 2048² image already takes ~300 MiB");
    expect(r.stdout).toBe('');
  }, 240_000);
});
