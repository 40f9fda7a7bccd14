import { DomainError } from '../errors';
import { Rubric } from './program-rules';
import { expectRefusal } from '../../../test/support/decider-spec';
import { aggregateScore, draftIndicators, scoreByRubric, validateRubric } from './rubric';

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

describe('a rubric’s shape', () => {
  const oneDimension = (indicators: unknown[]) => ({ dimensions: [{ name: '甲', indicators }] }) as Rubric;
  const refusedRubric = (rubric: unknown, details: Record<string, unknown>) =>
    expectRefusal(() => validateRubric(rubric as Rubric), 'invalid-rubric', 'validation', { field: 'rubric', ...details });

  it.each<[string, unknown, Record<string, unknown>?]>([
    ['no rubric', null],
    ['dimensions that are not a list', { dimensions: '甲' }],
    ['a dimension without a name', { dimensions: [{ name: ' ', indicators: [{ id: 'a', name: 'A', max: 100 }] }] }],
    ['a dimension whose indicators are not a list', { dimensions: [{ name: '乙', indicators: 'a' }] }, { dimension: '乙' }],
    ['a dimension without indicators', { dimensions: [{ name: '乙', indicators: [] }] }, { dimension: '乙' }],
    ['an indicator without an id', oneDimension([{ id: ' ', name: 'A', max: 100 }])],
    ['an indicator without a name', oneDimension([{ id: 'a', name: '', max: 100 }])],
    ['an indicator with neither maximum nor weight', oneDimension([{ id: 'a', name: 'A', max: 50 }, { id: 'b', name: 'B' }])],
    ['an indicator with both a maximum and a weight', oneDimension([{ id: 'a', name: 'A', max: 50, weight: 50 }, { id: 'b', name: 'B', max: 50 }])],
    ['a weighted indicator with both', oneDimension([{ id: 'a', name: 'A', weight: 50 }, { id: 'b', name: 'B', weight: 50, max: 50 }])],
    ['a negative maximum', oneDimension([{ id: 'a', name: 'A', max: 110 }, { id: 'b', name: 'B', max: -10 }])],
    ['a zero weight', oneDimension([{ id: 'a', name: 'A', weight: 100 }, { id: 'b', name: 'B', weight: 0 }])],
    ['an endless maximum', oneDimension([{ id: 'a', name: 'A', max: Infinity }])],
    ['a maximum that is not a number', oneDimension([{ id: 'a', name: 'A', max: '100' }])],
    ['maxima adding up to 100.5', oneDimension([{ id: 'a', name: 'A', max: 50 }, { id: 'b', name: 'B', max: 50.5 }]), { sum: 100.5 }],
    ['weights adding up to 99', oneDimension([{ id: 'a', name: 'A', weight: 50 }, { id: 'b', name: 'B', weight: 49 }]), { sum: 99 }],
  ])('refuses %s', (_what, rubric, details = {}) => {
    refusedRubric(rubric, details);
  });

  it('accepts maxima that add up to 100 within rounding, over several dimensions', () => {
    const thirds = { dimensions: [{ name: '甲', indicators: [{ id: 'a', name: 'A', max: 33.3 }, { id: 'b', name: 'B', max: 33.3 }] }, { name: '乙', indicators: [{ id: 'c', name: 'C', max: 33.4 }] }] };
    expect(codeOf(() => validateRubric(thirds))).toBe('accepted');
    expect(codeOf(() => validateRubric(oneDimension([{ id: 'a', name: 'A', weight: 100 }])))).toBe('accepted');
  });
});

describe('a reviewer’s scores by the rubric', () => {
  const full = (basis: number) => [{ id: 'basis', score: basis }, { id: 'partners', score: 20 }, { id: 'goals', score: 30 }, { id: 'funds', score: 20 }];

  it('accepts each indicator from 0 to its maximum, and a weighted one from 0 to 100', () => {
    expect(scoreByRubric(POINTS, full(0)).total).toBe(70);
    expect(scoreByRubric(POINTS, full(30)).total).toBe(100);
    expect(scoreByRubric(WEIGHTED, [{ id: 'quality', score: 100 }, { id: 'impact', score: 0 }]).total).toBe(60);
  });

  it('rounds the total to two decimals', () => {
    expect(scoreByRubric(POINTS, full(10.333)).total).toBe(80.33);
    expect(scoreByRubric(WEIGHTED, [{ id: 'quality', score: 33.33 }, { id: 'impact', score: 66.67 }]).total).toBe(46.67);
  });

  it('keeps a comment trimmed, and none that is blank', () => {
    const { indicators } = scoreByRubric(WEIGHTED, [{ id: 'quality', score: 90, comment: '  扎实  ' }, { id: 'impact', score: 70, comment: '  ' }]);
    expect(indicators).toEqual([{ id: 'quality', score: 90, comment: '扎实' }, { id: 'impact', score: 70 }]);
  });

  it('refuses a score of no indicators, naming the field', () => {
    expectRefusal(() => scoreByRubric(POINTS, undefined), 'indicators-required', 'validation', { field: 'indicators' });
    expectRefusal(() => scoreByRubric(POINTS, []), 'indicators-required', 'validation', { field: 'indicators' });
  });

  it('names the indicators left out', () => {
    expectRefusal(() => scoreByRubric(POINTS, [{ id: 'partners', score: 1 }, { id: 'goals', score: 1 }]), 'indicator-missing', 'validation', {
      field: 'indicators',
      missing: ['basis', 'funds'],
    });
  });

  it('names the entry of an unknown or repeated indicator', () => {
    expectRefusal(() => draftIndicators(POINTS, [{ id: 'basis', score: 1 }, { id: 'x', score: 1 }]), 'unknown-indicator', 'validation', { field: 'indicators.1.id', indicator: 'x' });
    expectRefusal(() => draftIndicators(POINTS, [{ id: 'goals', score: 1 }, { id: 'goals', score: 2 }]), 'duplicate-indicator', 'validation', { field: 'indicators.1.id', indicator: 'goals' });
  });

  it.each([
    ['basis', 30.01, 30],
    ['funds', -0.01, 20],
    ['funds', NaN, 20],
  ])('refuses %s scored %d, naming the entry and the indicator’s maximum', (id, score, max) => {
    expectRefusal(() => draftIndicators(POINTS, [{ id: 'goals', score: 1 }, { id, score }]), 'indicator-score-out-of-range', 'validation', {
      field: 'indicators.1.score',
      indicator: id,
      max,
    });
  });

  it('refuses a weighted indicator scored above 100', () => {
    expectRefusal(() => draftIndicators(WEIGHTED, [{ id: 'impact', score: 100.01 }]), 'indicator-score-out-of-range', 'validation', {
      field: 'indicators.0.score',
      indicator: 'impact',
      max: 100,
    });
  });

  it('lets a draft hold some of the indicators', () => {
    expect(draftIndicators(POINTS, [{ id: 'goals', score: 12 }])).toEqual([{ id: 'goals', score: 12 }]);
  });
});

describe('the trimmed mean', () => {
  it('orders the totals by value before dropping the highest and the lowest', () => {
    expect(aggregateScore([9, 10, 80, 100, 95], 'trimmed-mean')).toBe(61.67);
    expect(aggregateScore([70, 100, 9, 80, 95, 10], 'trimmed-mean')).toBe(63.75);
  });

  it('is the mean by default, and of a single total that total', () => {
    expect(aggregateScore([60, 80, 82, 84, 99])).toBe(81);
    expect(aggregateScore([77.5], 'trimmed-mean')).toBe(77.5);
  });
});
