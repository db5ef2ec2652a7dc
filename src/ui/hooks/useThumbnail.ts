import { useEffect, useState } from 'react';
import { datasetCache } from '../datasetCache';

/** The thumbnail URL of `path` in the open dataset: undefined while it loads, null when it does not decode. */
export function useThumbnail(path: string): string | null | undefined {
  const [url, setUrl] = useState<{ path: string; url: string | null }>();
  useEffect(() => {
    let live = true;
    void datasetCache.thumbnail(path).then((u) => live && setUrl({ path, url: u }));
    return () => {
      live = false;
    };
  }, [path]);
  return url?.path === path ? url.url : undefined;
}
