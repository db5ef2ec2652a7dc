import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SAVED_MODEL_FILES, type SavedModelFiles } from '../engine/models';

/** Writes a saved model's files into `dir` (made if absent). */
export async function writeModelDir(dir: string, files: SavedModelFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, bytes]) => writeFile(path.join(dir, name), bytes)));
}

/** Reads every file of a `--model DIR` (model.json's shards are among them), or says why it is no saved model. */
export async function readModelDir(dir: string): Promise<SavedModelFiles> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`--model ${dir}: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'not a folder' : e.message}`);
  });
  const names = entries.filter((e) => e.isFile()).map((e) => e.name);
  if (!names.includes(SAVED_MODEL_FILES.model) || !names.includes(SAVED_MODEL_FILES.meta)) {
    throw new Error(`--model ${dir}: not a saved model (it needs ${SAVED_MODEL_FILES.model} and ${SAVED_MODEL_FILES.meta}, as \`train --out\` writes)`);
  }
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, new Uint8Array(await readFile(path.join(dir, name)))] as const)));
}
