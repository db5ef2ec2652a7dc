import { describe, expect, it } from 'vitest';
import { BACKBONE_NAMES } from '../models/types';
import { WEB_TRUNK_FASTER, webTrunkEngine } from './webTrunkEngine';

describe('webTrunkEngine', () => {
  it('takes tfjs or onnx as chosen, whatever the backbone and backend', () => {
    expect(webTrunkEngine('onnx', 'mobilenet_v3', 'webgpu')).toEqual({ engine: 'onnx', why: 'onnx chosen' });
    expect(webTrunkEngine('tfjs', 'vgg16', 'wasm')).toEqual({ engine: 'tfjs', why: 'tfjs chosen' });
  });

  it('auto on a CPU backend takes the engine measured faster for the backbone', () => {
    for (const backbone of BACKBONE_NAMES) {
      const { engine, why } = webTrunkEngine('auto', backbone, 'wasm');
      expect(engine).toBe(WEB_TRUNK_FASTER[backbone]);
      expect(why).toBe(`auto: ${engine === 'onnx' ? 'onnxruntime-web' : 'tfjs-wasm'} measured faster for ${backbone} in Chromium`);
    }
  });

  it('auto on a backend other than wasm keeps the trunk on tfjs (the table was measured against tfjs-wasm)', () => {
    expect(webTrunkEngine('auto', 'vgg16', 'webgpu')).toEqual({ engine: 'tfjs', why: 'auto: tfjs on webgpu (measured against tfjs-wasm only)' });
    expect(webTrunkEngine('auto', 'resnet18', 'cpu').engine).toBe('tfjs');
  });
});
