/** Split folder names the studio recognises, and the role each plays. */
export const SPLIT_ROLES = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
} as const satisfies Record<string, 'train' | 'val' | 'test'>;
export type SplitRole = (typeof SPLIT_ROLES)[keyof typeof SPLIT_ROLES];

/** The role of a split folder name ('Training' → 'train'), or undefined when it is not one. */
export function splitRole(name: string): SplitRole | undefined {
  return (SPLIT_ROLES as Record<string, SplitRole>)[name.toLowerCase()];
}

/** The split a CSV's file name names (`training_frames_keypoints.csv` → 'training'), or undefined. */
export function splitInName(fileName: string): string | undefined {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.csv$/i, '');
  return base.split(/[^A-Za-z]+/).find((token) => splitRole(token) !== undefined);
}

/**
 * Age in years from a cell: an integer or decimal (`25`), a bin taken at its middle (`20-29` → 24.5), or an
 * open bin (`more than 70`, `70+` → 75). Throws a short reason otherwise.
 */
export function parseAge(cell: string): number {
  const s = cell.trim();
  if (s === '') throw new Error('empty age');
  const bin = /^(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)$/.exec(s);
  if (bin) return (Number(bin[1]) + Number(bin[2])) / 2;
  const open = /^(?:more than\s*(\d+)|(\d+)\s*\+)$/i.exec(s);
  if (open) return Number(open[1] ?? open[2]) + 5;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new Error(`age '${s}' is not a number`);
  return humanAge(n);
}

/** Oldest age taken as a label; UTKFace's oldest is 116. */
export const MAX_AGE = 120;

/** `years` when it can be a person's age (0…MAX_AGE); throws a short reason otherwise. One rule for CSVs and file names. */
export function humanAge(years: number): number {
  if (years < 0) throw new Error(`negative age ${years}`);
  if (years > MAX_AGE) throw new Error(`age ${years} is not a human age (over ${MAX_AGE})`);
  return years;
}

const GENDERS: Record<string, 0 | 1> = { male: 0, m: 0, man: 0, '0': 0, female: 1, f: 1, woman: 1, '1': 1 };

/** 0 = Male, 1 = Female (UTKFace's convention) from `Male`/`Female`, `M`/`F`, `0`/`1`; throws otherwise. */
export function parseGender(cell: string): 0 | 1 {
  const g = GENDERS[cell.trim().toLowerCase()];
  if (g === undefined) throw new Error(cell.trim() === '' ? 'empty gender' : `unknown gender '${cell.trim()}'`);
  return g;
}

export const GENDER_NAMES = ['Male', 'Female'] as const;

/**
 * UTKFace's `[age]_[gender]_[race]_[date&time].jpg` file name → age and gender, or undefined. The age is as
 * named: `humanAge` says whether it can be one.
 */
export function parseUtkName(path: string): { age: number; gender: 0 | 1 } | undefined {
  const m = /^(\d{1,3})_([01])_\d/.exec(path.slice(path.lastIndexOf('/') + 1));
  return m ? { age: Number(m[1]), gender: Number(m[2]) as 0 | 1 } : undefined;
}
