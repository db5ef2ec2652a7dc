/**
 * `fit` that outlives its GPU device. When the device is lost the run pauses (`DeviceLost`), the backend is
 * started again on a new device (or the next backend that works), the model rebuilt, and the run resumes from
 * its last checkpoint (or from the start, when no epoch had finished), saying so in a `notice` event.
 */
import type * as tf from '@tensorflow/tfjs';
import { DeviceLost, watchDevice, type BackendChoice } from '../backend';
import type { Checkpoint } from './checkpoint';
import { fit, type FitOptions, type TrainData, type TrainResult, type Training } from './fit';
import type { Report } from './report';
import type { TrainConfig, TrainState } from './types';

export interface Recovery {
  /** Starts the backend again (`restartBackend`); the old device's tensors are gone after this. */
  restart(): Promise<BackendChoice>;
  /** Builds the model again, as the lost one was built (pretrained weights, freezing): the run resumes on it. */
  rebuild(): Promise<tf.LayersModel>;
  /** Restarts allowed in one run before a loss fails it (default 3). */
  maxRestarts?: number;
  /** Told of each restart, before the run resumes. */
  onRestart?(choice: BackendChoice): void;
}

export interface RecoveringTraining extends Training {
  /** The model the run trains now (a new one after each restart). */
  readonly model: tf.LayersModel;
}

export function fitRecovering(
  model: tf.LayersModel,
  data: TrainData,
  config: TrainConfig,
  options: FitOptions,
  recovery: Recovery,
): RecoveringTraining {
  let current!: Training;
  let currentModel = model;
  let last: Checkpoint | undefined = options.resume;
  let stopped = false;
  let paused = false;

  const start = () => {
    const device = watchDevice();
    current = fit(currentModel, data, config, {
      ...options,
      resume: last,
      deviceLost: device.lost,
      onCheckpoint: async (cp) => {
        last = cp;
        await options.onCheckpoint?.(cp);
      },
    });
    if (paused) current.pause();
    if (stopped) current.stop();
  };

  start();
  const done = (async (): Promise<TrainResult> => {
    for (let restarts = 0; ; restarts++) {
      try {
        return await current.done;
      } catch (e) {
        if (!(e instanceof DeviceLost) || restarts >= (recovery.maxRestarts ?? 3)) throw e;
        const choice = await recovery.restart();
        recovery.onRestart?.(choice);
        currentModel = await recovery.rebuild();
        const after = last ? `going on after epoch ${last.epoch}` : 'starting again from epoch 1';
        // Without a checkpoint, what the lost run recorded is void too.
        if (!last) options.onEvent?.({ type: 'resume', epoch: 0 });
        options.onEvent?.({ type: 'notice', message: `${e.message}. Restarted on ${choice.backend}, ${after}.`, backend: choice });
        start();
      }
    }
  })();

  return {
    pause: () => ((paused = true), current.pause()),
    resume: () => ((paused = false), current.resume()),
    stop: () => ((stopped = true), current.stop()),
    get state(): TrainState {
      return current.state;
    },
    get report(): Report {
      return current.report;
    },
    get model() {
      return currentModel;
    },
    done,
  };
}
