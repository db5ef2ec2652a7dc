/**
 * Run at install (`postinstall`): reads pretrained weights from npm packages in node_modules (no network) and
 * writes `public/weights/<name>/` with a `manifest.json` (source package + version, licence, input size,
 * preprocessing, sha256 of every file):
 *   mobilenet_v3   tfjs layers model: the CenterNet MobileNetV3 trunk rebuilt with tf.layers, weights mapped from
 *                  @vladmandic/human's models/centernet.json (float16 → float32)
 *   face_resnet    tfjs layers model: face-api's FaceRecognitionNet rebuilt, with its own 128-d head (`fc`)
 *   face_landmark_68, age_gender   face-api's nets, copied as they are
 *   blazeface, facemesh            Human's graph models, copied as they are
 * Idempotent: a folder whose manifest matches the installed package version, this recipe and the files on disk
 * (sha256) is left alone. Fails naming the package when one is missing. Usage: tsx scripts/prepare-weights.ts
 * [--out DIR] [--only name,name]
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { readGraphArtifacts } from '../src/cli/readGraphArtifacts';
import { backboneSpec, buildModel, type BackboneName, type Preprocessing } from '../src/engine/models';
import { mobilenetV3 } from '../src/engine/models/backbones/mobilenetV3';
import { FACE_API_112 } from '../src/engine/models/backbones/faceDense';
import { loadMobilenetV3Weights } from '../src/engine/models/weights/centernetWeights';
import { loadFaceApiNetWeights, loadFaceResnetWeights } from '../src/engine/models/weights/faceApiWeights';
import type { WeightsFileEntry, WeightsManifest } from '../src/engine/models/weights/weightsManifest';

/** Bump when what a recipe writes changes: every folder is then rewritten once. */
const RECIPE = 1;
/** tfjs' own converter splits weights into 4 MB shards; so do we. */
export const SHARD_BYTES = 4 * 1024 * 1024;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT_DIR = path.join(ROOT, 'public', 'weights');

interface PackageInfo {
  name: string;
  version: string;
  license: string;
  dir: string;
}


interface BaseRecipe {
  name: string;
  title: string;
  pkg: string;
  origin: string;
  /** Files read from the package, relative to its root. */
  files: string[];
  inputSize: number;
  preprocessing: Preprocessing;
}
interface LayersRecipe extends BaseRecipe {
  kind: 'layers-model';
  backbone: BackboneName;
  covers: NonNullable<WeightsManifest['covers']>;
  build(pkg: PackageInfo): Promise<tf.LayersModel>;
}
interface CopyRecipe extends BaseRecipe {
  kind: 'copy';
  format: 'graph-model' | 'face-api';
}
type Recipe = LayersRecipe | CopyRecipe;

const RECIPES: Recipe[] = [
  {
    kind: 'layers-model',
    name: 'mobilenet_v3',
    backbone: 'mobilenet_v3',
    title: 'CenterNet MobileNetV3 (COCO)',
    pkg: '@vladmandic/human',
    origin: 'MobileNetV3 backbone of the CenterNet object detector (github.com/610265158/mobilenetv3_centernet), trained on COCO',
    files: ['models/centernet.json', 'models/centernet.bin'],
    inputSize: mobilenetV3.inputSize,
    preprocessing: mobilenetV3.preprocessing,
    covers: 'trunk',
    async build(pkg) {
      const artifacts = await readGraphArtifacts(path.join(pkg.dir, 'models', 'centernet.json'));
      const input = tf.input({ shape: [null, null, 3], name: 'input' });
      const model = tf.model({ inputs: input, outputs: mobilenetV3.buildTrunk(input).output, name: 'mobilenet_v3+trunk' });
      loadMobilenetV3Weights(model, artifacts);
      return model;
    },
  },
  {
    kind: 'layers-model',
    name: 'face_resnet',
    backbone: 'face_resnet',
    title: 'face-api FaceRecognitionNet (dlib ResNet-34 face descriptor)',
    pkg: '@vladmandic/face-api',
    origin: "dlib's face recognition ResNet, as face-api ships it: 150×150 face crops → 128-d descriptor",
    files: ['model/face_recognition_model-weights_manifest.json', 'model/face_recognition_model.bin'],
    inputSize: backboneSpec('face_resnet').inputSize,
    preprocessing: backboneSpec('face_resnet').preprocessing,
    covers: 'trunk+original-head',
    async build(pkg) {
      const dir = path.join(pkg.dir, 'model');
      const manifest = JSON.parse(await readFile(path.join(dir, 'face_recognition_model-weights_manifest.json'), 'utf8'));
      const bin = await readFile(path.join(dir, 'face_recognition_model.bin'));
      const model = buildModel({ backbone: 'face_resnet', preset: 'original' });
      loadFaceResnetWeights(model, manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
      return model;
    },
  },
  {
    kind: 'layers-model',
    name: 'face_dense',
    backbone: 'face_dense',
    title: "face-api FaceLandmark68Net (68 2D points), rebuilt",
    pkg: '@vladmandic/face-api',
    origin: "face-api's 68-point face landmark net (112×112 face crops), with its own head (`fc`, 136 numbers)",
    files: ['model/face_landmark_68_model-weights_manifest.json', 'model/face_landmark_68_model.bin'],
    inputSize: backboneSpec('face_dense').inputSize,
    preprocessing: backboneSpec('face_dense').preprocessing,
    covers: 'trunk+original-head',
    build: (pkg) => faceApiNet(pkg, 'face_dense', 'original', 'face_landmark_68_model'),
  },
  {
    kind: 'layers-model',
    name: 'face_xception',
    backbone: 'face_xception',
    title: "face-api AgeGenderNet's TinyXception trunk, rebuilt",
    pkg: '@vladmandic/face-api',
    origin: "the trunk of face-api's age and gender net (112×112 face crops; its age and gender layers are left out)",
    files: ['model/age_gender_model-weights_manifest.json', 'model/age_gender_model.bin'],
    inputSize: backboneSpec('face_xception').inputSize,
    preprocessing: backboneSpec('face_xception').preprocessing,
    covers: 'trunk',
    build: (pkg) => faceApiNet(pkg, 'face_xception', 'trunk', 'age_gender_model'),
  },
  {
    kind: 'copy',
    format: 'face-api',
    name: 'face_landmark_68',
    title: 'face-api FaceLandmark68Net (68 2D points)',
    pkg: '@vladmandic/face-api',
    origin: "face-api's 68-point face landmark net (112×112 face crops)",
    files: ['model/face_landmark_68_model-weights_manifest.json', 'model/face_landmark_68_model.bin'],
    inputSize: 112,
    preprocessing: FACE_API_112,
  },
  {
    kind: 'copy',
    format: 'face-api',
    name: 'age_gender',
    title: 'face-api AgeGenderNet',
    pkg: '@vladmandic/face-api',
    origin: "face-api's age regression + gender classification net (112×112 face crops)",
    files: ['model/age_gender_model-weights_manifest.json', 'model/age_gender_model.bin'],
    inputSize: 112,
    preprocessing: FACE_API_112,
  },
  {
    kind: 'copy',
    format: 'graph-model',
    name: 'blazeface',
    title: 'BlazeFace (MediaPipe, back-camera model)',
    pkg: '@vladmandic/human',
    origin: "MediaPipe's BlazeFace face detector as Human ships it: input x / 127.5 − 1",
    files: ['models/blazeface.json', 'models/blazeface.bin'],
    inputSize: 256,
    preprocessing: { kind: 'mean-scale', mean: [127.5, 127.5, 127.5], scale: 127.5 },
  },
  {
    kind: 'copy',
    format: 'graph-model',
    name: 'facemesh',
    title: 'FaceMesh (MediaPipe, 468 3D points)',
    pkg: '@vladmandic/human',
    origin: "MediaPipe's FaceMesh as Human ships it: 192×192 face crops, input x / 255",
    files: ['models/facemesh.json', 'models/facemesh.bin'],
    inputSize: 192,
    preprocessing: { kind: 'mean-scale', mean: [0, 0, 0], scale: 255 },
  },
];

/** One of face-api's 112 px nets rebuilt as `backbone` (with its own head, or the trunk alone) and loaded. */
async function faceApiNet(pkg: PackageInfo, backbone: BackboneName, what: 'original' | 'trunk', file: string): Promise<tf.LayersModel> {
  const dir = path.join(pkg.dir, 'model');
  const manifest = JSON.parse(await readFile(path.join(dir, `${file}-weights_manifest.json`), 'utf8'));
  const bin = await readFile(path.join(dir, `${file}.bin`));
  const spec = backboneSpec(backbone);
  let model: tf.LayersModel;
  if (what === 'original') model = buildModel({ backbone, preset: 'original' });
  else {
    const input = tf.input({ shape: [null, null, 3], name: 'input' });
    model = tf.model({ inputs: input, outputs: spec.buildTrunk(input).output, name: `${backbone}+trunk` });
  }
  loadFaceApiNetWeights(model, spec, manifest, bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer);
  return model;
}

export const PREPARED_NAMES = RECIPES.map((r) => r.name);

/** The installed package's root, version and licence; throws naming the package and what needs it. */
async function findPackage(name: string, neededFor: string[]): Promise<PackageInfo> {
  const dir = path.join(ROOT, 'node_modules', ...name.split('/'));
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) {
    throw new Error(
      `prepare-weights: the npm package '${name}' is not installed (looked in ${dir}); it provides the pretrained ` +
        `weights of ${neededFor.join(', ')}. Run \`npm ci\` (it is listed in package.json).`,
    );
  }
  const json = JSON.parse(await readFile(file, 'utf8')) as { version: string; license?: string };
  return { name, version: json.version, license: json.license ?? 'UNKNOWN', dir };
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

async function entryOf(dir: string, file: string): Promise<WeightsFileEntry> {
  const data = await readFile(path.join(dir, file));
  return { path: file, bytes: data.byteLength, sha256: sha256(data) };
}

/** True when `dir` holds what this recipe would write from this package version, byte for byte as recorded. */
async function upToDate(dir: string, pkg: PackageInfo): Promise<boolean> {
  let manifest: WeightsManifest;
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as WeightsManifest;
  } catch {
    return false;
  }
  if (manifest.recipe !== RECIPE || manifest.source?.package !== pkg.name || manifest.source.version !== pkg.version) return false;
  for (const f of manifest.files ?? []) {
    const file = path.join(dir, f.path);
    if (!existsSync(file) || sha256(await readFile(file)) !== f.sha256) return false;
  }
  return (manifest.files ?? []).length > 0;
}

/** Saves a layers model as model.json + shards of at most SHARD_BYTES; returns the file names written. */
async function writeLayersModel(model: tf.LayersModel, dir: string): Promise<string[]> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const saved = artifacts as tf.io.ModelArtifacts | null;
  if (!saved?.weightData || !saved.weightSpecs) throw new Error('prepare-weights: model.save produced no weights');
  const data = new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData));
  const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  for (let i = 0; i < count; i++) {
    await writeFile(path.join(dir, paths[i]), data.subarray(i * SHARD_BYTES, Math.min(data.byteLength, (i + 1) * SHARD_BYTES)));
  }
  const modelJSON: tf.io.ModelJSON = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'transfer-studio scripts/prepare-weights.ts',
    modelTopology: saved.modelTopology as object,
    weightsManifest: [{ paths, weights: saved.weightSpecs }],
  };
  await writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJSON));
  return ['model.json', ...paths];
}

export interface PrepareResult {
  name: string;
  status: 'written' | 'up to date';
  bytes: number;
  files: number;
}

export interface PrepareOptions {
  /** Where the folders go (public/weights of this checkout by default). */
  outDir?: string;
  /** Only these names (all by default). */
  only?: string[];
  log?: (line: string) => void;
}

/** Writes every recipe's folder that is missing or stale; see the file's comment. */
export async function prepareWeights(options: PrepareOptions = {}): Promise<PrepareResult[]> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  const log = options.log ?? (() => {});
  const recipes = RECIPES.filter((r) => !options.only || options.only.includes(r.name));
  const unknown = (options.only ?? []).filter((n) => !PREPARED_NAMES.includes(n));
  if (unknown.length > 0) throw new Error(`prepare-weights: unknown name(s) ${unknown.join(', ')}; known: ${PREPARED_NAMES.join(', ')}`);

  // Every package first, so a missing one fails before anything is written.
  const packages = new Map<string, PackageInfo>();
  for (const pkg of new Set(recipes.map((r) => r.pkg))) {
    packages.set(pkg, await findPackage(pkg, recipes.filter((r) => r.pkg === pkg).map((r) => r.name)));
  }

  const results: PrepareResult[] = [];
  for (const recipe of recipes) {
    const pkg = packages.get(recipe.pkg)!;
    const dir = path.join(outDir, recipe.name);
    if (await upToDate(dir, pkg)) {
      const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as WeightsManifest;
      results.push({ name: recipe.name, status: 'up to date', bytes: manifest.files.reduce((n, f) => n + f.bytes, 0), files: manifest.files.length });
      continue;
    }
    const started = performance.now();
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    let files: string[];
    if (recipe.kind === 'layers-model') {
      const model = await recipe.build(pkg);
      try {
        files = await writeLayersModel(model, dir);
      } finally {
        model.dispose();
      }
    } else {
      files = [];
      for (const source of recipe.files) {
        const from = path.join(pkg.dir, source);
        if (!existsSync(from)) throw new Error(`prepare-weights: ${pkg.name} ${pkg.version} has no ${source} (needed for ${recipe.name})`);
        await copyFile(from, path.join(dir, path.basename(source)));
        files.push(path.basename(source));
      }
    }
    const entries = await Promise.all(files.map((f) => entryOf(dir, f)));
    const manifest: WeightsManifest = {
      name: recipe.name,
      title: recipe.title,
      format: recipe.kind === 'layers-model' ? 'layers-model' : recipe.format,
      ...(recipe.kind === 'layers-model' ? { backbone: recipe.backbone, covers: recipe.covers } : {}),
      source: { package: pkg.name, version: pkg.version, license: pkg.license, files: recipe.files, origin: recipe.origin },
      inputSize: recipe.inputSize,
      preprocessing: recipe.preprocessing,
      files: entries,
      recipe: RECIPE,
    };
    // The manifest goes last: a folder with a manifest is complete.
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const bytes = entries.reduce((n, e) => n + e.bytes, 0);
    results.push({ name: recipe.name, status: 'written', bytes, files: entries.length });
    log(`  ${recipe.name}: ${entries.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  return results;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  tf.enableProdMode(); // also mutes tfjs' "install our node backend" banner at install
  await tf.setBackend('cpu');
  const outDir = flag('--out') ?? DEFAULT_OUT_DIR;
  console.log(`prepare-weights: writing pretrained weights into ${path.relative(process.cwd(), outDir) || outDir}`);
  const results = await prepareWeights({ outDir, only: flag('--only')?.split(','), log: (l) => console.log(l) });
  const fresh = results.filter((r) => r.status === 'up to date').map((r) => r.name);
  if (fresh.length > 0) console.log(`  up to date: ${fresh.join(', ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error((e as Error).message ?? e);
    process.exit(1);
  });
}
