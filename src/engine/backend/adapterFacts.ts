/**
 * What a WebGPU adapter says about itself, as plain data (`GPUAdapter.info` plus the fallback flag), so the
 * decision about it can be made — and tested — without a GPU object.
 */
export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** `GPUAdapterInfo.isFallbackAdapter`, or the older `GPUAdapter.isFallbackAdapter`. */
  isFallbackAdapter: boolean;
}

/** Reads the facts off a `GPUAdapter` (typed loosely: the engine compiles without the WebGPU DOM types). */
export function adapterFacts(adapter: unknown): AdapterFacts {
  const a = (adapter ?? {}) as { info?: Record<string, unknown>; isFallbackAdapter?: unknown };
  const info = a.info ?? {};
  const text = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
  return {
    vendor: text('vendor'),
    architecture: text('architecture'),
    device: text('device'),
    description: text('description'),
    isFallbackAdapter: info.isFallbackAdapter === true || a.isFallbackAdapter === true,
  };
}

/** One line naming the adapter: `google swiftshader (SwiftShader driver 5.0.0)`. */
export function describeAdapter(facts: AdapterFacts): string {
  const name = [facts.vendor, facts.architecture].filter(Boolean).join(' ') || facts.device || 'unknown adapter';
  return facts.description && !name.includes(facts.description) ? `${name} (${facts.description})` : name;
}
