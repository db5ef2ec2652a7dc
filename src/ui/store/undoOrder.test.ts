import { describe, expect, it } from 'vitest';
import { latestUndo, nextUndoSeq } from './undoOrder';

const toggle = (seq: number) => ({ kind: 'toggle' as const, seq });
const taken = (seq: number) => ({ before: undefined, rate: 3e-3, seq });

describe('latestUndo (what Ctrl+Z takes back)', () => {
  it('takes the finder\'s "Use …" when it came after the tree\'s last toggle, the toggle otherwise', () => {
    const [first, second] = [nextUndoSeq(), nextUndoSeq()];
    expect(second).toBeGreaterThan(first);
    expect(latestUndo({ undoStack: [toggle(first)], lrTaken: taken(second) })).toBe('lr');
    expect(latestUndo({ undoStack: [toggle(second)], lrTaken: taken(first) })).toBe('model');
  });

  it('takes whichever there is, and nothing when there is none', () => {
    expect(latestUndo({ undoStack: [], lrTaken: taken(nextUndoSeq()) })).toBe('lr');
    expect(latestUndo({ undoStack: [toggle(nextUndoSeq())], lrTaken: null })).toBe('model');
    expect(latestUndo({ undoStack: [], lrTaken: null })).toBeNull();
  });
});
