/** The working-day calendar in force: the built-in holidays, plus the years the deployment adds (CALENDAR_FILE). */
export const CALENDAR = Symbol('WorkingDayCalendar');
