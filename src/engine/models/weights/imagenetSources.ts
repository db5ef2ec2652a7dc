import type { BackboneName } from '../types';

/** Where a backbone's ImageNet weights can be fetched from: a public `.safetensors` with torchvision/timm names. */
export interface ImagenetSource {
  /** The model's name on the hub under `timm/` (`resnet18.tv_in1k`); caches name the file after it. */
  name: string;
  /** The file's URL under `IMAGENET_WEIGHTS_BASE` (or another base with the same layout). */
  path: string;
  /** Approximate download size in megabytes (10⁶ bytes), for the button before any byte is fetched. */
  megabytes: number;
  /** What the weights are, in words, for the badge and `summary`. */
  title: string;
  license: string;
}

/** The Hugging Face hub; a source's URL is this base + its path. */
export const IMAGENET_WEIGHTS_BASE = 'https://huggingface.co/';

/**
 * The origins a browser must be allowed to reach (CSP connect-src) to download from the hub: `resolve/main/…`
 * answers with a redirect to its file storage, all of it under hf.co today (`cas-bridge.xethub.hf.co` for Xet,
 * `cdn-lfs*.hf.co` for older LFS files); a CSP `*.` wildcard covers deeper subdomains too.
 */
export const IMAGENET_ORIGINS = ['https://huggingface.co', 'https://*.hf.co'] as const;

const TORCHVISION_LICENSE = 'BSD-3-Clause (torchvision weights, ported by timm)';

/**
 * torchvision's own ImageNet-1k weights as timm ports them (`*.tv_in1k`): the resnets keep torchvision's key names;
 * vgg16 keeps `features.N` and stores the classifier as `pre_logits.fc1`/`fc2` convolutions and `head.fc`, which
 * torchvisionImport maps to `classifier.0/3/6` (so the `original` preset gets the ImageNet classifier too).
 * Sizes: float32 parameter counts (11.7 M, 21.8 M, 138.4 M) × 4 bytes.
 */
export const IMAGENET_SOURCES: Partial<Record<BackboneName, ImagenetSource>> = {
  vgg16: source('vgg16.tv_in1k', 553, 'VGG16 (ImageNet-1k, torchvision)'),
  resnet18: source('resnet18.tv_in1k', 47, 'ResNet-18 (ImageNet-1k, torchvision)'),
  resnet34: source('resnet34.tv_in1k', 87, 'ResNet-34 (ImageNet-1k, torchvision)'),
};

function source(name: string, megabytes: number, title: string): ImagenetSource {
  return { name, path: `timm/${name}/resolve/main/model.safetensors`, megabytes, title, license: TORCHVISION_LICENSE };
}

/** The backbone's ImageNet source, or undefined when there is none (its weights are bundled, or it has none). */
export function imagenetSource(backbone: BackboneName): ImagenetSource | undefined {
  return IMAGENET_SOURCES[backbone];
}

/** The file's URL under `base` (the hub by default; a test or a mirror gives its own). */
export function imagenetUrl(source: ImagenetSource, base: string = IMAGENET_WEIGHTS_BASE): string {
  return (base.endsWith('/') ? base : base + '/') + source.path;
}

/** The badge / `summary` source text of weights imported from it: `timm/resnet18.tv_in1k — ResNet-18 (…)`. */
export function imagenetSourceText(source: ImagenetSource): string {
  return `timm/${source.name} — ${source.title}`;
}
