/**
 * Where each step's inputs come from. With a frozen prefix (`splitFrozenPrefix`) the step trains only the suffix:
 * from the feature cache (the prefix run once per image before epoch 1), or, uncached, from the prefix run per
 * batch outside the gradient tape. Without one, the step trains the whole model on decoded images.
 *
 * With augmentation (`TrainConfig.augment`) there is no feature cache: each train batch is decoded to raw pixels,
 * augmented (seeded by the step), normalized and, with a frozen prefix, run through it outside the tape, as
 * uncached. Policy: every step sees a fresh view, which is what augmentation buys on small data; caching K views
 * would repeat each view every K epochs and multiply the cache by K. Validation is never augmented (plain `load`).
 */
import * as tf from '@tensorflow/tfjs';
import type { Archive, DatasetItem, ImageDecoder } from '../data';
import { augment, type AugmentOptions } from './augment';
import { loadImages, loadPixels, type ImageOptions, type InputBatch } from './batches';
import { normalize } from '../data';
import { buildFeatureCache, cachedInputs, type FeaturePrecision } from './featureCache';
import type { FeatureStore } from './featureStore';
import { splitFrozenPrefix } from './splitFrozenPrefix';
import type { TrunkRunnerFactory } from './trunkRunner';

export interface InputPipelineOptions {
  archive: Archive;
  decoder: ImageDecoder;
  images: Omit<ImageOptions, 'decoder'>;
  /** Cache the frozen prefix's outputs (`TrainConfig.featureCache`). */
  cache: boolean;
  /** The items to cache (train and val). */
  items: DatasetItem[];
  store: FeatureStore;
  precision: FeaturePrecision;
  batchSize: number;
  onCacheProgress?: (done: number, total: number) => void;
  cancelled?: () => boolean;
  /** Augment train batches (`TrainConfig.augment`, seeded by `seed` and the step); turns the cache off. */
  augment?: { options: AugmentOptions; seed: number };
  /** Runs the frozen prefix for the feature cache on another engine (ONNX Runtime); absent: tfjs. Uncached, tfjs runs it. */
  trunkRunner?: TrunkRunnerFactory;
}

/** A built feature cache: its images, bytes, build time and who ran the trunk (`FeatureCache.trunk`). */
export interface CacheSummary {
  images: number;
  bytes: number;
  seconds: number;
  trunk: string;
}

export interface InputPipeline {
  /** The model each step trains and validation runs: the suffix after a frozen prefix, else the whole model. */
  stepModel: tf.LayersModel;
  /** One batch's inputs to `stepModel`, owned by the caller. */
  load(items: DatasetItem[]): Promise<tf.Tensor[]>;
  /** With augmentation: train step `step`'s inputs, and its items with their keypoints moved. */
  loadTrain?(items: DatasetItem[], step: number): Promise<InputBatch>;
  /** The feature cache, when one was built. */
  cached?: CacheSummary;
  /** Frees the split's models (not the layers, which are the model's). */
  release(): void;
}

const now = () => globalThis.performance?.now() ?? Date.now();

export async function inputPipeline(model: tf.LayersModel, options: InputPipelineOptions): Promise<InputPipeline> {
  const images: ImageOptions = { ...options.images, decoder: options.decoder };
  const decode = async (items: DatasetItem[]) => loadImages(options.archive, items, images);
  const split = splitFrozenPrefix(model);
  const release = () => split.release();
  const prefix = split.prefix;
  // The frozen prefix runs outside the gradient tape (torch's requires_grad=False): the tape would otherwise keep
  // every trunk activation (VGG16 at 224², batch 32: 400 MB for features.0 alone). Takes ownership of `x`.
  const throughPrefix = (x: tf.Tensor): tf.Tensor[] => {
    if (!prefix) return [x];
    const out = tf.tidy(() => prefix.apply(x, { training: false }) as tf.Tensor | tf.Tensor[]);
    x.dispose();
    return Array.isArray(out) ? out : [out];
  };
  const stepModel = prefix ? split.suffix : model;
  if (options.augment) {
    const { options: augmentOptions, seed } = options.augment;
    const loadTrain = async (items: DatasetItem[], step: number): Promise<InputBatch> => {
      const pixels = await loadPixels(options.archive, items, images);
      const out = augment(pixels, items.map((item) => item.points), augmentOptions, seed, step);
      pixels.dispose();
      const x = normalize(out.images, images.preprocessing);
      out.images.dispose();
      const moved = items.map((item, i) => (item.points ? { ...item, points: out.points[i] } : item));
      return { inputs: throughPrefix(x), items: moved };
    };
    return { stepModel, load: async (items) => throughPrefix(await decode(items)), loadTrain, release };
  }
  if (!prefix) return { stepModel: model, load: async (items) => [await decode(items)], release };
  if (!options.cache) return { stepModel, load: async (items) => throughPrefix(await decode(items)), release };
  const t0 = now();
  try {
    const cache = await buildFeatureCache(prefix, options.items, decode, {
      store: options.store,
      precision: options.precision,
      batchSize: options.batchSize,
      onProgress: options.onCacheProgress,
      cancelled: options.cancelled,
      trunkRunner: options.trunkRunner,
    });
    const cached = { images: options.items.length, bytes: options.store.bytes, seconds: (now() - t0) / 1000, trunk: cache.trunk };
    return { stepModel: split.suffix, load: (items) => cachedInputs(cache, items), cached, release };
  } catch (e) {
    release();
    throw e;
  }
}
