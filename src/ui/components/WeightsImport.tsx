import { useState, type FormEvent } from 'react';
import { useStudio } from '../store';

/** "Fetch ImageNet weights": a URL to a torchvision-named `.safetensors` (a timm `*.tv_in1k` file, say). */
export function WeightsImport() {
  const [url, setUrl] = useState('');
  const fetchWeights = useStudio((s) => s.fetchWeights);
  const busy = useStudio((s) => s.modelStatus !== 'ready' || s.weightsProgress !== null);
  const torchvision = useStudio((s) => ['vgg16', 'resnet18', 'resnet34'].includes(s.modelConfig?.backbone ?? ''));
  if (!torchvision) return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void fetchWeights(url.trim());
  };
  return (
    <form className="weights-import" onSubmit={submit}>
      <input
        type="url"
        aria-label="URL of a torchvision .safetensors file"
        placeholder="https://…/model.safetensors"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
      />
      <button type="submit" disabled={busy || !url.trim()}>
        Fetch ImageNet weights
      </button>
      <span className="muted">or drop a .safetensors on the tree</span>
    </form>
  );
}
