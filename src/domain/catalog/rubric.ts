import { isText } from '../checks';
import { validation } from '../errors';
import { Rubric, RubricIndicator, ScoreAggregate } from './program-rules';

/**
 * Review scores under the cycle's rules: a rubric's shape, a reviewer's total from their indicator
 * scores, and the project's score from its reviewers' totals.
 */

/** A reviewer's score of one indicator, with an optional comment. */
export interface IndicatorScore {
  readonly id: string;
  readonly score: number;
  readonly comment?: string;
}

const indicatorsOf = (rubric: Rubric): readonly RubricIndicator[] => rubric.dimensions.flatMap((d) => d.indicators);

/** A points rubric (maxima) or a weighted one (weights): every indicator of one kind, adding up to 100. */
export function validateRubric(rubric: Rubric): void {
  const fail = (message: string, details: Record<string, unknown> = {}) => validation('invalid-rubric', message, { field: 'rubric', ...details });
  if (!rubric || !Array.isArray(rubric.dimensions) || rubric.dimensions.length === 0) throw fail('a rubric has at least one dimension');
  for (const dimension of rubric.dimensions) {
    if (!isText(dimension.name)) throw fail('every dimension has a name');
    if (!Array.isArray(dimension.indicators) || dimension.indicators.length === 0) throw fail(`dimension ${dimension.name} has no indicators`, { dimension: dimension.name });
  }
  const indicators = indicatorsOf(rubric);
  const ids = indicators.map((i) => i.id);
  if (!ids.every(isText) || !indicators.every((i) => isText(i.name))) throw fail('every indicator has an id and a name');
  if (new Set(ids).size !== ids.length) throw fail('an indicator id appears twice');
  const pointed = indicators.filter((i) => i.max !== undefined && i.weight === undefined);
  const weighted = indicators.filter((i) => i.weight !== undefined && i.max === undefined);
  const measures = pointed.length === indicators.length ? pointed.map((i) => i.max!) : weighted.length === indicators.length ? weighted.map((i) => i.weight!) : null;
  if (!measures) throw fail('every indicator has a maximum (a points rubric), or every one a weight (a weighted one)');
  if (!measures.every((m) => typeof m === 'number' && Number.isFinite(m) && m > 0)) throw fail('maxima and weights are positive numbers');
  const sum = measures.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 100) > 1e-9) throw fail(`maxima or weights add up to 100, not ${sum}`, { sum });
}

/** The reviewer's total (0–100) from a score of each indicator of the rubric, each once and within its range. */
export function scoreByRubric(rubric: Rubric, given: readonly IndicatorScore[] | undefined): { readonly total: number; readonly indicators: readonly IndicatorScore[] } {
  if (!Array.isArray(given) || given.length === 0) throw validation('indicators-required', 'this cycle scores by its rubric: score each indicator', { field: 'indicators' });
  const indicators = indicatorsOf(rubric);
  const scores = draftIndicators(rubric, given);
  const seen = new Set(scores.map((s) => s.id));
  const missing = indicators.filter((i) => !seen.has(i.id)).map((i) => i.id);
  if (missing.length > 0) throw validation('indicator-missing', `score every indicator: ${missing.join(', ')} missing`, { field: 'indicators', missing });
  const total = indicators.reduce((sum, i) => sum + (i.weight === undefined ? scoreOf(scores, i.id) : (scoreOf(scores, i.id) * i.weight) / 100), 0);
  return { total: round(total), indicators: scores };
}

/** A draft's indicator scores: those given, each of the rubric, once, within its range; the rest may follow. */
export function draftIndicators(rubric: Rubric, given: readonly IndicatorScore[]): readonly IndicatorScore[] {
  const byId = new Map(indicatorsOf(rubric).map((i) => [i.id, i]));
  const seen = new Set<string>();
  return given.map((entry, index) => {
    const indicator = byId.get(entry.id);
    if (!indicator) throw validation('unknown-indicator', `the rubric has no indicator ${entry.id}`, { field: `indicators.${index}.id`, indicator: entry.id });
    if (seen.has(entry.id)) throw validation('duplicate-indicator', `indicator ${entry.id} is scored twice`, { field: `indicators.${index}.id`, indicator: entry.id });
    seen.add(entry.id);
    const max = indicator.max ?? 100;
    if (!(entry.score >= 0 && entry.score <= max)) {
      throw validation('indicator-score-out-of-range', `indicator ${entry.id} is scored from 0 to ${max}`, { field: `indicators.${index}.score`, indicator: entry.id, max });
    }
    return { id: entry.id, score: entry.score, ...(isText(entry.comment) ? { comment: entry.comment.trim() } : {}) };
  });
}

const scoreOf = (scores: readonly IndicatorScore[], id: string) => scores.find((s) => s.id === id)!.score;

/** Two decimals, as a score is published. */
const round = (value: number) => Math.round(value * 100) / 100;

/** The project's score from its reviewers' totals under the aggregate rule; null with no score yet. */
export function aggregateScore(totals: readonly number[], rule: ScoreAggregate = 'mean'): number | null {
  if (totals.length === 0) return null;
  const sorted = [...totals].sort((a, b) => a - b);
  const counted = rule === 'trimmed-mean' && sorted.length >= 5 ? sorted.slice(1, -1) : sorted;
  return round(counted.reduce((a, b) => a + b, 0) / counted.length);
}
