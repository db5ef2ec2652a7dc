import { describe, expect, it } from 'vitest';
import { cameraError } from './cameraError';

const domError = (name: string, message = '') => Object.assign(new Error(message), { name });

describe('cameraError', () => {
  it('says permission was denied, and how to allow it, for NotAllowedError', () => {
    expect(cameraError(domError('NotAllowedError', 'Permission denied'))).toMatch(/^Camera permission was denied: allow the camera/);
  });

  it('says no camera was found for NotFoundError and OverconstrainedError', () => {
    expect(cameraError(domError('NotFoundError'))).toMatch(/^No camera found/);
    expect(cameraError(domError('OverconstrainedError'))).toMatch(/^No camera found/);
  });

  it('says the camera may be in use for NotReadableError', () => {
    expect(cameraError(domError('NotReadableError'))).toMatch(/another application may be using it/);
  });

  it("keeps the browser's message for anything else", () => {
    expect(cameraError(domError('TypeError', 'bad constraints'))).toBe('The camera could not start: bad constraints');
  });
});
