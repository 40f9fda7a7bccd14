import {
  academicYearOf,
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
