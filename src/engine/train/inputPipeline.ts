/**
 * Where each step's inputs come from. With a frozen prefix (`splitFrozenPrefix`) the step trains only the suffix:
 * from the feature cache (the prefix run once per image before epoch 1), or, uncached, from the prefix run per
 * batch outside the gradient tape. Without one, the step trains the whole model on decoded images.
 */
import * as tf from '@tensorflow/tfjs';
import type { Archive, DatasetItem, ImageDecoder } from '../data';
import { loadImages, type ImageOptions } from './batches';
import { buildFeatureCache, cachedInputs, type FeaturePrecision } from './featureCache';
import type { FeatureStore } from './featureStore';
import { splitFrozenPrefix } from './splitFrozenPrefix';

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
}

export interface InputPipeline {
  /** The model each step trains and validation runs: the suffix after a frozen prefix, else the whole model. */
  stepModel: tf.LayersModel;
  /** One batch's inputs to `stepModel`, owned by the caller. */
  load(items: DatasetItem[]): Promise<tf.Tensor[]>;
  /** The feature cache, when one was built. */
  cached?: { images: number; bytes: number; seconds: number };
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
  if (!prefix) return { stepModel: model, load: async (items) => [await decode(items)], release };
  if (!options.cache) {
    // The frozen prefix still runs outside the gradient tape (torch's requires_grad=False): the tape would
    // otherwise keep every trunk activation (VGG16 at 224², batch 32: 400 MB for features.0 alone).
    const load = async (items: DatasetItem[]) => {
      const x = await decode(items);
      const out = tf.tidy(() => prefix.apply(x, { training: false }) as tf.Tensor | tf.Tensor[]);
      x.dispose();
      return Array.isArray(out) ? out : [out];
    };
    return { stepModel: split.suffix, load, release };
  }
  const t0 = now();
  try {
    const cache = await buildFeatureCache(prefix, options.items, decode, {
      store: options.store,
      precision: options.precision,
      batchSize: options.batchSize,
      onProgress: options.onCacheProgress,
      cancelled: options.cancelled,
    });
    const cached = { images: options.items.length, bytes: options.store.bytes, seconds: (now() - t0) / 1000 };
    return { stepModel: split.suffix, load: (items) => cachedInputs(cache, items), cached, release };
  } catch (e) {
    release();
    throw e;
  }
}
