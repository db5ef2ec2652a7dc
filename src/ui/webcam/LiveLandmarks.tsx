import { useStudio } from '../store';
import { CameraView } from './CameraView';
import { grabFrameAndJpeg, hasFrame, LIVE_INTERVAL_MS } from './frames';
import { useCamera } from './useCamera';
import { useFrameLoop } from './useFrameLoop';
import './webcam.css';

/** Landmarks: the camera's frames through the landmarks worker, at most 4 a second, shown in the 2D/3D views. */
export function LiveLandmarks() {
  const landmarksFrame = useStudio((s) => s.landmarksFrame);
  const camera = useCamera();
  useFrameLoop(camera.state === 'on', LIVE_INTERVAL_MS, async () => {
    const video = camera.videoRef.current;
    if (!hasFrame(video)) return;
    const { frame, snapshot } = await grabFrameAndJpeg(video);
    await landmarksFrame(frame, snapshot);
  });
  return (
    <div className="webcam-panel" role="group" aria-label="Landmarks from the camera">
      <h3>Landmarks from the camera</h3>
      <CameraView camera={camera} />
    </div>
  );
}
