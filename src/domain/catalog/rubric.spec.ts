import { DomainError } from '../errors';
import { Rubric } from './program-rules';
import { aggregateScore, scoreByRubric, validateRubric } from './rubric';

/** A points rubric of two dimensions, the maxima adding up to 100. */
const POINTS: Rubric = {
  dimensions: [
    { name: '建设基础', indicators: [{ id: 'basis', name: '办学基础', max: 30 }, { id: 'partners', name: '校企合作', max: 20 }] },
    { name: '建设方案', indicators: [{ id: 'goals', name: '目标任务', max: 30 }, { id: 'funds', name: '经费保障', max: 20 }] },
  ],
};
/** A weighted rubric: each indicator scored 0–100, weighted 60/40. */
const WEIGHTED: Rubric = { dimensions: [{ name: '综合', indicators: [{ id: 'quality', name: '质量', weight: 60 }, { id: 'impact', name: '影响', weight: 40 }] }] };

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('a rubric (评分指标)', () => {
  it('accepts a points rubric whose maxima add up to 100, and a weighted one whose weights do', () => {
    expect(codeOf(() => validateRubric(POINTS))).toBe('accepted');
    expect(codeOf(() => validateRubric(WEIGHTED))).toBe('accepted');
  });

  it.each([
    ['no dimensions', { dimensions: [] }],
    ['a dimension without indicators', { dimensions: [{ name: '空', indicators: [] }] }],
    ['maxima adding up to 90', { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 40 }, { id: 'b', name: 'B', max: 50 }] }] }],
    ['maxima and weights mixed', { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 50 }, { id: 'b', name: 'B', weight: 50 }] }] }],
    ['an indicator id twice', { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 50 }, { id: 'a', name: 'B', max: 50 }] }] }],
    ['a zero maximum', { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 100 }, { id: 'b', name: 'B', max: 0 }] }] }],
  ])('refuses one with %s (invalid-rubric)', (_what, rubric) => {
    expect(codeOf(() => validateRubric(rubric as Rubric))).toBe('invalid-rubric');
  });

  it('adds a reviewer’s points into a total of 0–100, keeping each indicator’s score and comment', () => {
    const { total, indicators } = scoreByRubric(POINTS, [
      { id: 'basis', score: 27.5, comment: '基础扎实' },
      { id: 'partners', score: 15 },
      { id: 'goals', score: 26 },
      { id: 'funds', score: 18 },
    ]);
    expect(total).toBe(86.5);
    expect(indicators[0]).toEqual({ id: 'basis', score: 27.5, comment: '基础扎实' });
    expect(indicators[1]).toEqual({ id: 'partners', score: 15 });
  });

  it('weighs a weighted rubric’s scores', () => {
    expect(scoreByRubric(WEIGHTED, [{ id: 'quality', score: 90 }, { id: 'impact', score: 70 }]).total).toBe(82);
  });

  it.each([
    ['no indicators', [], 'indicators-required'],
    ['an indicator of no rubric', [{ id: 'basis', score: 1 }, { id: 'partners', score: 1 }, { id: 'goals', score: 1 }, { id: 'funds', score: 1 }, { id: 'x', score: 1 }], 'unknown-indicator'],
    ['an indicator twice', [{ id: 'basis', score: 1 }, { id: 'basis', score: 2 }], 'duplicate-indicator'],
    ['an indicator above its maximum', [{ id: 'basis', score: 31 }, { id: 'partners', score: 1 }, { id: 'goals', score: 1 }, { id: 'funds', score: 1 }], 'indicator-score-out-of-range'],
    ['a negative score', [{ id: 'basis', score: -1 }, { id: 'partners', score: 1 }, { id: 'goals', score: 1 }, { id: 'funds', score: 1 }], 'indicator-score-out-of-range'],
    ['an indicator left out', [{ id: 'basis', score: 1 }, { id: 'partners', score: 1 }, { id: 'goals', score: 1 }], 'indicator-missing'],
  ])('refuses a score with %s', (_what, scores, code) => {
    expect(codeOf(() => scoreByRubric(POINTS, scores))).toBe(code);
  });
});

describe('the project’s score from its reviewers’', () => {
  it('is their mean, to two decimals', () => {
    expect(aggregateScore([80, 85, 90.5])).toBe(85.17);
    expect(aggregateScore([])).toBeNull();
  });

  it('is, under trimmed-mean with five scores or more, the mean without the highest and the lowest; below five, the mean', () => {
    expect(aggregateScore([60, 80, 82, 84, 99], 'trimmed-mean')).toBe(82);
    expect(aggregateScore([60, 80, 82, 84, 99], 'mean')).toBe(81);
    expect(aggregateScore([60, 80, 99, 81], 'trimmed-mean')).toBe(80);
  });
});
