/**
 * What the studio proposes for each task on each backbone: the best recipe measured on the val splits of the
 * shared datasets, never on their test splits (docs/TUNING.md; `bench/tune.ts` reruns the search), over the
 * book's defaults.
 */
import { FACE_CROP, type FaceCropSpec } from '../data';
import type { BackboneName } from '../models';
import type { TaskName } from '../tasks';
import type { Hyperparameters } from './defaults';

export interface Recipe {
  /** Square input side; the backbone's own when absent. */
  inputSize?: number;
  hyper?: Partial<Hyperparameters>;
  /** Loss weight per output name, over the task's (age-gender: the book's 1 and 1). */
  lossWeights?: Record<string, number>;
  /** Train and predict on the square around BlazeFace's box (data/faceCrop.ts) instead of the whole image. */
  faceCrop?: FaceCropSpec;
}

/**
 * The backbone each task starts from: photos on the COCO MobileNetV3; keypoints on face-api's own 68-point net,
 * on face crops; age and gender on the trunk of face-api's own age and gender net.
 */
export const DEFAULT_BACKBONE: Record<TaskName, BackboneName> = {
  classification: 'mobilenet_v3',
  keypoints: 'face_dense',
  'age-gender': 'face_xception',
};

export const RECIPES: Record<TaskName, Partial<Record<BackboneName, Recipe>>> = {
  // 58/60 val at 320², 384² and 448², the lowest val loss at 320² batch 4; then (bench/tune.ts --fine) fastai's
  // fine_tune from expanded_conv_12 after 2 head epochs: 59/60 and val loss 0.090 against the frozen run's 0.160.
  classification: {
    mobilenet_v3: { inputSize: 320, hyper: { batchSize: 4, epochs: 5, fineTune: { freezeEpochs: 2, unfreezeFrom: 'expanded_conv_12' } } },
  },
  // The head on face_resnet reads conv128_2 too (presets.ts): its 12×12 at 200² beat 8×8 at 150² on val NME 0.127.
  // face_dense on whole frames (bench/tune.ts --faces) needed 160² and its whole trunk unfrozen for 0.111 in ~9
  // minutes. On face crops (bench/tune.ts --crops: the square around BlazeFace's box, where face-api's net was
  // trained) its own 68-point head, frozen trunk, 5 epochs: val NME 0.050; fine_tune from dense3 or dense0, lr 3e-4,
  // 8 epochs or augmentation gave 0.050–0.053, none better.
  keypoints: {
    face_dense: { inputSize: 112, faceCrop: FACE_CROP, hyper: { learningRate: 1e-3, batchSize: 4, epochs: 5 } },
    face_resnet: { inputSize: 200, hyper: { learningRate: 1e-3, batchSize: 4 } },
  },
  // Age's L1 on age/80 is small next to gender's BCE: 5 : 1 is the best val age MAE that keeps gender ≥ 0.80. Then
  // (bench/tune.ts --fine) fine_tune from conv256_1 after 2 head epochs, 8 in all: val age MAE 5.91, gender 0.85,
  // against 9.81 / 0.81 frozen for 5 epochs and 7.86 / 0.83 frozen for 10.
  // On face_xception (bench/tune.ts --faces), the trunk of face-api's own age and gender net: frozen, 5 epochs, val
  // age MAE 6.11 and gender 0.89 in ~6 minutes; fine_tune from exit_flow after 2 head epochs, 8 in all, reached 5.35
  // and 0.90 but ran ~11 minutes, over issue 13's 6 per run.
  'age-gender': {
    face_xception: { inputSize: 112, hyper: { learningRate: 3e-4, batchSize: 4, epochs: 5 }, lossWeights: { age: 5 } },
    face_resnet: {
      inputSize: 150,
      hyper: { learningRate: 3e-4, batchSize: 4, epochs: 8, fineTune: { freezeEpochs: 2, unfreezeFrom: 'conv256_1' } },
      lossWeights: { age: 5 },
    },
  },
};
