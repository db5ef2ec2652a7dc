import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from './args';
import { inspectCommand } from './inspect';

const SHARED = new URL('../../../shared/datasets/', import.meta.url).pathname;

function captureStdout() {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  return () => out;
}

afterEach(() => vi.restoreAllMocks());

describe('inspectCommand', () => {
  it('prints the report of age-gender.zip as one JSON object with --json', async () => {
    const output = captureStdout();
    expect(await inspectCommand(['--data', SHARED + 'age-gender.zip', '--json'])).toBe(0);
    expect(JSON.parse(output())).toEqual({
      layout: 'age-gender-csv',
      splits: {
        train: { count: 400, genders: { Male: 200, Female: 200 } },
        val: { count: 100, genders: { Male: 50, Female: 50 } },
      },
      skipped: 0,
      problems: [],
    });
  });

  it('prints a table without --json, and asks for --data', async () => {
    const output = captureStdout();
    expect(await inspectCommand(['--data', SHARED + 'age-gender.zip'])).toBe(0);
    expect(output()).toContain('age-gender.zip: age-gender-csv');
    expect(output()).toMatch(/train\s+400\s+200\s+200\s+1–96/);
    await expect(inspectCommand([])).rejects.toThrow(UsageError);
  });
});
