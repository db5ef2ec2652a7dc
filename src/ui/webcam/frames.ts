/** Side of the frames sent to the workers: enough for a 224–512 model input or a face, small to transfer. */
export const FRAME_SIDE = 320;
/** Longest side of a captured image added to a dataset (the sample datasets' images are at most 256–500). */
export const CAPTURE_SIDE = 320;
/** Live predictions and landmarks: at most one frame every this many ms (≤ 4 a second). */
export const LIVE_INTERVAL_MS = 250;
/** Press-and-hold on Capture: one image every this many ms. */
export const HOLD_INTERVAL_MS = 200;

/** The video's frame size scaled so its longest side is at most `side`. */
function scaled(video: HTMLVideoElement, side: number): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(video.videoWidth, video.videoHeight));
  return { width: Math.max(1, Math.round(video.videoWidth * scale)), height: Math.max(1, Math.round(video.videoHeight * scale)) };
}

/** Whether the video shows a frame that can be grabbed. */
export const hasFrame = (video: HTMLVideoElement | null): video is HTMLVideoElement =>
  !!video && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0;

/** The frame shown now as an ImageBitmap (longest side at most `side`), to transfer to a worker. */
export function grabFrame(video: HTMLVideoElement, side = FRAME_SIDE): Promise<ImageBitmap> {
  const { width, height } = scaled(video, side);
  return createImageBitmap(video, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium' });
}

/** The frame shown now, drawn on a canvas (longest side at most `side`). */
function frameCanvas(video: HTMLVideoElement, side: number): HTMLCanvasElement {
  const { width, height } = scaled(video, side);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.drawImage(video, 0, 0, width, height);
  return canvas;
}

const jpeg = (canvas: HTMLCanvasElement) =>
  new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the frame could not be encoded as JPEG'))), 'image/jpeg', 0.9),
  );

/** The frame shown now as a JPEG (longest side at most `side`): a captured image, as a dataset holds one. */
export function captureJpeg(video: HTMLVideoElement, side = CAPTURE_SIDE): Promise<Blob> {
  return jpeg(frameCanvas(video, side));
}

/** The frame shown now both as an ImageBitmap (for a worker) and as a JPEG (to show under what the worker found). */
export async function grabFrameAndJpeg(video: HTMLVideoElement, side = FRAME_SIDE): Promise<{ frame: ImageBitmap; snapshot: Blob }> {
  const canvas = frameCanvas(video, side);
  const [frame, snapshot] = await Promise.all([createImageBitmap(canvas), jpeg(canvas)]);
  return { frame, snapshot };
}
