import { proxy, transfer } from 'comlink';
import type { StateCreator } from 'zustand';
import {
  findModule,
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

/** What the worker offers: backbones (with their presets) and all preset names. */
export interface Catalog {
  backbones: { name: BackboneName; title: string; inputSize: number; presets: PresetName[] }[];
  presets: PresetName[];
}

/** One toggle, and the ops that take the model back to just before it. */
export interface UndoEntry {
  op: FreezeOp;
  restore: FreezeOp[];
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
   * Shows the trained model of the last run as `config`: the worker rebuilds it from the files it saved in
   * IndexedDB. False when it has none: `config` is then left building, for the caller to build afresh.
   */
  loadTrained(config: ModelConfig): Promise<boolean>;
  /** Rebuilds the current model at another square input size, the tree's clicks kept. */
  setInputSize(size: number): Promise<void>;
  /** Rebuilds the current config, clicks included (after a backend change); picks a default on first run. */
  reloadModel(): Promise<void>;
  /** Trains a module that is (partly) frozen, freezes one that trains. */
  toggleModule(path: string): Promise<void>;
  /** Takes back the last toggle. */
  undoToggle(): Promise<void>;
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

  return {
    ...initialModelState,

    chooseModel: (backbone, preset, shape = {}) => serial(() => build({ backbone, preset, ...shape, freezeOps: [] }, false)),

    async loadTrained(config) {
      let found = true;
      await serial(async () => {
        set({ modelConfig: config, modelStatus: 'building', modelError: null, undoStack: [] });
        try {
          const view = await trainerWorker.call((api) => api.loadTrained());
          if (!view) found = false;
          else if (get().modelConfig === config) set({ modelView: view, modelStatus: 'ready' });
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
          const entry: UndoEntry = { op, restore: restoreOps(before.tree, after.tree) };
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

    undoToggle: () =>
      serial(async () => {
        const { undoStack, modelConfig, modelStatus } = get();
        const entry = undoStack.at(-1);
        if (!entry || !modelConfig || modelStatus !== 'ready') return;
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
      }),

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
