import { useState } from 'react';
import { faceGroup, GENDER_NAMES, type DatasetItem } from '../../engine/data';
import type { PredictedImage } from '../../workers/trainer.worker';

/** Class probabilities as bars, the most likely first. */
export function ClassBars({ prediction }: { prediction: Extract<PredictedImage, { task: 'classification' }> }) {
  const order = prediction.probs.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]);
  return (
    <ul className="prob-bars" aria-label="Class probabilities">
      {order.map(([p, i]) => (
        <li key={i} data-testid={`prob-${prediction.classes[i]}`} className={i === prediction.label ? 'top' : undefined}>
          <span className="prob-name">{prediction.classes[i]}</span>
          <span className="prob-bar" style={{ width: `${(p * 100).toFixed(1)}%` }} />
          <span className="prob-value">{(p * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The image with predicted points (coloured by face group) and, when known, the true ones (rings); under them, a
 * thin dashed square where the model's face crop was cut (a model that takes face crops).
 */
function PointsOnImage({ url, points, truth, crop }: { url: string; points: [number, number][]; truth?: number[]; crop?: PredictedImage['crop'] }) {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const r = size ? Math.max(size.w, size.h) / 120 : 1;
  return (
    <div className="points-image">
      <img src={url} alt="" onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })} />
      {size ? (
        <svg viewBox={`0 0 ${size.w} ${size.h}`} preserveAspectRatio="none" data-testid="predicted-points">
          {crop ? (
            <rect
              x={crop.square[0]}
              y={crop.square[1]}
              width={crop.square[2]}
              height={crop.square[2]}
              className={crop.noFace ? 'kp-crop kp-crop-none' : 'kp-crop'}
              strokeWidth={r / 3}
              strokeDasharray={`${r * 1.5} ${r}`}
              data-testid="predicted-crop"
            />
          ) : null}
          {truth
            ? Array.from({ length: truth.length / 2 }, (_, k) => (
                <circle key={`t${k}`} cx={truth[2 * k] * size.w} cy={truth[2 * k + 1] * size.h} r={r * 1.3} className="kp-truth" />
              ))
            : null}
          {points.map(([x, y], k) => (
            <circle key={k} cx={x} cy={y} r={r} className={`kp kp-${faceGroup(k, points.length) ?? 'other'} kp-pred`} />
          ))}
        </svg>
      ) : null}
    </div>
  );
}

/** One prediction in the user's terms; `truth` is the dataset's label of the same image, when known. */
export function PredictionView({ url, prediction, truth }: { url: string; prediction: PredictedImage; truth: DatasetItem | null }) {
  switch (prediction.task) {
    case 'classification':
      return (
        <div className="prediction">
          <img className="predict-image" src={url} alt="" />
          <div>
            <p data-testid="predicted-label">
              <strong>{prediction.classes[prediction.label]}</strong>
              {truth?.label !== undefined ? <span className="muted"> — labelled {prediction.classes[truth.label]}</span> : null}
            </p>
            <ClassBars prediction={prediction} />
          </div>
        </div>
      );
    case 'keypoints':
      return (
        <div className="prediction">
          <PointsOnImage url={url} points={prediction.points} truth={truth?.points} crop={prediction.crop} />
          <p className="muted" data-testid="predicted-label">
            {prediction.points.length} points{truth?.points ? ' · rings: the dataset’s points' : ''}
            {prediction.crop ? (prediction.crop.noFace ? ' · no face found: the whole image was the crop' : ' · dashed: the face crop') : ''}
          </p>
        </div>
      );
    case 'age-gender':
      return (
        <div className="prediction">
          <img className="predict-image" src={url} alt="" />
          <p data-testid="predicted-label">
            <strong>{prediction.age.toFixed(1)} years</strong> · <strong>{prediction.gender}</strong>{' '}
            <span className="muted">(p female {prediction.pFemale.toFixed(2)})</span>
            {truth?.age !== undefined ? (
              <span className="muted">
                {' '}
                — labelled {+truth.age.toFixed(1)} y · {GENDER_NAMES[truth.gender!]}
              </span>
            ) : null}
          </p>
        </div>
      );
  }
}
