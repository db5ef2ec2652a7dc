import { constants } from 'node:fs';
import { access, lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SAVED_MODEL_FILES, type SavedModelFiles } from '../engine/models';
import { PYTORCH_FILES } from '../engine/export/pytorch';

/** Writes a saved model's files into `dir` (made if absent). */
export async function writeModelDir(dir: string, files: SavedModelFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  await Promise.all(Object.entries(files).map(([name, bytes]) => writeFile(path.join(dir, name), bytes)));
}

/** Kernel file systems: a write there fails or, for Node's recursive mkdir under /proc, never settles. */
const PSEUDO_FS = ['/proc', '/sys', '/dev'];

/**
 * Says why `writeModelDir(dir)` would fail, before hours of training are spent: `dir` is a file, lies under a
 * file or a dangling symlink, under /proc, /sys or /dev, or in a folder this user cannot write. Undefined when
 * it can be written.
 */
export async function outDirProblem(dir: string): Promise<string | undefined> {
  const full = path.resolve(dir);
  const pseudo = PSEUDO_FS.find((root) => full === root || full.startsWith(root + '/'));
  if (pseudo) return `it lies under ${pseudo}, which holds no files`;
  // The nearest part of the path that exists decides: the folder itself, or the folder it would be made in.
  for (let at = full; ; at = path.dirname(at)) {
    const link = await lstat(at).catch(() => undefined);
    if (link) {
      const info = await stat(at).catch(() => undefined);
      if (!info) return `${at} is a symlink to nothing (dangling)`;
      if (!info.isDirectory()) return at === full ? 'it exists and is a file, not a folder' : `${at} is a file, not a folder`;
      const writable = await access(at, constants.W_OK | constants.X_OK).then(() => true, () => false);
      if (!writable) return `${at} is not writable`;
      return undefined;
    }
    if (at === path.dirname(at)) return undefined;
  }
}

/** Reads every file of a `--model DIR` (model.json's shards are among them), or says why it is no saved model. */
export async function readModelDir(dir: string): Promise<SavedModelFiles> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`--model ${dir}: ${e.code === 'ENOENT' ? 'no such folder' : e.code === 'ENOTDIR' ? 'not a folder' : e.message}`);
  });
  const names = entries.filter((e) => e.isFile()).map((e) => e.name);
  const network = names.includes(SAVED_MODEL_FILES.model) || names.includes(PYTORCH_FILES.weights);
  if (!network || !names.includes(SAVED_MODEL_FILES.meta)) {
    throw new Error(
      `--model ${dir}: not a saved model (it needs ${SAVED_MODEL_FILES.model} and ${SAVED_MODEL_FILES.meta}, as \`train --out\` writes, ` +
        `or ${PYTORCH_FILES.weights} and ${SAVED_MODEL_FILES.meta}, as \`export --format pytorch\` writes)`,
    );
  }
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, new Uint8Array(await readFile(path.join(dir, name)))] as const)));
}
