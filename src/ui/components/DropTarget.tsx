import { useRef, useState, type ReactNode } from 'react';

/**
 * The studio's drop box (the dashed `.dropzone`): lit while something is dragged over it, the drop's
 * DataTransfer handed to `onDrop`. What it holds (its text, its `PickFiles` buttons) is the caller's.
 */
export function DropTarget({ testId, onDrop, children }: { testId: string; onDrop: (transfer: DataTransfer) => void; children: ReactNode }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`dropzone${over ? ' dropzone-over' : ''}`}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        onDrop(e.dataTransfer);
      }}
    >
      {children}
    </div>
  );
}

/**
 * A button that opens a hidden file input's chooser (files, several files or a folder's files); what is chosen
 * goes to `onFiles`. The input is emptied after each choice, so the same file can be chosen again.
 */
export function PickFiles({ label, testId, accept, multiple, folder, disabled, onFiles }: {
  label: string;
  testId: string;
  accept?: string;
  multiple?: boolean;
  /** Choose a folder (every file under it, with `webkitRelativePath`). */
  folder?: boolean;
  disabled?: boolean;
  onFiles: (files: File[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={accept}
        multiple={multiple}
        hidden
        data-testid={testId}
        {...(folder ? { webkitdirectory: '' } : {})}
        onChange={(e) => {
          const files = e.target.files ? [...e.target.files] : [];
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </>
  );
}
