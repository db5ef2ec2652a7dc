// What the workers read of Vite's `import.meta.env` (the UI gets all of it from `vite/client`).
interface ImportMetaEnv {
  readonly MODE: string;
  readonly BASE_URL: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
