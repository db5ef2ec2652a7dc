import { fromFiles, readDrop } from '../readDrop';
import { useStudio } from '../store';
import { DropTarget, PickFiles } from './DropTarget';

/** The first screen's drop target: a dataset zip or folder, dropped or picked. */
export function DropZone() {
  const openDataset = useStudio((s) => s.openDataset);
  const onDrop = async (transfer: DataTransfer) => {
    const source = await readDrop(transfer);
    if (source) await openDataset(source);
  };
  const onPick = (files: File[]) => {
    const source = fromFiles(files);
    if (source) void openDataset(source);
  };

  return (
    <DropTarget testId="drop-zone" onDrop={(transfer) => void onDrop(transfer)}>
      <strong>Drop a dataset zip or folder here</strong>
      <span className="muted">
        image folders (<code>train/cats/…</code>), a keypoints CSV, an age/gender CSV or UTKFace names
      </span>
      <span className="dropzone-pick">
        <PickFiles label="Choose a zip…" testId="zip-input" accept=".zip,application/zip" onFiles={onPick} />
        <PickFiles label="Choose a folder…" testId="folder-input" folder onFiles={onPick} />
      </span>
    </DropTarget>
  );
}
