import { describe, expect, it } from 'vitest';
import { memoryFeatureStore, spillingFeatureStore } from './featureStore';

describe('spillingFeatureStore', () => {
  it('puts entries past the byte budget into the spill store, opened once, and reads both back', async () => {
    const spill = memoryFeatureStore();
    let opened = 0;
    const store = spillingFeatureStore(memoryFeatureStore(), 8, async () => (opened++, spill));
    await store.put('a', [new Uint16Array([1, 2, 3])]);
    expect(opened).toBe(0);
    await store.put('b', [new Float32Array([4, 5])]);
    await store.put('c', [new Uint16Array([6])]);
    expect(opened).toBe(1);
    expect(spill.bytes).toBe(8);
    expect(store.bytes).toBe(16);
    expect(Array.from((await store.get('b'))[0])).toEqual([4, 5]);
    expect(Array.from((await store.get('a'))[0])).toEqual([1, 2, 3]);
    await expect(store.get('missing')).rejects.toThrow(/no entry for 'missing'/);
    await store.clear();
    expect(store.bytes).toBe(0);
    expect(spill.bytes).toBe(0);
  });
});
