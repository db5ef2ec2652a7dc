/** One item's cached prefix outputs, one array per cut tensor: float16 bits or float32 values. */
export type FeatureEntry = (Uint16Array | Float32Array)[];

/**
 * Where the feature cache keeps its entries, keyed by item path. Async so that an IndexedDB store
 * (`idbFeatureStore`, browser worker) and the in-memory one are interchangeable.
 */
export interface FeatureStore {
  put(key: string, entry: FeatureEntry): Promise<void>;
  /** Rejects when the key was never put: a cache miss is a bug in the caller, not a slow path. */
  get(key: string): Promise<FeatureEntry>;
  /** Bytes of feature data held. */
  readonly bytes: number;
  /** Drops every entry (and closes or deletes whatever backs the store). */
  clear(): Promise<void>;
}

export const entryBytes = (entry: FeatureEntry) => entry.reduce((n, a) => n + a.byteLength, 0);

export function memoryFeatureStore(): FeatureStore {
  const entries = new Map<string, FeatureEntry>();
  let bytes = 0;
  return {
    async put(key, entry) {
      const old = entries.get(key);
      if (old) bytes -= entryBytes(old);
      entries.set(key, entry);
      bytes += entryBytes(entry);
    },
    async get(key) {
      const entry = entries.get(key);
      if (!entry) throw new Error(`feature cache has no entry for '${key}'`);
      return entry;
    },
    get bytes() {
      return bytes;
    },
    async clear() {
      entries.clear();
      bytes = 0;
    },
  };
}

/**
 * Keeps entries in `memory` until it holds `budgetBytes`, then puts the rest into the store `openSpill` makes
 * (opened on the first entry that does not fit, so small datasets never touch IndexedDB).
 */
export function spillingFeatureStore(memory: FeatureStore, budgetBytes: number, openSpill: () => Promise<FeatureStore>): FeatureStore {
  let spill: Promise<FeatureStore> | undefined;
  // Bytes handed to the spill store, counted here because a getter cannot await it.
  const spilled = new Map<string, number>();
  let spilledBytes = 0;
  return {
    async put(key, entry) {
      const size = entryBytes(entry);
      if (!spilled.has(key) && memory.bytes + size <= budgetBytes) return memory.put(key, entry);
      spill ??= openSpill();
      spilledBytes += size - (spilled.get(key) ?? 0);
      spilled.set(key, size);
      return (await spill).put(key, entry);
    },
    async get(key) {
      return spilled.has(key) ? (await spill!).get(key) : memory.get(key);
    },
    get bytes() {
      return memory.bytes + spilledBytes;
    },
    async clear() {
      await memory.clear();
      if (spill) await (await spill).clear();
      spilled.clear();
      spilledBytes = 0;
    },
  };
}
