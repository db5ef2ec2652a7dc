import type { DatasetReport, LayoutName } from './types';

/** The `inspect --json` object: the report's counts and problems, keys that do not apply left out. */
export interface InspectJson {
  layout: LayoutName | null;
  splits: Record<string, { count: number; classes?: Record<string, number>; points?: number; genders?: { Male: number; Female: number } }>;
  skipped: number;
  problems: { file: string; row?: number; reason: string }[];
}

export function inspectJson(report: DatasetReport): InspectJson {
  const splits: InspectJson['splits'] = {};
  for (const [name, s] of Object.entries(report.splits)) {
    splits[name] = {
      count: s.count,
      ...(s.classes && { classes: s.classes }),
      ...(s.points !== undefined && { points: s.points }),
      ...(s.genders && { genders: s.genders }),
    };
  }
  return {
    layout: report.layout,
    splits,
    skipped: report.skipped,
    problems: report.problems.map(({ file, row, reason }) => ({ file, ...(row !== undefined && { row }), reason })),
  };
}
