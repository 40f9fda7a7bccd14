import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { BUDGETED_SOURCES, BudgetedSource, FUND_SOURCES, FundSource } from '../../domain/funding/funding.commands';
import { Count, DateOnly, Decimal, Text } from './dto-support';

/** Yuan to the fen, below a trillion: the decider checks the fen, this the bounds. */
const Yuan = (example: number, description: string) => Decimal(example, { min: 0.01, max: 999_999_999_999.99, decimals: 2, description });

export class SetBudgetDto {
  @ApiProperty({ enum: BUDGETED_SOURCES, example: 'provincial', description: 'central (中央财政) or provincial (省级财政); matching funds are the school’s own and have no budget' })
  @IsIn(BUDGETED_SOURCES)
  source!: BudgetedSource;

  @Yuan(60_000_000, 'The budget in yuan; never below what is granted from the source')
  amount!: number;

  @Text('省财政厅下达 2026 年职业教育质量提升专项资金（晋财教〔2026〕8号）')
  reason!: string;
}

export class GrantFundsDto {
  @Text('3f2b8c1e-0d7a-4f55-9a57-0a4f1e2c9b11', { max: 100, description: 'An approved project of the cycle' })
  projectId!: string;

  @Count(2026, { min: 2000, max: 2100, description: 'The budget year' })
  year!: number;

  @ApiProperty({ enum: FUND_SOURCES, example: 'provincial', description: 'central, provincial, or matching (the school’s own funds)' })
  @IsIn(FUND_SOURCES)
  source!: FundSource;

  @Yuan(1_500_000, 'Yuan; the grants from a public source never exceed its budget')
  amount!: number;

  @Text('2026 年度品牌专业建设资金')
  reason!: string;
}

export class DisburseFundsDto {
  @Yuan(750_000, 'Yuan; the payments of a grant never exceed it')
  amount!: number;

  @DateOnly('2026-04-15', { description: 'The day it was paid (Beijing date), not after today' })
  disbursedOn!: string;

  @Text('晋财教〔2026〕12号', { optional: true, max: 200, description: 'The payment’s voucher or instruction number' })
  reference?: string;
}
