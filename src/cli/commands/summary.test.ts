import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKBONE_NAMES } from '../../engine/models/types';
import { backboneSpec } from '../../engine/models/backbones';

const BIN = path.resolve(__dirname, '../../../bin/transfer-studio.mjs');

/** Floats in a face-api net's weights manifest (node_modules/@vladmandic/face-api/model), but for those under `skip/`. */
function faceApiFloats(net: string, skip?: string): number {
  const manifest = JSON.parse(readFileSync(path.resolve(__dirname, `../../../node_modules/@vladmandic/face-api/model/${net}-weights_manifest.json`), 'utf8')) as {
    weights: { name: string; shape: number[] }[];
  }[];
  const weights = manifest.flatMap((group) => group.weights).filter((w) => !skip || !w.name.startsWith(`${skip}/`));
  return weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
}

/** Runs the real CLI entry (`npx transfer-studio …` resolves to the same file) and parses its JSON. */
function summaryJson(...args: string[]) {
  const out = execFileSync(process.execPath, [BIN, 'summary', ...args, '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as { total: number; trainable: number; nonTrainable: number; modules: { path: string; trainableParams: number }[] };
}

describe('transfer-studio summary', () => {
  it('prints the book figures for vgg16 + binary with features frozen', () => {
    const s = summaryJson('--backbone', 'vgg16', '--preset', 'binary', '--freeze', 'features');
    expect(s.total).toBe(14_780_481);
    expect(s.trainable).toBe(65_793);
    expect(s.nonTrainable).toBe(14_714_688);
  });

  it('prints 65,793 of 11,242,305 for resnet18 + binary', () => {
    const s = summaryJson('--backbone', 'resnet18', '--preset', 'binary');
    expect([s.total, s.trainable]).toEqual([11_242_305, 65_793]);
  });

  it.each([
    ['vgg16', 138_357_544],
    ['resnet18', 11_689_512],
    ['resnet34', 21_797_672],
  ])('counts torchvision parameters for %s with its original head', (backbone, total) => {
    const s = summaryJson('--backbone', backbone, '--preset', 'original');
    expect(s.total).toBe(total);
    expect(s.trainable).toBe(total);
  });

  it("counts face-api's own weights: FaceLandmark68Net as face_dense + original, AgeGenderNet's TinyXception as face_xception's trunk", () => {
    const dense = summaryJson('--backbone', 'face_dense', '--preset', 'original');
    expect([dense.total, dense.trainable]).toEqual([faceApiFloats('face_landmark_68_model'), dense.total]);
    const xception = summaryJson('--backbone', 'face_xception', '--preset', 'binary');
    expect(xception.nonTrainable).toBe(faceApiFloats('age_gender_model', 'fc'));
    expect(xception.modules.map((m) => m.path).filter((p) => !p.includes('.'))).toEqual(['entry_flow', 'middle_flow', 'exit_flow', 'avgpool', 'classifier']);
  });

  it('applies --unfreeze after --freeze, in command-line order', () => {
    const s = summaryJson('--backbone', 'vgg16', '--preset', 'binary', '--freeze', 'features', '--unfreeze', 'features.28');
    expect(s.trainable).toBe(65_793 + 2_359_808);
    expect(s.modules.find((m) => m.path === 'features.28')?.trainableParams).toBe(2_359_808);
  });

  it('prints the keypoints and age-gender heads on every backbone', () => {
    for (const backbone of BACKBONE_NAMES) {
      for (const preset of ['keypoints', 'age-gender']) {
        const s = summaryJson('--backbone', backbone, '--preset', preset, '--weights', 'random');
        const head = s.modules.filter((m) => m.path === 'avgpool' || m.path === 'classifier' || m.path === 'fc');
        // The whole backbone is frozen: only the book's pool conv and dense heads train, or (face_dense's keypoints)
        // the net's own 68-point head, fc 256 → 136.
        expect(s.trainable).toBe(head.reduce((a, m) => a + m.trainableParams, 0));
        if (backboneSpec(backbone).ownHeadIsKeypoints && preset === 'keypoints') expect(s.trainable).toBe(256 * 136 + 136);
        else expect(s.trainable).toBeGreaterThan(1_000_000);
      }
    }
  });

  it('says where the weights come from', () => {
    const pretrained = summaryJson('--backbone', 'mobilenet_v3', '--preset', 'binary') as unknown as { pretrained: boolean; source: string };
    expect(pretrained.pretrained).toBe(true);
    expect(pretrained.source).toMatch(/@vladmandic\/human/);
    const random = summaryJson('--backbone', 'resnet18', '--preset', 'binary') as unknown as { pretrained: boolean };
    expect(random.pretrained).toBe(false);
  });

  it('builds the multiclass head with --classes units', () => {
    const s = summaryJson('--backbone', 'resnet18', '--preset', 'multiclass', '--classes', '5', '--weights', 'random');
    expect(s.trainable).toBe(512 * 128 + 128 + 128 * 5 + 5);
    expect(() => execFileSync(process.execPath, [BIN, 'summary', '--backbone', 'resnet18', '--preset', 'multiclass'], { stdio: 'pipe' })).toThrow(
      /needs --classes N/,
    );
  });

  it('exits with a usage message on an unknown backbone', () => {
    expect(() => execFileSync(process.execPath, [BIN, 'summary', '--backbone', 'alexnet'], { encoding: 'utf8', stdio: 'pipe' })).toThrow(
      /unknown backbone 'alexnet'/,
    );
  });
});
