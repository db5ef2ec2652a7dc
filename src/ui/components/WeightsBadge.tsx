import { formatWeightsInfo } from '../../engine/models';
import { useStudio } from '../store';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/** "pretrained — <source>" or "random init", with load progress while weights arrive. */
export function WeightsBadge() {
  const weights = useStudio((s) => s.modelView?.weights);
  const progress = useStudio((s) => s.weightsProgress);
  const from = useStudio((s) => s.weightsFetchedFrom);
  if (progress) {
    const pct = progress.total ? ` (${Math.round((100 * progress.loaded) / progress.total)}%)` : '';
    return (
      <span className="weights-badge loading" role="status" data-testid="weights-progress">
        loading weights {mib(progress.loaded)}
        {progress.total ? ` of ${mib(progress.total)}` : ''}
        {pct}
      </span>
    );
  }
  if (!weights) return null;
  const missing = weights.missing?.length ? `Missing from the file: ${weights.missing.join(', ')}` : '';
  const unexpected = weights.unexpected?.length ? `Not used: ${weights.unexpected.join(', ')}` : '';
  return (
    <span
      className={`weights-badge ${weights.pretrained ? 'pretrained' : 'random'}`}
      data-testid="weights-badge"
      data-pretrained={weights.pretrained}
      data-fetched-from={from ?? undefined}
      title={[missing, unexpected].filter(Boolean).join('\n') || undefined}
    >
      {formatWeightsInfo(weights)}
    </span>
  );
}
