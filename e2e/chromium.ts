/**
 * Debian's Chromium as every browser run here launches it (e2e, benches, screenshots): WebGPU on SwiftShader,
 * no sandbox (root in a container), and none of the background traffic that would leave localhost.
 */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--enable-unsafe-webgpu',
    '--use-webgpu-adapter=swiftshader',
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
