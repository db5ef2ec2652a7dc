import { readFile } from 'node:fs/promises';
import { fileWeightSource } from '../src/cli/fileWeightSource';
import { nodeLandmarkLibs } from '../src/cli/landmarkLibs';
import { useBackend, type NodeBackend } from '../src/cli/node/nodeBackends';
import { sharpDecoder } from '../src/cli/node/sharpDecoder';
import { createLandmarker, LANDMARK_MODES, type RgbImage } from '../src/engine/landmarks';
import type { Row } from './ingest.bench';

/** The UI's sample faces (tight crops of 170–250 px, one face each). */
const SAMPLES = ['Bill_Frist_10.jpg', 'Angelo_Reyes_21.jpg', 'Celso_Amorim_40.jpg'];

/**
 * Landmark inference per image (detection + 2D fit, or detection + mesh), models loaded once, per Node
 * backend; the ratio is against wasm's 2D time.
 */
export async function run(): Promise<Row[]> {
  const images: RgbImage[] = await Promise.all(
    SAMPLES.map(async (f) => sharpDecoder(new Uint8Array(await readFile(new URL(`../public/samples/faces/${f}`, import.meta.url))))),
  );
  const rows: Row[] = [];
  for (const backend of ['wasm', 'cpu', 'webgpu'] as NodeBackend[]) {
    try {
      await useBackend(backend);
    } catch (e) {
      rows.push({ bench: 'landmarks', backend, mode: '-', 'ms / image': NaN, note: (e as Error).message });
      continue;
    }
    const landmarker = await createLandmarker(nodeLandmarkLibs(), fileWeightSource());
    for (const mode of LANDMARK_MODES) {
      try {
        await landmarker.detect(images[0], { mode }); // warm-up: kernel selection, shader compilation
        const t0 = performance.now();
        let faces = 0;
        for (const image of images) faces += (await landmarker.detect(image, { mode })).faces.length;
        const ms = (performance.now() - t0) / images.length;
        rows.push({ bench: 'landmarks', backend, mode, 'ms / image': Math.round(ms), faces: `${faces}/${images.length}` });
      } catch (e) {
        // face-api reads its output with dataSync(), which webgpu in Node cannot do (no OffscreenCanvas).
        rows.push({ bench: 'landmarks', backend, mode, 'ms / image': NaN, note: (e as Error).message.split('\n')[0] });
      }
    }
    landmarker.dispose();
  }
  const base = rows.find((r) => r.backend === 'wasm' && r.mode === '2d');
  for (const r of rows) r['vs wasm 2d'] = `${(Number(r['ms / image']) / Number(base?.['ms / image'])).toPrecision(2)}×`;
  return rows;
}
