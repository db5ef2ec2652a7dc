/**
 * Moves a run's items into their face crops (data/faceCrop.ts) before anything else reads them: one detector pass
 * over every image, once per run. An image with no face found keeps going, cropped to its whole (centred, square),
 * and is listed as a kept problem.
 */
import { cropItem, cropSquare, wholeImageSquare, type Archive, type DatasetItem, type FaceCropSpec, type ImageDecoder, type Problem } from '../data';
import { centralFace, type FaceDetector, type RgbImage } from '../landmarks';

export interface CropFacesOptions {
  archive: Archive;
  decoder: ImageDecoder;
  detector: FaceDetector;
  spec: FaceCropSpec;
  onProgress?: (done: number, total: number) => void;
  cancelled?: () => boolean;
}

export interface CroppedFaces {
  items: DatasetItem[];
  /** Images where no face was found (kept, cropped to the whole image). */
  problems: Problem[];
}

export const NO_FACE_REASON = 'no face found: the whole image was used as the face crop';

/** The square `image` is cropped to: around its central face, or its whole (centred) when no face is found. */
export async function faceSquare(detector: FaceDetector, image: RgbImage, spec: FaceCropSpec): Promise<{ square: [number, number, number]; noFace: boolean }> {
  const face = centralFace(await detector.detect(image), image.width, image.height);
  return face ? { square: cropSquare(face.box, spec), noFace: false } : { square: wholeImageSquare(image.width, image.height), noFace: true };
}

export async function cropFaces(items: DatasetItem[], options: CropFacesOptions): Promise<CroppedFaces> {
  const out: DatasetItem[] = [];
  const problems: Problem[] = [];
  for (const item of items) {
    if (options.cancelled?.()) break;
    const image = await options.decoder(await options.archive.read(item.path));
    const { square, noFace } = await faceSquare(options.detector, image, options.spec);
    out.push(cropItem(item, square, noFace));
    if (noFace) {
      problems.push({ file: item.path, ...(item.row !== undefined && { row: item.row }), reason: NO_FACE_REASON, kept: true });
    }
    options.onProgress?.(out.length, items.length);
  }
  return { items: out, problems };
}
