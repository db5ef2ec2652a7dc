import { pixelsFromCrop, type DatasetItem } from '../data';
import type { Prediction, Task, TaskContext } from '../tasks/types';

/** `Task.decode` for one item's outputs, in pixels of the original image even when the item was a face crop. */
export function decodeItem(task: Task, outputs: number[][], item: DatasetItem, ctx: TaskContext): Prediction {
  const prediction = task.decode(outputs, { width: item.width, height: item.height }, ctx);
  if (!item.crop || prediction.task !== 'keypoints') return prediction;
  return { ...prediction, points: pixelsFromCrop(prediction.points, item.crop.square) };
}
