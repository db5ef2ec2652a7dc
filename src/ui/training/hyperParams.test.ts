import { describe, expect, it } from 'vitest';
import { FACE_CROP, type DatasetReport } from '../../engine/data';
import { planTraining } from '../../engine/train';
import { hyperParams, offersFaceCrop, proposalOf } from './hyperParams';

/** A scanned keypoints dataset as the worker's plan sees it (only what planTraining reads). */
const keypoints = { task: 'keypoints', points: 68, classes: null, splits: { training: { count: 40 } } } as unknown as DatasetReport;

describe('proposalOf', () => {
  it('carries the plan’s face crop, and none when the plan has none', () => {
    expect(proposalOf(planTraining(keypoints, { backbone: 'face_dense', faceCrop: FACE_CROP }, 40)).faceCrop).toEqual(FACE_CROP);
    expect(proposalOf(planTraining(keypoints, { backbone: 'face_dense', faceCrop: null }, 40))).not.toHaveProperty('faceCrop');
  });
});

describe('hyperParams', () => {
  const proposed = proposalOf(planTraining(keypoints, { backbone: 'face_dense', faceCrop: FACE_CROP }, 40));
  it('keeps the proposal’s face crop when the user left it alone', () => {
    expect(hyperParams(proposed, {}).faceCrop).toEqual(FACE_CROP);
  });
  it('turns the proposal’s face crop off with null, and on with a spec', () => {
    expect(hyperParams(proposed, { faceCrop: null })).not.toHaveProperty('faceCrop');
    const { faceCrop: _c, ...without } = proposed;
    expect(hyperParams(without, { faceCrop: { scale: 1.2, shift: 0 } }).faceCrop).toEqual({ scale: 1.2, shift: 0 });
  });
});

describe('offersFaceCrop', () => {
  it('offers the face crop for keypoints and age-gender, not for photo classes', () => {
    expect([offersFaceCrop('keypoints'), offersFaceCrop('age-gender'), offersFaceCrop('binary'), offersFaceCrop('multiclass'), offersFaceCrop(null)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
