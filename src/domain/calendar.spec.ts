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
  noticeEnd,
} from './calendar';
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
