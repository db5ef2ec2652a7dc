import { useEffect, useState } from 'react';
import { datasetCache } from '../datasetCache';
import { useStudio } from '../store';

/**
 * The thumbnail URL of `path` in the open dataset: undefined while it loads, null when it does not decode. Asked
 * only once the dataset is read (and again for another one): asked while it is read, the worker has no image yet.
 */
export function useThumbnail(path: string): string | null | undefined {
  const dataset = useStudio((s) => (s.datasetStatus === 'ready' ? s.datasetReport : null));
  const [url, setUrl] = useState<{ path: string; dataset: unknown; url: string | null }>();
  useEffect(() => {
    if (!dataset) return;
    let live = true;
    void datasetCache.thumbnail(path).then((u) => live && setUrl({ path, dataset, url: u }));
    return () => {
      live = false;
    };
  }, [path, dataset]);
  return url?.path === path && url.dataset === dataset ? url.url : undefined;
}
