import { given } from '../../../../test/support/decider-spec';
import { applicant, at, BRAND, command, CommandOf, days, EVIDENCE, history, office, REPORT, run, SECONDARY, stateOf, V } from '../../../../test/support/project-history';
import { projectDecider } from '../project.decider';
import { REVOCABLE } from './checks';

// Suspension, revocation and the recovery of funds (domain.md §5).

const transition = (command: string, status: string, expected: readonly string[]) => ({ command, status, expected: expected.join(' | ') });
const SV = SECONDARY.rulesVersion;

describe('suspension', () => {
  const suspend = (day: string, reason = '整改后仍未解决') => command('Suspend', office, { reason }, at(day));

  it('after a rectification failed before any mid-term, records no share of tasks done', () => {
    const failed = run(
      [
        command('OrderRectification', office, { findings: ['进度滞后'], deadline: '2026-06-30' }, at('2026-04-01')),
        command('FailRectification', office, { reason: '逾期未整改' }, at('2026-07-01')),
      ],
      history(SECONDARY, 'reported'),
    );
    given(projectDecider, failed)
      .when(suspend('2026-07-10'))
      .then([
        {
          type: 'ProjectSuspended',
          data: {
            trigger: 'failed-rectification',
            reason: '整改后仍未解决',
            programType: 'secondary-school',
            applicantOrg: 'school-a',
            tasksCompletedPercent: null,
            banUntil: '2126-07-10',
            mayReapply: false,
            suspendedAt: at('2026-07-10'),
            rulesVersion: SV,
          },
        },
      ]);
  });

  it('the ban lasts rules.bans.suspensionYears', () => {
    const rules = { ...SECONDARY.rules, bans: { suspensionYears: 3, revocationYears: 5 } };
    const short = { ...SECONDARY, rules };
    const below = run(
      [command('RecordMidtermEvaluation', office, { findings: { targetsAndTasks: '滞后', useOfFunds: '滞后', results: '少', impact: '小' }, grade: '差', tasksCompletedPercent: 10, report: REPORT }, at(days(SECONDARY).midterm))],
      history(short, 'reported'),
    );
    const [event] = given(projectDecider, below).when(suspend('2027-06-01')).then([expect.objectContaining({ type: 'ProjectSuspended' })] as never);
    expect(event.data).toMatchObject({ trigger: 'midterm-below-min-tasks', banUntil: '2030-06-01', tasksCompletedPercent: 10 });
  });

  it('refuses a suspension but after a failed rectification or a mid-term, naming them', () => {
    given(projectDecider, history(SECONDARY, 'planAccepted'))
      .when(suspend('2026-06-01'))
      .thenThrows('invalid-transition', 'illegal-state', transition('Suspend', 'UnderConstruction', ['RectificationFailed', 'MidtermEvaluated']));
  });
});

describe('revocation', () => {
  const revoke = (data: Partial<CommandOf<'RevokeProject'>['data']> = {}, day = '2026-06-01') =>
    command('RevokeProject', office, { reason: 'fraud', explanation: '申报材料造假', evidence: [EVIDENCE], ...data }, at(day));
  const construction = () => given(projectDecider, history(BRAND, 'planAccepted'));

  it('a ban may end today, not the day before', () => {
    const [event] = construction().when(revoke({ banUntil: '2026-06-01' })).then([expect.objectContaining({ type: 'ProjectRevoked' })] as never);
    expect(event.data).toMatchObject({ banUntil: '2026-06-01' });
    construction().when(revoke({ banUntil: '2026-02-30' })).thenThrows('invalid-date', 'validation', { field: 'banUntil' });
  });

  it('the default ban lasts rules.bans.revocationYears from today', () => {
    const rules = { ...BRAND.rules, bans: { suspensionYears: 100, revocationYears: 2 } };
    const [event] = given(projectDecider, history({ ...BRAND, rules }, 'planAccepted')).when(revoke()).then([expect.objectContaining({ type: 'ProjectRevoked' })] as never);
    expect(event.data).toMatchObject({ banUntil: '2028-06-01' });
  });

  it('folds the ban, which a revoked project may outlive to re-apply', () => {
    expect(stateOf(run([revoke()], history(BRAND, 'planAccepted')))).toMatchObject({ status: 'Revoked', ban: { until: '2031-06-01', mayReapply: true } });
  });

  it('refuses a revocation before approval, naming every status it is made from', () => {
    given(projectDecider, history(BRAND, 'noticed')).when(revoke()).thenThrows('invalid-transition', 'illegal-state', transition('RevokeProject', 'InPublicNotice', REVOCABLE));
  });
});

describe('the recovery of funds', () => {
  const revoked = () => run([command('RevokeProject', office, { reason: 'fraud', explanation: '申报材料造假', evidence: [EVIDENCE] }, at('2026-06-01'))], history(BRAND, 'planAccepted'));
  const recover = (data: Partial<CommandOf<'OrderFundRecovery'>['data']> = {}, disbursed = 1_500_000) =>
    command('OrderFundRecovery', office, { amount: 1_200_000, deadline: '2026-12-31', reason: '收回剩余资金', ...data }, at('2026-06-02'), { fundsDisbursed: disbursed });
  const ordered = () => run([recover()], revoked());
  const returned = (data: Partial<CommandOf<'RecordFundsRecovered'>['data']> = {}, day = '2026-09-01') =>
    command('RecordFundsRecovered', office, { amount: 100_000, recoveredOn: day, ...data }, at(day));
  const overdue = (day: string) => command('RecordFundRecoveryOverdue', office, {}, at(day));

  it('orders back everything disbursed, to the fen, by the day after today', () => {
    const [event] = given(projectDecider, revoked()).when(recover({ amount: 1_500_000, deadline: '2026-06-03' })).then([expect.objectContaining({ type: 'FundRecoveryOrdered' })] as never);
    expect(event.data).toMatchObject({ amount: 1_500_000, disbursed: 1_500_000, deadline: '2026-06-03' });
    expect(stateOf([...revoked(), event]).fundRecovery).toEqual({ amount: 1_500_000, deadline: '2026-06-03' });
  });

  it('refuses a negative amount, a deadline not a day, and no reason', () => {
    given(projectDecider, revoked()).when(recover({ amount: -1 })).thenThrows('invalid-amount', 'validation');
    given(projectDecider, revoked()).when(recover({ deadline: '2026-13-01' })).thenThrows('invalid-date', 'validation', { field: 'deadline' });
    given(projectDecider, revoked()).when(recover({ reason: ' ' })).thenThrows('reason-required', 'validation');
  });

  it('refuses an order on a project standing, naming the statuses it follows', () => {
    given(projectDecider, history(BRAND, 'planAccepted')).when(recover()).thenThrows('invalid-transition', 'illegal-state', transition('OrderFundRecovery', 'UnderConstruction', ['Failed', 'Revoked']));
  });

  it('records a return with no reference as null, and one dated today', () => {
    given(projectDecider, ordered())
      .when(returned())
      .then([
        {
          type: 'FundsRecovered',
          data: { amount: 100_000, recoveredOn: '2026-09-01', reference: null, recovered: 100_000, ordered: 1_200_000, complete: false, recordedAt: at('2026-09-01'), rulesVersion: V },
        },
      ]);
  });

  it('refuses a blank reference, a day not a day, a return after today and an amount not to the fen, naming the field', () => {
    given(projectDecider, ordered()).when(returned({ reference: ' ' })).thenThrows('invalid-field', 'validation');
    given(projectDecider, ordered()).when(returned({ recoveredOn: '2026-02-30' })).thenThrows('invalid-date', 'validation', { field: 'recoveredOn' });
    given(projectDecider, ordered()).when(command('RecordFundsRecovered', office, { amount: 1, recoveredOn: '2026-09-02' }, at('2026-09-01'))).thenThrows('invalid-date', 'validation', { field: 'recoveredOn' });
    given(projectDecider, ordered()).when(returned({ amount: 0.001 })).thenThrows('invalid-amount', 'validation', { field: 'amount' });
  });

  it('a return folds into what is recovered, and the rest is refused once all is back', () => {
    const all = run([returned({ amount: 1_200_000 })], ordered());
    expect(stateOf(all).fundRecovery).toEqual({ amount: 1_200_000, deadline: '2026-12-31', recovered: 1_200_000 });
    given(projectDecider, all).when(returned({ amount: 1 })).thenThrows('recovery-complete', 'illegal-state');
  });

  it('with nothing returned by the deadline, the whole amount is outstanding', () => {
    given(projectDecider, ordered())
      .when(overdue('2027-01-01'))
      .then([{ type: 'FundRecoveryOverdue', data: { deadline: '2026-12-31', ordered: 1_200_000, recovered: 0, outstanding: 1_200_000, recordedAt: at('2027-01-01'), rulesVersion: V } }]);
  });

  it('is not overdue on the deadline itself, which the refusal names; nor with no order', () => {
    given(projectDecider, ordered()).when(overdue('2026-12-31')).thenThrows('recovery-not-due', 'illegal-state', { deadline: '2026-12-31' });
    given(projectDecider, revoked()).when(overdue('2027-01-01')).thenThrows('no-fund-recovery', 'illegal-state');
  });

  it('the recovery is the office’s to order and record', () => {
    given(projectDecider, revoked()).when({ ...recover(), actor: applicant }).thenThrows('role-not-allowed', 'forbidden');
  });
});
