import 'reflect-metadata';
import * as dto from './funding.dto';
import { DtoCase, dtoCaseTests } from '../../../test/support/dto-cases';

/** Every funding DTO: a body it accepts and one it refuses, naming the field. */
const CASES: DtoCase[] = [
  [dto.SetBudgetDto, { source: 'provincial', amount: 60_000_000, reason: '晋财教〔2026〕8号' }, { source: 'matching', amount: 60_000_000, reason: '自筹' }, 'source'],
  [dto.GrantFundsDto, { projectId: 'p-1', year: 2026, source: 'matching', amount: 1_500_000.5, reason: '配套' }, { projectId: 'p-1', year: 2026.5, source: 'provincial', amount: 1, reason: '年度' }, 'year'],
  [dto.DisburseFundsDto, { amount: 750_000, disbursedOn: '2026-04-15', reference: '晋财教〔2026〕12号' }, { amount: -1, disbursedOn: '2026-04-15' }, 'amount'],
];

const MORE_VALID: [dto: new () => object, body: object][] = [[dto.DisburseFundsDto, { amount: 0.01, disbursedOn: '2026-04-15' }]];

const MORE_INVALID: [new () => object, object, string][] = [
  [dto.SetBudgetDto, { source: 'provincial', amount: 1e12, reason: '过大' }, 'amount'],
  [dto.SetBudgetDto, { source: 'provincial', amount: 100, reason: '' }, 'reason'],
  [dto.GrantFundsDto, { projectId: 'p-1', year: 2026, source: 'provincial', amount: 10.001, reason: '年度' }, 'amount'],
  [dto.GrantFundsDto, { projectId: 'p-1', year: 2026, source: 'lottery', amount: 10, reason: '年度' }, 'source'],
  [dto.DisburseFundsDto, { amount: 1, disbursedOn: 'yesterday' }, 'disbursedOn'],
];

describe('funding DTOs', () => {
  dtoCaseTests({ module: dto, cases: CASES, moreValid: MORE_VALID, moreInvalid: MORE_INVALID, nested: [] });
});
