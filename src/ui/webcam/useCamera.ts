import { useCallback, useEffect, useRef, useState } from 'react';
import { cameraError, noCameraApi } from './cameraError';

export type CameraState = 'off' | 'starting' | 'on' | 'error';

export interface Camera {
  /** Give it to the <video> that shows the camera. */
  videoRef: React.RefObject<HTMLVideoElement | null>;
  state: CameraState;
  /** Why the camera is not on (no camera, permission denied…), for the user. */
  error: string | null;
  start(): Promise<void>;
  stop(): void;
}

/**
 * A camera for one component: getUserMedia on `start`, shown in the <video> at `videoRef`, stopped on `stop`
 * and when the component goes away. The stream stays here (not in the store, which holds plain data).
 */
export function useCamera(): Camera {
  const videoRef = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const [state, setState] = useState<CameraState>('off');
  const [error, setError] = useState<string | null>(null);

  const stop = useCallback(() => {
    stream.current?.getTracks().forEach((t) => t.stop());
    stream.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    setState('off');
  }, []);

  const start = useCallback(async () => {
    const missing = noCameraApi();
    if (missing) {
      setError(missing);
      setState('error');
      return;
    }
    setState('starting');
    setError(null);
    try {
      const media = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      stream.current?.getTracks().forEach((t) => t.stop());
      stream.current = media;
      const video = videoRef.current;
      if (video) {
        video.srcObject = media;
        await video.play();
      }
      setState('on');
    } catch (e) {
      stream.current = null;
      setError(cameraError(e));
      setState('error');
    }
  }, []);

  useEffect(() => () => stream.current?.getTracks().forEach((t) => t.stop()), []);
  return { videoRef, state, error, start, stop };
}
