export { BACKBONE_NAMES, type BackboneName, type BackboneSpec, type Preprocessing } from './types';
export { PRESET_NAMES, PRESET_OUTPUTS, presetsFor, type PresetName, type HeadOptions } from './presets';
export { backboneSpec, BACKBONES } from './backbones';
export { buildModel, defaultFreezeOps, moduleTree, summarize, modelName } from './buildModel';
export { modelConfigOf, builtConfig } from './modelConfigOf';
export type { ModelConfig, ModelSummary, ModuleRow } from './buildModel';
export { sameModel } from './sameModel';
export { freeze, unfreeze, applyFreezeOps, type FreezeOp } from './freeze';
export { walkTree, findModule, type ModuleNode } from './moduleTree';
export { formatModulePath, modulePath, isWithin, ancestorPaths } from './modulePath';
export { listBackbones, type BackboneInfo } from './listBackbones';
export * from './weights';
export {
  saveModel,
  savedModelMeta,
  loadSavedModel,
  readSavedModelMeta,
  SAVED_MODEL_FILES,
  SAVED_MODEL_VERSION,
  type SavedModelMeta,
  type SavedModelFiles,
  type SaveModelInfo,
} from './savedModel';
