import type * as tf from '@tensorflow/tfjs';
import { expose, transfer } from 'comlink';
import { zipSync } from 'fflate';
import type { PytorchRecipe } from '../engine/export/pytorch';
import { destroyDevice, memoryInfo, restartBackend, selectBackend, servedOrtWasmPath, type SelectBackendOptions } from '../engine/backend';
import {
  addedImagePath,
  bitmapDecoder,
  bitmapPixels,
  blobFiles,
  blobSource,
  folderArchive,
  openZip,
  overlayArchive,
  scanDataset,
  thumbnailBlob,
  type Archive,
  type DatasetIndex,
  type DatasetItem,
  type DatasetReport,
  type FaceCropSpec,
  type ImageDecoder,
  type LayoutName,
  type ScanProgress,
} from '../engine/data';
import {
  applyFreezeOps,
  buildModel,
  fetchSource,
  hasBundledWeights,
  importTorchvision,
  importedWeightsInfo,
  listBackbones,
  loadPretrained,
  loadSavedModel,
  modelConfigOf,
  moduleTree,
  PRESET_NAMES,
  RANDOM_INIT,
  saveModel,
  savedModelMeta,
  summarize,
  type FreezeOp,
  type LoadProgress,
  type ModelConfig,
  type ModuleNode,
  type SaveModelInfo,
  type SavedModelFiles,
  type WeightsInfo,
} from '../engine/models';
import { TASKS, type Prediction, type TaskContext, type TaskName } from '../engine/tasks';
import {
  cropFaces,
  decodeOutputs,
  fitBatchSizeToDevice,
  idbFeatureStore,
  idbRunStore,
  imageOutputs,
  interpret,
  lrFind,
  LR_FIND_DEFAULTS,
  memoryFeatureStore,
  planTraining,
  predictArchive,
  predictImage,
  runTraining,
  showBatch,
  spillingFeatureStore,
  tfjsTrunkRunner,
  trainingSplits,
  type ImageOutputs,
  type Interpretation,
  type PredictedFile,
  type RunningTraining,
  type TtaName,
} from '../engine/train';
import type { Checkpoint, LrFindResult, LrPoint, Report, ShownImage, ReportData, TrainConfig, TrainingChoices, TrainListener } from '../engine/train';
import { onnxWebTrunkRunner } from '../engine/train/onnxWebTrunk';
import { withFallback } from '../engine/train/trunkFallback';
import type { TrunkEngineChoice, TrunkRunnerFactory } from '../engine/train/trunkRunner';
import { webTrunkEngine } from '../engine/train/webTrunkEngine';
import { lazyFaceDetector } from './lazyFaceDetector';

/**
 * What the learning-rate finder tells the page as it sweeps: the train images' face crops found first (a model that
 * takes them), the feature cache built, then each step.
 */
export type LrFindEvent =
  | { type: 'faces'; done: number; total: number }
  | { type: 'cache'; done: number; total: number }
  | { type: 'point'; point: LrPoint; index: number; total: number };

/** One image's prediction and, for a model that takes face crops, the square it saw (pixels of the image). */
export type PredictedImage = Prediction & { crop?: ImageOutputs['crop'] };

/** An image added to the open dataset (a camera capture): its path in the dataset and its encoded bytes. */
export interface AddedImage {
  path: string;
  blob: Blob;
}

/**
 * What the user gave: a zip (dropped, picked or a fetched sample) or a dropped folder's files, and the images
 * added to it since (camera captures), which a scan reads as if the zip held them.
 */
export type DatasetSource = (
  | { kind: 'zip'; name: string; blob: Blob }
  | { kind: 'folder'; name: string; files: { path: string; blob: Blob }[] }
) & { added?: AddedImage[] };

/** A checkpoint as the page shows it after a reload: the finished epochs and the Report, no weights. */
export type CheckpointSummary = Omit<Checkpoint, 'weights' | 'optimizer' | 'best'> & { best?: Omit<NonNullable<Checkpoint['best']>, 'weights'> };

/** The open dataset: its archive, opened once (here), and what its scan kept, by split and by path. */
interface OpenDataset {
  /** The zip or folder as given. */
  base: Archive;
  /** Images added to it (camera captures), by path. */
  added: Map<string, Uint8Array>;
  /** `base` with `added` over it: what was scanned, and what training reads. */
  archive: Archive;
  index: DatasetIndex;
  bySplit: Map<string, DatasetItem[]>;
  byPath: Map<string, DatasetItem>;
}

/** The model as the UI sees it: its module tree and Keras-summary totals, plain data. */
export interface ModelView {
  tree: ModuleNode;
  total: number;
  trainable: number;
  nonTrainable: number;
  /** Pretrained (and from where) or random init: the tree's badge. */
  weights: WeightsInfo;
}

/** Feature-cache bytes kept in the worker's memory before the rest spills to IndexedDB. */
const FEATURE_MEMORY_BYTES = 512 * 1024 ** 2;

/** Scan progress is sent at most this often (messages, not images). */
const PROGRESS_EVERY_MS = 100;

let model: tf.LayersModel | null = null;
/** The dataset last opened, while it is read and after; a run trains on the one open when it starts. */
let dataset: Promise<OpenDataset> | null = null;
let weights: WeightsInfo = RANDOM_INIT;
/** What the model was trained for (by a run here, or in the saved project it came from): a download says it. */
let trained: SaveModelInfo | null = null;
let training: RunningTraining | null = null;
/** The learning-rate sweep going on: `cancel` ends it at its next step. */
let sweep: { cancelled: boolean } | null = null;
/** The Report of the last run, once it is over (`report`). */
let finished: Report | null = null;
/** The last run's checkpoints and trained model, in IndexedDB: written here, read back after a reload. */
const runStore = idbRunStore();
/** How the backend was chosen (`init`): a restart after a lost GPU device asks the same. */
let backendOptions: SelectBackendOptions = { preference: 'auto' };
type E2eHooks = typeof import('./e2eHooks');
/** e2e builds only (faults, stalls: see e2eHooks.ts); null, and left out of the bundle, in every other build. */
const e2e: Promise<E2eHooks> | null = import.meta.env.MODE === 'e2e' ? import('./e2eHooks') : null;

/** e2e builds only: e2eHooks' calls on the worker's api, each once that module is in. */
function e2eCalls(hooks: Promise<E2eHooks>) {
  return {
    /** The next run holds at `batch` (0-based) of `epoch` until `release` (to act there). */
    stallAt: async (epoch: number, batch: number) => (await hooks).stallAt(epoch, batch),
    /** Whether the run is held at the stall. */
    stalled: async () => (await hooks).stalled(),
    /** Lets a held run go on. */
    release: async () => (await hooks).release(),
    /** The next `point` call throws inside the worker, to show how faults surface; 'device-lost' loses the GPU now. */
    injectFault: async (point: Parameters<E2eHooks['injectFault']>[0]) => (await hooks).injectFault(point, destroyDevice),
    /** Dataset archives opened and entries read from them so far (the large e2e: the zip is opened once). */
    zipStats: async () => (await hooks).zipStats(),
  };
}

/** `public/weights`, as the studio serves it. */
const bundled = fetchSource('/weights/');
/** BlazeFace, loaded the first time a model that takes face crops needs it. */
const faceDetector = lazyFaceDetector(bundled);
/**
 * The face crops made in this session for one open dataset and one spec, by path: a run's splits (its
 * `TrainingOutcome.splits`), a sweep's train split, the test split scored. Each image goes through BlazeFace once;
 * a run crops its own splits again (runTraining crops from the index), and what it cut replaces what was here.
 */
let crops: { open: OpenDataset; spec: FaceCropSpec; byPath: Map<string, DatasetItem> } | null = null;

function cropsFor(open: OpenDataset, spec: FaceCropSpec): Map<string, DatasetItem> {
  if (crops?.open !== open || crops.spec.scale !== spec.scale || crops.spec.shift !== spec.shift) crops = { open, spec, byPath: new Map() };
  return crops.byPath;
}

/** `items` of `open` moved into their face crops (`spec`): those cut before are reused, the rest go through BlazeFace. */
async function croppedItems(
  open: OpenDataset,
  items: DatasetItem[],
  spec: FaceCropSpec,
  options: { onProgress?: (done: number, total: number) => void; cancelled?: () => boolean } = {},
): Promise<DatasetItem[]> {
  const known = cropsFor(open, spec);
  const missing = items.filter((item) => !known.has(item.path));
  if (missing.length > 0) {
    const { items: cut } = await cropFaces(missing, { archive: open.archive, decoder: bitmapDecoder, detector: await faceDetector.get(), spec, ...options });
    for (const item of cut) known.set(item.path, item);
  }
  // A cancelled pass leaves some uncut: the sweep that asked for them is ending.
  return items.map((item) => known.get(item.path) ?? item);
}

/**
 * The face crop the current model takes: its run's when it was trained (here, or in the saved project `loadTrained`
 * brought back), else the config it was built from.
 */
function currentFaceCrop(): FaceCropSpec | undefined {
  if (trained) return trained.model.faceCrop;
  return model ? modelConfigOf(model)?.faceCrop : undefined;
}

/** What predicting with the current model needs for its face crop: the spec and BlazeFace, or `null` (whole images). */
async function faceCropOptions(): Promise<{ faceCrop: FaceCropSpec | null; faceDetector?: Awaited<ReturnType<typeof faceDetector.get>> }> {
  const faceCrop = currentFaceCrop();
  return faceCrop ? { faceCrop, faceDetector: await faceDetector.get() } : { faceCrop: null };
}

function current(): tf.LayersModel {
  if (!model) throw new Error('no model built yet');
  return model;
}

function view(m: tf.LayersModel): ModelView {
  const { total, trainable, nonTrainable } = summarize(m);
  return { tree: moduleTree(m), total, trainable, nonTrainable, weights };
}

function setModel(next: tf.LayersModel | null): void {
  model?.dispose();
  model = next;
  trained = null;
}

function openSource(source: DatasetSource): Promise<Archive> | Archive {
  return source.kind === 'zip' ? openZip(source.name, blobSource(source.blob)) : folderArchive(source.name, blobFiles(source.files));
}

/**
 * Opens `source` and scans it: detects its layout (or reads it as `layout`), decodes every image once with
 * createImageBitmap (entries inflated one at a time) and keeps the index.
 */
async function readDataset(source: DatasetSource, layout?: LayoutName, onProgress?: (p: ScanProgress) => void): Promise<OpenDataset> {
  const opened = await openSource(source);
  const base = (await e2e)?.counted(opened) ?? opened;
  const added = new Map(await Promise.all((source.added ?? []).map(async (a) => [a.path, new Uint8Array(await a.blob.arrayBuffer())] as const)));
  return scanOpened(base, added, layout, onProgress);
}

/** Scans `base` with `added` over it (see `readDataset`). */
async function scanOpened(
  base: Archive,
  added: Map<string, Uint8Array>,
  layout?: LayoutName,
  onProgress?: (p: ScanProgress) => void,
): Promise<OpenDataset> {
  const archive = added.size ? overlayArchive(base, added) : base;
  let last = 0;
  const index = await scanDataset(archive, {
    decoder: bitmapDecoder,
    layout,
    onProgress(p) {
      const now = performance.now();
      if (p.done === p.total || now - last >= PROGRESS_EVERY_MS) {
        last = now;
        onProgress?.(p);
      }
    },
  });
  const bySplit = new Map<string, DatasetItem[]>();
  for (const item of index.items) {
    const split = bySplit.get(item.split);
    if (split) split.push(item);
    else bySplit.set(item.split, [item]);
  }
  return { base, added, archive, index, bySplit, byPath: new Map(index.items.map((i) => [i.path, i])) };
}

/** `open` scanned again with `added` over its zip, as the same layout; it becomes the open dataset. */
async function rescan(open: OpenDataset, added: Map<string, Uint8Array>): Promise<DatasetReport> {
  const reading = scanOpened(open.base, added, open.index.report.layout ?? undefined);
  // Should the scan fail, the dataset stays as it was.
  dataset = reading.catch(() => open);
  return (await reading).index.report;
}

/**
 * This worker's start time and the images it added so far: each added image gets a name no other had, even
 * beside those a restarted worker read again.
 */
const SESSION = Date.now().toString(36);
let addedCount = 0;
/** The last edit of the open dataset: edits wait for the one before, so none is based on a stale scan. */
let editing: Promise<unknown> = Promise.resolve();

/** Runs `edit` on the open dataset once every earlier edit is done. */
function editDataset<T>(edit: (open: OpenDataset) => Promise<T>): Promise<T> {
  const run = editing.then(async () => edit(await openedDataset()));
  editing = run.catch(() => undefined);
  return run;
}

/** The dataset open now (once read); throws when none was opened. */
function openedDataset(): Promise<OpenDataset> {
  if (!dataset) throw new Error('no dataset open');
  return dataset;
}

/**
 * Builds the model; a backbone with bundled weights loads them (unless `config.weights` is 'random'), with
 * `onProgress` called as bytes arrive. Weights that cannot be loaded leave random init, said in `weights`.
 */
async function build(config: ModelConfig, onProgress?: (p: LoadProgress) => void): Promise<tf.LayersModel> {
  setModel(null);
  const built = buildModel(config);
  weights = RANDOM_INIT;
  if ((config.weights ?? 'pretrained') === 'pretrained' && hasBundledWeights(config.backbone)) {
    try {
      weights = await loadPretrained(built, bundled, { onProgress });
    } catch (e) {
      weights = { ...RANDOM_INIT, problem: (e as Error).message };
    }
  }
  model = built;
  return built;
}

/** The trained model's files, their buffers handed over rather than copied. */
async function savedFiles(): Promise<SavedModelFiles> {
  if (!trained) throw new Error('the model has not been trained yet');
  return saveModel(current(), trained);
}

const message = (e: unknown) => (e as Error)?.message ?? String(e);

/** onnxruntime-web's glue module and binary, as the app serves them (vite.config.ts's ortWasm plugin). */
const ORT_WASM_PATH = servedOrtWasmPath(import.meta.env.BASE_URL, self.location.href);

/**
 * The frozen trunk's runner for a run's feature cache (`webTrunkEngine`): none where tfjs keeps it (today's path),
 * else onnxruntime-web (threads only where the worker is cross-origin isolated, hence can share memory), falling
 * back to tfjs with the reason when it cannot start. `tell` hears who runs the trunk, and why.
 */
function trunkRunnerFor(choice: TrunkEngineChoice, config: TrainConfig, tell: TrainListener): TrunkRunnerFactory | undefined {
  const backend = memoryInfo().backend;
  const tfjs = (why: string) => tell({ type: 'trunk', engine: 'tfjs', label: `tfjs ${backend}`, why });
  if (!config.featureCache || config.augment) {
    tfjs('no feature cache in this run: tfjs runs the frozen trunk with each batch');
    return undefined;
  }
  const { engine, why } = webTrunkEngine(choice, config.model.backbone, backend);
  if (engine === 'tfjs') {
    tfjs(why);
    return undefined;
  }
  const threads = crossOriginIsolated ? Math.max(1, navigator.hardwareConcurrency || 1) : 1;
  let failed: string | null = null;
  const factory = withFallback(onnxWebTrunkRunner({ wasmPath: ORT_WASM_PATH, threads }), tfjsTrunkRunner, (reason) => (failed = reason));
  return async (prefix) => {
    const runner = await factory(prefix);
    tell({ type: 'trunk', engine: runner.engine, label: runner.label, why: failed === null ? why : `onnxruntime-web did not start: ${failed}` });
    return runner;
  };
}

/** Every finished epoch's checkpoint into IndexedDB, before the run goes on; storage trouble is a notice, not a failure. */
function keepCheckpoints(notice: (message: string) => void) {
  return async (checkpoint: Checkpoint): Promise<void> => {
    try {
      const { prunedForSpace: pruned } = await runStore.saveCheckpoint(checkpoint);
      if (pruned.length) {
        notice(`Storage is short: pruned the checkpoint${pruned.length > 1 ? 's' : ''} of epoch ${pruned.join(', ')} to save epoch ${checkpoint.epoch}'s.`);
      }
    } catch (e) {
      notice(message(e));
    }
  };
}

/** The trained model into IndexedDB, in place of the run's checkpoints; storage trouble is a notice. */
async function keepTrained(notice: (message: string) => void): Promise<void> {
  try {
    await runStore.saveModel(await savedFiles());
    await runStore.clearCheckpoints();
  } catch (e) {
    notice(`Could not save the trained model (${message(e)}): a reload will not bring it back.`);
  }
}

const api = {
  /** Picks and starts the tfjs backend; call once, first. */
  init(options: SelectBackendOptions) {
    backendOptions = options;
    return selectBackend(options);
  },
  /** Backbones and presets on offer. */
  catalog: () => ({ backbones: listBackbones(), presets: [...PRESET_NAMES] }),
  /** Builds the model with its pretrained weights (see `build`). */
  async buildModel(config: ModelConfig, onProgress?: (p: LoadProgress) => void): Promise<ModelView> {
    return view(await build(config, onProgress));
  },
  /** Sets the model's weights from a torchvision-named `.safetensors` state dict (transfer the buffer). */
  importSafetensors(buffer: ArrayBuffer, sourceName: string): ModelView {
    const report = importTorchvision(current(), buffer);
    weights = importedWeightsInfo(report, sourceName);
    return view(current());
  },
  freeze: (path: string) => api.applyFreezeOps([{ op: 'freeze', path }]),
  unfreeze: (path: string) => api.applyFreezeOps([{ op: 'unfreeze', path }]),
  applyFreezeOps(ops: FreezeOp[]): ModelView {
    applyFreezeOps(current(), ops);
    return view(current());
  },

  /**
   * Reads a dataset (see `readDataset`) and keeps it here, for the grid and for training; resolves with its
   * report. The items stay in the worker: the page asks for the few it shows (`items`, `itemsAt`).
   */
  async openDataset(source: DatasetSource, layout?: LayoutName, onProgress?: (p: ScanProgress) => void): Promise<DatasetReport> {
    const reading = readDataset(source, layout, onProgress);
    dataset = reading;
    return (await reading).index.report;
  },
  /**
   * Adds encoded images (camera captures) to class `className` of the open image-folder dataset, as training
   * images (see `addedImagePath`), and scans it again; resolves with the new report and the images' paths.
   */
  addImages: (className: string, images: Blob[]) =>
    editDataset(async (open) => {
      const added = images.map((blob) => ({ path: addedImagePath(open.index, className, `webcam-${SESSION}-${++addedCount}.jpg`), blob }));
      const next = new Map(open.added);
      for (const a of added) next.set(a.path, new Uint8Array(await a.blob.arrayBuffer()));
      return { report: await rescan(open, next), added };
    }),
  /** Takes images added with `addImages` out of the open dataset again (undo) and scans it again. */
  removeImages: (paths: string[]) =>
    editDataset((open) => {
      const next = new Map(open.added);
      for (const p of paths) next.delete(p);
      return rescan(open, next);
    }),
  /** `count` items of `split` from `offset` on, in the index's order: a page of the grid. */
  async items(split: string, offset: number, count: number): Promise<DatasetItem[]> {
    return ((await openedDataset()).bySplit.get(split) ?? []).slice(offset, offset + count);
  },
  /** The open dataset's items at `paths` (null where it has none). */
  async itemsAt(paths: string[]): Promise<(DatasetItem | null)[]> {
    const { byPath } = await openedDataset();
    return paths.map((p) => byPath.get(p) ?? null);
  },
  /** The first item whose file is called `fileName` (in any folder), or null: the label of a predicted image. */
  async itemNamed(fileName: string): Promise<DatasetItem | null> {
    const { index } = await openedDataset();
    return index.items.find((i) => i.path.slice(i.path.lastIndexOf('/') + 1) === fileName) ?? null;
  },
  /** Small JPEGs of the open dataset's images, longest side `side`; null for an image that does not decode. */
  async thumbnails(paths: string[], side: number): Promise<(Blob | null)[]> {
    const { archive } = await openedDataset();
    return Promise.all(paths.map(async (p) => thumbnailBlob(await archive.read(p), side).catch(() => null)));
  },
  /** Images per second through the whole path (inflate + decode + resize to `size`), for the ingestion bench. */
  async ingest(blob: Blob, size: number): Promise<{ images: number; seconds: number }> {
    const zip = await openZip('bench.zip', blobSource(blob));
    const index = await scanDataset(zip);
    const start = performance.now();
    for (const item of index.items) await bitmapDecoder(await zip.read(item.path), { width: size, height: size });
    return { images: index.items.length, seconds: (performance.now() - start) / 1000 };
  },

  /** The run's config for the open dataset and the user's choices (`planTraining`): task, head, the proposed recipe. */
  async plan(choices: TrainingChoices): Promise<TrainConfig> {
    const { index } = await openedDataset();
    return planTraining(index.report, choices, trainingSplits(index).train.length);
  },
  /** What the studio proposes for the open dataset (`plan` with the user's edits left out) and the train split's size. */
  async proposal(choices: TrainingChoices): Promise<{ planned: TrainConfig; trainImages: number }> {
    const { index } = await openedDataset();
    const trainImages = trainingSplits(index).train.length;
    return { planned: planTraining(index.report, choices, trainImages), trainImages };
  },
  /**
   * Trains the model the tree shows on the open dataset (`runTraining`: its train and val splits, then its test
   * split once), events to `onEvent`; resolves when the run ends (the model then holds its best epoch's
   * weights). Pause, resume and stop act while this runs. Every finished epoch's checkpoint goes into IndexedDB,
   * and the trained model when the run ends (`lastCheckpoint`, `loadTrained` read them back); with `resume`, the
   * run goes on from the last checkpoint saved there. A lost GPU device restarts the backend and the run goes on
   * from its last checkpoint. `trunkEngine` picks who fills the feature cache (`trunkRunnerFor`).
   */
  async train(
    config: TrainConfig,
    onEvent: TrainListener,
    { resume = false, trunkEngine = 'auto' }: { resume?: boolean; trunkEngine?: TrunkEngineChoice } = {},
  ): Promise<void> {
    // A new run forgets the last one's checkpoints and model; storage trouble shows at the first checkpoint.
    if (!resume) await runStore.clear().catch(() => undefined);
    const checkpoint = resume ? ((await runStore.loadCheckpoint()) ?? undefined) : undefined;
    if (resume && !checkpoint) throw new Error('the checkpoint to resume from is gone (site data cleared?)');
    const open = await openedDataset();
    const { archive, index } = open;
    const featureStore = spillingFeatureStore(memoryFeatureStore(), FEATURE_MEMORY_BYTES, () => idbFeatureStore());
    trained = null;
    // Events travel on the listener's own port, which is not ordered with this call's reply: awaiting the
    // last event's delivery before returning means the page has every event when `train` resolves.
    let delivered: unknown = undefined;
    const forward: TrainListener = (e) => void (delivered = onEvent(e));
    const notice = (message: string) => forward({ type: 'notice', message });
    finished = null;
    training = runTraining({
      config,
      dataset: { archive, index, decoder: bitmapDecoder },
      model: current(),
      rebuild: () => build(config.model),
      restartBackend: () => {
        // BlazeFace's weights lived on the lost backend: the next crop loads it again.
        faceDetector.forget();
        return restartBackend(backendOptions);
      },
      onEvent: forward,
      featureStore,
      hooks: (await e2e)?.hooks ?? [],
      resume: checkpoint,
      onCheckpoint: keepCheckpoints(notice),
      trunkRunner: trunkRunnerFor(trunkEngine, config, forward),
      ...(config.model.faceCrop && { faceDetector: await faceDetector.get() }),
    });
    try {
      const outcome = await training.done;
      trained = outcome.info;
      if (outcome.faceCrop && config.model.faceCrop) {
        const known = cropsFor(open, config.model.faceCrop);
        for (const item of [...outcome.splits.train, ...outcome.splits.val, ...outcome.splits.test]) known.set(item.path, item);
      }
    } finally {
      // The run's Report stays readable (`report`) once it is over.
      finished = training?.report ?? null;
      training = null;
      await delivered;
    }
    await keepTrained(notice);
    await delivered;
  },
  /**
   * fastai's learning-rate finder (`lrFind`) on the model the tree shows and the open dataset's train split, with
   * `config` as `plan` made it (the batch size lowered to what the device binds, as a run would); the model keeps
   * its weights. Events to `onEvent`; `cancelLrFind` ends it early (its points so far, `ended: 'cancelled'`).
   */
  async lrFind(config: TrainConfig, onEvent: (e: LrFindEvent) => void): Promise<LrFindResult> {
    if (training) throw new Error('a run is training: find the learning rate before or after it');
    const open = await openedDataset();
    const model = current();
    const { batchSize } = fitBatchSizeToDevice(model, config.batchSize);
    const { steps } = LR_FIND_DEFAULTS;
    const run = (sweep = { cancelled: false });
    try {
      // The sweep sees what a run would: each image's face crop when the model takes them.
      const whole = trainingSplits(open.index).train;
      const spec = config.model.faceCrop;
      const onProgress = (done: number, total: number) => onEvent({ type: 'faces', done, total });
      const train = spec ? await croppedItems(open, whole, spec, { onProgress, cancelled: () => run.cancelled }) : whole;
      return await lrFind(
        model,
        { archive: open.archive, decoder: bitmapDecoder, splits: { train, val: [] } },
        { ...config, batchSize },
        {
          steps,
          cancelled: () => run.cancelled,
          onCacheProgress: (done, total) => onEvent({ type: 'cache', done, total }),
          onPoint: (point, i) => onEvent({ type: 'point', point, index: i, total: steps }),
        },
      );
    } finally {
      if (sweep === run) sweep = null;
    }
  },
  /** Ends the learning-rate sweep going on, if any, before its next step. */
  cancelLrFind(): void {
    if (sweep) sweep.cancelled = true;
  },
  /**
   * fastai's `show_batch`: batch `step` of the run `config` plans, as its first epoch will see it (shuffle and
   * augmentation), as `side`-pixel RGBA thumbnails with the keypoints drawn in (their buffers handed over).
   */
  async showBatch(config: TrainConfig, step: number, side: number): Promise<ShownImage[]> {
    const { archive, index } = await openedDataset();
    const { batchSize } = model ? fitBatchSizeToDevice(model, config.batchSize) : config;
    const spec = config.model.faceCrop;
    const faceCrop = spec && { spec, detector: await faceDetector.get() };
    const shown = await showBatch(archive, bitmapDecoder, trainingSplits(index).train, { batchSize, seed: config.seed, augment: config.augment, step, side, faceCrop });
    return transfer(shown, shown.map((s) => s.rgba.buffer as ArrayBuffer));
  },
  /** The newest checkpoint saved in IndexedDB, without its weights; null when there is none. */
  async lastCheckpoint(): Promise<CheckpointSummary | null> {
    const checkpoint = await runStore.loadCheckpoint();
    if (!checkpoint) return null;
    const { weights: _w, optimizer: _o, best, ...rest } = checkpoint;
    if (!best) return rest;
    const { weights: _b, ...bestRest } = best;
    return { ...rest, best: bestRest };
  },
  /** The Report of the run going on, or of the last one, as `Report.toJSON()`: what a saved project keeps. */
  report: (): ReportData | null => (training?.report ?? finished)?.toJSON() ?? null,
  pause: () => training?.pause(),
  resume: () => training?.resume(),
  stop: () => training?.stop(),

  /** One camera frame (transferred, closed here) → the task's prediction with the current model. */
  async predictFrame(frame: ImageBitmap, task: TaskName, ctx: TaskContext): Promise<Prediction> {
    try {
      // The frame is already decoded: the decoder predictImage asks for resizes it and ignores the (empty) bytes.
      const decoder: ImageDecoder = async (_bytes, options) => bitmapPixels(frame, options);
      return await predictImage(current(), TASKS[task], ctx, new Uint8Array(0), decoder, await faceCropOptions());
    } finally {
      frame.close();
    }
  },
  /** One image (its file's bytes, transferred) → the task's prediction with the current model, and its face crop if it takes one. */
  async predict(bytes: ArrayBuffer, task: TaskName, ctx: TaskContext, options: { tta?: TtaName } = {}): Promise<PredictedImage> {
    (await e2e)?.faultAt('predict');
    const scored = await imageOutputs(current(), TASKS[task], ctx, new Uint8Array(bytes), bitmapDecoder, { ...options, ...(await faceCropOptions()) });
    return { ...decodeOutputs(TASKS[task], ctx, scored), ...(scored.crop && { crop: scored.crop }) };
  },
  /**
   * The current model on the open dataset's test split (`interpret`, the run's splits): its metrics and confusion
   * matrix, and every image's loss, truth and prediction, worst first.
   */
  async interpretTest(
    task: TaskName,
    ctx: TaskContext,
    options: { tta?: TtaName; batchSize?: number },
    onProgress?: (done: number, total: number) => void,
  ): Promise<Interpretation> {
    const open = await openedDataset();
    const { archive, index } = open;
    const whole = trainingSplits(index).test;
    if (whole.length === 0) {
      throw new Error(`${index.report.name} has no test split (its splits: ${Object.keys(index.report.splits).join(', ') || 'none'})`);
    }
    // A model that takes face crops is scored on them: the run's own when it ran in this session, else cut now.
    const spec = currentFaceCrop();
    const items = spec ? await croppedItems(open, whole, spec, { onProgress }) : whole;
    return interpret(current(), TASKS[task], ctx, archive, items, { decoder: bitmapDecoder, ...options, onProgress });
  },
  /** Every image of a zip or of picked files → one row each, a bad image's row saying why (`predictArchive`). */
  async predictBatch(
    source: DatasetSource,
    task: TaskName,
    ctx: TaskContext,
    options: { tta?: TtaName },
    onProgress?: (done: number, total: number) => void,
  ): Promise<PredictedFile[]> {
    const archive = await openSource(source);
    return predictArchive(current(), TASKS[task], ctx, archive, { decoder: bitmapDecoder, ...options, onProgress, ...(await faceCropOptions()) });
  },
  /** The trained model's files (model.json, weights.bin, studio.json) as one zip, for "Download model". */
  async exportZip(): Promise<Uint8Array> {
    const zip = zipSync(await savedFiles());
    return transfer(zip, [zip.buffer as ArrayBuffer]);
  },
  /**
   * The trained model as one ONNX file (opset 13, NCHW input, dynamic batch, preprocessing and labels in its
   * metadata), for "Download as ONNX". The exporter (and its protobuf library) loads on the first call.
   */
  async exportOnnx(): Promise<Uint8Array> {
    if (!trained) throw new Error('the model has not been trained yet');
    const { toOnnx } = await import('../engine/export/onnx/toOnnx');
    const bytes = toOnnx(current(), savedModelMeta(current(), trained));
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
  /**
   * The trained model as a PyTorch project (model.py, weights.safetensors, train.py, studio.json, recipe.json with
   * `recipe`, requirements.txt, README) zipped under `folder/`, for "Export to PyTorch": the files
   * `export --format pytorch` writes. The exporter loads on the first call.
   */
  async exportPytorch(folder: string, recipe: PytorchRecipe): Promise<Uint8Array> {
    if (!trained) throw new Error('the model has not been trained yet');
    const { pytorchProject } = await import('../engine/export/pytorch');
    const files = pytorchProject(current(), savedModelMeta(current(), trained), recipe);
    const zip = zipSync(Object.fromEntries(Object.entries(files).map(([name, bytes]) => [`${folder}/${name}`, bytes])));
    return transfer(zip, [zip.buffer as ArrayBuffer]);
  },
  /**
   * Rebuilds the last run's trained model from its files in IndexedDB; it becomes the model the tree shows.
   * Null when no run saved one (the model is then left as it was).
   */
  async loadTrained(): Promise<ModelView | null> {
    const files = await runStore.loadModel();
    if (!files) return null;
    const loaded = await loadSavedModel(files);
    setModel(loaded.model);
    const { model: config, task, ctx, metrics, created } = loaded.meta;
    weights = { pretrained: true, source: `trained here (${created.slice(0, 16).replace('T', ' ')})` };
    trained = { model: config, task, ctx, metrics, created };
    return view(loaded.model);
  },
  /** tfjs' memory figures now (callable beside a running `train`, through `TrainerWorkerClient.now`). */
  memory: () => memoryInfo(),
  ...(e2e ? e2eCalls(e2e) : {}),
};

export type TrainerWorkerApi = typeof api;

expose(api);
