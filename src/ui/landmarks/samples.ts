/** Sample faces served from public/samples/faces (test crops of the facial-keypoints dataset). */
export const FACE_SAMPLES = [
  { name: 'Bill_Frist_10.jpg', title: 'Face 1' },
  { name: 'Angelo_Reyes_21.jpg', title: 'Face 2' },
  { name: 'Celso_Amorim_40.jpg', title: 'Face 3' },
] as const;

export const sampleUrl = (name: string) => `${import.meta.env.BASE_URL}samples/faces/${name}`;
