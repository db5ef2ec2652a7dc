import { readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { sharpDecoder } from '../../cli/node/sharpDecoder';
import { bytesSource } from './byteSource';
import { humanAge, parseAge } from './labels';
import { openZip } from './openZip';
import { scanDataset } from './scanDataset';

const AGE_GENDER = path.resolve(__dirname, '../../../../shared/datasets/age-gender.zip');

describe('humanAge', () => {
  it('takes 0 to 120 and refuses the rest, in CSV cells as in UTKFace names', () => {
    expect(humanAge(0)).toBe(0);
    expect(humanAge(120)).toBe(120);
    expect(() => humanAge(121)).toThrow('age 121 is not a human age (over 120)');
    expect(() => humanAge(-1)).toThrow('negative age -1');
    expect(() => parseAge('200')).toThrow('age 200 is not a human age (over 120)');
  });
});

describe('scanDataset on UTKFace names', () => {
  it('leaves out a name with an impossible age, says why, and warns when one gender is all there is', async () => {
    const zip = await openZip('ages.zip', bytesSource(new Uint8Array(readFileSync(AGE_GENDER))));
    const faces = zip.entries.map((e) => e.path).filter((p) => /^train\/\d+_0_/.test(p)).slice(0, 3);
    const bytes = await Promise.all(faces.map((p) => zip.read(p)));
    const archive = await openZip(
      'utk.zip',
      bytesSource(
        zipSync({
          '25_0_0_20170116174525125.jpg.chip.jpg': bytes[0],
          '31_0_1_20170116174525126.jpg.chip.jpg': bytes[1],
          '200_0_0_20170116174525127.jpg.chip.jpg': bytes[2],
        }),
      ),
    );
    const { report, items } = await scanDataset(archive, { decoder: sharpDecoder });
    expect(report.layout).toBe('utkface');
    expect(items.map((i) => i.age)).toEqual([25, 31]);
    expect(report.splits.train.ages).toEqual({ min: 25, max: 31 });
    expect(report.problems).toEqual([
      { file: '200_0_0_20170116174525127.jpg.chip.jpg', reason: 'its name: age 200 is not a human age (over 120); left out' },
      { file: 'utk.zip', reason: 'every training image is Male: the gender output cannot learn', kept: true },
    ]);
  });
});
