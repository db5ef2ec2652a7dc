export { loadPretrained, readWeightsManifest, type LoadPretrainedOptions } from './loadPretrained';
export { importTorchvision, type ImportOptions, type ImportReport } from './torchvisionImport';
export { torchvisionStateDict, type StateDictEntry } from './torchvisionExport';
export { parseSafetensors, readFloat32, encodeSafetensors, type SafetensorsFile, type SafetensorsEntry } from './safetensors';
export { fetchSource, readBody, type WeightSource, type LoadProgress, type ProgressCallback } from './weightSource';
export { RANDOM_INIT, formatWeightsInfo, importedWeightsInfo, type WeightsInfo } from './weightsInfo';
export { BUNDLED_BACKBONES, hasBundledWeights, manifestSource, type WeightsManifest, type WeightsFileEntry } from './weightsManifest';
export {
  IMAGENET_ORIGINS,
  IMAGENET_SOURCES,
  IMAGENET_WEIGHTS_BASE,
  imagenetSource,
  imagenetSourceText,
  imagenetUrl,
  type ImagenetSource,
} from './imagenetSources';
