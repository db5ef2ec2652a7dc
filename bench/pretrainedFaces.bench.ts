/**
 * `npm run bench -- pretrainedFaces`: what networks trained for the task itself reach on the same held-out images
 * as the studio's recipes, for the README's "what limits it" (issue 13). Both ship with the studio (public/weights,
 * from @vladmandic/face-api): face-api's AgeGenderNet on age-gender.zip's val split (its images are face crops),
 * and the Landmarks step (BlazeFace's box, then face-api's FaceLandmark68Net) on facial-keypoints.zip's test split.
 * Neither is one of the studio's trunks; they bound what a trunk pretrained on faces' geometry and age could give.
 * face-api's age net was trained on UTKFace among others, so its age-gender figure may include images it saw.
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { useBackend } from '../src/cli/node/nodeBackends';
import { openDataset } from '../src/cli/node/openDataset';
import { sharpDecoder } from '../src/cli/node/sharpDecoder';
import { scanDataset } from '../src/engine/data';
import { nme as nmeOf } from '../src/engine/tasks';
import { trainingSplits } from '../src/engine/train';
import { createLandmarker, readFaceApiWeights, type LandmarkFace } from '../src/engine/landmarks';
import { fileWeightSource } from '../src/cli/fileWeightSource';
import { nodeLandmarkLibs } from '../src/cli/landmarkLibs';
import type { Row } from './ingest.bench';

const require = createRequire(import.meta.url);
const DATASETS = fileURLToPath(new URL('../../shared/datasets/', import.meta.url));

interface AgeGenderNet {
  loadFromWeightMap(weights: tf.NamedTensorMap): void;
  dispose(): void;
  predictAgeAndGender(input: tf.Tensor3D): Promise<{ age: number; gender: 'male' | 'female'; genderProbability: number }>;
}
/** The face whose box centre is nearest the image centre (the crop's own face when a neighbour's shows too). */
const offCentre = (f: LandmarkFace, image: { width: number; height: number }) =>
  Math.hypot(f.box[0] + f.box[2] / 2 - image.width / 2, f.box[1] + f.box[3] / 2 - image.height / 2);

async function imagesOf(zip: string, split: 'val' | 'test') {
  const { archive, close } = await openDataset(DATASETS + zip);
  const index = await scanDataset(archive, { decoder: sharpDecoder });
  const items = trainingSplits(index)[split];
  const read = async (path: string) => sharpDecoder(await archive.read(path));
  return { items, read, close };
}

export async function run(): Promise<Row[]> {
await useBackend('wasm');
const faceApi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as {
  AgeGenderNet: new () => AgeGenderNet;
};
const rows: Row[] = [];
/** Tensors each loop over the images left behind (the networks' own weights excluded). */
const leaks: number[] = [];

{
  const net = new faceApi.AgeGenderNet();
    net.loadFromWeightMap(await readFaceApiWeights(fileWeightSource(), 'age_gender/age_gender_model-weights_manifest.json'));
  const { items, read, close } = await imagesOf('age-gender.zip', 'val');
  const before = tf.memory().numTensors;
  let ageError = 0;
  let genderRight = 0;
  for (const item of items) {
    const image = await read(item.path);
    const x = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    const { age, gender } = await net.predictAgeAndGender(x);
    x.dispose();
    ageError += Math.abs(age - item.age!);
    genderRight += Number((gender === 'female' ? 1 : 0) === item.gender);
  }
  leaks.push(tf.memory().numTensors - before);
  net.dispose();
  await close();
  rows.push({ network: "face-api's AgeGenderNet", zip: 'age-gender', split: `val (${items.length})`, figure: `age MAE ${(ageError / items.length).toFixed(2)} years, gender ${(genderRight / items.length).toFixed(3)}` });
}
{
  // The Landmarks step's own pipeline: the face box from BlazeFace, then face-api's 68-point net on that box.
  const landmarker = await createLandmarker(nodeLandmarkLibs(), fileWeightSource());
  const { items, read, close } = await imagesOf('facial-keypoints.zip', 'test');
  const before = tf.memory().numTensors;
  let nme = 0;
  let found = 0;
  for (const item of items) {
    const { faces } = await landmarker.detect(await read(item.path), { mode: '2d', fallback: true });
    const central = faces.reduce((a, b) => (offCentre(b, item) < offCentre(a, item) ? b : a));
    if (!central.fallback) found++;
    nme += nmeOf(central.points.flatMap(([px, py]) => [px / item.width, py / item.height]), item.points!, item.width, item.height);
  }
  leaks.push(tf.memory().numTensors - before);
  // Not disposed: Human shares its loaded models between instances, so freeing them is the process's exit.
  await close();
  rows.push({ network: "the Landmarks step: BlazeFace's box, face-api's FaceLandmark68Net", zip: 'facial-keypoints', split: `test (${items.length}, face found in ${found})`, figure: `NME ${(nme / items.length).toFixed(3)}` });
}
if (leaks.some((n) => n !== 0)) console.log(`WARNING: tensors left by the image loops: ${leaks.join(', ')}`);
return rows;
}
