import { validation } from './errors';

/**
 * Time as the scheme counts it: 'YYYY-MM-DD' dates of the Beijing calendar and ISO-8601 instants.
 * China keeps UTC+8 all year (no daylight saving), so a fixed offset is exact; dates are compared as
 * strings and counted as day numbers, never through a clock or the machine's time zone. Every due
 * date a decider records and a deadline rule arms is computed here, one function per fact, so the
 * two cannot drift apart. Which days are working days is calendar.ts.
 */
export const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Dates and day numbers

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date (proleptic Gregorian; H. Hinnant's algorithm). */
export function dayNumber(date: string): number {
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

/** The 'YYYY-MM-DD' date of a day number (the inverse of `dayNumber`). */
export function dateOfDayNumber(dayNo: number): string {
  const z = dayNo + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
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

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

/** The date `n` days after `date` (before it when `n` is negative). */
export function addCalendarDays(date: string, n: number): string {
  if (!Number.isInteger(n)) throw validation('invalid-day-count', `a day count must be an integer, got ${n}`);
  return dateOfDayNumber(dayNumber(date) + n);
}

/** The date `months` months after `on`, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb). */
export function addMonthsOn(on: string, months: number): string {
  const [year, month, day] = on.split('-').map(Number);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(Math.min(day, daysInMonth(y, m)))}`;
}

// ---------------------------------------------------------------------------------------------
// Instants and the Beijing day

/** The Beijing calendar date of an ISO-8601 instant. */
export function chinaDateOf(instant: string): string {
  return dateOfDayNumber(Math.floor(beijingMs(instant) / DAY_MS));
}

/** The Beijing calendar year of an ISO-8601 instant. */
export function chinaYearOf(instant: string): number {
  return Number(chinaDateOf(instant).slice(0, 4));
}

/** The instant a Beijing calendar day begins, as ISO-8601 with the +08:00 offset. */
export function chinaStartOfDay(date: string): string {
  dayNumber(date);
  return `${date}T00:00:00+08:00`;
}

/** The instant a Beijing calendar day ends (the next day's start): what is due on `date` is overdue from then. */
export function chinaEndOfDay(date: string): string {
  return chinaStartOfDay(addCalendarDays(date, 1));
}

/**
 * The instant `months` months after `instant`: the same Beijing time of day on the date `addMonthsOn`
 * gives (admitted on 31 August, a plan due 3 months later is due on 30 November), in UTC.
 */
export function addMonthsAt(instant: string, months: number): string {
  const local = beijingMs(instant);
  const day = Math.floor(local / DAY_MS);
  const date = addMonthsOn(dateOfDayNumber(day), months);
  return new Date(dayNumber(date) * DAY_MS + (local - day * DAY_MS) - BEIJING_OFFSET_MS).toISOString();
}

function beijingMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw validation('invalid-time', `not an ISO-8601 instant: ${instant}`);
  return ms + BEIJING_OFFSET_MS;
}

// ---------------------------------------------------------------------------------------------
// Years and due dates

/** Academic years run from 1 September to 31 August and are named by the year they start in. */
export function academicYearOf(on: string): number {
  const [year, month] = on.split('-').map(Number);
  return month >= 9 ? year : year - 1;
}

/** A yearly report on calendar year `year` is due on the rules' month and day of the next year. */
export function annualReportDueOn(year: number, due: { readonly month: number; readonly day: number }): string {
  return `${year + 1}-${pad2(due.month)}-${pad2(due.day)}`;
}

/** An accredited course's update for an academic year is due by its last day (2024–2025: 31 August 2025). */
export function courseUpdateDueOn(academicYear: number): string {
  return `${academicYear + 1}-08-31`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
