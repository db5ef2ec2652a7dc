import type { BackendChoice } from '../engine/backend';

/** Where the studio runs, in words for someone who does not know tfjs' backends. */
export function backendSummary(choice: BackendChoice): string {
  const forced = choice.preference !== 'auto';
  switch (choice.backend) {
    case 'webgpu':
      return `Running on your GPU (WebGPU)${forced ? ' — as chosen' : ''}`;
    case 'webgl':
      return `Running on your GPU (WebGL)${forced ? ' — as chosen' : ''}`;
    case 'wasm':
    case 'cpu': {
      const how = choice.backend === 'wasm' ? (choice.threads ? `${choice.threads} threads` : 'WebAssembly') : 'plain JavaScript, slowest';
      return `Running on your CPU (${how}) — ${forced ? 'as chosen' : 'no usable GPU found'}`;
    }
  }
}
