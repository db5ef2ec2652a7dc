import { memo } from 'react';
import { faceGroup, GENDER_NAMES } from '../../engine/data';
import type { InterpretedItem } from '../../engine/train';
import { useThumbnail } from '../hooks/useThumbnail';

/** Truth → prediction in a few words. */
function caption({ item, prediction: p }: InterpretedItem): string {
  switch (p.task) {
    case 'classification':
      return `${p.classes[item.label!]} → ${p.classes[p.label]} ${(p.probs[p.label] * 100).toFixed(0)}%`;
    case 'keypoints':
      return `${p.points.length} points`;
    case 'age-gender':
      return `${+item.age!.toFixed(1)} y ${GENDER_NAMES[item.gender!][0]} → ${p.age.toFixed(0)} y ${p.gender[0]}`;
  }
}

/** One image of an interpreted split: truth and prediction (for faces, both point sets drawn), its loss. */
export const InterpretedThumb = memo(function InterpretedThumb({ interpreted }: { interpreted: InterpretedItem }) {
  const { item, prediction: p, loss } = interpreted;
  const url = useThumbnail(item.path);
  const [w, h] = [item.width, item.height];
  const r = Math.max(w, h) / 90;
  const text = caption(interpreted);
  return (
    <figure className="thumb" data-testid="interpreted-item" data-path={item.path} title={`${item.path}: loss ${loss.toFixed(4)}`}>
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="xMidYMid meet" role="img" aria-label={`${item.path}: ${text}`}>
        {url ? <image href={url} width={w} height={h} /> : null}
        {p.task === 'keypoints' && item.points
          ? Array.from({ length: item.points.length / 2 }, (_, k) => (
              <circle key={`t${k}`} cx={item.points![2 * k] * w} cy={item.points![2 * k + 1] * h} r={r * 1.3} className="kp-truth" />
            ))
          : null}
        {p.task === 'keypoints'
          ? p.points.map(([x, y], k) => <circle key={k} cx={x} cy={y} r={r} className={`kp kp-${faceGroup(k, p.points.length) ?? 'other'}`} />)
          : null}
      </svg>
      <figcaption>
        {text} <span className="muted">· loss {loss.toFixed(2)}</span>
      </figcaption>
    </figure>
  );
});

/** A row of interpreted images, or a line saying there are none. */
export function InterpretedGallery({ items, testId, empty }: { items: InterpretedItem[]; testId: string; empty: string }) {
  return (
    <div className="gallery-items" data-testid={testId}>
      {items.length ? items.map((i) => <InterpretedThumb key={i.item.path} interpreted={i} />) : <p className="muted">{empty}</p>}
    </div>
  );
}
