import type { BackboneName, Preprocessing } from '../types';

/** One file of a `public/weights/<name>/` folder and its digest. */
export interface WeightsFileEntry {
  /** Relative to the folder. */
  path: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
}

/**
 * `public/weights/<name>/manifest.json`, written by scripts/prepare-weights.ts at install: what the folder holds,
 * where it came from, and how to feed it.
 */
export interface WeightsManifest {
  /** Folder name: a backbone (`mobilenet_v3`) or a reference model (`face_landmark_68`). */
  name: string;
  title: string;
  /**
   * `layers-model`: a tfjs layers `model.json` + shards rebuilt by the studio, loadable by `loadPretrained`;
   * `graph-model` / `face-api`: the package's own files, copied as they are.
   */
  format: 'layers-model' | 'graph-model' | 'face-api';
  /** The backbone a layers model serves. */
  backbone?: BackboneName;
  /** Which modules a layers model holds weights for: the trunk, or the trunk and the backbone's own head. */
  covers?: 'trunk' | 'trunk+original-head';
  source: {
    /** npm package the weights are read from, and its version as installed. */
    package: string;
    version: string;
    license: string;
    /** Files of the package that were read, relative to the package root. */
    files: string[];
    /** Where the network comes from, in words (training data, origin project). */
    origin: string;
  };
  /** Square input size in pixels. */
  inputSize: number;
  /** What the network expects, from raw 0..255 RGB. */
  preprocessing: Preprocessing;
  /** Every file of the folder except this manifest. */
  files: WeightsFileEntry[];
  /** Version of the recipe that wrote the folder; a newer recipe rewrites it. */
  recipe: number;
}

/** Backbones with weights bundled in `public/weights/<backbone>/` (prepared at install). */
export const BUNDLED_BACKBONES: readonly BackboneName[] = ['mobilenet_v3', 'face_resnet', 'face_dense', 'face_xception'];

export function hasBundledWeights(backbone: BackboneName): boolean {
  return BUNDLED_BACKBONES.includes(backbone);
}

/** `@vladmandic/human 3.3.6 — CenterNet MobileNetV3 (COCO)`: the source text of the badge. */
export function manifestSource(manifest: WeightsManifest): string {
  return `${manifest.source.package} ${manifest.source.version} — ${manifest.title}`;
}
