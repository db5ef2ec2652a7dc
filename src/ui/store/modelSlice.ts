import { proxy, transfer } from 'comlink';
import type { StateCreator } from 'zustand';
import {
  findModule,
  formatModulePath,
  imagenetSource,
  imagenetSourceText,
  imagenetUrl,
  type BackboneName,
  type FreezeOp,
  type ModelConfig,
  type PresetName,
} from '../../engine/models';
import { fetchWeightsFile, weightsFileLabel } from '../weightsCache';
import type { ModelView } from '../../workers/trainer.worker';
import { restoreOps } from '../tree/restoreOps';
import { freezeState } from '../tree/freezeState';
import { trainerWorker, WorkerRestarted } from '../trainerWorkerClient';
import type { StudioState } from './index';
import { hasTrainedModel } from './trainingSlice';
import { nextUndoSeq } from './undoOrder';
import { initialRunView } from '../training/runView';
import type { TaskModel } from '../training/taskModel';

/** What the worker offers: backbones (with their presets) and all preset names. */
export interface Catalog {
  backbones: { name: BackboneName; title: string; inputSize: number; presets: PresetName[]; headModules: string[] }[];
  presets: PresetName[];
}

/**
 * What Undo takes back: one toggle (with the ops that take the model back to just before it), or a switch away
 * from a trained model (with that model's config and the run shown with it, which the worker's saved trained
 * model brings back).
 */
export type UndoEntry =
  | { kind: 'toggle'; op: FreezeOp; restore: FreezeOp[]; seq: number }
  | { kind: 'switch'; to: BackboneName; trained: ModelConfig; run: TrainedRun; seq: number };

/** The run shown with a trained model, put aside while another model is looked at. */
export type TrainedRun = Pick<
  StudioState,
  'trainState' | 'trainMessage' | 'series' | 'epochs' | 'samples' | 'notices' | 'runConfig' | 'restored' | 'trained' | 'resumable'
>;

/** What Undo says it takes back. */
export function undoLabel(entry: UndoEntry): string {
  return entry.kind === 'toggle' ? `${entry.op.op} ${formatModulePath(entry.op.path)}` : `switch to ${entry.to}`;
}

export interface ModelSlice {
  catalog: Catalog | null;
  modelConfig: ModelConfig | null;
  modelView: ModelView | null;
  modelStatus: 'idle' | 'building' | 'ready' | 'error';
  modelError: string | null;
  /** Module whose toggle is on its way to the worker. */
  pendingPath: string | null;
  undoStack: UndoEntry[];
  /**
   * The user picked the backbone or preset (the model bar) for the open dataset, or before any was opened: opening
   * a dataset then keeps the model instead of switching to the task's default backbone. A new dataset clears it.
   */
  backbonePicked: boolean;
  /** The open dataset's task default (`taskModel`) when opening it kept the user's model: the model bar offers it. */
  taskDefault: TaskModel | null;
  /** Bytes of weights read so far, while bundled weights load or a weights file downloads. */
  weightsProgress: { loaded: number; total: number | null } | null;
  /** Where the last weights file came from: 'network', or 'cache' when IndexedDB had it. */
  weightsFetchedFrom: 'network' | 'cache' | null;
  /**
   * Builds backbone + preset with the preset's own freezing (the tree's clicks start over); `shape` sets the
   * class count of a multiclass head and the input size.
   */
  chooseModel(backbone: BackboneName, preset: PresetName, shape?: Pick<ModelConfig, 'numClasses' | 'inputSize'>): Promise<void>;
  /**
   * The user's choice of backbone and preset (the model bar): as `chooseModel`, and when it replaces a trained
   * model, that model and its run are put aside for Undo instead of being lost.
   */
  switchModel(backbone: BackboneName, preset: PresetName, shape?: Pick<ModelConfig, 'numClasses' | 'inputSize'>): Promise<void>;
  /**
   * A newly opened dataset's model (`taskModel`: the task's default backbone, head and input size), built as
   * `chooseModel` does unless the user picked a model meanwhile (theirs stays).
   */
  followDataset(model: TaskModel): Promise<void>;
  /** Drops a backbone switch's Undo (a new dataset or a new run: the trained model it would bring back is gone). */
  forgetModelUndo(): void;
  /**
   * Shows the trained model of the last run as `config`: the worker rebuilds it from the files it saved in
   * IndexedDB. False when it has none: `config` is then left building, for the caller to build afresh.
   */
  loadTrained(config: ModelConfig): Promise<boolean>;
  /** Rebuilds the current model at another square input size, the tree's clicks kept. */
  setInputSize(size: number): Promise<void>;
  /** The proposal's input size, taken when the model has none set (the user's choice, or a trained model's, stays). */
  proposeInputSize(size: number): Promise<void>;
  /** Rebuilds the current config, clicks included (after a backend change); picks a default on first run. */
  reloadModel(): Promise<void>;
  /** Trains a module that is (partly) frozen, freezes one that trains. */
  toggleModule(path: string): Promise<void>;
  /** Takes back the last toggle, or the switch away from a trained model. */
  undo(): Promise<void>;
  /** Sets the model's weights from a torchvision-named `.safetensors` state dict (dropped on the tree). */
  importWeights(bytes: ArrayBuffer, name: string): Promise<void>;
  /** Fetches a `.safetensors` (IndexedDB-cached by URL) and imports it. */
  fetchWeights(url: string): Promise<void>;
  /** Fetches the current backbone's ImageNet weights from the hub (IMAGENET_SOURCES), the same way. */
  fetchImagenetWeights(): Promise<void>;
  resetModel(): void;
}

export const initialModelState = {
  catalog: null as Catalog | null,
  modelConfig: null as ModelConfig | null,
  modelView: null as ModelView | null,
  modelStatus: 'idle' as ModelSlice['modelStatus'],
  modelError: null as string | null,
  pendingPath: null as string | null,
  undoStack: [] as UndoEntry[],
  backbonePicked: false,
  taskDefault: null as TaskModel | null,
  weightsProgress: null as ModelSlice['weightsProgress'],
  weightsFetchedFrom: null as ModelSlice['weightsFetchedFrom'],
};

/** The model to show first: MobileNetV3 + binary where the zoo has it, else VGG16 + binary. */
export function defaultModel(catalog: Catalog): ModelConfig {
  const mobile = catalog.backbones.find((b) => b.name === 'mobilenet_v3' && b.presets.includes('binary'));
  return { backbone: mobile ? 'mobilenet_v3' : 'vgg16', preset: 'binary', freezeOps: [] };
}

/** Model actions run one after another, each on the state the previous one left. */
let chain: Promise<void> = Promise.resolve();
function serial(task: () => Promise<void>): Promise<void> {
  chain = chain.then(task, task);
  return chain;
}

const message = (e: unknown) => (e as Error)?.message ?? String(e);

export const createModelSlice: StateCreator<StudioState, [], [], ModelSlice> = (set, get) => {
  /** Builds `config` in the worker; a failure is shown, not thrown. */
  async function build(config: ModelConfig, keepHistory: boolean): Promise<void> {
    set({ modelConfig: config, modelStatus: 'building', modelError: null, ...(keepHistory ? {} : { undoStack: [] }) });
    try {
      const catalog = get().catalog ?? (await trainerWorker.call((api) => api.catalog()));
      const onProgress = proxy((p: { loaded: number; total: number }) => {
        if (get().modelConfig === config) set({ weightsProgress: { loaded: p.loaded, total: p.total } });
      });
      const view = await trainerWorker.call((api) => api.buildModel(config, onProgress));
      if (get().modelConfig !== config) return; // a newer choice took over
      set({ catalog, modelView: view, modelStatus: 'ready', weightsProgress: null });
      // Not awaited: the proposal may rebuild at its input size, which queues behind this build.
      void get().refreshProposal();
    } catch (e) {
      if (e instanceof WorkerRestarted) return; // the new worker rebuilds it
      if (get().modelConfig === config) set({ modelStatus: 'error', modelError: message(e), weightsProgress: null });
    }
  }

  /** Hands a state dict to the worker (the buffer is transferred, not copied). */
  async function importInto(bytes: ArrayBuffer, name: string): Promise<void> {
    if (get().modelStatus !== 'ready') return;
    set({ modelStatus: 'building', modelError: null });
    try {
      const view = await trainerWorker.call((api) => api.importSafetensors(transfer(bytes, [bytes]), name));
      set({ modelView: view, modelStatus: 'ready' });
    } catch (e) {
      if (!(e instanceof WorkerRestarted)) set({ modelStatus: 'ready', modelError: message(e) });
    }
  }

  /** Fetches `url` (from IndexedDB when it was fetched before) and imports it as `label`; a failure is shown. */
  async function fetchInto(url: string, label: string): Promise<void> {
    set({ modelError: null, weightsProgress: { loaded: 0, total: null }, weightsFetchedFrom: null });
    try {
      const { bytes, fromCache } = await fetchWeightsFile(url, (loaded, total) => set({ weightsProgress: { loaded, total } }));
      set({ weightsFetchedFrom: fromCache ? 'cache' : 'network', weightsProgress: null });
      await importInto(bytes, label);
    } catch (e) {
      set({ modelError: message(e), weightsProgress: null });
    }
  }

  async function applyOps(ops: FreezeOp[]) {
    return trainerWorker.call((api) => api.applyFreezeOps(ops));
  }

  /** Takes back the last toggle (the ops that restore the tree as it was before it). */
  const undoToggle = () =>
    serial(async () => {
      const { undoStack, modelConfig, modelStatus } = get();
      const entry = undoStack.at(-1);
      if (entry?.kind !== 'toggle' || !modelConfig || modelStatus !== 'ready') return;
      set({ pendingPath: entry.op.path, modelError: null });
      try {
        const view = await applyOps(entry.restore);
        set({
          modelView: view,
          modelConfig: { ...modelConfig, freezeOps: (modelConfig.freezeOps ?? []).slice(0, -1) },
          undoStack: undoStack.slice(0, -1),
        });
      } catch (e) {
        if (!(e instanceof WorkerRestarted)) set({ modelError: message(e) });
      } finally {
        set({ pendingPath: null });
      }
    });

  return {
    ...initialModelState,

    chooseModel: (backbone, preset, shape = {}) => serial(() => build({ backbone, preset, ...shape, freezeOps: [] }, false)),

    async switchModel(backbone, preset, shape) {
      set({ backbonePicked: true });
      const s = get();
      const trained = hasTrainedModel(s) && s.modelConfig;
      if (!trained) return get().chooseModel(backbone, preset, shape);
      const run: TrainedRun = {
        trainState: s.trainState,
        trainMessage: s.trainMessage,
        series: s.series,
        epochs: s.epochs,
        samples: s.samples,
        notices: s.notices,
        runConfig: s.runConfig,
        restored: s.restored,
        trained: s.trained,
        resumable: s.resumable,
      };
      // The report, prediction and download are the trained model's: they go aside with it.
      set({ ...initialRunView, runConfig: null, restored: false, trained: false, resumable: null });
      get().resetPredict();
      await get().chooseModel(backbone, preset, shape);
      set({ undoStack: [{ kind: 'switch', to: backbone, trained, run, seq: nextUndoSeq() }] });
    },

    followDataset: ({ backbone, preset, ...shape }) =>
      serial(async () => {
        if (!get().backbonePicked) await build({ backbone, preset, ...shape, freezeOps: [] }, false);
      }),

    forgetModelUndo: () => set((s) => ({ undoStack: s.undoStack.filter((e) => e.kind !== 'switch') })),

    async loadTrained(config) {
      let found = true;
      await serial(async () => {
        set({ modelConfig: config, modelStatus: 'building', modelError: null, undoStack: [] });
        try {
          // After a reload the catalog is not there yet: the model bar's selects need it.
          const catalog = get().catalog ?? (await trainerWorker.call((api) => api.catalog()));
          const view = await trainerWorker.call((api) => api.loadTrained());
          set({ catalog });
          if (!view) found = false;
          else if (get().modelConfig === config) {
            set({ modelView: view, modelStatus: 'ready' });
            void get().refreshProposal();
          }
        } catch (e) {
          if (!(e instanceof WorkerRestarted) && get().modelConfig === config) set({ modelStatus: 'error', modelError: message(e) });
        }
      });
      return found;
    },

    setInputSize: (size) =>
      serial(async () => {
        const config = get().modelConfig;
        if (config && config.inputSize !== size) await build({ ...config, inputSize: size }, true);
      }),

    proposeInputSize: (size) =>
      serial(async () => {
        const config = get().modelConfig;
        // A trained model keeps the size it was trained at, whatever its config says.
        if (!config || config.inputSize !== undefined || get().trained) return;
        const own = get().catalog?.backbones.find((b) => b.name === config.backbone)?.inputSize;
        // At the backbone's own size the model built is already the proposed one: only the config says it now.
        if (own === size && get().modelStatus === 'ready') set({ modelConfig: { ...config, inputSize: size } });
        else await build({ ...config, inputSize: size }, true);
      }),

    reloadModel: () =>
      serial(async () => {
        let config = get().modelConfig;
        if (!config) {
          try {
            const catalog = await trainerWorker.call((api) => api.catalog());
            set({ catalog });
            config = defaultModel(catalog);
          } catch (e) {
            set({ modelStatus: 'error', modelError: message(e) });
            return;
          }
        }
        await build(config, true);
      }),

    toggleModule: (path) =>
      serial(async () => {
        const { modelView: before, modelConfig, modelStatus } = get();
        const node = before && findModule(before.tree, path);
        if (!before || !node || !modelConfig || modelStatus !== 'ready' || freezeState(node) === 'empty') return;
        const op: FreezeOp = { op: freezeState(node) === 'on' ? 'freeze' : 'unfreeze', path };
        set({ pendingPath: path, modelError: null });
        try {
          const after = await applyOps([op]);
          const entry: UndoEntry = { kind: 'toggle', op, restore: restoreOps(before.tree, after.tree), seq: nextUndoSeq() };
          set({
            modelView: after,
            modelConfig: { ...modelConfig, freezeOps: [...(modelConfig.freezeOps ?? []), op] },
            undoStack: [...get().undoStack, entry],
          });
        } catch (e) {
          if (!(e instanceof WorkerRestarted)) set({ modelError: message(e) });
        } finally {
          set({ pendingPath: null });
        }
      }),

    async undo() {
      const entry = get().undoStack.at(-1);
      if (entry?.kind !== 'switch') return undoToggle();
      if (get().trainState === 'running' || get().trainState === 'paused') return;
      const rest = get().undoStack.slice(0, -1);
      get().resetPredict();
      if (await get().loadTrained(entry.trained)) set({ ...entry.run, undoStack: rest });
      else {
        set({ modelError: 'the trained model is no longer saved (site data cleared?)' });
        await get().reloadModel();
      }
    },


    importWeights: (bytes, name) => serial(() => importInto(bytes, name)),

    fetchWeights: (url) => serial(() => fetchInto(url, weightsFileLabel(url))),

    fetchImagenetWeights: () =>
      serial(async () => {
        const source = get().modelConfig && imagenetSource(get().modelConfig!.backbone);
        if (source) await fetchInto(imagenetUrl(source), imagenetSourceText(source));
      }),

    resetModel() {
      chain = Promise.resolve();
      set(initialModelState);
    },
  };
};
