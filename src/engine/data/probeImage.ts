import { DEFAULT_LIMITS } from './types';

/** Image formats the studio reads (by content, not by extension). */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp';

/** What an image's header declares, read without decoding its pixels. */
export interface ImageHeader {
  format: ImageFormat;
  /** Width and height as displayed: swapped when EXIF orientation is 5–8. */
  width: number;
  height: number;
  /** EXIF orientation 1–8 (1 when absent). */
  orientation: number;
}

/** File extensions taken as images (any case). */
export const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'gif', 'webp'] as const;

export function isImagePath(path: string): boolean {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
}

/**
 * Reads the format, size and EXIF orientation from the first bytes of an image; throws a short reason
 * ("not an image", "no size in its header") when it cannot.
 */
export function probeImage(bytes: Uint8Array): ImageHeader {
  if (bytes.length === 0) throw new Error('empty file (0 bytes)');
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = (i: number, ...sig: number[]) => sig.every((b, k) => bytes[i + k] === b);
  if (at(0, 0xff, 0xd8, 0xff)) return probeJpeg(bytes, v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) {
    if (bytes.length < 24 || !at(12, 0x49, 0x48, 0x44, 0x52)) throw new Error('PNG without an IHDR header');
    return oriented('png', v.getUint32(16), v.getUint32(20), 1);
  }
  if (at(0, 0x47, 0x49, 0x46, 0x38)) {
    if (bytes.length < 10) throw new Error('truncated GIF header');
    return oriented('gif', v.getUint16(6, true), v.getUint16(8, true), 1);
  }
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return probeWebp(bytes, v);
  throw new Error('not a JPEG, PNG, GIF or WebP image (unrecognised header)');
}

function oriented(format: ImageFormat, w: number, h: number, orientation: number): ImageHeader {
  if (!(w > 0 && h > 0)) throw new Error(`its header declares an empty size (${w}×${h})`);
  const swap = orientation >= 5 && orientation <= 8;
  return { format, width: swap ? h : w, height: swap ? w : h, orientation };
}

function probeJpeg(bytes: Uint8Array, v: DataView): ImageHeader {
  let orientation = 1;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) throw new Error('corrupt JPEG: bad marker in its header');
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = v.getUint16(i + 2);
    // SOF0..SOF15 except DHT (c4), JPG (c8) and DAC (cc) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 9 > bytes.length) break;
      return oriented('jpeg', v.getUint16(i + 7), v.getUint16(i + 5), orientation);
    }
    if (marker === 0xe1 && i + 4 + length - 2 <= bytes.length) {
      orientation = exifOrientation(bytes.subarray(i + 4, i + 2 + length)) ?? orientation;
    }
    if (marker === 0xda || marker === 0xd9) break;
    i += 2 + length;
  }
  throw new Error('corrupt JPEG: no frame size in its header');
}

/** Orientation tag (0x0112) of an APP1 Exif payload, or undefined. */
function exifOrientation(app1: Uint8Array): number | undefined {
  if (app1.length < 14 || String.fromCharCode(...app1.subarray(0, 4)) !== 'Exif') return undefined;
  const tiff = app1.subarray(6);
  const v = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const little = tiff[0] === 0x49;
  const ifd = v.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const n = v.getUint16(ifd, little);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > tiff.length) return undefined;
    if (v.getUint16(e, little) === 0x0112) {
      const o = v.getUint16(e + 8, little);
      return o >= 1 && o <= 8 ? o : undefined;
    }
  }
  return undefined;
}

function probeWebp(bytes: Uint8Array, v: DataView): ImageHeader {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  if (chunk === 'VP8 ' && bytes.length >= 30) return oriented('webp', v.getUint16(26, true) & 0x3fff, v.getUint16(28, true) & 0x3fff, 1);
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const b = v.getUint32(21, true);
    return oriented('webp', (b & 0x3fff) + 1, ((b >> 14) & 0x3fff) + 1, 1);
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const w = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
    const h = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
    return oriented('webp', w, h, 1);
  }
  throw new Error('truncated WebP header');
}

/**
 * `probeImage`, and the pixel limit every decode obeys: throws the size the header declares when it is over
 * `maxPixels`, before a single pixel is decoded (a 1 MB PNG can declare 20000×20000, 1.2 GB of RGB).
 */
export function probeWithinLimit(bytes: Uint8Array, maxPixels = DEFAULT_LIMITS.maxPixels): ImageHeader {
  const header = probeImage(bytes);
  const { width, height } = header;
  if (width * height > maxPixels) {
    const mp = (n: number) => `${(n / 1e6).toFixed(1)} MP`;
    throw new Error(`declares ${width}×${height} pixels (${mp(width * height)}), over the ${mp(maxPixels)} limit`);
  }
  return header;
}
