import { useEffect, useReducer, useState } from 'react';
import type { DatasetItem } from '../../engine/data';
import { datasetCache, ITEM_PAGE } from '../datasetCache';
import { useStudio } from '../store';

/**
 * Items `from` … `to` (exclusive) of `split` in the open dataset, asked of the worker a page at a time as they
 * come into view: undefined for one whose page has not arrived yet. `dataset` is the open dataset's identity
 * (its report): another one starts over.
 */
export function useDatasetItems(dataset: unknown, split: string | null, from: number, to: number): (DatasetItem | undefined)[] {
  const [, arrived] = useReducer((n: number) => n + 1, 0);
  const first = Math.floor(from / ITEM_PAGE);
  const last = Math.floor(Math.max(from, to - 1) / ITEM_PAGE);
  const none = to <= from;
  useEffect(() => {
    if (split === null || none) return;
    let live = true;
    for (let page = first; page <= last; page++) {
      if (!datasetCache.peekPage(split, page)) void datasetCache.page(split, page).then(() => live && arrived(), () => undefined);
    }
    return () => {
      live = false;
    };
  }, [dataset, split, first, last, none]);
  if (split === null) return [];
  return Array.from({ length: Math.max(0, to - from) }, (_, k) => {
    const i = from + k;
    return datasetCache.peekPage(split, Math.floor(i / ITEM_PAGE))?.[i % ITEM_PAGE];
  });
}

/** The item at `path` in the open dataset: undefined while it loads, null when there is none (asked as `useThumbnail`). */
export function useDatasetItem(path: string): DatasetItem | null | undefined {
  const dataset = useStudio((s) => (s.datasetStatus === 'ready' ? s.datasetReport : null));
  const [item, setItem] = useState<{ path: string; dataset: unknown; item: DatasetItem | null }>();
  useEffect(() => {
    if (!dataset) return;
    let live = true;
    void datasetCache.item(path).then((i) => live && setItem({ path, dataset, item: i }));
    return () => {
      live = false;
    };
  }, [path, dataset]);
  return item?.path === path && item.dataset === dataset ? item.item : undefined;
}
