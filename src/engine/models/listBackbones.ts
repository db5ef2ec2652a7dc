import { BACKBONES } from './backbones';
import { presetsFor, type PresetName } from './presets';
import type { BackboneName } from './types';

export interface BackboneInfo {
  name: BackboneName;
  title: string;
  inputSize: number;
  presets: PresetName[];
  /** The modules a preset puts on the trunk (its pooling and head): not part of the trunk fine_tune unfreezes. */
  headModules: string[];
}

/** What the UI and the CLI offer. */
export function listBackbones(): BackboneInfo[] {
  return Object.values(BACKBONES).map((spec) => ({
    name: spec.name,
    title: spec.title,
    inputSize: spec.inputSize,
    presets: presetsFor(spec),
    headModules: [spec.poolModule, spec.headModule],
  }));
}
