/** What the user is told when the camera cannot start, from getUserMedia's error (by its DOMException name). */
export function cameraError(e: unknown): string {
  const name = (e as DOMException)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera permission was denied: allow the camera for this page in the browser (the icon in the address bar), then press Start camera again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera found: connect one, then press Start camera again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera could not be opened: another application may be using it.';
    default:
      return `The camera could not start: ${(e as Error)?.message ?? String(e)}`;
  }
}

/** Why this page cannot ask for a camera at all, or null when it can. */
export function noCameraApi(): string | null {
  if (typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function') return null;
  return typeof window !== 'undefined' && !window.isSecureContext
    ? 'This page cannot use a camera: browsers allow it only on https:// or localhost addresses.'
    : 'This browser has no camera support (getUserMedia).';
}
