import { useRef, useState, type DragEvent } from 'react';
import { fromFiles, readDrop } from '../readDrop';
import { useStudio } from '../store';

/** The first screen's drop target: a dataset zip or folder, dropped or picked. */
export function DropZone() {
  const openDataset = useStudio((s) => s.openDataset);
  const [over, setOver] = useState(false);
  const zipInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const source = await readDrop(e.dataTransfer);
    if (source) await openDataset(source);
  };
  const onPick = (files: FileList | null) => {
    const source = fromFiles(files ? [...files] : []);
    if (source) void openDataset(source);
  };

  return (
    <div
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
    >
      <strong>Drop a dataset zip or folder here</strong>
      <span className="muted">
        image folders (<code>train/cats/…</code>), a keypoints CSV, an age/gender CSV or UTKFace names
      </span>
      <span className="dropzone-pick">
        <button type="button" onClick={() => zipInput.current?.click()}>
          Choose a zip…
        </button>
        <button type="button" onClick={() => folderInput.current?.click()}>
          Choose a folder…
        </button>
      </span>
      <input
        ref={zipInput}
        type="file"
        accept=".zip,application/zip"
        hidden
        data-testid="zip-input"
        onChange={(e) => onPick(e.target.files)}
      />
      <input
        ref={folderInput}
        type="file"
        hidden
        data-testid="folder-input"
        {...{ webkitdirectory: '' }}
        onChange={(e) => onPick(e.target.files)}
      />
    </div>
  );
}
