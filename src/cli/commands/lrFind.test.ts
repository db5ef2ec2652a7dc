import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');
const CATS_DOGS = path.resolve(__dirname, '../../../../shared/datasets/cats-dogs.zip');

const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });

describe('transfer-studio lr-find', () => {
  it('prints the sweep as one JSON object with --json, its suggestion inside the swept range', () => {
    const r = cli('lr-find', '--data', CATS_DOGS, '--input-size', '64', '--batch', '4', '--steps', '12', '--start', '1e-5', '--end', '1', '--json');
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.lrs.length).toBe(out.losses.length);
    expect(out.lrs.length).toBeGreaterThan(1);
    expect(out.lrs.length).toBeLessThanOrEqual(12);
    expect(out.lrs[0]).toBeCloseTo(1e-5, 12);
    expect(out.suggestion).toBeGreaterThanOrEqual(1e-5);
    expect(out.suggestion).toBeLessThanOrEqual(1);
    expect(['done', 'diverged']).toContain(out.ended);
  }, 240_000);

  it('refuses a sweep of one step with a usage error', () => {
    const r = cli('lr-find', '--data', CATS_DOGS, '--steps', '1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--steps takes an integer ≥ 2/);
  });
});
