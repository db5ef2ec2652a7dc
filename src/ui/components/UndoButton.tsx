import { formatModulePath } from '../../engine/models';
import { useUndoShortcut } from '../hooks/useUndoShortcut';
import { useStudio } from '../store';

/** Takes back the last freeze/unfreeze; Ctrl+Z does the same. */
export function UndoButton() {
  const last = useStudio((s) => s.undoStack.at(-1));
  const undo = useStudio((s) => s.undoToggle);
  useUndoShortcut(undo);
  return (
    <button
      type="button"
      className="undo"
      disabled={!last}
      onClick={() => void undo()}
      title={last ? `Undo ${last.op.op} ${formatModulePath(last.op.path)} (Ctrl+Z)` : 'Nothing to undo'}
    >
      Undo{last ? ` ${last.op.op} ${formatModulePath(last.op.path)}` : ''}
    </button>
  );
}
