import { useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useStudio } from '../store';
import { CameraView } from './CameraView';
import { captureJpeg, hasFrame, HOLD_INTERVAL_MS } from './frames';
import { useCamera } from './useCamera';
import './webcam.css';

/** The class-select value that asks for a new class name. */
const NEW_CLASS = '\u0000new';

/**
 * Data step, image-folder datasets: add training images to a class (or a new one) from the camera. A click on
 * Capture adds one frame; holding it adds one every HOLD_INTERVAL_MS until released. Undo takes the last
 * capture back.
 */
export function CaptureToClass() {
  const { report, added, status, error, addImages, undo } = useStudio(
    useShallow((s) => ({
      report: s.datasetReport,
      added: s.datasetAdded,
      status: s.datasetAddStatus,
      error: s.datasetAddError,
      addImages: s.addImages,
      undo: s.undoAddImages,
    })),
  );
  const camera = useCamera();
  const [choice, setChoice] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const holding = useRef<{ timer: ReturnType<typeof setInterval>; shots: Promise<Blob>[] } | null>(null);
  if (report?.layout !== 'imagefolder') return null;

  const classes = report.classes ?? [];
  const selected = choice ?? classes[0] ?? NEW_CLASS;
  const className = selected === NEW_CLASS ? newName.trim() : selected;
  const addedCount = added.reduce((n, paths) => n + paths.length, 0);

  const shoot = () => {
    const video = camera.videoRef.current;
    return hasFrame(video) ? captureJpeg(video) : null;
  };
  const startHold = () => {
    const first = shoot();
    if (!first || !className) return;
    const shots = [first];
    const timer = setInterval(() => {
      const shot = shoot();
      if (shot) shots.push(shot);
    }, HOLD_INTERVAL_MS);
    holding.current = { timer, shots };
  };
  const endHold = async () => {
    const hold = holding.current;
    if (!hold) return;
    holding.current = null;
    clearInterval(hold.timer);
    await addImages(className, await Promise.all(hold.shots));
  };
  const captureOne = async () => {
    const shot = shoot();
    if (shot && className) await addImages(className, [await shot]);
  };

  return (
    <div className="webcam-panel" role="group" aria-label="Add images from the camera">
      <h3>Add images from the camera</h3>
      <div className="webcam-live">
        <CameraView camera={camera}>
          <label className="field">
            Class{' '}
            <select aria-label="Capture class" value={selected} onChange={(e) => setChoice(e.target.value)}>
              {classes.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
              <option value={NEW_CLASS}>New class…</option>
            </select>
          </label>
          {selected === NEW_CLASS ? (
            <input aria-label="New class name" placeholder="class name" value={newName} onChange={(e) => setNewName(e.target.value)} />
          ) : null}
          <button
            type="button"
            className="capture-button"
            disabled={!className}
            title="Click for one image; hold to add one every 0.2 s"
            onPointerDown={startHold}
            onPointerUp={() => void endHold()}
            onPointerLeave={() => void endHold()}
            onPointerCancel={() => void endHold()}
            // A keyboard press has no pointer: one image.
            onClick={(e) => e.detail === 0 && void captureOne()}
          >
            Capture
          </button>
        </CameraView>
        <div>
          <p className="muted" data-testid="capture-count">
            {addedCount === 0 ? 'No images added from the camera yet.' : `${addedCount} image${addedCount === 1 ? '' : 's'} added from the camera (training split).`}
            {status === 'adding' ? ' Adding…' : ''}
          </p>
          <button type="button" disabled={added.length === 0 || status === 'adding'} onClick={() => void undo()}>
            Undo last capture{added.length ? ` (${added.at(-1)!.length})` : ''}
          </button>
          {status === 'error' ? (
            <p className="camera-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}
