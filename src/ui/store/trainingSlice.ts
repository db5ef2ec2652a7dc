import { proxy } from 'comlink';
import type { StateCreator } from 'zustand';
import { sameModel } from '../../engine/models';
import { DIVERGED, type ReportData, type TrainConfig, type TrainEvent } from '../../engine/train';
import type { TrunkEngineChoice } from '../../engine/train/trunkRunner';
import type { PytorchRecipe } from '../../engine/export/pytorch';
import { errorInfo } from '../errorInfo';
import { loadProject, saveProject, startProject } from '../persistence/projectDb';
import { epochsOf } from '../training/checkpointView';
import { seriesOf, type DatasetRef, type SavedProject } from '../persistence/project';
import { eventBuffer } from '../training/eventBuffer';
import { proposalOf, type HyperParams, type HyperEdits } from '../training/hyperParams';
import { planRun } from '../training/planRun';
import { applyEvents, initialRunView, type RunView } from '../training/runView';
import { trainerWorker, WorkerRestarted } from '../trainerWorkerClient';
import { datasetSample, datasetSource, type SampleName } from './datasetSlice';
import type { StudioState } from './index';

/** What the studio proposes for the open dataset and model: `planTraining`'s recipe, batch capped to the dataset. */
export interface Proposal {
  hyper: HyperParams;
  inputSize: number;
  /** Images in the train split (after a val split is cut from it): the batch size is capped to keep steps an epoch. */
  trainImages: number;
}

export interface TrainingSlice extends RunView {
  /** The user's changes to the proposed hyper-parameters (`proposal` fills the rest). */
  hyperOverrides: HyperEdits;
  /** Who runs the frozen trunk for the feature cache (the CLI's `--trunk-engine`): `auto` takes the faster one here. */
  trunkEngine: TrunkEngineChoice;
  setTrunkEngine(choice: TrunkEngineChoice): void;
  /** What the worker's plan proposes for the open dataset on the model's backbone; null before both are there. */
  proposal: Proposal | null;
  /** Asks the worker for the proposal again (a dataset or a backbone changed); an unset input size follows it. */
  refreshProposal(): Promise<void>;
  /** Forgets the user's edits: the proposal again, its input size included. */
  resetHyper(): Promise<void>;
  /** The config of the run shown (running, finished or restored); its task and context decode predictions. */
  runConfig: TrainConfig | null;
  /** True when the run shown came back from IndexedDB after a reload. */
  restored: boolean;
  /** True when the worker holds the run's trained weights (after a run ends, or restored from IndexedDB). */
  trained: boolean;
  /** The stack of the fault that failed the run (shown under its message), null otherwise. */
  trainErrorStack: string | null;
  /** A run cut short by a closed page that can go on from its last checkpoint (restored after a reload). */
  resumable: { epoch: number; epochs: number } | null;
  setHyper(patch: HyperEdits): void;
  /** Trains the model the tree shows on the open dataset (switching its head to the dataset's task first). */
  startTraining(): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  /** Ends the run early; the trainer keeps the best weights so far. */
  stopTraining(): Promise<void>;
  /**
   * A dataset the user opened becomes the project (a reload brings it back): the last dataset's run, its report,
   * prediction and download are forgotten, and a trained model goes back to its pretrained weights. A run in
   * progress goes on with the dataset it started with and keeps its project.
   */
  startProjectOnDataset(): Promise<void>;
  /** Goes on with a run cut short by a reload, from its last saved checkpoint (`resumable`). */
  continueTraining(): Promise<void>;
  /**
   * Brings the saved project back (its dataset, its trained model, its charts) when nothing else is shown or
   * the model shown is the project's (a new backend); false when there is no trained model to restore. A
   * dataset opened but not trained on comes back too (then false: the caller builds the model).
   */
  restoreProject(): Promise<boolean>;
  /** Saves the trained model as a zip (model.json, weights.bin, studio.json), zipped in the worker. */
  downloadModel(): Promise<void>;
  /** Saves the trained model as one ONNX file, exported in the worker. */
  downloadOnnx(): Promise<void>;
  /** The trained model as a PyTorch project zip (model.py, weights, train.py with the run's recipe): "Export to PyTorch". */
  downloadPytorch(): Promise<void>;
  /** The current project as saved data: the dataset reference, the model, the run's state and its `report`. */
  projectSnapshot(report: ReportData): SavedProject | null;
  resetTraining(): void;
}

export const initialTrainingState = {
  ...initialRunView,
  hyperOverrides: {} as HyperEdits,
  trunkEngine: 'auto' as TrunkEngineChoice,
  proposal: null as Proposal | null,
  runConfig: null as TrainConfig | null,
  restored: false,
  trained: false,
  trainErrorStack: null as string | null,
  resumable: null as TrainingSlice['resumable'],
};

/** The model shown is the run's, trained: what Predict and Download work on (a new model choice ends that). */
export function hasTrainedModel(s: StudioState): boolean {
  return s.trained && s.modelStatus === 'ready' && !!s.runConfig && !!s.modelConfig && sameModel(s.modelConfig, s.runConfig.model);
}

const message = (e: unknown) => (e as Error)?.message ?? String(e);

/** Hands `bytes` to the browser as a download called `name`. */
function saveFile(bytes: Uint8Array, type: string, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The open dataset as the project refers to it: a sample by its name, anything else by its bytes. */
function datasetRef(): DatasetRef | null {
  const source = datasetSource();
  const sample = datasetSample();
  if (!source) return null;
  if (sample) return { kind: 'sample', name: sample };
  return source.kind === 'zip' ? { kind: 'zip', name: source.name, blob: source.blob } : { ...source };
}

export const createTrainingSlice: StateCreator<StudioState, [], [], TrainingSlice> = (set, get) => {
  /**
   * Saves the run's records (the worker saves its checkpoints and trained weights itself); a failure to save is
   * shown, not thrown.
   */
  async function persist(): Promise<void> {
    const report = await trainerWorker.now((api) => api.report()).catch(() => null);
    const project = report && get().projectSnapshot(report);
    if (!project) return;
    try {
      await saveProject(project);
    } catch (e) {
      set({ trainMessage: `could not save the project: ${message(e)}` });
    }
  }

  /**
   * How the run in the worker ended ('done' or 'stopped'), held back until its `train` call returns: the worker
   * still scores the test split and stores the trained model after fit says so, and Predict and Download work
   * only once that is over, so the run shows as ended when it is.
   */
  let ended: Extract<TrainEvent, { type: 'state' }> | null = null;
  const isEnd = (e: TrainEvent) => e.type === 'state' && (e.state === 'done' || e.state === 'stopped');

  const buffer = eventBuffer((all: TrainEvent[]) => {
    for (const e of all) if (isEnd(e)) ended = e as Extract<TrainEvent, { type: 'state' }>;
    const events = all.filter((e) => !isEnd(e));
    set(applyEvents(get(), events));
    // A lost GPU device can end on another backend: the badge follows.
    for (const e of events) if (e.type === 'notice' && e.backend) set({ backendChoice: e.backend });
    if (events.some((e) => e.type === 'epoch')) void persist();
  });

  const notice = (text: string) => set((s) => ({ notices: [...s.notices, text] }));

  /**
   * Trains `config` on the dataset open in the worker (`resume`: from the last checkpoint the worker saved); the
   * worker saves checkpoints and the trained weights, the page the run's records.
   */
  async function train(config: TrainConfig, resume = false): Promise<void> {
    try {
      set({ runConfig: config });
      ended = null;
      await trainerWorker.call((api) => api.train(config, proxy(buffer.push), { resume, trunkEngine: get().trunkEngine }));
      await buffer.flush();
      set({ trained: true, ...applyEvents(get(), [ended ?? { type: 'state', state: 'done' }]) });
      await persist();
    } catch (e) {
      await buffer.flush();
      // A run that ended before the failure (in the test split or storing the model) shows that end first.
      if (ended) set(applyEvents(get(), [ended]));
      if (e instanceof WorkerRestarted) set({ trainState: 'stopped', trainMessage: 'the backend was restarted', progress: null });
      else {
        // A diverged run is an expected end, said in words; anything else is a fault, its stack shown.
        const { message: text, stack } = errorInfo(e);
        set({ trainState: 'failed', trainMessage: text, trainErrorStack: (e as Error)?.name === DIVERGED ? null : stack, progress: null });
      }
    }
  }

  return {
    ...initialTrainingState,

    setHyper: (patch) => set((s) => ({ hyperOverrides: { ...s.hyperOverrides, ...patch } })),
    setTrunkEngine: (trunkEngine) => set({ trunkEngine }),

    async refreshProposal() {
      const s = get();
      const model = s.modelConfig;
      if (s.datasetStatus !== 'ready' || !s.datasetReport?.task || s.datasetReport.ambiguous || !model) {
        set({ proposal: null });
        return;
      }
      const report = s.datasetReport;
      const { backbone, freezeOps, weights } = model;
      try {
        const { planned, trainImages } = await trainerWorker.call((api) => api.proposal({ backbone, freezeOps, weights }));
        if (get().datasetReport !== report || get().modelConfig?.backbone !== backbone) return; // a newer one asks
        set({ proposal: { hyper: proposalOf(planned), inputSize: planned.model.inputSize!, trainImages } });
        await get().proposeInputSize(planned.model.inputSize!);
      } catch {
        set({ proposal: null });
      }
    },

    async resetHyper() {
      set({ hyperOverrides: {} });
      const size = get().proposal?.inputSize;
      if (size) await get().setInputSize(size);
    },

    async startTraining() {
      const s = get();
      const report = s.datasetReport;
      if (s.trainState === 'running' || s.trainState === 'paused' || s.datasetStatus !== 'ready' || !report?.task || !s.modelConfig) return;
      set({ ...initialRunView, trainState: 'running', trainMessage: 'Preparing…', runConfig: null, restored: false, trained: false, trainErrorStack: null, resumable: null });
      // The run replaces the saved trained model a backbone switch's Undo would bring back.
      get().forgetModelUndo();
      let config: TrainConfig;
      try {
        const dataset = datasetRef();
        // Not being able to save (storage full, private mode) costs the reload safety, not the run.
        if (dataset) {
          await startProject(dataset).catch((e) =>
            notice(`Could not save the project (${message(e)}): training goes on, but a reload will not bring it back.`),
          );
        }
        config = await planRun(get);
      } catch (e) {
        const { message: text, stack } = errorInfo(e);
        set({ trainState: 'failed', trainMessage: text, trainErrorStack: stack, progress: null });
        return;
      }
      await train(config);
    },

    async continueTraining() {
      const s = get();
      const run = s.runConfig;
      if (!s.resumable || !run || s.datasetStatus !== 'ready' || s.modelStatus !== 'ready') return;
      const checkpoint = await trainerWorker.call((api) => api.lastCheckpoint()).catch(() => null);
      if (!checkpoint) {
        set({ resumable: null, trainMessage: 'the checkpoint to resume from is gone (site data cleared?)' });
        return;
      }
      set({ trainState: 'running', trainMessage: `Resuming after epoch ${checkpoint.epoch}…`, resumable: null, restored: false, trainErrorStack: null });
      await train(run, true);
    },

    pauseTraining: async () => void (await trainerWorker.now((api) => api.pause())),
    resumeTraining: async () => void (await trainerWorker.now((api) => api.resume())),
    stopTraining: async () => void (await trainerWorker.now((api) => api.stop())),

    async startProjectOnDataset() {
      const s = get();
      if (s.trainState === 'running' || s.trainState === 'paused') return;
      const hadTrained = s.trained;
      set({ ...initialRunView, runConfig: null, restored: false, trained: false, trainErrorStack: null, resumable: null });
      get().resetPredict();
      get().forgetModelUndo();
      const dataset = datasetRef();
      // Not being able to save costs the reload safety only; starting a run says so (startTraining).
      if (dataset) await startProject(dataset).catch(() => undefined);
      if (hadTrained) await get().reloadModel();
    },

    async restoreProject() {
      const saved = await loadProject().catch(() => null);
      const reopen = () => {
        if (!saved || get().datasetStatus !== 'idle') return;
        const d = saved.dataset;
        void (d.kind === 'sample' ? get().openSample(d.name as SampleName, { reopen: true }) : get().openDataset(d, { reopen: true }));
      };
      const project = saved?.project;
      const current = get().modelConfig;
      if (!project) {
        reopen();
        return false;
      }
      if (current && !sameModel(current, project.model)) return false;
      const cut = project.state === 'running' || project.state === 'paused';
      // A run the page closed on goes back to its last finished epoch (the worker saved it), from which it can go on.
      const checkpoint = cut ? await trainerWorker.call((api) => api.lastCheckpoint()).catch(() => null) : null;
      const total = project.run.epochs;
      const lost = checkpoint
        ? `The page was closed during epoch ${checkpoint.epoch + 1} of ${total}; epochs 1–${checkpoint.epoch} are saved. Resume to go on from epoch ${checkpoint.epoch + 1}.`
        : 'the page was closed during training, before its first epoch ended; nothing to resume from';
      set({
        ...initialRunView,
        series: seriesOf(checkpoint?.report ?? project.report),
        epochs: checkpoint ? epochsOf(checkpoint) : project.epochs,
        samples: project.samples,
        trainState: cut ? 'stopped' : project.state,
        trainMessage: cut ? lost : project.message,
        runConfig: project.run,
        hyperOverrides: project.hyper,
        restored: true,
        // A run that ended saved its trained model (the worker did); one cut short has none.
        trained: !cut,
        resumable: checkpoint && checkpoint.epoch < total ? { epoch: checkpoint.epoch, epochs: total } : null,
      });
      reopen();
      if (!(await get().loadTrained(project.model))) {
        set({ trained: false, modelConfig: project.model });
        await get().reloadModel();
      }
      return true;
    },

    async downloadModel() {
      const run = get().runConfig;
      if (!run) return;
      const zip = await trainerWorker.call((api) => api.exportZip());
      saveFile(zip, 'application/zip', `${run.model.backbone}-${run.task}.zip`);
    },

    async downloadOnnx() {
      const run = get().runConfig;
      if (!run) return;
      const onnx = await trainerWorker.call((api) => api.exportOnnx());
      saveFile(onnx, 'application/octet-stream', `${run.model.backbone}-${run.task}.onnx`);
    },

    async downloadPytorch() {
      const run = get().runConfig;
      if (!run) return;
      // train.py's defaults are the run's own hyper-parameters, so the exported recipe is the one that trained here.
      const { optimizer, learningRate, batchSize, epochs, seed, featureCache, schedule, fineTune, augment } = run;
      const recipe: PytorchRecipe = { optimizer, learningRate, batchSize, epochs, seed, featureCache, schedule, fineTune, augment };
      const folder = `${run.model.backbone}-${run.task}-pytorch`;
      const zip = await trainerWorker.call((api) => api.exportPytorch(folder, recipe));
      saveFile(zip, 'application/zip', `${folder}.zip`);
    },

    projectSnapshot(report) {
      const s = get();
      const dataset = datasetRef();
      if (!s.runConfig || !dataset || !s.datasetReport?.task) return null;
      return {
        version: 1,
        savedAt: Date.now(),
        dataset,
        model: s.runConfig.model,
        run: s.runConfig,
        hyper: s.hyperOverrides,
        state: s.trainState,
        message: s.trainMessage,
        report,
        epochs: s.epochs,
        samples: s.samples,
      };
    },

    resetTraining() {
      buffer.clear();
      set(initialTrainingState);
    },
  };
};
