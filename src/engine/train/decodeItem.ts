import { pixelsFromCrop, type DatasetItem } from '../data';
import type { Prediction, Task, TaskContext } from '../tasks/types';

/** A prediction made on the crop `square` (pixels of the crop) in pixels of the original image: keypoints moved back. */
export function uncropPrediction(prediction: Prediction, square: [number, number, number]): Prediction {
  return prediction.task === 'keypoints' ? { ...prediction, points: pixelsFromCrop(prediction.points, square) } : prediction;
}

/** `Task.decode` for one item's outputs, in pixels of the original image even when the item was a face crop. */
export function decodeItem(task: Task, outputs: number[][], item: DatasetItem, ctx: TaskContext): Prediction {
  const prediction = task.decode(outputs, { width: item.width, height: item.height }, ctx);
  return item.crop ? uncropPrediction(prediction, item.crop.square) : prediction;
}
