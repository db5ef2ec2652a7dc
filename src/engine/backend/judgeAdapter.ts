import type { AdapterFacts } from './adapterFacts';

/** The outcome of one check: usable or not, and why, in words shown to the user. */
export interface Verdict {
  ok: boolean;
  reason: string;
}

/** Software rasterisers that expose WebGPU: real, but slower than the wasm backend on the same CPU. */
const SOFTWARE_ADAPTERS: { pattern: RegExp; name: string }[] = [
  { pattern: /swiftshader/i, name: 'SwiftShader' },
  { pattern: /llvmpipe|lavapipe/i, name: 'llvmpipe' },
  { pattern: /microsoft basic render|\bwarp\b/i, name: 'WARP' },
];

/** The software renderer behind an adapter, or null when it looks like hardware. */
export function softwareAdapterName(facts: AdapterFacts): string | null {
  const text = [facts.vendor, facts.architecture, facts.device, facts.description].join(' ');
  const known = SOFTWARE_ADAPTERS.find(({ pattern }) => pattern.test(text));
  if (known) return known.name;
  return facts.isFallbackAdapter ? 'fallback adapter' : null;
}

/**
 * Decides whether a WebGPU adapter is worth using. `null` means `requestAdapter()` gave none. A software
 * adapter is refused unless the user forced WebGPU, in which case it is used and the reason says so.
 */
export function judgeAdapter(facts: AdapterFacts | null, forced = false): Verdict {
  if (!facts) return { ok: false, reason: 'no WebGPU adapter' };
  const software = softwareAdapterName(facts);
  if (software && !forced) return { ok: false, reason: `WebGPU adapter is software (${software})` };
  if (software) return { ok: true, reason: `WebGPU forced; adapter is software (${software})` };
  return { ok: true, reason: forced ? 'WebGPU forced' : 'hardware WebGPU adapter' };
}
