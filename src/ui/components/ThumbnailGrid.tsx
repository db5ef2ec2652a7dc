import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useDatasetItems } from '../hooks/useDatasetItems';
import { useStudio } from '../store';
import { Thumbnail } from './Thumbnail';

const CELL = 132;

/**
 * The images of one split, virtualized: only the rows on screen are in the page, and only their items are
 * asked of the worker, which holds the dataset.
 */
export function ThumbnailGrid() {
  const { report, split, setViewSplit } = useStudio(
    useShallow((s) => ({ report: s.datasetReport, split: s.viewSplit, setViewSplit: s.setViewSplit })),
  );
  const count = (split !== null && report?.splits[split]?.count) || 0;
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(6);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setColumns(Math.max(1, Math.floor(el.clientWidth / CELL))));
    observer.observe(el);
    return () => observer.disconnect();
  }, [report]);
  const rows = Math.ceil(count / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => CELL + 22,
    overscan: 2,
  });
  const shownRows = virtualizer.getVirtualItems();
  const from = (shownRows[0]?.index ?? 0) * columns;
  const to = Math.min(count, ((shownRows.at(-1)?.index ?? -1) + 1) * columns);
  const items = useDatasetItems(report, split, from, to);
  if (!report || count === 0) return null;
  return (
    <section className="grid-panel" aria-label="Images">
      <div className="grid-head">
        <div role="tablist" aria-label="Split">
          {Object.keys(report.splits).map((s) => (
            <button key={s} role="tab" aria-selected={s === split} type="button" onClick={() => setViewSplit(s)}>
              {s}
            </button>
          ))}
        </div>
        <span className="muted" data-testid="grid-count">
          {count} images
        </span>
      </div>
      <div className="grid-scroll" ref={scroller} data-testid="thumbnail-grid">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {shownRows.map((row) => (
            <div
              key={row.key}
              className="grid-row"
              style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, ${CELL - 8}px)` }}
            >
              {Array.from({ length: Math.min(columns, count - row.index * columns) }, (_, k) => {
                const i = row.index * columns + k;
                const item = items[i - from];
                return item ? <Thumbnail key={item.path} item={item} classes={report.classes} /> : <figure key={`#${i}`} className="thumb" aria-busy="true" />;
              })}
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
