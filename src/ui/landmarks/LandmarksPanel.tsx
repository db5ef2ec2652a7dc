import { useMemo, useRef, type DragEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LANDMARK_MODES, pointsNme } from '../../engine/landmarks';
import { useStudio } from '../store';
import { LiveLandmarks } from '../webcam/LiveLandmarks';
import { hasTrainedModel } from '../store/trainingSlice';
import './landmarks.css';
import { FaceOverlay } from './FaceOverlay';
import { MeshPlot } from './MeshPlot';
import { MESH_VIEWS, type MeshView } from './plotTraces';
import { FACE_SAMPLES, sampleUrl } from './samples';
import { points68, shownPoints } from './shownPoints';
import { withMeshDepth } from './withMeshDepth';

const VIEW_TITLES: Record<MeshView, string> = { points: 'Points', mesh: 'Mesh', contours: '68 contours' };

/** Landmarks: pretrained 2D/3D face landmarks of one image (run in the landmarks worker), in 2D and 3D views. */
export function LandmarksPanel() {
  const s = useStudio(
    useShallow((st) => ({
      status: st.landmarksStatus,
      image: st.landmarksImage,
      mode: st.landmarksMode,
      result: st.landmarksResult,
      error: st.landmarksError,
      pointSet: st.landmarksPointSet,
      faceIndex: st.landmarksFace,
      compare: st.landmarksCompare,
      compareStatus: st.landmarksCompareStatus,
      compareError: st.landmarksCompareError,
      /** A trained keypoint model, not training now: its points can be compared with ours. */
      canCompare: hasTrainedModel(st) && st.runConfig?.task === 'keypoints' && st.trainState !== 'running' && st.trainState !== 'paused',
      detect: st.detectLandmarks,
      setMode: st.setLandmarksMode,
      setPointSet: st.setLandmarksPointSet,
      view: st.landmarksView,
      setView: st.setLandmarksView,
      setFace: st.setLandmarksFace,
      setCompare: st.setLandmarksCompare,
      compareWithTrained: st.compareLandmarksWithTrained,
    })),
  );
  const input = useRef<HTMLInputElement>(null);
  const face = s.result?.faces[s.faceIndex];
  const points = face ? shownPoints(face, s.pointSet) : null;
  // The 3D view's toggle applies to a 468-point mesh (the 68-point subset is drawn as its contours anyway).
  const meshShown = s.result?.mode === '3d' && points?.length === 468;
  const nme = face && s.compare && s.result ? pointsNme(s.compare.points, points68(face), s.result.width, s.result.height) : null;
  // In 3D the compared 2D points take the mesh's depth at their nearest mesh point; in 2D they stay at z = 0.
  const compare3d = useMemo(() => (face && s.compare ? withMeshDepth(s.compare.points, face.points) : undefined), [face, s.compare]);

  const openSample = async (name: string) => {
    const response = await fetch(sampleUrl(name));
    await s.detect(await response.blob(), name);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file) void s.detect(file, file.name);
  };

  return (
    <section className="landmarks" aria-label="Landmarks" data-testid="landmarks" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <h2>Landmarks</h2>
      <div className="toolbar">
        <button type="button" onClick={() => input.current?.click()}>
          Choose an image…
        </button>
        <input ref={input} type="file" accept="image/*" hidden onChange={(e) => e.target.files?.[0] && void s.detect(e.target.files[0], e.target.files[0].name)} />
        <span className="muted">or drop one here. Samples:</span>
        {FACE_SAMPLES.map((f) => (
          <button key={f.name} type="button" onClick={() => void openSample(f.name)}>
            {f.title}
          </button>
        ))}
      </div>
      <div className="toolbar" role="group" aria-label="Landmark options">
        <label>
          Mode{' '}
          <select aria-label="Landmark mode" value={s.mode} onChange={(e) => void s.setMode(e.target.value as (typeof LANDMARK_MODES)[number])}>
            {LANDMARK_MODES.map((m) => (
              <option key={m} value={m}>
                {m.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <label>
          Points{' '}
          <select aria-label="Landmark points" value={s.pointSet} disabled={s.mode !== '3d'} onChange={(e) => s.setPointSet(e.target.value as 'mesh' | 'subset68')}>
            <option value="mesh">mesh (468)</option>
            <option value="subset68">68-point subset</option>
          </select>
        </label>
        <div role="group" aria-label="3D view" className="segmented">
          {MESH_VIEWS.map((v) => (
            <button key={v} type="button" aria-pressed={s.view === v} disabled={!meshShown} onClick={() => s.setView(v)}>
              {VIEW_TITLES[v]}
            </button>
          ))}
        </div>
        {s.result && s.result.faces.length > 1 && (
          <label>
            Face{' '}
            <select aria-label="Face" value={s.faceIndex} onChange={(e) => s.setFace(Number(e.target.value))}>
              {s.result.faces.map((_, i) => (
                <option key={i} value={i}>
                  {i + 1} of {s.result!.faces.length}
                </option>
              ))}
            </select>
          </label>
        )}
        <span data-testid="landmarks-status" className="muted">
          {s.status === 'detecting' ? 'finding faces…' : s.status === 'error' ? s.error : s.result?.message ?? ''}
        </span>
        {(s.canCompare || s.compare) && (
          <button
            type="button"
            aria-pressed={!!s.compare}
            disabled={!s.image || s.compareStatus === 'predicting' || (!s.compare && !s.canCompare)}
            onClick={() => (s.compare ? s.setCompare(null) : void s.compareWithTrained())}
          >
            Compare with the trained model
          </button>
        )}
        {s.compareStatus !== 'idle' && (
          <span data-testid="landmarks-compare-status" className={s.compareStatus === 'error' ? 'error' : 'muted'}>
            {s.compareStatus === 'predicting' ? 'predicting with the trained model…' : s.compareError}
          </span>
        )}
        {nme !== null && (
          <span data-testid="landmarks-nme">
            NME vs {s.compare!.label}: {nme.toFixed(3)}
          </span>
        )}
      </div>
      <LiveLandmarks />
      {s.image && s.result && points && (
        <div className="landmarks-views">
          <FaceOverlay url={s.image.url} width={s.result.width} height={s.result.height} points={points} compare={s.compare?.points} />
          <MeshPlot
            points={points}
            dims={s.result.mode}
            view={s.view}
            triangulation={s.result.triangulation}
            subset68={face?.subset68}
            compare={s.result.mode === '3d' ? compare3d : s.compare?.points}
          />
        </div>
      )}
    </section>
  );
}
