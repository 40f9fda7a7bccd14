import { NoticeUnit } from './catalog/program-rules';
import { CN_ARRANGEMENTS, CN_CALENDAR_VERSION, YearArrangement } from './calendar-data';
import { validation } from './errors';

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
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

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
      for (let day = from; day <= to; day++) daysOff.add(dateOf(day));
    }
    for (const date of year.workingDays) {
      if (!isWeekend(dayNumber(date))) throw validation('invalid-calendar', `make-up working day ${date} is not a weekend day`);
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
  const weekend = isWeekend(dayNumber(date));
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

/** The date `n` days after `date` (before it when `n` is negative). */
export function addCalendarDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw validation('invalid-day-count', `a day count must be an integer, got ${n}`);
  return dateOf(dayNumber(date) + n);
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
    if (isWorkingDay(calendar, dateOf(day))) {
      counted++;
      if (counted === n) return dateOf(day);
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

/** The Beijing calendar date of an ISO-8601 instant (China has no daylight saving time). */
export function chinaDateOf(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw validation('invalid-time', `not an ISO-8601 instant: ${instant}`);
  return dateOf(Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS));
}

/** The instant a Beijing calendar day begins, as ISO-8601 with the +08:00 offset. */
export function chinaStartOfDay(date: string): string {
  dayNumber(date);
  return `${date}T00:00:00+08:00`;
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return mod(dayNumber(date) + 4, 7);
}

export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    dayNumber(value);
    return true;
  } catch {
    return false;
  }
}

function isWeekend(day: number): boolean {
  const weekday = mod(day + 4, 7);
  return weekday === 0 || weekday === 6;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date (proleptic Gregorian; H. Hinnant's algorithm). */
function dayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw validation('invalid-date', `not a YYYY-MM-DD date: ${date}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw validation('invalid-date', `no such date: ${date}`);
  }
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function dateOf(dayNo: number): string {
  const z = dayNo + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
