import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calendarOf, CalendarFile, CN_CALENDAR_FILE } from '../../src/domain/calendar';

/**
 * Tests play years the State Council has not announced yet (2027 on). They run on the built-in
 * holidays plus this fixture, whose days off are weekends and the fixed-date statutory holidays only:
 * test data, never a deployment's calendar. A test of the refusal past the coverage starts without it.
 */
export const TEST_CALENDAR_FILE = join(__dirname, '../fixtures/calendar-test-2027-2040.json');

export const testCalendar = calendarOf([CN_CALENDAR_FILE, JSON.parse(readFileSync(TEST_CALENDAR_FILE, 'utf8')) as CalendarFile]);
