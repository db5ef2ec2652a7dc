import { probeWithinLimit } from './probeImage';
import type { DecodeOptions, DecodedImage, ImageDecoder } from './types';

/**
 * The engine's image decoder in a browser worker: `createImageBitmap` (EXIF orientation applied, resized by the
 * browser's own scaler when a size is asked) drawn onto an `OffscreenCanvas`, read back and packed to RGB.
 * Alpha is dropped, grayscale comes back as three equal channels. An image whose header declares more than the
 * pixel limit is refused before the browser sees it (a 1 MB PNG can declare 20000×20000: 1.6 GB of RGBA).
 */
export const bitmapDecoder: ImageDecoder = async (bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> => {
  probeWithinLimit(bytes);
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>]);
  let source: ImageBitmap;
  try {
    source = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new Error('the browser could not decode it');
  }
  try {
    return bitmapPixels(source, options);
  } finally {
    source.close();
  }
};

/**
 * The RGB pixels of an already decoded image (a camera frame sent to the worker as an ImageBitmap), resized
 * as `bitmapDecoder` resizes; the bitmap is left open (its owner closes it).
 */
export function bitmapPixels(source: ImageBitmap, options: DecodeOptions = {}): DecodedImage {
  const sourceWidth = source.width;
  const sourceHeight = source.height;
  const width = options.width ?? sourceWidth;
  const height = options.height ?? sourceHeight;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, width, height);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    data[j] = rgba[i];
    data[j + 1] = rgba[i + 1];
    data[j + 2] = rgba[i + 2];
  }
  return { data, width, height, sourceWidth, sourceHeight };
}

/** A small JPEG of an image for the thumbnail grid (longest side `side`); rejects when it does not decode. */
export async function thumbnailBlob(bytes: Uint8Array, side: number): Promise<Blob> {
  const source = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, side / Math.max(source.width, source.height));
    const w = Math.max(1, Math.round(source.width * scale));
    const h = Math.max(1, Math.round(source.height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source, 0, 0, w, h);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  } finally {
    source.close();
  }
}
