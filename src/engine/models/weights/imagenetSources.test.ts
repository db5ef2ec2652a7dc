import { describe, expect, it } from 'vitest';
import { BACKBONE_NAMES } from '../types';
import { imagenetSource, imagenetUrl } from './imagenetSources';
import { hasBundledWeights } from './weightsManifest';

describe('imagenetSource', () => {
  it('gives every backbone without bundled weights a hub file, and none to the others', () => {
    for (const backbone of BACKBONE_NAMES) expect(imagenetSource(backbone) === undefined).toBe(hasBundledWeights(backbone));
  });

  it("points at timm's torchvision ports on the Hugging Face hub, or under another base", () => {
    const resnet18 = imagenetSource('resnet18')!;
    expect(imagenetUrl(resnet18)).toBe('https://huggingface.co/timm/resnet18.tv_in1k/resolve/main/model.safetensors');
    expect(imagenetUrl(imagenetSource('vgg16')!, 'http://127.0.0.1:9/mirror')).toBe('http://127.0.0.1:9/mirror/timm/vgg16.tv_in1k/resolve/main/model.safetensors');
    expect(resnet18.license).toMatch(/^BSD-3-Clause/);
  });
});
