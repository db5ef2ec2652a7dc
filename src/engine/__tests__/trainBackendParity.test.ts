import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend, type NodeBackend } from '../../cli/node/nodeBackends';
import { buildModel } from '../models';
import { fit } from '../train';
import { smallRun, type SharedTask } from './trainData';

/**
 * One step on 2 images, then the val loss on 2 others: the weights come from config.seed and Dropout masks are
 * seeded per step (both drawn on the CPU), so both backends start from and apply the same numbers.
 * resnet18 at 32²: software WebGPU (SwiftShader) is slow.
 */
async function lossesOn(backend: NodeBackend, task: SharedTask) {
  await useBackend(backend);
  const { data, config, close } = await smallRun(task, 'resnet18', 32, { nTrain: 2, nVal: 2 }, { batchSize: 2, epochs: 1 });
  const model = buildModel(config.model);
  const result = await fit(model, data, config).done;
  model.dispose();
  await close();
  const [first] = result.report.history('trn_loss');
  const [after] = result.report.history('val_loss');
  return { first, after };
}

describe('fit on cpu and webgpu', () => {
  afterAll(() => tf.disposeVariables());

  it.each(['classification', 'keypoints', 'age-gender'] as SharedTask[])(
    'gives the same %s loss before and after one step',
    async (task) => {
      const cpu = await lossesOn('cpu', task);
      const webgpu = await lossesOn('webgpu', task);
      console.log(`${task}: cpu ${cpu.first} → ${cpu.after}; webgpu ${webgpu.first} → ${webgpu.after}`);
      expect(Number.isFinite(cpu.after)).toBe(true);
      expect(Math.abs(webgpu.first - cpu.first)).toBeLessThan(1e-3);
      expect(Math.abs(webgpu.after - cpu.after)).toBeLessThan(1e-3);
      // A loss near 0 would pass the absolute check whatever webgpu did.
      expect(Math.abs(webgpu.after - cpu.after) / cpu.after).toBeLessThan(1e-2);
    },
    300_000,
  );
});
