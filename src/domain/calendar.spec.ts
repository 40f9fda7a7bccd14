import {
  addCalendarDays,
  addWorkingDays,
  buildCalendar,
  calendarOf,
  chinaDateOf,
  CN_CALENDAR_FILE,
  chinaStartOfDay,
  cnCalendar,
  coversDate,
  dayKind,
  daysOfCoverageLeft,
  dayOfWeek,
  defaultCalendar,
  isWorkingDay,
  HolidayPeriod,
  noticeEnd,
  YearArrangement,
} from './calendar';
import { expectRefusal } from '../../test/support/decider-spec';
import { DomainError } from './errors';

const workingDays = (length: number) => ({ length, unit: 'working-days' as const });
const calendarDays = (length: number) => ({ length, unit: 'calendar-days' as const });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof DomainError ? [e.kind, e.code] : e;
  }
  return null;
};

describe('working-day calendar', () => {
  it('is versioned', () => {
    expect(defaultCalendar.version).toBe('cn-2020-2026.1');
    expect(cnCalendar.coversFrom).toBe('2020-01-01');
    expect(cnCalendar.coversTo).toBe('2026-12-31');
  });

  it('ends a 5-working-day notice opened on Monday 2025-12-01 on Friday 2025-12-05', () => {
    expect(noticeEnd(cnCalendar, '2025-12-01', workingDays(5))).toBe('2025-12-05');
    expect(addWorkingDays(cnCalendar, '2025-12-01', 5)).toBe('2025-12-05');
  });

  it('skips the 2025 National Day and Mid-Autumn holiday and counts Saturday 11 October as a working day', () => {
    // 9-30 is day 1; 10-01..10-08 are off; 10-09, 10-10, 10-11 (Saturday, 调休), 10-13 are days 2–5.
    expect(noticeEnd(cnCalendar, '2025-09-30', workingDays(5))).toBe('2025-10-13');
    expect(noticeEnd(cnCalendar, '2025-09-30', workingDays(4))).toBe('2025-10-11');
    expect(noticeEnd(cnCalendar, '2025-09-30', workingDays(1))).toBe('2025-09-30');
  });

  it('knows the make-up working days (调休) of 2025', () => {
    for (const date of ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']) {
      expect([date, dayKind(cnCalendar, date)]).toEqual([date, 'make-up-working-day']);
      expect(isWorkingDay(cnCalendar, date)).toBe(true);
    }
    expect(isWorkingDay(cnCalendar, '2025-10-12')).toBe(false);
    expect(dayKind(cnCalendar, '2025-10-12')).toBe('weekend');
  });

  it('knows the public holidays on weekdays', () => {
    for (const date of ['2025-01-28', '2025-02-04', '2025-05-05', '2025-06-02', '2025-10-08', '2026-02-23']) {
      expect([date, dayKind(cnCalendar, date)]).toEqual([date, 'holiday']);
    }
    expect(dayKind(cnCalendar, '2025-12-01')).toBe('working-day');
  });

  it('counts a make-up Saturday inside a notice: 5 working days from Friday 2026-02-13 end on 2026-02-26', () => {
    // 02-13 day 1, 02-14 (Saturday, 调休) day 2, 02-15..02-23 Spring Festival, then 02-24, 02-25, 02-26.
    expect(noticeEnd(cnCalendar, '2026-02-13', workingDays(5))).toBe('2026-02-26');
  });

  it('starts counting on the next working day when a notice is opened on a day off', () => {
    // Opened during the holiday: 10-09 is day 1.
    expect(noticeEnd(cnCalendar, '2025-10-04', workingDays(5))).toBe('2025-10-14');
    expect(noticeEnd(cnCalendar, '2025-12-06', workingDays(1))).toBe('2025-12-08');
  });

  it('records the 2020 Spring Festival extension (国办发明电〔2020〕1号)', () => {
    expect(dayKind(cnCalendar, '2020-01-31')).toBe('holiday');
    expect(isWorkingDay(cnCalendar, '2020-02-01')).toBe(false);
    expect(isWorkingDay(cnCalendar, '2020-02-03')).toBe(true);
    expect(isWorkingDay(cnCalendar, '2020-01-19')).toBe(true);
  });

  it('gives every year its statutory number of days off net of make-up days', () => {
    // 11 statutory days until 2024, 13 from 2025; 2020 gains 2 weekdays from the COVID-19 extension.
    const expected: Record<number, number> = { 2020: 13, 2021: 11, 2022: 11, 2023: 11, 2024: 11, 2025: 13, 2026: 13 };
    for (const arrangement of CN_CALENDAR_FILE.years) {
      const year = arrangement.year;
      let net = 0;
      for (let date = `${year}-01-01`; date <= `${year}-12-31`; date = addCalendarDays(date, 1)) {
        const kind = dayKind(cnCalendar, date);
        const weekday = dayOfWeek(date) !== 0 && dayOfWeek(date) !== 6;
        if (kind === 'holiday' && weekday) net++;
        if (kind === 'make-up-working-day') net--;
      }
      expect([year, net]).toEqual([year, expected[year]]);
    }
  });

  it('computes calendar-day notices with the opening day as day 1', () => {
    expect(noticeEnd(cnCalendar, '2025-12-01', calendarDays(7))).toBe('2025-12-07');
    expect(noticeEnd(cnCalendar, '2025-09-30', calendarDays(7))).toBe('2025-10-06');
    expect(noticeEnd(cnCalendar, '2024-02-26', calendarDays(7))).toBe('2024-03-03');
    expect(noticeEnd(cnCalendar, '2025-12-28', calendarDays(7))).toBe('2026-01-03');
  });

  it('adds calendar days across months, leap days and years', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(addCalendarDays('2000-02-28', 366)).toBe('2001-02-28');
    expect(dayOfWeek('2025-12-01')).toBe(1);
    expect(dayOfWeek('1970-01-01')).toBe(4);
  });

  it('refuses, never guesses, a day outside the covered years: calendar-not-covered (409), naming the coverage', () => {
    expect(coversDate(cnCalendar, '2026-12-31')).toBe(true);
    expect(coversDate(cnCalendar, '2027-01-04')).toBe(false);
    expect(codeOf(() => isWorkingDay(cnCalendar, '2027-01-04'))).toEqual(['illegal-state', 'calendar-not-covered']);
    expect(codeOf(() => dayKind(cnCalendar, '2019-12-31'))).toEqual(['illegal-state', 'calendar-not-covered']);
    // A span that runs past the last covered day is refused, a span that ends inside it is not.
    expect(codeOf(() => noticeEnd(cnCalendar, '2026-12-28', workingDays(5)))).toEqual(['illegal-state', 'calendar-not-covered']);
    expect(noticeEnd(cnCalendar, '2026-12-24', workingDays(5))).toBe('2026-12-30');
    // Calendar days need no holiday data.
    expect(noticeEnd(cnCalendar, '2026-12-28', calendarDays(7))).toBe('2027-01-03');
    try {
      addWorkingDays(cnCalendar, '2026-12-28', 5);
    } catch (error) {
      expect((error as DomainError).details).toMatchObject({ date: '2027-01-01', coversTo: '2026-12-31', calendarVersion: 'cn-2020-2026.1' });
    }
    expect.assertions(8);
  });

  it('adds the years of a further file, and its version to the calendar’s: a 2027 notice then skips the Spring Festival', () => {
    // A further file as a deployment adds one (the dates here are a test's, not an announced arrangement).
    const file2027 = {
      version: 'test-2027.1',
      years: [{ year: 2027, source: 'test', holidays: [{ name: '春节', from: '2027-02-05', to: '2027-02-13' }], workingDays: ['2027-02-14'] }],
    };
    const extended = calendarOf([CN_CALENDAR_FILE, file2027]);
    expect(extended.version).toBe('cn-2020-2026.1+test-2027.1');
    expect(extended.coversTo).toBe('2027-12-31');
    // Opened Thursday 4 Feb 2027: 02-04 day 1, 02-05..02-13 off, 02-14 (Sunday, 调休) day 2, then 02-15..02-17.
    expect(noticeEnd(extended, '2027-02-04', workingDays(5))).toBe('2027-02-17');
    expect(codeOf(() => noticeEnd(cnCalendar, '2027-02-04', workingDays(5)))).toEqual(['illegal-state', 'calendar-not-covered']);
    expect(noticeEnd(extended, '2025-09-30', workingDays(5))).toBe('2025-10-13');
  });

  it('counts the days of coverage left', () => {
    expect(daysOfCoverageLeft(cnCalendar, '2026-12-03')).toBe(28);
    expect(daysOfCoverageLeft(cnCalendar, '2027-01-01')).toBe(-1);
  });

  it('converts instants to Beijing dates', () => {
    expect(chinaDateOf('2025-09-30T16:00:00Z')).toBe('2025-10-01');
    expect(chinaDateOf('2025-09-30T15:59:59.999Z')).toBe('2025-09-30');
    expect(chinaDateOf('2025-10-01T00:00:00+08:00')).toBe('2025-10-01');
    expect(chinaStartOfDay('2025-10-14')).toBe('2025-10-14T00:00:00+08:00');
    expect(Date.parse(chinaStartOfDay('2025-10-14'))).toBe(Date.parse('2025-10-13T16:00:00Z'));
  });

  it('rejects malformed dates and spans with validation errors', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-1', '2025-12-01T00:00:00Z', '']) {
      expect(() => isWorkingDay(cnCalendar, bad)).toThrow(DomainError);
    }
    expect(codeOf(() => addWorkingDays(cnCalendar, '2025-12-01', 0))).toEqual(['validation', 'invalid-day-count']);
    expect(codeOf(() => noticeEnd(cnCalendar, '2025-12-01', calendarDays(0)))).toEqual(['validation', 'invalid-notice-length']);
    expect(codeOf(() => chinaDateOf('yesterday'))).toEqual(['validation', 'invalid-time']);
  });

  it('rejects inconsistent calendar data', () => {
    expect(() =>
      buildCalendar('bad.1', [{ year: 2025, source: 'test', holidays: [], workingDays: ['2025-12-01'] }]),
    ).toThrow(/not a weekend day/);
    expect(() =>
      buildCalendar('bad.2', [
        { year: 2025, source: 'test', holidays: [{ name: 'x', from: '2025-10-11', to: '2025-10-11' }], workingDays: ['2025-10-11'] },
      ]),
    ).toThrow(/both a holiday/);
    const year = (y: number) => ({ year: y, source: 'test', holidays: [], workingDays: [] });
    expect(() => buildCalendar('gap.1', [year(2025), year(2027)])).toThrow(/without a gap/);
    expect(() => calendarOf([{ version: '', years: [year(2025)] }])).toThrow(/needs a version/);
    expect(() => calendarOf([CN_CALENDAR_FILE, { version: 'x.1', years: [year(2028)] }])).toThrow(/without a gap/);
  });
});

describe('calendar data', () => {
  const year = (y: number, holidays: HolidayPeriod[] = [], workingWeekendDays: string[] = []): YearArrangement => ({ year: y, source: 'test', holidays, workingDays: workingWeekendDays });
  const invalid = (build: () => unknown) => expectRefusal(build, 'invalid-calendar', 'validation');

  it('needs a version and at least one year', () => {
    for (const version of ['', ' ', undefined]) invalid(() => buildCalendar(version as never, [year(2025)]));
    invalid(() => buildCalendar('v.1', []));
    invalid(() => buildCalendar('v.1', undefined as never));
  });

  it('covers its years from the first 1 January to the last 31 December, whatever their order', () => {
    const calendar = buildCalendar('v.1', [year(2026), year(2024), year(2025)]);
    expect([calendar.version, calendar.coversFrom, calendar.coversTo]).toEqual(['v.1', '2024-01-01', '2026-12-31']);
    expect([coversDate(calendar, '2023-12-31'), coversDate(calendar, '2024-01-01'), coversDate(calendar, '2026-12-31'), coversDate(calendar, '2027-01-01')]).toEqual([
      false, true, true, false,
    ]);
  });

  it('refuses a year named twice, an arrangement without its year and one without its lists', () => {
    invalid(() => buildCalendar('v.1', [year(2025), year(2025)]));
    invalid(() => buildCalendar('v.1', [year(2025), { ...year(2026), year: undefined } as never]));
    invalid(() => buildCalendar('v.1', [year(2025), null as never]));
    invalid(() => buildCalendar('v.1', [{ ...year(2025), holidays: undefined } as never]));
    invalid(() => buildCalendar('v.1', [{ ...year(2025), workingDays: undefined } as never]));
  });

  it('takes a holiday of one day, from its first day to its last', () => {
    const calendar = buildCalendar('v.1', [year(2025, [{ name: '一日', from: '2025-12-03', to: '2025-12-03' }, { name: '三日', from: '2025-12-09', to: '2025-12-11' }])]);
    expect(['2025-12-02', '2025-12-03', '2025-12-04', '2025-12-08', '2025-12-09', '2025-12-10', '2025-12-11', '2025-12-12'].map((date) => dayKind(calendar, date))).toEqual([
      'working-day', 'holiday', 'working-day', 'working-day', 'holiday', 'holiday', 'holiday', 'working-day',
    ]);
    invalid(() => buildCalendar('v.1', [year(2025, [{ name: '倒置', from: '2025-12-04', to: '2025-12-03' }])]));
  });

  it('takes a holiday of the year before or after its arrangement’s year, not further away', () => {
    expect(() => buildCalendar('v.1', [year(2025, [{ name: '元旦', from: '2026-01-01', to: '2026-01-01' }])])).not.toThrow();
    expect(() => buildCalendar('v.1', [year(2025, [{ name: '跨年', from: '2024-12-31', to: '2025-01-01' }])])).not.toThrow();
    invalid(() => buildCalendar('v.1', [year(2025, [{ name: '远', from: '2027-01-01', to: '2027-01-01' }])]));
    invalid(() => buildCalendar('v.1', [year(2025, [{ name: '远', from: '2023-12-29', to: '2023-12-29' }])]));
  });

  it('takes Saturdays and Sundays as make-up working days, and no weekday', () => {
    const calendar = buildCalendar('v.1', [year(2025, [], ['2025-12-06', '2025-12-07'])]);
    expect([dayKind(calendar, '2025-12-06'), dayKind(calendar, '2025-12-07'), dayKind(calendar, '2025-12-13'), dayKind(calendar, '2025-12-14')]).toEqual([
      'make-up-working-day', 'make-up-working-day', 'weekend', 'weekend',
    ]);
    for (const weekday of ['2025-12-05', '2025-12-08']) invalid(() => buildCalendar('v.1', [year(2025, [], [weekday])]));
    invalid(() => buildCalendar('v.1', [year(2025, [{ name: 'x', from: '2025-12-06', to: '2025-12-06' }], ['2025-12-06'])]));
  });

  it('refuses a calendar file without a version or a list of years', () => {
    for (const file of [null, { version: 'x.1' }, { version: 'x.1', years: {} }, { version: ' ', years: [] }, { years: [] }]) {
      invalid(() => calendarOf([file as never]));
    }
    invalid(() => calendarOf([]));
    invalid(() => calendarOf([{ version: 'x.1', years: [null as never] }]));
  });

  it('lets a further file restate a covered year as a correction', () => {
    const corrected = calendarOf([CN_CALENDAR_FILE, { version: 'fix.1', years: [year(2025, [{ name: '更正', from: '2025-12-01', to: '2025-12-01' }])] }]);
    expect(corrected.version).toBe('cn-2020-2026.1+fix.1');
    expect([dayKind(corrected, '2025-12-01'), dayKind(corrected, '2025-10-01'), dayKind(corrected, '2026-02-23')]).toEqual(['holiday', 'working-day', 'holiday']);
  });
});

describe('a day of the calendar', () => {
  it('is a holiday even on a weekend, a weekend on Saturday and Sunday, else a working day', () => {
    // 2025-10-04 is a Saturday of the National Day holiday.
    expect(['2025-10-04', '2025-12-06', '2025-12-07', '2025-12-05', '2025-12-08'].map((date) => dayKind(cnCalendar, date))).toEqual([
      'holiday', 'weekend', 'weekend', 'working-day', 'working-day',
    ]);
    expect(['2025-10-04', '2025-12-06', '2025-12-07', '2025-12-05', '2025-10-11'].map((date) => isWorkingDay(cnCalendar, date))).toEqual([false, false, false, true, true]);
  });

  it('is refused outside the coverage, naming the coverage and the year whose arrangement is missing', () => {
    const details = { coversFrom: '2020-01-01', coversTo: '2026-12-31', calendarVersion: 'cn-2020-2026.1' };
    const error = expectRefusal(() => dayKind(cnCalendar, '2027-01-01'), 'calendar-not-covered', 'illegal-state', { date: '2027-01-01', ...details });
    expect(error.message).toContain('arrangement for 2027 with');
    expectRefusal(() => isWorkingDay(cnCalendar, '2019-12-31'), 'calendar-not-covered', 'illegal-state', { date: '2019-12-31', ...details });
    expect(dayKind(cnCalendar, '2020-01-01')).toBe('holiday');
    expect(dayKind(cnCalendar, '2026-12-31')).toBe('working-day');
  });

  it('is refused when it is no date', () => {
    expectRefusal(() => coversDate(cnCalendar, '2025-02-29'), 'invalid-date', 'validation');
  });
});

describe('a span of working days', () => {
  it('ends on its start when it lasts one day from a working day', () => {
    expect(addWorkingDays(cnCalendar, '2025-12-05', 1)).toBe('2025-12-05');
    expect(addWorkingDays(cnCalendar, '2025-12-05', 2)).toBe('2025-12-08');
  });

  it.each([0, -1, 1.5])('refuses a span of %d days', (n) => {
    expectRefusal(() => addWorkingDays(cnCalendar, '2025-12-01', n), 'invalid-day-count', 'validation');
  });

  it.each([0, -1, 2.5])('refuses a notice of %d days, in either unit', (length) => {
    expectRefusal(() => noticeEnd(cnCalendar, '2025-12-01', workingDays(length)), 'invalid-notice-length', 'validation');
    expectRefusal(() => noticeEnd(cnCalendar, '2025-12-01', calendarDays(length)), 'invalid-notice-length', 'validation');
  });

  it('ends a one-day notice on its opening day, and refuses a unit it does not know', () => {
    expect(noticeEnd(cnCalendar, '2025-12-06', calendarDays(1))).toBe('2025-12-06');
    expectRefusal(() => noticeEnd(cnCalendar, '2025-12-01', { length: 5, unit: 'weeks' as never }), 'invalid-notice-unit', 'validation');
  });
});
