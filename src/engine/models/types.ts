import type * as tf from '@tensorflow/tfjs';

/** Every backbone the studio knows, by the name used in the UI, the CLI, configs and tests. */
export const BACKBONE_NAMES = ['vgg16', 'resnet18', 'resnet34', 'mobilenet_v3', 'face_resnet', 'face_dense', 'face_xception'] as const;
export type BackboneName = (typeof BACKBONE_NAMES)[number];

/** How raw RGB pixels (0..255, NHWC) are turned into what the backbone was pretrained on. */
export type Preprocessing =
  /** (x / 255 - mean) / std, per channel — torchvision's ImageNet recipe */
  | { kind: 'mean-std'; mean: [number, number, number]; std: [number, number, number] }
  /** x as it is, 0..255 (the CenterNet MobileNetV3 graph takes raw pixels) */
  | { kind: 'raw' }
  /** (x - mean) / scale, per channel — face-api's recipe (mean subtraction, then /256) */
  | { kind: 'mean-scale'; mean: [number, number, number]; scale: number };

/** What a backbone's trunk builder hands back. */
export interface Trunk {
  /** The trunk's last feature map, NHWC, before the backbone's own pooling and head. */
  output: tf.SymbolicTensor;
  /** Channels of `output`. */
  channels: number;
}

/** The backbone's own head, as the origin framework ships it (torchvision's avgpool + classifier / fc). */
export interface OriginalHead {
  build(trunk: Trunk): tf.SymbolicTensor;
}

/**
 * One entry of the backbone zoo. Layer names are module paths (`features.28`, `layer4.1.conv2`,
 * `expanded_conv_14.expand`); helper layers that torch folds into a module (explicit padding) are named
 * `<path>__<what>` so that `modulePath()` maps them back to their module.
 */
export interface BackboneSpec {
  name: BackboneName;
  /** Display title. */
  title: string;
  /** Default square input size in pixels. */
  inputSize: number;
  /** Smallest input size the trunk accepts (its total stride, or more). */
  minInputSize: number;
  preprocessing: Preprocessing;
  /** Builds the trunk on `input` (NHWC float32, already preprocessed). */
  buildTrunk(input: tf.SymbolicTensor): Trunk;
  /** Top-level module paths that form the trunk; presets freeze these. */
  trunkModules: string[];
  /** Module name under which a preset's pooling goes (`avgpool`). */
  poolModule: string;
  /** Module name under which a preset's head goes (`classifier` on VGG, `fc` on ResNet). */
  headModule: string;
  /**
   * Multiplies the trunk's features before a preset head. The CenterNet MobileNetV3 ends without any
   * normalization (pooled features reach ~60), which saturates the book's sigmoid heads at init.
   */
  featureScale?: number;
  /** The backbone's own head, if it has one. */
  originalHead?: OriginalHead;
  /**
   * The own head already predicts the 68 points, x and y in 0..1 (face_dense): the keypoints preset keeps it, with
   * its pretrained weights, instead of the book's fresh head.
   */
  ownHeadIsKeypoints?: boolean;
  /** Display type of container modules (`features` → `Sequential`, `layer1.0` → `BasicBlock`). */
  containerType(path: string): string;
}
