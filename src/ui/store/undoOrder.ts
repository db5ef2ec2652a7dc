/**
 * The order of undoable actions across slices (the tree's toggles and switches, the finder's "Use …"): each
 * takes a number from here, and Ctrl+Z takes back the latest, whichever slice holds it.
 */
let last = 0;
export const nextUndoSeq = (): number => ++last;

/** Which undo Ctrl+Z runs: the finder's "Use …" when it came after the tree's last entry, else the tree's. */
export function latestUndo(s: { undoStack: readonly { seq: number }[]; lrTaken: { seq: number } | null }): 'model' | 'lr' | null {
  const entry = s.undoStack.at(-1);
  if (s.lrTaken && (!entry || s.lrTaken.seq > entry.seq)) return 'lr';
  return entry ? 'model' : null;
}
