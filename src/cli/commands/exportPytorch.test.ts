import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTorchPython } from '../../engine/__tests__/torchPython';

/**
 * `export --format pytorch` then the folder's train.py, on CPU: torchrun with two gloo ranks on each task's zip
 * (mobilenet_v3 at 64² keeps each epoch to seconds), the weights it writes read back by `evaluate --model FOLDER`,
 * and one process against two with the same seed and global batch.
 */
const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');
const DATASETS = path.resolve(__dirname, '../../../../shared/datasets');
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 240_000 });
const python = findTorchPython();
const TRAIN_TIMEOUT_MS = 200_000;

/** A free TCP port for torchrun's rendezvous: other runs on this machine may hold the default 29500. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: { task: string; bestEpoch: number; startValLoss: number; val: Record<string, number>; test?: Record<string, number>; processes: number; history: Record<string, number>[] };
  /** trn_loss of each Report record within the epoch, in order. */
  records: number[];
}

/**
 * `torchrun --nproc_per_node=N train.py …` (python -m torch.distributed.run: the same program), or plain
 * `python3 train.py` for one process. `--redirects 9:1 --tee 9:1` names an absent local rank: torch 1.13's
 * torchrun reads its default `0` as no flag at all under Python 3.11 and stops (Std.from_str); this leaves every
 * rank's output on the console, as the default means to.
 */
async function train(folder: string, processes: number, args: string[]): Promise<Run> {
  const launch = processes === 1 ? [] : ['-m', 'torch.distributed.run', '--redirects', '9:1', '--tee', '9:1', `--nproc_per_node=${processes}`, `--master_port=${await freePort()}`];
  const child = spawn(python, [...launch, path.join(folder, 'train.py'), '--threads', '1', ...args], {
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    // Its own process group: a run past TRAIN_TIMEOUT_MS is killed with every rank torchrun started.
    detached: true,
  });
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), TRAIN_TIMEOUT_MS);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const json = stdout.split('\n').find((l) => l.startsWith('{'));
  if (status !== 0 || !json) throw new Error(`train.py (${processes} processes) exited ${status}:\n${stdout}\n${stderr}`);
  const records = [...stdout.matchAll(/^EPOCH: 0\.\d+ {2}trn_loss: ([\d.]+)/gm)].map((m) => Number(m[1]));
  return { status, stdout, stderr, summary: JSON.parse(json), records };
}

function exportFolder(dir: string, name: string, ...args: string[]): string {
  const out = path.join(dir, name);
  const r = cli('export', '--format', 'pytorch', '--backbone', 'mobilenet_v3', '--input-size', '64', '--out', out, ...args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return out;
}

function evaluateFolder(folder: string, zip: string): Record<string, number> {
  const r = cli('evaluate', '--model', folder, '--data', zip);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('export --format pytorch, then train.py under torchrun (gloo, CPU)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pytorch-train-'));

  /**
   * Each trains on 96 images (--max-train) and validates and tests on whole splits, which `evaluate` also reads.
   * The round trip compares facial keypoints' NME (continuous). Accuracy is not compared: train.py resizes with
   * Pillow's Lanczos, the studio with sharp (libvips: JPEG shrink-on-load, then lanczos3), ~0.5–2 grey levels
   * apart, which after one epoch flips the odd image whose probability sits at 0.5 (2 of 100 in one run here).
   */
  const cases = [
    { name: 'cats-dogs', zip: 'cats-dogs.zip', exportArgs: ['--preset', 'binary', '--classes', 'cats,dogs'], roundTrip: undefined },
    { name: 'facial keypoints', zip: 'facial-keypoints.zip', exportArgs: ['--preset', 'keypoints'], roundTrip: { metric: 'nme', split: 'test' } },
    { name: 'age-gender', zip: 'age-gender.zip', exportArgs: ['--preset', 'age-gender'], roundTrip: undefined },
  ] as const;

  for (const c of cases) {
    const roundTrip = c.roundTrip;
    it(`${c.name}: both ranks start, the loss goes down, rank 0 writes the weights and its metrics${roundTrip ? ', and evaluate --model gives them back' : ''}`, async () => {
      const folder = exportFolder(dir, c.zip.replace('.zip', ''), ...c.exportArgs);
      const out = path.join(folder, 'trained');
      const zip = path.join(DATASETS, c.zip);
      const run = await train(folder, 2, ['--data', zip, '--epochs', '1', '--size', '64', '--batch', '4', '--max-train', '96', '--out', out]);
      expect(run.stderr).toContain('rank 0 started');
      expect(run.stderr).toContain('rank 1 started');
      expect(run.stdout).toContain('rank 0 of 2 (gloo) on cpu');
      expect(run.summary.processes).toBe(2);
      expect(run.summary.bestEpoch).toBe(1);
      // Val loss before training against after the epoch (the Report's records, a quarter epoch each, are noisier).
      expect(run.records.length).toBeGreaterThanOrEqual(3);
      expect(run.summary.history[0].val_loss).toBeLessThan(run.summary.startValLoss);
      expect(existsSync(path.join(out, 'weights.safetensors'))).toBe(true);
      const studio = JSON.parse(readFileSync(path.join(out, 'studio.json'), 'utf8'));
      expect(Object.keys(studio.metrics).length).toBeGreaterThan(0);
      console.log(`${c.name}: val loss ${run.summary.startValLoss.toFixed(4)} → ${run.summary.history[0].val_loss.toFixed(4)}, records ${run.records.join(' → ')}; ${JSON.stringify({ val: run.summary.val, test: run.summary.test })}`);
      if (!roundTrip) return;

      // The round trip: the studio's engine on the same split gives the metric train.py printed.
      const printed = run.summary[roundTrip.split]!;
      const evaluated = evaluateFolder(out, zip);
      console.log(`${c.name}: train.py ${roundTrip.split} ${roundTrip.metric} ${printed[roundTrip.metric]}, evaluate ${evaluated[roundTrip.metric]}`);
      expect(evaluated.n).toBe(printed.n);
      expect(Math.abs(evaluated[roundTrip.metric] - printed[roundTrip.metric])).toBeLessThanOrEqual(0.01);
      expect(studio.metrics[`${roundTrip.split}_${roundTrip.metric}`]).toBeCloseTo(printed[roundTrip.metric], 10);
    }, 300_000);
  }

  it('one process and two with the same seed and global batch reach the same losses after one epoch (within 1e-4)', async () => {
    const folder = path.join(dir, 'cats-dogs');
    const zip = path.join(DATASETS, 'cats-dogs.zip');
    // No Dropout: its masks are drawn per process. The trunk is frozen and mobilenet_v3 has no BatchNorm, so what
    // is left to differ is float32 rounding: each rank sums half the batch's gradients, gloo averages the halves.
    const args = ['--data', zip, '--epochs', '1', '--size', '64', '--batch', '8', '--max-train', '48', '--no-dropout', '--out', path.join(dir, 'equal')];
    const one = await train(folder, 1, args);
    const two = await train(folder, 2, args);
    const [a, b] = [one.summary.history[0], two.summary.history[0]];
    console.log(`1 process: trn_loss ${a.trn_loss}, val_loss ${a.val_loss}; 2 processes: trn_loss ${b.trn_loss}, val_loss ${b.val_loss}`);
    expect(Math.abs(a.trn_loss - b.trn_loss)).toBeLessThanOrEqual(1e-4);
    expect(Math.abs(a.val_loss - b.val_loss)).toBeLessThanOrEqual(1e-4);
    expect(two.summary.val).toEqual(one.summary.val);
  }, 300_000);
});
