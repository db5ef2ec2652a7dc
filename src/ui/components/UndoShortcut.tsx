import { useCallback } from 'react';
import { useUndoShortcut } from '../hooks/useUndoShortcut';
import { useStudio } from '../store';
import { latestUndo } from '../store/undoOrder';

/** Ctrl+Z anywhere on the page: takes back the latest undoable action, the tree's or the finder's "Use …". */
export function UndoShortcut() {
  const undo = useCallback(() => {
    const s = useStudio.getState();
    const which = latestUndo(s);
    if (which === 'lr') s.undoUseLr();
    else if (which === 'model') void s.undo();
  }, []);
  useUndoShortcut(undo);
  return null;
}
