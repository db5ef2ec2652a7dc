/**
 * `npx tsx bench/tune.ts [task...]`: searches each task's recipe (engine `RECIPES`) on the **val** split only.
 * A candidate is a `TrainingChoices` (input size, learning rate, batch size, age-gender's loss weights) on the
 * task's default backbone with its trunk frozen, run as `train --data ZIP` runs it (`planTraining` +
 * `runTraining`, wasm in Node) but with `test: false`: the test split is never evaluated, read or printed.
 *
 * The search goes in stages: a stage's candidates are its changes over the best choices so far, cheapest first,
 * and a candidate replaces the best only when the task's rule says it is better, so ties stay with the cheaper
 * (earlier) one. Every tuned field is set in `base`, so the search does not depend on the recipes it tunes. A
 * candidate whose batch `planTraining` would not propose on this dataset (`batchForDataset`) cannot become a
 * recipe and is skipped. Each zip is scanned once and its candidates share that scan; the feature cache is still
 * built per run (it belongs to the run's model). Prints one row per candidate as it ends, then the best per task;
 * docs/TUNING.md has the last run's figures.
 */
import * as tf from '@tensorflow/tfjs';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../src/cli/node/nodeBackends';
import { openDataset } from '../src/cli/node/openDataset';
import { sharpDecoder } from '../src/cli/node/sharpDecoder';
import { loadWeightsOption } from '../src/cli/weightsOption';
import { restartBackend } from '../src/engine/backend';
import { FACE_CROP, scanDataset, type DatasetIndex } from '../src/engine/data';
import { createFaceDetector, type DetectedFace, type FaceDetector, type RgbImage } from '../src/engine/landmarks';
import { fileWeightSource } from '../src/cli/fileWeightSource';
import { nodeLandmarkLibs } from '../src/cli/landmarkLibs';
import { backboneSpec, buildModel } from '../src/engine/models';
import { TASK_NAMES, type Evaluation, type TaskName } from '../src/engine/tasks';
import { batchForDataset, planTraining, runTraining, trainingSplits, type TrainingChoices, type TrainingDataset } from '../src/engine/train';

/** A candidate's val evaluation at its kept epoch, with that epoch's mean val loss. */
interface Scored {
  val: Evaluation;
  valLoss: number;
}

interface TaskSearch {
  zip: string;
  /** Every tuned field, for the first stage to change. */
  base: TrainingChoices;
  /** Each stage's changes over the best choices so far, cheapest first. */
  stages: TrainingChoices[][];
  /** How the best candidate is picked, as printed. */
  rule: string;
  /** Whether `candidate` replaces `best`, both evaluated on the same val split (`valLoss`: the kept epoch's mean). */
  beats(candidate: Scored, best: Scored): boolean;
}

/** The age-gender pick: lowest age MAE among the candidates that keep gender accuracy at the target. */
const GENDER_FLOOR = 0.8;
const genderOk = (e: Evaluation) => e.metrics.genderAccuracy >= GENDER_FLOOR;

const SEARCHES: Record<TaskName, TaskSearch> = {
  classification: {
    zip: 'cats-dogs.zip',
    base: { inputSize: 320, learningRate: 1e-3, batchSize: 8, epochs: 5 },
    stages: [[{}, { inputSize: 384 }, { inputSize: 448 }], [{ batchSize: 4 }, { learningRate: 3e-4 }]],
    rule: 'highest val accuracy; within one val image of the best is a tie, broken by the lower val loss (BCE)',
    // 60 val images move accuracy in steps of 0.017: most candidates tie on it, and the loss still tells them apart.
    beats: (c, b) => {
      const images = (c.val.metrics.accuracy - b.val.metrics.accuracy) * c.val.n;
      return Math.abs(images) > 1 + 1e-9 ? images > 0 : c.valLoss < b.valLoss;
    },
  },
  keypoints: {
    zip: 'facial-keypoints.zip',
    base: { inputSize: 200, learningRate: 3e-4, batchSize: 4, epochs: 5 },
    stages: [[{}, { batchSize: 8 }, { learningRate: 1e-3 }, { learningRate: 1e-3, batchSize: 8 }], [{ inputSize: 150 }]],
    rule: 'lowest val NME; an equal one stays with the earlier candidate',
    beats: (c, b) => c.val.metrics.nme < b.val.metrics.nme,
  },
  'age-gender': {
    zip: 'age-gender.zip',
    base: { inputSize: 150, learningRate: 3e-4, batchSize: 4, epochs: 5, lossWeights: { age: 3, gender: 1 } },
    stages: [
      [3, 5, 8].flatMap((age) => [3e-4, 1e-3].map((learningRate) => ({ learningRate, lossWeights: { age, gender: 1 } }))),
    ],
    rule: `lowest val age MAE among the candidates with val gender accuracy ≥ ${GENDER_FLOOR} (lowest age MAE of all when none is)`,
    beats: (c, b) => (genderOk(c.val) === genderOk(b.val) ? c.val.metrics.ageMae < b.val.metrics.ageMae : genderOk(c.val)),
  },
};

/**
 * `--fine`: from each task's chosen frozen recipe (the winners above), what issue 13 adds: more epochs on the
 * cached trunk, seeded augmentation (no cache: the trunk runs every step), and fastai's fine_tune (2 head epochs,
 * then the trunk's last blocks at discriminative rates). Same val-only rules.
 */
const FT = (unfreezeFrom: string, epochs = 5) => ({ epochs, fineTune: { freezeEpochs: 2, unfreezeFrom } });
const FINE_SEARCHES: Record<TaskName, TaskSearch> = {
  classification: {
    ...SEARCHES.classification,
    base: { inputSize: 320, learningRate: 1e-3, batchSize: 4, epochs: 5 },
    stages: [[{}, { epochs: 8 }, FT('expanded_conv_12'), FT('expanded_conv_10')], [{ augment: {} }]],
  },
  keypoints: {
    ...SEARCHES.keypoints,
    base: { inputSize: 200, learningRate: 1e-3, batchSize: 4, epochs: 5 },
    stages: [[{}, { epochs: 10 }, FT('conv256_down_out', 8), FT('conv256_1', 8)], [{ augment: {} }]],
  },
  'age-gender': {
    ...SEARCHES['age-gender'],
    base: { inputSize: 150, learningRate: 3e-4, batchSize: 4, epochs: 5, lossWeights: { age: 5, gender: 1 } },
    stages: [[{}, { epochs: 10 }, FT('conv256_down_out', 8), FT('conv256_1', 8)], [{ augment: {} }]],
  },
};

/**
 * `--faces`: the face tasks on face-api's own nets as trunks (face_dense: the 68-point landmark net, face_xception:
 * the age and gender net's trunk), from their 112² input, frozen first and then fine_tuned. Same val-only rules.
 */
const FACE_SEARCHES: Partial<Record<TaskName, TaskSearch>> = {
  keypoints: {
    ...SEARCHES.keypoints,
    base: { backbone: 'face_dense', inputSize: 112, learningRate: 1e-3, batchSize: 4, epochs: 5 },
    stages: [
      [FT('dense0', 8), {}, FT('dense2', 8)],
      [{ inputSize: 160 }, { learningRate: 3e-4 }, { augment: {} }],
      // Toward issue 13's 6 minutes per run (160² with the whole trunk unfrozen ran ~10): a frozen dense0, batch 8, 6 epochs.
      [FT('dense1', 8), { batchSize: 8 }, FT('dense0', 6)],
    ],
  },
  'age-gender': {
    ...SEARCHES['age-gender'],
    base: { backbone: 'face_xception', inputSize: 112, learningRate: 3e-4, batchSize: 4, epochs: 5, lossWeights: { age: 5, gender: 1 } },
    stages: [
      [{}, FT('exit_flow', 8), FT('entry_flow', 8), { backbone: 'face_dense' }],
      [{ learningRate: 1e-3 }, { inputSize: 150 }, { augment: {} }],
    ],
  },
};

/**
 * `--crops`: keypoints (and age-gender) on face crops (the square around BlazeFace's box, data/faceCrop.ts) with face_dense and its own
 * 68-point head, in the domain it was trained on. Same val-only rules.
 */
const CROP_SEARCHES: Partial<Record<TaskName, TaskSearch>> = {
  keypoints: {
    ...SEARCHES.keypoints,
    base: { backbone: 'face_dense', inputSize: 112, faceCrop: FACE_CROP, learningRate: 1e-3, batchSize: 4, epochs: 5 },
    stages: [
      [{}, FT('dense3', 5), FT('dense0', 5)],
      [{ learningRate: 3e-4 }, { epochs: 8 }, { augment: {} }],
    ],
  },
  // UTKFace's images are aligned face crops already: whether BlazeFace's square (tight, or with room for the hair)
  // helps face-api's age and gender trunk over the whole image.
  'age-gender': {
    ...SEARCHES['age-gender'],
    base: { backbone: 'face_xception', inputSize: 112, learningRate: 3e-4, batchSize: 4, epochs: 5, lossWeights: { age: 5, gender: 1 }, faceCrop: FACE_CROP },
    stages: [[{}, { faceCrop: { scale: 1.4, shift: 0 } }]],
  },
};

const DATASETS = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));

interface Row {
  task: TaskName;
  stage: number;
  /** The task's default when empty. */
  backbone: string;
  size: number;
  lr: number;
  batch: number;
  'loss weights': string;
  /** Epochs, fine_tune and augmentation, when not the plain frozen run. */
  schedule: string;
  val: string;
  'best epoch': number;
  seconds: number;
  note: string;
}

interface Candidate extends Scored {
  choices: TrainingChoices;
  row: Row;
}

/** Whether two candidates' tuned fields are the same (a stage's change can land on one already run). */
function sameChoices(a: TrainingChoices, b: TrainingChoices): boolean {
  const fields = (c: TrainingChoices) => [c.backbone, JSON.stringify(c.faceCrop), c.inputSize, c.learningRate, c.batchSize, c.epochs, c.lossWeights?.age, c.lossWeights?.gender, JSON.stringify(c.fineTune), JSON.stringify(c.augment)];
  const fa = fields(a);
  return fields(b).every((v, i) => v === fa[i]);
}

function withChange(best: TrainingChoices, change: TrainingChoices): TrainingChoices {
  return { ...best, ...change, lossWeights: change.lossWeights ?? best.lossWeights };
}

function formatVal(e: Evaluation): string {
  return `${Object.entries(e.metrics).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')} (n=${e.n})`;
}

function rowOf(task: TaskName, stage: number, c: TrainingChoices): Row {
  const weights = c.lossWeights ? Object.entries(c.lossWeights).map(([k, v]) => `${k} ${v}`).join(' : ') : '';
  const schedule = [
    `${c.epochs} epochs`,
    c.fineTune && `fine_tune ${c.fineTune.freezeEpochs} + from ${c.fineTune.unfreezeFrom ?? 'the first layer'}`,
    c.augment && 'augment',
    c.faceCrop && 'face crop',
  ].filter(Boolean).join(', ');
  return { task, stage, backbone: c.backbone ?? '', size: c.inputSize!, lr: c.learningRate!, batch: c.batchSize!, 'loss weights': weights, schedule, val: '', 'best epoch': 0, seconds: 0, note: '' };
}

function printRow(r: Row): void {
  const choice = `${r.task} s${r.stage} ${r.backbone} @${r.size}² lr ${r.lr} batch ${r.batch}${r['loss weights'] ? ` w ${r['loss weights']}` : ''} ${r.schedule}`;
  console.log(`${choice.padEnd(58)} | val ${r.val.padEnd(50)} | epoch ${r['best epoch']} | ${r.seconds.toFixed(1).padStart(6)} s | ${r.note}`);
}

/** One frozen-trunk run of `choices` on the scanned dataset, val only; the model is freed and tensors counted. */
async function runCandidate(dataset: TrainingDataset, choices: TrainingChoices, trainImages: number, row: Row): Promise<Candidate> {
  const start = performance.now();
  const before = tf.memory().numTensors;
  const config = planTraining(dataset.index.report, choices, trainImages);
  if (config.model.freezeOps?.length) throw new Error('a candidate starts from the preset\'s freezing');
  const build = async () => {
    const model = buildModel(config.model);
    if (!(await loadWeightsOption(model, backboneSpec(config.model.backbone), 'pretrained')).pretrained) throw new Error('no pretrained weights');
    return model;
  };
  const { model, ...outcome } = await runTraining({
    config,
    dataset,
    model: await build(),
    rebuild: build,
    restartBackend: () => restartBackend({}),
    test: false,
    ...(config.model.faceCrop && { faceDetector: await sharedFaceDetector() }),
  }).done;
  model.dispose();
  if (outcome.test || Object.keys(outcome.metrics).some((k) => !k.startsWith('val_'))) throw new Error('a test split was evaluated');
  const val = outcome.fit.best;
  if (!val) throw new Error('no val evaluation');
  const leaked = tf.memory().numTensors - before;
  const epoch = outcome.fit.bestEpoch;
  const losses = outcome.fit.report.records('val_loss').filter((r) => r.pos > epoch - 1 && r.pos <= epoch).map((r) => r.value);
  const valLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
  row.val = `${formatVal(val)}, loss ${valLoss.toFixed(4)}`;
  row['best epoch'] = outcome.fit.bestEpoch;
  row.seconds = Math.round((performance.now() - start) / 100) / 10;
  row.note = `cache ${(outcome.fit.cache?.seconds ?? 0).toFixed(1)} s${leaked !== 0 ? `; WARNING: ${leaked > 0 ? '+' : ''}${leaked} tensors after the run` : ''}`;
  return { choices, val, valLoss, row };
}

/** Scans `search.zip` once and runs its stages; resolves to every row and the best candidate. */
async function tune(task: TaskName, search: TaskSearch): Promise<{ rows: Row[]; best: Candidate }> {
  const { archive, close } = await openDataset(DATASETS + search.zip);
  try {
    const index: DatasetIndex = await scanDataset(archive, { decoder: sharpDecoder });
    const splits = trainingSplits(index);
    console.log(
      `\n## ${task} (${search.zip}): train ${splits.train.length}, val ${splits.val.length} ` +
        `(${splits.valFrom === 'zip' ? "the zip's own val split" : 'a seeded 20% of train'}); the test split is not evaluated\n` +
        `rule: ${search.rule}`,
    );
    const dataset: TrainingDataset = { archive, index, decoder: sharpDecoder };
    const rows: Row[] = [];
    const runs: Candidate[] = [];
    let best: Candidate | undefined;
    // TUNE_FROM=<stage>,<json choices>: start at that stage from the given best (a stopped search resumed).
    const resume = process.env.TUNE_FROM?.match(/^(\d+),(.*)$/);
    for (const [s, stage] of search.stages.entries()) {
      if (resume && s + 1 < Number(resume[1])) continue;
      const from = best?.choices ?? (resume ? { ...search.base, ...JSON.parse(resume[2]) } : search.base);
      for (const [i, change] of stage.entries()) {
        // TUNE_PICK=0,2: only those candidates of each stage (to split a stage over processes).
        if (process.env.TUNE_PICK && !process.env.TUNE_PICK.split(',').includes(String(i))) continue;
        const choices = withChange(from, change);
        if (runs.some((r) => sameChoices(r.choices, choices))) continue;
        const row = rowOf(task, s + 1, choices);
        const proposed = batchForDataset(choices.batchSize!, splits.train.length);
        if (proposed !== choices.batchSize) {
          row.note = `skipped: planTraining proposes at most batch ${proposed} on ${splits.train.length} train images`;
          printRow(row);
          rows.push(row);
          continue;
        }
        const run = await runCandidate(dataset, choices, splits.train.length, row);
        runs.push(run);
        if (!best || search.beats(run, best)) {
          best = run;
          row.note += '; best so far';
        }
        printRow(row);
        rows.push(row);
      }
    }
    if (!best) throw new Error(`${task}: no candidate ran`);
    return { rows, best };
  } finally {
    await close();
  }
}

let detector: Promise<FaceDetector> | undefined;
/** One BlazeFace for the whole search, remembering each image's faces: every candidate crops the same images. */
function sharedFaceDetector(): Promise<FaceDetector> {
  detector ??= createFaceDetector(nodeLandmarkLibs(), fileWeightSource()).then((d) => {
    const seen = new Map<string, DetectedFace[]>();
    const key = ({ data, width, height }: RgbImage) => `${width}x${height}:${Array.from({ length: 997 }, (_, i) => data[Math.floor((i * data.length) / 997)]).join(',')}`;
    return {
      async detect(image) {
        const k = key(image);
        if (!seen.has(k)) seen.set(k, await d.detect(image));
        return seen.get(k)!;
      },
    };
  });
  return detector;
}

const fine = process.argv.includes('--fine');
const crops = process.argv.includes('--crops');
const faces = process.argv.includes('--faces');
const asked = process.argv.slice(2).filter((a) => a !== '--fine' && a !== '--faces' && a !== '--crops');
const unknown = asked.filter((t) => !(TASK_NAMES as readonly string[]).includes(t));
if (unknown.length > 0) throw new Error(`unknown task ${unknown.join(', ')}; tasks: ${TASK_NAMES.join(', ')}`);
const tasks = asked.length > 0 ? (asked as TaskName[]) : [...TASK_NAMES];

await useBackend('wasm');
const start = performance.now();
const all: Row[] = [];
const winners: Row[] = [];
for (const task of tasks) {
  const search = crops ? CROP_SEARCHES[task] : faces ? FACE_SEARCHES[task] : (fine ? FINE_SEARCHES : SEARCHES)[task];
  if (!search) throw new Error(`${crops ? '--crops searches keypoints' : '--faces searches keypoints and age-gender'} only, not ${task}`);
  const { rows, best } = await tune(task, search);
  all.push(...rows);
  winners.push({ ...best.row, note: search.rule });
}
console.log('\n## every candidate (val)');
console.table(all);
console.log('\n## best per task (val)');
console.table(winners);
console.log(`total ${((performance.now() - start) / 1000).toFixed(0)} s`);
process.exit(0);
