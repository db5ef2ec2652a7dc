export { LAYOUT_NAMES, DEFAULT_LIMITS } from './types';
export type {
  LayoutName,
  DatasetTask,
  Problem,
  SplitReport,
  SizeRange,
  DatasetReport,
  DatasetItem,
  DatasetIndex,
  DatasetLimits,
  DecodedImage,
  DecodeOptions,
  ImageDecoder,
} from './types';
export { bytesSource, blobSource, type ByteSource } from './byteSource';
export { folderArchive, blobFiles, normalizePath, unsafePathReason, type Archive, type ArchiveEntry, type FolderFile } from './archive';
export { openZip, formatBytes } from './openZip';
export { probeImage, probeWithinLimit, isImagePath, IMAGE_EXTENSIONS, type ImageHeader, type ImageFormat } from './probeImage';
export { parseCsv } from './parseCsv';
export { parseAge, humanAge, MAX_AGE, parseGender, parseUtkName, splitRole, splitInName, GENDER_NAMES, SPLIT_ROLES, type SplitRole } from './labels';
export { detectLayout, type Detection, type CsvTable } from './detectLayout';
export { scanDataset, type ScanOptions, type ScanProgress } from './scanDataset';
export { inspectJson, type InspectJson } from './inspectJson';
export { mulberry32, shuffled } from './random';
export { splitDataset, DEFAULT_SPLIT_OPTIONS, type SplitOptions, type DatasetSplits } from './splitDataset';
export { batchIndices, DEFAULT_BATCH_OPTIONS, type BatchOptions } from './batchIndices';
export { FACE_GROUPS, faceGroup, type FaceGroup } from './faceGroups';
export { normalize, targetsOf, AGE_SCALE } from './preprocess';
export { bitmapDecoder, bitmapPixels, thumbnailBlob } from './bitmapDecoder';
export { printable } from './printable';
export { overlayArchive, addedImagePath, type AddedImages } from './addedImages';
export { FACE_CROP, cropSquare, wholeImageSquare, cropItem, uncropItem, pixelsFromCrop, normalizedFromCrop, cropResize, type FaceBox, type FaceCropSpec, type CropOrigin } from './faceCrop';
