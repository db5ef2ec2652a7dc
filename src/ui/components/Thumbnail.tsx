import { memo } from 'react';
import { faceGroup, GENDER_NAMES, printable, type DatasetItem } from '../../engine/data';
import { useThumbnail } from '../hooks/useThumbnail';

/** One image of the grid with its labels drawn: class name, keypoints coloured by face group, age and gender. */
export const Thumbnail = memo(function Thumbnail({ item, classes }: { item: DatasetItem; classes?: string[] }) {
  const url = useThumbnail(item.path);
  const { width: w, height: h } = item;
  const points = item.points;
  const r = Math.max(w, h) / 110;
  const label =
    item.label !== undefined
      ? printable(classes?.[item.label] ?? String(item.label))
      : item.age !== undefined
        ? `${+item.age.toFixed(1)} y · ${GENDER_NAMES[item.gender!]}`
        : points
          ? `${points.length / 2} points`
          : '';
  const name = printable(item.path.slice(item.path.lastIndexOf('/') + 1));
  return (
    <figure className="thumb" data-testid="thumb" data-path={item.path} title={printable(item.path)}>
      <svg viewBox={`0 0 ${w} ${h}`} preserveAspectRatio="xMidYMid meet" role="img" aria-label={`${name}: ${label}`}>
        {url ? <image href={url} width={w} height={h} data-testid="thumb-image" /> : null}
        {url === null ? (
          <text x={w / 2} y={h / 2} textAnchor="middle" className="thumb-error">
            no preview
          </text>
        ) : null}
        {points
          ? Array.from({ length: points.length / 2 }, (_, k) => (
              <circle
                key={k}
                cx={points[2 * k] * w}
                cy={points[2 * k + 1] * h}
                r={r}
                className={`kp kp-${faceGroup(k, points.length / 2) ?? 'other'}`}
              />
            ))
          : null}
      </svg>
      <figcaption data-testid="thumb-label">{label}</figcaption>
    </figure>
  );
});
