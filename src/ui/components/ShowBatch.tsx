import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DatasetReport } from '../../engine/data';
import type { ShownImage } from '../../engine/train';
import { useStudio } from '../store';

/** What an image's target says in words (its keypoints are drawn on it). */
export function targetCaption(item: ShownImage['item'], report: DatasetReport | null): string {
  if (item.label !== undefined) return report?.classes?.[item.label] ?? `class ${item.label}`;
  if (item.age !== undefined || item.gender !== undefined) {
    const gender = item.gender === undefined ? '' : item.gender === 1 ? 'female' : 'male';
    return [item.age === undefined ? '' : `${Math.round(item.age)} years`, gender].filter(Boolean).join(', ');
  }
  if (item.points) return `${item.points.length / 2} points`;
  return '';
}

/** One thumbnail: its RGBA pixels on a canvas. */
function BatchImage({ image }: { image: ShownImage }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) ctx.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.side, image.side), 0, 0);
  }, [image]);
  return <canvas ref={ref} width={image.side} height={image.side} aria-label={image.item.path} />;
}

/**
 * fastai's show_batch: a train batch as the run will see it (its shuffle, its augmentation), the targets on the
 * images (labels as captions, keypoints drawn in where the augmentation moved them).
 */
export function ShowBatch() {
  const { shown, status, error, report, canShow, show, close } = useStudio(
    useShallow((s) => ({
      shown: s.shownBatch,
      status: s.showBatchStatus,
      error: s.showBatchError,
      report: s.datasetReport,
      canShow: s.datasetStatus === 'ready' && !!s.datasetReport?.task && s.modelStatus === 'ready' && s.trainState !== 'running' && s.trainState !== 'paused',
      show: s.showBatch,
      close: s.closeShowBatch,
    })),
  );
  const loading = status === 'loading';
  return (
    <section className="show-batch" aria-label="Show batch">
      <div className="train-controls">
        <button type="button" disabled={loading || !canShow} onClick={() => void show(shown ? undefined : 0)}>
          {shown ? 'Next batch' : 'Show batch'}
        </button>
        {shown ? (
          <button type="button" onClick={close}>
            Close
          </button>
        ) : null}
        {shown ? (
          <span className="muted" data-testid="show-batch-caption">
            batch {shown.step + 1} of epoch 1, {shown.augmented ? 'augmented' : 'not augmented'}
          </span>
        ) : null}
      </div>
      {error ? (
        <p className="train-error" data-testid="show-batch-error">
          {error}
        </p>
      ) : null}
      {shown ? (
        <ul className="batch-grid" data-testid="show-batch-grid">
          {shown.images.map((image, i) => (
            <li key={`${image.item.path}-${i}`} data-testid="batch-image">
              <BatchImage image={image} />
              <span className="batch-target">
                {targetCaption(image.item, report)}
                {image.flipped ? ' · flipped' : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
