import { belowFloor, fileScores, FLOOR, MutationReport } from './scores';

const mutants = (statuses: Record<string, number>) =>
  Object.entries(statuses).flatMap(([status, n]) => Array.from({ length: n }, () => ({ status }))) as MutationReport['files'][string]['mutants'];

describe('mutation scores per file', () => {
  it('counts killed and timed-out mutants as detected among the valid ones; compile errors and ignored mutants do not count', () => {
    const scores = fileScores({
      files: {
        'src/domain/b.ts': { mutants: mutants({ Killed: 16, Timeout: 1, Survived: 2, NoCoverage: 1, CompileError: 7, RuntimeError: 1, Ignored: 3 }) },
        'src/domain/a.ts': { mutants: mutants({ CompileError: 2 }) },
      },
    });
    expect(scores).toEqual([
      { file: 'src/domain/a.ts', detected: 0, undetected: 0, ignored: 0, score: null },
      { file: 'src/domain/b.ts', detected: 17, undetected: 3, ignored: 3, score: 85 },
    ]);
  });

  it('names the files below the floor, a file exactly at it passing', () => {
    const scores = fileScores({
      files: {
        'at.ts': { mutants: mutants({ Killed: FLOOR, Survived: 100 - FLOOR }) },
        'below.ts': { mutants: mutants({ Killed: FLOOR - 1, Survived: 101 - FLOOR }) },
        'empty.ts': { mutants: [] },
      },
    });
    expect(belowFloor(scores).map((s) => s.file)).toEqual(['below.ts']);
  });
});
