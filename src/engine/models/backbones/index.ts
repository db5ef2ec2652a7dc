import type { BackboneName, BackboneSpec } from '../types';
import { vgg16 } from './vgg16';
import { resnet18, resnet34 } from './resnet';
import { mobilenetV3 } from './mobilenetV3';
import { faceResnet } from './faceResnet';
import { faceDense } from './faceDense';
import { faceXception } from './faceXception';

/** The zoo, one entry per backbone name, in the order the UI offers them. */
export const BACKBONES: Record<BackboneName, BackboneSpec> = {
  mobilenet_v3: mobilenetV3,
  vgg16,
  resnet18,
  resnet34,
  face_resnet: faceResnet,
  face_dense: faceDense,
  face_xception: faceXception,
};

export function backboneSpec(name: BackboneName): BackboneSpec {
  const spec = BACKBONES[name];
  if (!spec) throw new Error(`Unknown backbone '${name}'. Known: ${Object.keys(BACKBONES).join(', ')}`);
  return spec;
}
