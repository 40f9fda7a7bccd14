import { readFileSync } from 'node:fs';

/**
 * The mutation score of each domain file from Stryker's JSON report, and whether each reaches the
 * floor (docs/testing.md). Stryker's own threshold judges the total only; a file with untested rules
 * hides behind well-tested ones there, so `npm run mutation` ends with this table and fails on a file below it.
 */
export const FLOOR = 85;

type Status = 'Killed' | 'Timeout' | 'Survived' | 'NoCoverage' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';
export interface MutationReport {
  files: Record<string, { mutants: readonly { status: Status }[] }>;
}
export interface FileScore {
  file: string;
  detected: number;
  undetected: number;
  ignored: number;
  /** Detected among the valid mutants, in percent; null for a file without any. */
  score: number | null;
}

export function fileScores(report: MutationReport): FileScore[] {
  return Object.entries(report.files)
    .map(([file, { mutants }]) => {
      const count = (...statuses: Status[]) => mutants.filter((m) => statuses.includes(m.status)).length;
      const detected = count('Killed', 'Timeout');
      const undetected = count('Survived', 'NoCoverage');
      const valid = detected + undetected;
      return { file, detected, undetected, ignored: count('Ignored'), score: valid === 0 ? null : (100 * detected) / valid };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

export function belowFloor(scores: readonly FileScore[]): FileScore[] {
  return scores.filter((s) => s.score !== null && s.score < FLOOR);
}

if (require.main === module) {
  const path = process.argv[2] ?? 'reports/mutation/mutation.json';
  const scores = fileScores(JSON.parse(readFileSync(path, 'utf8')) as MutationReport);
  const width = Math.max(...scores.map((s) => s.file.length));
  console.log(`${'file'.padEnd(width)}   score  detected  undetected  ignored`);
  for (const s of scores) {
    const score = s.score === null ? '    -' : s.score.toFixed(1).padStart(5);
    const mark = s.score !== null && s.score < FLOOR ? '  < floor' : '';
    console.log(`${s.file.padEnd(width)}  ${score}%  ${String(s.detected).padStart(8)}  ${String(s.undetected).padStart(10)}  ${String(s.ignored).padStart(7)}${mark}`);
  }
  const low = belowFloor(scores);
  console.log(low.length === 0 ? `every file at ${FLOOR} % or more` : `${low.length} file(s) below ${FLOOR} %`);
  process.exitCode = low.length === 0 ? 0 : 1;
}
