import { expectRefusal } from '../../../../test/support/decider-spec';
import { instant } from './checks';

describe('instant', () => {
  it.each([
    ['with milliseconds, in UTC', '2024-03-01T02:00:00.000Z', Date.UTC(2024, 2, 1, 2)],
    ['with seconds only', '2024-03-01T02:00:00Z', Date.UTC(2024, 2, 1, 2)],
    ['with minutes only', '2024-03-01T02:00Z', Date.UTC(2024, 2, 1, 2)],
    ['with one fractional digit', '2024-03-01T02:00:00.5Z', Date.UTC(2024, 2, 1, 2, 0, 0, 500)],
    ['with nine fractional digits', '2024-03-01T02:00:00.123456789Z', Date.UTC(2024, 2, 1, 2, 0, 0, 123)],
    ['at Beijing time', '2024-03-01T10:00:00+08:00', Date.UTC(2024, 2, 1, 2)],
    ['at Beijing time, to the minute', '2024-03-01T10:00+08:00', Date.UTC(2024, 2, 1, 2)],
    ['behind UTC', '2024-02-29T21:00:00.000-05:00', Date.UTC(2024, 2, 1, 2)],
  ])('reckons an instant %s in milliseconds', (_, iso, ms) => {
    expect(instant(iso, 'now')).toBe(ms);
  });

  it.each([
    ['a date alone', '2024-03-01'],
    ['a time without its offset', '2024-03-01T02:00:00'],
    ['an offset without its colon', '2024-03-01T10:00:00+0800'],
    ['a space for the T', '2024-03-01 02:00:00Z'],
    ['lower-case letters', '2024-03-01t02:00:00z'],
    ['an expanded year', '+002024-03-01T02:00:00Z'],
    ['ten fractional digits', '2024-03-01T02:00:00.1234567891Z'],
    ['a month that does not exist', '2024-13-01T02:00:00Z'],
    ['words', 'tomorrow'],
  ])('refuses %s, naming the field', (_, iso) => {
    expectRefusal(() => instant(iso, 'ban until'), 'invalid-time', 'validation', { field: 'ban until' });
  });
});
