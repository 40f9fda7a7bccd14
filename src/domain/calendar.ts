import { addCalendarDays, dateOfDayNumber, dayNumber, dayOfWeek } from './beijing-time';
import { NoticeUnit } from './catalog/program-rules';
import { illegalState, validation } from './errors';
import CN_2020_2026 from './holidays-cn-2020-2026.json';

// Date arithmetic lives in beijing-time.ts; these are re-exported for the modules that import them from here.
export { addCalendarDays, chinaDateOf, chinaStartOfDay, dayOfWeek, daysInMonth, isIsoDate } from './beijing-time';

/**
 * Working days of mainland China: Monday to Friday, minus the public holidays, plus the weekend days
 * the State Council turns into working days (调休). Dates are 'YYYY-MM-DD' strings of the Beijing
 * calendar, and the arithmetic works on day numbers, never on a clock or a local time zone.
 *
 * The holidays are data: a versioned file per set of years (holidays-cn-2020-2026.json here), and
 * a further file that a deployment names (CALENDAR_FILE) as the State Council announces each year's
 * arrangement in the autumn before. Outside the covered years nothing is guessed: the lunar holidays
 * and the make-up days are unknown until announced, so asking whether such a day is a working day is
 * refused with `calendar-not-covered` (409), and so is a working-day span that runs past the last
 * covered day. The calendar version recorded with every computed date tells a later reader which
 * data it was computed with.
 */

/** One holiday period: its days off, `from`..`to` inclusive, weekends within included. */
export interface HolidayPeriod {
  readonly name: string;
  readonly from: string;
  readonly to: string;
}

/** One year's arrangement as the State Council's notice sets it. */
export interface YearArrangement {
  readonly year: number;
  /** The notice that set the year's arrangement (document number where known, and issue date). */
  readonly source: string;
  readonly holidays: readonly HolidayPeriod[];
  /** The Saturdays and Sundays that the same notice turns into working days. */
  readonly workingDays: readonly string[];
}

/** A calendar file: a version and consecutive years of arrangements. */
export interface CalendarFile {
  readonly version: string;
  readonly description?: string;
  readonly years: readonly YearArrangement[];
}

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
  if (typeof version !== 'string' || version.trim() === '') throw validation('invalid-calendar', 'a calendar needs a version');
  if (!Array.isArray(arrangements) || arrangements.length === 0) throw validation('invalid-calendar', 'a calendar needs at least one year of data');
  const years = arrangements.map((a) => a?.year).sort((a, b) => a - b);
  years.forEach((year, i) => {
    if (!Number.isInteger(year)) throw validation('invalid-calendar', 'every arrangement names its year');
    // A gap would count the unknown year's days as covered.
    if (i > 0 && year !== years[i - 1] + 1) throw validation('invalid-calendar', `the years must follow one another without a gap or a repeat (${years[i - 1]}, ${year})`);
  });
  const daysOff = new Set<string>();
  const workingWeekendDays = new Set<string>();
  for (const year of arrangements) {
    if (!Array.isArray(year.holidays) || !Array.isArray(year.workingDays)) throw validation('invalid-calendar', `${year.year} needs holidays and workingDays lists`);
    for (const period of year.holidays) {
      const from = dayNumber(period.from);
      const to = dayNumber(period.to);
      if (to < from) throw validation('invalid-calendar', `holiday ${period.name} ${year.year} ends before it starts`);
      if (Math.abs(Number(period.from.slice(0, 4)) - year.year) > 1) throw validation('invalid-calendar', `holiday ${period.name} does not belong to ${year.year}`);
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
  return {
    version,
    coversFrom: `${years[0]}-01-01`,
    coversTo: `${years[years.length - 1]}-12-31`,
    daysOff,
    workingWeekendDays,
  };
}

/** The built-in file: mainland China, 2020–2026 (the 2026 arrangement as announced on 2025-11-04). */
export const CN_CALENDAR_FILE: CalendarFile = CN_2020_2026;

/**
 * The calendar of the built-in file and the further files, in order: a further file adds years after
 * (or before) those covered, or restates a covered year as a correction. The version names every file.
 */
export function calendarOf(files: readonly CalendarFile[]): WorkingDayCalendar {
  const byYear = new Map<number, YearArrangement>();
  for (const file of files) {
    if (!file || !Array.isArray(file.years)) throw validation('invalid-calendar', 'a calendar file holds a version and a list of years');
    if (typeof file.version !== 'string' || file.version.trim() === '') throw validation('invalid-calendar', 'a calendar file needs a version');
    for (const year of file.years) byYear.set(year?.year, year);
  }
  return buildCalendar(files.map((file) => file.version).join('+'), [...byYear.values()]);
}

export const cnCalendar: WorkingDayCalendar = calendarOf([CN_CALENDAR_FILE]);
export const defaultCalendar: WorkingDayCalendar = cnCalendar;

export function coversDate(calendar: WorkingDayCalendar, date: string): boolean {
  dayNumber(date);
  return calendar.coversFrom <= date && date <= calendar.coversTo;
}

/** Days from `today` to the last covered day (negative once it has passed). */
export function daysOfCoverageLeft(calendar: WorkingDayCalendar, today: string): number {
  return dayNumber(calendar.coversTo) - dayNumber(today);
}

/** Refused for a date the data does not cover: its holidays are not known yet. */
export function dayKind(calendar: WorkingDayCalendar, date: string): DayKind {
  if (!coversDate(calendar, date)) {
    throw illegalState(
      'calendar-not-covered',
      `the working-day calendar ${calendar.version} covers ${calendar.coversFrom} to ${calendar.coversTo}; the holidays of ${date} are not in it yet: add the State Council's arrangement for ${date.slice(0, 4)} with a further calendar file (CALENDAR_FILE)`,
      { date, coversFrom: calendar.coversFrom, coversTo: calendar.coversTo, calendarVersion: calendar.version },
    );
  }
  const weekend = isWeekend(date);
  if (calendar.daysOff.has(date)) return 'holiday';
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
