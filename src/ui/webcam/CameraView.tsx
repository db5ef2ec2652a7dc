import type { ReactNode } from 'react';
import type { Camera } from './useCamera';

/** The camera's picture with its Start / Stop button and, when it cannot start, why. */
export function CameraView({ camera, children }: { camera: Camera; children?: ReactNode }) {
  const on = camera.state === 'on';
  return (
    <div className="camera" data-testid="camera">
      <video ref={camera.videoRef} className={on ? 'camera-video' : 'camera-video camera-off'} muted playsInline aria-label="Camera" />
      <div className="toolbar">
        {on ? (
          <button type="button" onClick={camera.stop}>
            Stop camera
          </button>
        ) : (
          <button type="button" disabled={camera.state === 'starting'} onClick={() => void camera.start()}>
            {camera.state === 'starting' ? 'Starting camera…' : 'Start camera'}
          </button>
        )}
        {on ? children : null}
      </div>
      {camera.error ? (
        <p className="camera-error" role="alert" data-testid="camera-error">
          {camera.error}
        </p>
      ) : null}
    </div>
  );
}
