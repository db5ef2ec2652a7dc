import { memo } from 'react';
import { faceGroup } from '../../engine/data';
import type { SamplePrediction } from '../../engine/train';
import { useDatasetItem } from '../hooks/useDatasetItems';
import { useThumbnail } from '../hooks/useThumbnail';
import { useStudio } from '../store';

/** A prediction as one short caption. */
function caption(p: SamplePrediction['prediction']): string {
  switch (p.task) {
    case 'classification':
      return `${p.classes[p.label]} ${(p.probs[p.label] * 100).toFixed(0)}%`;
    case 'keypoints':
      return `${p.points.length} points`;
    case 'age-gender':
      return `${p.age.toFixed(0)} y · ${p.gender}`;
  }
}

/** One val image with its prediction drawn (points) or captioned, and its error. */
const GalleryItem = memo(function GalleryItem({ sample }: { sample: SamplePrediction }) {
  const url = useThumbnail(sample.path);
  const item = useDatasetItem(sample.path);
  const w = item?.width ?? 100;
  const h = item?.height ?? 100;
  const p = sample.prediction;
  return (
    <figure className="thumb" data-testid="gallery-item" data-path={sample.path} title={`${sample.path}: error ${sample.error.toFixed(3)}`}>
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="xMidYMid meet" role="img" aria-label={`${sample.path}: ${caption(p)}`}>
        {url ? <image href={url} width={w} height={h} /> : null}
        {p.task === 'keypoints'
          ? p.points.map(([x, y], k) => (
              <circle key={k} cx={x} cy={y} r={Math.max(w, h) / 90} className={`kp kp-${faceGroup(k, p.points.length) ?? 'other'}`} />
            ))
          : null}
      </svg>
      <figcaption>
        {caption(p)} <span className="muted">· err {sample.error.toFixed(2)}</span>
      </figcaption>
    </figure>
  );
});

/** The kept epoch's best and worst val predictions (lowest and highest `Task.itemError`): the weights Predict uses. */
export function Gallery() {
  const samples = useStudio((s) => s.samples);
  if (!samples) return null;
  return (
    <section className="panel gallery" aria-label="Val gallery">
      <header className="panel-head">
        <h2>Val predictions</h2>
        <span className="muted" data-testid="gallery-epoch">
          kept epoch {samples.epoch}, the weights Predict uses
        </span>
      </header>
      {(['best', 'worst'] as const).map((kind) => (
        <div key={kind} className="gallery-row" data-testid={`gallery-${kind}`}>
          <h3>{kind}</h3>
          <div className="gallery-items">
            {samples[kind].map((s) => (
              <GalleryItem key={s.path} sample={s} />
            ))}
          </div>
        </div>
      ))}
    </section>
  );
}
