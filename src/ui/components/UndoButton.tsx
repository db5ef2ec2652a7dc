import { useStudio } from '../store';
import { undoLabel } from '../store/modelSlice';

/** Takes back the last freeze/unfreeze, or a switch away from a trained model (Ctrl+Z too: `UndoShortcut`). */
export function UndoButton() {
  const last = useStudio((s) => s.undoStack.at(-1));
  const undo = useStudio((s) => s.undo);
  return (
    <button
      type="button"
      className="undo"
      disabled={!last}
      onClick={() => void undo()}
      title={last ? `Undo ${undoLabel(last)} (Ctrl+Z)` : 'Nothing to undo'}
    >
      Undo{last ? ` ${undoLabel(last)}` : ''}
    </button>
  );
}
