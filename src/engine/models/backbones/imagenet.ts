import type { Preprocessing } from '../types';

/** torchvision's ImageNet normalization, the pretraining statistics of vgg16 / resnet18 / resnet34. */
export const IMAGENET: Preprocessing = {
  kind: 'mean-std',
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
};
