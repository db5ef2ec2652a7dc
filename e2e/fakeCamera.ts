import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect } from '@playwright/test';
import sharp from 'sharp';
import { CHROMIUM } from './chromium';
import { storeField } from './store';

/** Chromium's fake camera plays this file: a shared face image as a few YUV 4:2:0 frames. */
const Y4M = join(tmpdir(), `transfer-studio-webcam-${process.pid}.y4m`);
const FACE = new URL('../public/samples/faces/Bill_Frist_10.jpg', import.meta.url).pathname;
const WIDTH = 320;
const HEIGHT = 240;
const FRAMES = 4;

/** YUV4MPEG2 (the format Chromium's fake capture reads): a header line, then `FRAME\n` + Y, U, V planes (U, V at half size). */
export async function writeFakeCameraVideo(): Promise<void> {
  const { data } = await sharp(FACE).resize(WIDTH, HEIGHT, { fit: 'contain', background: '#808080' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const y = Buffer.alloc(WIDTH * HEIGHT);
  const u = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2));
  const v = Buffer.alloc(u.length);
  const clamp = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  for (let i = 0; i < WIDTH * HEIGHT; i++) {
    const [r, g, b] = [data[3 * i], data[3 * i + 1], data[3 * i + 2]];
    y[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  }
  // Full-range BT.601 (C420jpeg), each chroma sample from the top-left pixel of its 2×2 block.
  for (let row = 0; row < HEIGHT / 2; row++) {
    for (let col = 0; col < WIDTH / 2; col++) {
      const p = 3 * (2 * row * WIDTH + 2 * col);
      const [r, g, b] = [data[p], data[p + 1], data[p + 2]];
      u[row * (WIDTH / 2) + col] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[row * (WIDTH / 2) + col] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  await writeFile(Y4M, Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`), ...Array(FRAMES).fill(frame)]));
}

/**
 * Chromium as the specs launch it, with a fake camera that plays the face (`writeFakeCameraVideo` first, in a
 * `beforeAll`) and grants the camera without asking.
 */
export const CHROMIUM_WITH_FAKE_CAMERA = {
  ...CHROMIUM,
  args: [...CHROMIUM.args, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${Y4M}`],
};

const added = storeField<{ datasetAdded: string[][] }>();

/**
 * In the Data step's camera group `capture`: starts the camera, picks class `cls` and captures `frames` frames one
 * at a time, each seen in the store before the next. The camera stays on.
 */
export async function captureFrames(page: Page, capture: Locator, cls: string, frames: number): Promise<void> {
  await capture.getByRole('button', { name: 'Start camera' }).click();
  await expect(capture.getByRole('button', { name: 'Stop camera' })).toBeVisible({ timeout: 30_000 });
  await capture.getByRole('combobox', { name: 'Capture class' }).selectOption(cls);
  const start = (await added(page, 'datasetAdded')).flat().length;
  for (let n = 1; n <= frames; n++) {
    await capture.getByRole('button', { name: 'Capture', exact: true }).click();
    await expect.poll(async () => (await added(page, 'datasetAdded')).flat().length, { timeout: 30_000 }).toBe(start + n);
  }
}
