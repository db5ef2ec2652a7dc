import { useState, type FormEvent } from 'react';
import { imagenetSource } from '../../engine/models';
import { useStudio } from '../store';

/**
 * For backbones without bundled weights: one click for their ImageNet weights from the hub (while the model is
 * random), and, under "other URL", any torchvision-named `.safetensors` by URL.
 */
export function WeightsImport() {
  const [url, setUrl] = useState('');
  const fetchWeights = useStudio((s) => s.fetchWeights);
  const fetchImagenetWeights = useStudio((s) => s.fetchImagenetWeights);
  const busy = useStudio((s) => s.modelStatus !== 'ready' || s.weightsProgress !== null);
  const source = useStudio((s) => (s.modelConfig ? imagenetSource(s.modelConfig.backbone) : undefined));
  const random = useStudio((s) => s.modelView?.weights.pretrained === false);
  if (!source) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void fetchWeights(url.trim());
  };
  return (
    <div className="weights-import">
      {random && (
        <button type="button" className="primary" disabled={busy} onClick={() => void fetchImagenetWeights()} title={`timm/${source.name}, ${source.license}`}>
          Get ImageNet weights ({source.megabytes} MB)
        </button>
      )}
      <details>
        <summary>other URL</summary>
        <form onSubmit={submit}>
          <input
            type="url"
            aria-label="URL of a torchvision .safetensors file"
            placeholder="https://…/model.safetensors"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
          <button type="submit" disabled={busy || !url.trim()}>
            Fetch weights
          </button>
        </form>
      </details>
      <span className="muted">or drop a .safetensors on the tree</span>
    </div>
  );
}
