import { expectRefusal } from '../../test/support/decider-spec';
import {
  academicYearOf,
  addCalendarDays,
  BEIJING_OFFSET_MS,
  chinaStartOfDay,
  dayOfWeek,
  daysInMonth,
  isIsoDate,
  addMonthsAt,
  addMonthsOn,
  annualReportDueOn,
  chinaDateOf,
  chinaEndOfDay,
  chinaYearOf,
  courseUpdateDueOn,
  dateOfDayNumber,
  dayNumber,
} from './beijing-time';

describe('Beijing time', () => {
  it('adds months to a date, clamping to the end of the month', () => {
    expect(addMonthsOn('2024-08-31', 6)).toBe('2025-02-28');
    expect(addMonthsOn('2023-08-31', 6)).toBe('2024-02-29');
    expect(addMonthsOn('2024-01-15', -13)).toBe('2022-12-15');
    expect(addMonthsOn('2020-11-20', 36)).toBe('2023-11-20');
  });

  it('adds months to an instant on the Beijing calendar, keeping the Beijing time of day', () => {
    expect(addMonthsAt('2024-08-31T02:00:00.000Z', 3)).toBe('2024-11-30T02:00:00.000Z');
    // 2024-01-31T20:00Z is 1 February in Beijing.
    expect(addMonthsAt('2024-01-31T20:00:00.000Z', 1)).toBe('2024-02-29T20:00:00.000Z');
    expect(addMonthsAt('2024-02-29T02:00:00.000Z', 60)).toBe('2029-02-28T02:00:00.000Z');
    expect(addMonthsAt('2024-03-01T10:00:00+08:00', 12)).toBe('2025-03-01T02:00:00.000Z');
  });

  it('gives the Beijing date and year of an instant, and the instant a Beijing day ends', () => {
    expect(chinaDateOf('2023-12-31T16:00:00Z')).toBe('2024-01-01');
    expect(chinaYearOf('2023-12-31T15:59:59.999Z')).toBe(2023);
    expect(chinaYearOf('2023-12-31T16:00:00Z')).toBe(2024);
    expect(chinaEndOfDay('2024-02-28')).toBe('2024-02-29T00:00:00+08:00');
    expect(chinaEndOfDay('2024-12-31')).toBe('2025-01-01T00:00:00+08:00');
  });

  it('names academic years by the year they start in, and dates the yearly obligations', () => {
    expect(academicYearOf('2024-08-31')).toBe(2023);
    expect(academicYearOf('2024-09-01')).toBe(2024);
    expect(courseUpdateDueOn(2024)).toBe('2025-08-31');
    expect(annualReportDueOn(2024, { month: 3, day: 31 })).toBe('2025-03-31');
    expect(annualReportDueOn(2024, { month: 1, day: 5 })).toBe('2025-01-05');
  });

  it('counts days from 1970-01-01 both ways', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(dateOfDayNumber(dayNumber('2024-02-29') + 1)).toBe('2024-03-01');
    expect(dateOfDayNumber(-1)).toBe('1969-12-31');
  });
});

/** The UTC calendar of the platform, an independent oracle for the day arithmetic (years 0000–9999). */
const DAY = 24 * 60 * 60 * 1000;
const isoOfDay = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
/** Every day of the years around 1900, 1970, 2000 and 2100 (leap rules, negative day numbers), and a sample of all four-digit years. */
const sampleDays = (): number[] => {
  const days: number[] = [];
  for (const [from, to] of [['1899-01-01', '1901-12-31'], ['1967-01-01', '1972-12-31'], ['1999-01-01', '2001-12-31'], ['2099-01-01', '2101-12-31']]) {
    for (let n = Date.parse(from) / DAY; n <= Date.parse(to) / DAY; n++) days.push(n);
  }
  for (let n = Date.parse('0000-01-01') / DAY; n <= Date.parse('9999-12-31') / DAY; n += 997) days.push(n);
  return days;
};

describe('day numbers', () => {
  it('count days as the UTC calendar does, both ways, with the weekday', () => {
    const wrong = sampleDays().filter(
      (n) => dayNumber(isoOfDay(n)) !== n || dateOfDayNumber(n) !== isoOfDay(n) || dayOfWeek(isoOfDay(n)) !== new Date(n * DAY).getUTCDay(),
    );
    expect(wrong.map(isoOfDay)).toEqual([]);
  });

  it('give each month its days, February 29 in the leap years only', () => {
    for (const year of [1900, 2000, 2023, 2024, 2100, 2400]) {
      for (let month = 1; month <= 12; month++) {
        expect([year, month, daysInMonth(year, month)]).toEqual([year, month, new Date(Date.UTC(year, month, 0)).getUTCDate()]);
      }
    }
  });

  it.each(['2025-1-01', '2025-01-1', '12025-01-01', '2025-01-011', 'x2025-01-01', '2025-01-01x', '2025/01/01', 'abcd-ef-gh', '2025-00-10', '2025-13-01', '2025-01-00', '2025-01-32', '2025-02-29', '2100-02-29', '2025-04-31'])(
    'refuses %p as no date',
    (date) => {
      expectRefusal(() => dayNumber(date), 'invalid-date', 'validation');
      expect(isIsoDate(date)).toBe(false);
    },
  );

  it('takes the first and last day of each month, and 29 February of a leap year', () => {
    for (const date of ['2025-01-01', '2025-01-31', '2025-12-01', '2025-12-31', '2024-02-29', '2000-02-29', '2025-04-30']) expect([date, isIsoDate(date)]).toEqual([date, true]);
    expect(isIsoDate(20250101)).toBe(false);
    expect(isIsoDate(undefined)).toBe(false);
    expect(isIsoDate({ toString: () => '2025-12-01' })).toBe(false);
  });

  it('adds whole numbers of days only', () => {
    expect(addCalendarDays('2025-12-01', 0)).toBe('2025-12-01');
    expectRefusal(() => addCalendarDays('2025-12-01', 1.5), 'invalid-day-count', 'validation');
  });
});

describe('months and instants', () => {
  it('adds months across year ends both ways, keeping four-digit years and two-digit months', () => {
    expect(addMonthsOn('2024-01-15', -1)).toBe('2023-12-15');
    expect(addMonthsOn('2024-12-15', 1)).toBe('2025-01-15');
    expect(addMonthsOn('2024-09-30', 1)).toBe('2024-10-30');
    expect(addMonthsOn('2024-03-31', 0)).toBe('2024-03-31');
    expect(addMonthsOn('2024-05-31', -12)).toBe('2023-05-31');
    expect(addMonthsOn('0999-12-05', 1)).toBe('1000-01-05');
    expect(addMonthsOn('1000-01-05', -1)).toBe('0999-12-05');
  });

  it('gives the Beijing date of instants before 1970 too', () => {
    expect(chinaDateOf('1969-12-31T15:59:59.999Z')).toBe('1969-12-31');
    expect(chinaDateOf('1969-12-31T16:00:00.000Z')).toBe('1970-01-01');
    expect(BEIJING_OFFSET_MS).toBe(8 * 3600 * 1000);
  });

  it('adds months to instants of the first and the last Beijing hours of a day', () => {
    expect(addMonthsAt('2024-01-31T16:00:00.000Z', 1)).toBe('2024-02-29T16:00:00.000Z');
    expect(addMonthsAt('2024-11-30T23:59:59.999Z', 1)).toBe('2024-12-31T23:59:59.999Z');
    expect(chinaStartOfDay('2024-02-29')).toBe('2024-02-29T00:00:00+08:00');
  });

  it('refuses what is no instant or no date', () => {
    expectRefusal(() => chinaDateOf('2024-13-01T00:00:00Z'), 'invalid-time', 'validation');
    expectRefusal(() => addMonthsAt('soon', 1), 'invalid-time', 'validation');
    expectRefusal(() => chinaStartOfDay('2025-02-29'), 'invalid-date', 'validation');
    expectRefusal(() => chinaEndOfDay('2025-02-30'), 'invalid-date', 'validation');
  });
});

describe('academic years and yearly due dates', () => {
  it.each([
    ['2024-01-01', 2023],
    ['2024-08-31', 2023],
    ['2024-09-01', 2024],
    ['2024-12-31', 2024],
  ])('puts %s in the academic year %i', (date, academicYear) => {
    expect(academicYearOf(date)).toBe(academicYear);
  });

  it('dates a report due on a two-digit month and day', () => {
    expect(annualReportDueOn(2024, { month: 12, day: 5 })).toBe('2025-12-05');
    expect(annualReportDueOn(2025, { month: 10, day: 15 })).toBe('2026-10-15');
  });
});
