import { describe, expect, it } from 'vitest';
import { detectLayout } from './detectLayout';

describe('detectLayout', () => {
  it('finds image folders with and without split folders', () => {
    expect(detectLayout(['train/cats/a.jpg', 'train/dogs/b.jpg', 'val/cats/c.jpg'], []).candidates).toEqual(['imagefolder']);
    expect(detectLayout(['cats/a.jpg', 'dogs/b.jpg'], []).candidates).toEqual(['imagefolder']);
    expect(detectLayout(['train/a.jpg', 'train/b.jpg'], []).candidates).toEqual([]);
  });

  it('reads a headerless keypoints CSV and counts its points', () => {
    const rows = [['a.jpg', '1', '2', '3', '4', '5', '6']];
    const d = detectLayout(['a.jpg'], [{ path: 'points.csv', rows }]);
    expect(d.candidates).toEqual(['keypoints-csv']);
    expect(d.points).toBe(3);
    expect(d.headers.get('points.csv')).toBe(false);
  });

  it('offers both layouts, so the user is asked, when a keypoints CSV and an age/gender CSV are both there', () => {
    const d = detectLayout(['train/a.jpg'], [
      { path: 'train.csv', rows: [['filename', 'Age', 'Sex'], ['train/a.jpg', '30', 'F']] },
      { path: 'training_frames_keypoints.csv', rows: [['', '0', '1'], ['a.jpg', '1', '2']] },
    ]);
    expect(d.candidates).toEqual(['keypoints-csv', 'age-gender-csv']);
    expect(d.ageGenderColumns.get('train.csv')).toEqual({ file: 0, age: 1, gender: 2 });
  });

  it('offers image folders and UTKFace when UTKFace names sit in two or more folders', () => {
    const images = ['male/25_0_1_2017.jpg', 'female/30_1_2_2017.jpg'];
    expect(detectLayout(images, []).candidates).toEqual(['imagefolder', 'utkface']);
    expect(detectLayout(['UTKFace/25_0_1_2017.jpg'], []).candidates).toEqual(['utkface']);
  });
});
