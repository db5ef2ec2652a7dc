import { deleteDB, openDB, type DBSchema } from 'idb';
import { entryBytes, type FeatureEntry, type FeatureStore } from './featureStore';

interface FeatureDB extends DBSchema {
  features: { key: string; value: FeatureEntry };
}

/**
 * A feature store in IndexedDB (browser worker only), one database per run: `clear()` deletes it. Typed arrays
 * are stored as they are (structured clone), so float16 bits stay 2 bytes per value on disk too.
 */
export async function idbFeatureStore(name = `transfer-studio-features-${Date.now()}`): Promise<FeatureStore> {
  const db = await openDB<FeatureDB>(name, 1, {
    upgrade(db) {
      db.createObjectStore('features');
    },
  });
  let bytes = 0;
  return {
    async put(key, entry) {
      await db.put('features', entry, key);
      bytes += entryBytes(entry);
    },
    async get(key) {
      const entry = await db.get('features', key);
      if (!entry) throw new Error(`feature cache (IndexedDB '${name}') has no entry for '${key}'`);
      return entry;
    },
    get bytes() {
      return bytes;
    },
    async clear() {
      db.close();
      await deleteDB(name);
      bytes = 0;
    },
  };
}
