import type { DatasetSource } from '../workers/trainer.worker';

/**
 * What was dropped, as a dataset source: a zip file, or a folder read through File System entries (every file
 * under it, with its path relative to the folder). Undefined when nothing usable was dropped.
 */
export async function readDrop(transfer: DataTransfer): Promise<DatasetSource | undefined> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry?.()).filter((e) => e) as FileSystemEntry[];
  const folder = entries.find((e) => e.isDirectory) as FileSystemDirectoryEntry | undefined;
  if (folder) {
    const files: { path: string; blob: Blob }[] = [];
    await walk(folder, '', files);
    return { kind: 'folder', name: folder.name, files };
  }
  const file = [...transfer.files][0];
  return file ? fromFiles([file]) : undefined;
}

/** Files from an <input type=file> (one zip) or <input webkitdirectory> (a folder's files). */
export function fromFiles(files: File[]): DatasetSource | undefined {
  if (files.length === 0) return undefined;
  const relative = files[0].webkitRelativePath;
  if (relative) {
    const name = relative.split('/')[0];
    return {
      kind: 'folder',
      name,
      files: files.map((f) => ({ path: f.webkitRelativePath.slice(name.length + 1), blob: f })),
    };
  }
  return { kind: 'zip', name: files[0].name, blob: files[0] };
}

async function walk(dir: FileSystemDirectoryEntry, prefix: string, out: { path: string; blob: Blob }[]): Promise<void> {
  const reader = dir.createReader();
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const entry of batch) {
      const path = prefix + entry.name;
      if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, path + '/', out);
      else out.push({ path, blob: await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)) });
    }
  }
}
