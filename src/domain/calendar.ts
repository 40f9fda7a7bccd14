import { addCalendarDays, dateOfDayNumber, dayNumber, dayOfWeek } from './beijing-time';
import { NoticeUnit } from './catalog/program-rules';
import { CN_ARRANGEMENTS, CN_CALENDAR_VERSION, YearArrangement } from './calendar-data';
import { validation } from './errors';

// Date arithmetic lives in beijing-time.ts; these are re-exported for the modules that import them from here.
export { addCalendarDays, chinaDateOf, chinaStartOfDay, dayOfWeek, daysInMonth, isIsoDate } from './beijing-time';

/**
 * Working days of mainland China: Monday to Friday, minus the public holidays, plus the weekend days
 * the State Council turns into working days (调休). Dates are 'YYYY-MM-DD' strings of the Beijing
 * calendar, and the arithmetic works on day numbers, never on a clock or a local time zone.
 *
 * Outside the years the data covers, the days off are Saturdays, Sundays and the statutory holidays
 * on fixed Gregorian dates (全国年节及纪念日放假办法 as revised in 2024: 1 January, 1–2 May, 1–3 October);
 * the lunar holidays and the make-up days are unknown until announced. A deadline running past the
 * last covered year must still get an end date (the next year's arrangement is only announced in
 * November or December), and the calendar version recorded with every computed date tells a later
 * reader which data it was computed with; `coversDate` lets a caller check the coverage first.
 */

export interface WorkingDayCalendar {
  readonly version: string;
  /** First and last date whose holidays the data knows. */
  readonly coversFrom: string;
  readonly coversTo: string;
  readonly daysOff: ReadonlySet<string>;
  /** Saturdays and Sundays that are working days (调休). */
  readonly workingWeekendDays: ReadonlySet<string>;
}

export type DayKind = 'working-day' | 'weekend' | 'holiday' | 'make-up-working-day';

/** Builds a calendar from yearly arrangements, rejecting inconsistent data. */
export function buildCalendar(version: string, arrangements: readonly YearArrangement[]): WorkingDayCalendar {
  if (arrangements.length === 0) throw validation('invalid-calendar', 'a calendar needs at least one year of data');
  const daysOff = new Set<string>();
  const workingWeekendDays = new Set<string>();
  for (const year of arrangements) {
    for (const period of year.holidays) {
      const from = dayNumber(period.from);
      const to = dayNumber(period.to);
      if (to < from) throw validation('invalid-calendar', `holiday ${period.name} ${year.year} ends before it starts`);
      for (let day = from; day <= to; day++) daysOff.add(dateOfDayNumber(day));
    }
    for (const date of year.workingDays) {
      if (!isWeekend(date)) throw validation('invalid-calendar', `make-up working day ${date} is not a weekend day`);
      workingWeekendDays.add(date);
    }
  }
  for (const date of workingWeekendDays) {
    if (daysOff.has(date)) throw validation('invalid-calendar', `${date} is both a holiday and a make-up working day`);
  }
  const years = arrangements.map((a) => a.year);
  return {
    version,
    coversFrom: `${Math.min(...years)}-01-01`,
    coversTo: `${Math.max(...years)}-12-31`,
    daysOff,
    workingWeekendDays,
  };
}

/** Mainland China, 2020–2026 (the 2026 arrangement as announced on 2025-11-04). */
export const cnCalendar: WorkingDayCalendar = buildCalendar(CN_CALENDAR_VERSION, CN_ARRANGEMENTS);
export const defaultCalendar: WorkingDayCalendar = cnCalendar;

export function coversDate(calendar: WorkingDayCalendar, date: string): boolean {
  dayNumber(date);
  return calendar.coversFrom <= date && date <= calendar.coversTo;
}

const FIXED_DATE_HOLIDAYS: ReadonlySet<string> = new Set(['01-01', '05-01', '05-02', '10-01', '10-02', '10-03']);

export function dayKind(calendar: WorkingDayCalendar, date: string): DayKind {
  const weekend = isWeekend(date);
  if (calendar.daysOff.has(date)) return 'holiday';
  const covered = calendar.coversFrom <= date && date <= calendar.coversTo;
  if (!covered && FIXED_DATE_HOLIDAYS.has(date.slice(5))) return 'holiday';
  if (weekend) return calendar.workingWeekendDays.has(date) ? 'make-up-working-day' : 'weekend';
  return 'working-day';
}

export function isWorkingDay(calendar: WorkingDayCalendar, date: string): boolean {
  const kind = dayKind(calendar, date);
  return kind === 'working-day' || kind === 'make-up-working-day';
}

/**
 * The last day of a span of `n` working days beginning on `startDate`: the start counts as day 1
 * when it is a working day, otherwise the span begins on the next working day. So 5 working days
 * from Monday 2025-12-01 end on Friday 2025-12-05.
 */
export function addWorkingDays(calendar: WorkingDayCalendar, startDate: string, n: number): string {
  if (!Number.isInteger(n) || n < 1) throw validation('invalid-day-count', `a working-day span needs a whole number ≥ 1 of days, got ${n}`);
  let day = dayNumber(startDate);
  let counted = 0;
  for (;;) {
    if (isWorkingDay(calendar, dateOfDayNumber(day))) {
      counted++;
      if (counted === n) return dateOfDayNumber(day);
    }
    day++;
  }
}

/**
 * The last day of a notice period (公示期) of `length` working or calendar days opened on
 * `startDate`, the opening day counting as day 1: 7 calendar days opened on 2025-12-01 end on
 * 2025-12-07. Objections are admissible until the end of that day, Beijing time.
 */
export function noticeEnd(
  calendar: WorkingDayCalendar,
  startDate: string,
  period: { readonly length: number; readonly unit: NoticeUnit },
): string {
  if (!Number.isInteger(period.length) || period.length < 1) {
    throw validation('invalid-notice-length', `a notice lasts a whole number ≥ 1 of days, got ${period.length}`);
  }
  switch (period.unit) {
    case 'working-days':
      return addWorkingDays(calendar, startDate, period.length);
    case 'calendar-days':
      return addCalendarDays(startDate, period.length - 1);
    default:
      throw validation('invalid-notice-unit', `unknown notice unit ${String(period.unit)}`);
  }
}

function isWeekend(date: string): boolean {
  const weekday = dayOfWeek(date);
  return weekday === 0 || weekday === 6;
}
