import sharp from 'sharp';
import { DEFAULT_LIMITS, probeWithinLimit, type DecodeOptions, type DecodedImage, type ImageDecoder } from '../../engine/data';

/**
 * The engine's image decoder for Node, on sharp (libvips): EXIF orientation applied, grayscale and alpha
 * turned into plain RGB, optional stretch to `width`×`height`. Corrupt or truncated files reject (libjpeg
 * warnings count: a JPEG whose data is damaged would otherwise decode to grey blocks). The header is read
 * first, so every command obeys the 40 MP limit `inspect` does and names the size, before decoding a pixel.
 */
export const sharpDecoder: ImageDecoder = async (bytes, options) => {
  probeWithinLimit(bytes);
  return decode(bytes, options).catch((e: Error) => {
    // libvips words: 'VipsJpeg: premature end of JPEG image'; a warning turned error may lose its text.
    const message = e.message.includes('failOn') ? 'damaged image data' : e.message.split('\n')[0].replace(/^vips\w*: /i, '');
    throw new Error(message);
  });
};

async function decode(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const image = sharp(bytes, { failOn: 'warning', limitInputPixels: DEFAULT_LIMITS.maxPixels }).rotate();
  const meta = await image.metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  const sourceWidth = (swap ? meta.height : meta.width) ?? 0;
  const sourceHeight = (swap ? meta.width : meta.height) ?? 0;
  if (options.width || options.height) {
    image.resize(options.width ?? sourceWidth, options.height ?? sourceHeight, { fit: 'fill' });
  }
  const { data, info } = await image.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
    sourceWidth,
    sourceHeight,
  };
}
