import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { Thumbnail } from './Thumbnail';

const CELL = 132;

/** The images of one split, virtualized: only the rows on screen are in the page. */
export function ThumbnailGrid() {
  const { items, report, split, setViewSplit } = useStudio(
    useShallow((s) => ({ items: s.datasetItems, report: s.datasetReport, split: s.viewSplit, setViewSplit: s.setViewSplit })),
  );
  const shown = useMemo(() => items.filter((i) => i.split === split), [items, split]);
  const scroller = useRef<HTMLDivElement>(null);
  const [columns, setColumns] = useState(6);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setColumns(Math.max(1, Math.floor(el.clientWidth / CELL))));
    observer.observe(el);
    return () => observer.disconnect();
  }, [report]);
  const rows = Math.ceil(shown.length / columns);
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scroller.current,
    estimateSize: () => CELL + 22,
    overscan: 2,
  });
  if (!report || items.length === 0) return null;
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
          {shown.length} images
        </span>
      </div>
      <div className="grid-scroll" ref={scroller} data-testid="thumbnail-grid">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((row) => (
            <div
              key={row.key}
              className="grid-row"
              style={{ transform: `translateY(${row.start}px)`, gridTemplateColumns: `repeat(${columns}, ${CELL - 8}px)` }}
            >
              {shown.slice(row.index * columns, row.index * columns + columns).map((item) => (
                <Thumbnail key={item.path} item={item} classes={report.classes} />
              ))}
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
