import { createRequire } from 'node:module';
import path from 'node:path';
import type { LandmarkLibs } from '../engine/landmarks';

const require = createRequire(import.meta.url);

/**
 * Human's and face-api's `node-wasm` builds: CommonJS that `require('@tensorflow/tfjs…')`, so they run on this
 * process's tfjs and backends (their plain `node` builds need tfjs-node, which this project does not install).
 * Human's package exports only its `node` build, so its sibling file is loaded by path.
 */
export function nodeLandmarkLibs(): LandmarkLibs {
  const humanNode = require.resolve('@vladmandic/human');
  const { Human } = require(path.join(path.dirname(humanNode), 'human.node-wasm.js')) as Pick<LandmarkLibs, 'Human'>;
  const { FaceLandmark68Net } = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as Pick<LandmarkLibs, 'FaceLandmark68Net'>;
  return { Human, FaceLandmark68Net };
}
