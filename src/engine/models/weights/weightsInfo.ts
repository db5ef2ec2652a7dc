import type { ImportReport } from './torchvisionImport';

/** Where a model's weights came from, as the tree badge, `summary` and saved projects show it. Plain data. */
export interface WeightsInfo {
  /** True when the backbone holds pretrained weights (bundled or imported), false for random init. */
  pretrained: boolean;
  /** Their origin: `@vladmandic/human 3.3.6 — CenterNet MobileNetV3 (COCO)`, `resnet18.safetensors`; null for random init. */
  source: string | null;
  /** State-dict keys the model needed that an imported file lacked (those weights stayed random). */
  missing?: string[];
  /** Keys of an imported file that matched nothing in the model. */
  unexpected?: string[];
  /** Why bundled weights that were asked for are not there (the model then runs from random init). */
  problem?: string;
}

export const RANDOM_INIT: WeightsInfo = { pretrained: false, source: null };

/** The one display text of a WeightsInfo: `pretrained — <source>` or `random init`. */
export function formatWeightsInfo(info: WeightsInfo): string {
  if (!info.pretrained) return info.problem ? `random init (${info.problem})` : 'random init';
  const notes = [
    info.missing?.length && `${info.missing.length} weights missing from the file`,
    info.unexpected?.length && `${info.unexpected.length} tensors of the file not used`,
  ].filter(Boolean);
  return `pretrained — ${info.source ?? 'unknown source'}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

/** The WeightsInfo of a state-dict import; throws when not one key of the file matched the model. */
export function importedWeightsInfo(report: ImportReport, source: string): WeightsInfo {
  if (report.loaded.length === 0) {
    const sample = [...report.unexpected, ...report.skipped].slice(0, 3).join(', ');
    throw new Error(`${source}: no key matched the model (the file has ${sample || 'no float tensors'}…); is it a torchvision state dict?`);
  }
  return {
    pretrained: true,
    source,
    ...(report.missing.length ? { missing: report.missing } : {}),
    ...(report.unexpected.length ? { unexpected: report.unexpected } : {}),
  };
}
