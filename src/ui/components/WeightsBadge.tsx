import { formatWeightsInfo, imagenetSource } from '../../engine/models';
import { useStudio } from '../store';

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;

/** Said instead of "random init" where ImageNet weights are one click away (WeightsImport has the button). */
export const NEEDS_IMAGENET = "random weights — the book's recipes need ImageNet weights";

/** "pretrained — <source>" or "random init", with load progress while weights arrive. */
export function WeightsBadge() {
  const weights = useStudio((s) => s.modelView?.weights);
  const hasSource = useStudio((s) => !!s.modelConfig && !!imagenetSource(s.modelConfig.backbone));
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
      {!weights.pretrained && hasSource ? NEEDS_IMAGENET : formatWeightsInfo(weights)}
    </span>
  );
}
