import { open, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { folderArchive, openZip, type Archive, type ByteSource, type DatasetLimits } from '../../engine/data';

/** A file on disk as a random-access source: each read is one positioned read. */
export async function fileSource(file: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(file, 'r');
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
}

/** A zip file or a folder on disk as an archive; `close` releases the file. */
export async function openDataset(
  target: string,
  limits: Partial<DatasetLimits> = {},
): Promise<{ archive: Archive; close(): Promise<void> }> {
  const info = await stat(target).catch(() => {
    throw new Error(`cannot read '${target}': no such file or folder`);
  });
  if (info.isDirectory()) {
    const names = (await readdir(target, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
    const files = await Promise.all(
      names.map(async (d) => {
        const full = path.join(d.parentPath, d.name);
        return {
          path: path.relative(target, full).split(path.sep).join('/'),
          size: (await stat(full)).size,
          read: async () => new Uint8Array(await readFile(full)),
        };
      }),
    );
    return { archive: folderArchive(path.basename(target), files), close: async () => {} };
  }
  const source = await fileSource(target);
  return { archive: await openZip(path.basename(target), source, limits), close: () => source.close() };
}
