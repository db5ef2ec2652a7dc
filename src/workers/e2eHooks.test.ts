import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';

const WORKER = fileURLToPath(new URL('./trainer.worker.ts', import.meta.url));

/** The trainer worker bundled on its own in `mode`, as Vite builds it for the app (not written to disk). */
async function bundle(mode: string): Promise<Rolldown.OutputChunk[]> {
  const out = (await build({
    configFile: false,
    mode,
    logLevel: 'silent',
    build: { write: false, minify: false, target: 'es2022', rolldownOptions: { input: WORKER } },
  })) as Rolldown.RolldownOutput;
  return out.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
}

describe('e2eHooks', () => {
  it('is in the trainer worker of an e2e build and nowhere in a production build', async () => {
    const e2e = await bundle('e2e');
    expect(e2e.some((c) => c.code.includes('function stallAt(') && c.code.includes('injected ${point} fault (e2e)'))).toBe(true);
    const production = await bundle('production');
    for (const chunk of production) {
      expect(chunk.code, chunk.fileName).not.toContain('stallAt');
      expect(chunk.code, chunk.fileName).not.toContain('injectFault');
    }
  });
});
