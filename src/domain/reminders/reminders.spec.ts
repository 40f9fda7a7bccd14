import { DomainError } from '../errors';
import { Actor } from '../messages';
import { projectDecider } from '../project/project.decider';
import { remindDeadline } from './reminders';

describe('a reminder that an obligation falls due', () => {
  const data = { obligation: 'annual-report 2027', dueAt: '2028-04-01T00:00:00+08:00', dueOn: '2028-03-31' };

  it('says the whole days left, rounded up, and when it was given', () => {
    expect(remindDeadline(data, '2028-03-25T10:00:00+08:00')).toEqual([
      { type: 'DeadlineReminded', data: { ...data, daysLeft: 7, remindedAt: '2028-03-25T10:00:00+08:00' } },
    ]);
    expect(remindDeadline(data, '2028-03-24T10:00:00+08:00')[0].data.daysLeft).toBe(8);
    expect(remindDeadline(data, '2028-03-31T23:59:00+08:00')[0].data.daysLeft).toBe(1);
    expect(remindDeadline(data, '2028-03-01T00:00:00+08:00')[0].data.daysLeft).toBe(31);
  });

  it('counts a part of a day as a whole one, up to the last instant before the obligation is due', () => {
    expect(remindDeadline(data, '2028-03-31T23:59:59.999+08:00')[0].data.daysLeft).toBe(1);
    expect(remindDeadline(data, '2028-03-31T00:00:00+08:00')[0].data.daysLeft).toBe(1);
    expect(remindDeadline(data, '2028-03-30T23:59:59.999+08:00')[0].data.daysLeft).toBe(2);
    expect(remindDeadline(data, '2028-03-25T23:00:00+08:00')[0].data.daysLeft).toBe(7);
  });

  it('is not given once the obligation is due: its overdue event tells then', () => {
    expect(remindDeadline(data, '2028-04-01T00:00:00+08:00')).toEqual([]);
    expect(remindDeadline(data, '2028-05-01T10:00:00+08:00')).toEqual([]);
  });

  it('is the office’s to give (the scheduler acting as it), not the school’s', () => {
    const school: Actor = { id: 'u-a', role: 'applicant', org: 'school-a', region: '太原市' };
    const command = { type: 'RemindDeadline', actor: school, data, now: '2028-03-24T10:00:00+08:00' } as const;
    const refusal = (() => {
      try {
        projectDecider.decide(command as never, projectDecider.initialState);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('role-not-allowed');
  });
});
