// No tfjs here: the studio's page reads these (the Train panel's options) and must not load tfjs.

/** What to augment; JSON (`TrainConfig.augment`). A field left out takes `AUGMENT_DEFAULTS`; 0 turns it off. */
export interface AugmentOptions {
  /** Probability of a horizontal flip. */
  flip?: number;
  /** Random resized crop: the crop's area as a fraction of the image, drawn in [min, max]; square, resized back. */
  scale?: [number, number];
  /** Largest rotation either way, in degrees, about the image centre. */
  rotate?: number;
  /** Brightness factor drawn in [1 − b, 1 + b]. */
  brightness?: number;
  /** Contrast factor (about the image's mean grey) drawn in [1 − c, 1 + c]. */
  contrast?: number;
  /** Saturation factor (about each pixel's luma) drawn in [1 − s, 1 + s]. */
  saturation?: number;
  /**
   * Scales every amount above but the flip: rotation, brightness, contrast, saturation and the area the crop
   * leaves out (1 − scale). 1 is the amounts as given, 0 none of them, 2 twice as strong (the studio's slider).
   */
  strength?: number;
}

/** fastai's `aug_transforms` spirit, milder on rotation and crop so a face keeps its points in frame. */
export const AUGMENT_DEFAULTS: Required<AugmentOptions> = {
  flip: 0.5,
  scale: [0.75, 1],
  rotate: 10,
  brightness: 0.2,
  contrast: 0.2,
  saturation: 0.2,
  strength: 1,
};
