import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { bitmapDecoder } from './bitmapDecoder';
import { crc32 } from './crc32';

/** A real 8×8 PNG whose IHDR (checksum fixed) declares `side`×`side`. */
async function pngDeclaring(side: number): Promise<Uint8Array> {
  const png = new Uint8Array(await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 40, b: 40 } } }).png().toBuffer());
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  v.setUint32(16, side);
  v.setUint32(20, side);
  v.setUint32(29, crc32(png.subarray(12, 29)));
  return png;
}

describe('bitmapDecoder', () => {
  // Node has no createImageBitmap: these reach only the header check, which must come before the browser's decode.
  it('refuses an image declaring 20000×20000 by its header, before the browser decodes it', async () => {
    await expect(bitmapDecoder(await pngDeclaring(20000))).rejects.toThrow('declares 20000×20000 pixels (400.0 MP), over the 40.0 MP limit');
  });

  it('names what is wrong with bytes that are no image, or none', async () => {
    await expect(bitmapDecoder(new TextEncoder().encode('hello'))).rejects.toThrow('not a JPEG, PNG, GIF or WebP image');
    await expect(bitmapDecoder(new Uint8Array(0))).rejects.toThrow('empty file (0 bytes)');
  });
});
