import { Clock } from '../../common/clock';
import { mailDate } from './mail-dates';

describe('mailDate', () => {
  const clock = new Clock();
  afterEach(() => clock.set(null));

  it('omits the year when the date is in the recipient’s current year', () => {
    clock.set(new Date('2026-12-01T12:00:00Z'));
    expect(mailDate(new Date('2026-12-04T14:00:00Z'), 'UTC', clock.now(), 'short')).toBe('4 Dec, 14:00');
    expect(mailDate(new Date('2026-12-15T15:00:00Z'), 'Europe/Helsinki', clock.now())).toBe('Tuesday 15 December, 17:00 (Europe/Helsinki)');
  });

  it('shows the year when the date falls in another year', () => {
    clock.set(new Date('2026-12-20T12:00:00Z'));
    expect(mailDate(new Date('2027-01-01T00:00:00Z'), 'UTC', clock.now(), 'short')).toBe('1 Jan 2027, 00:00');
    expect(mailDate(new Date('2027-01-01T00:00:00Z'), 'UTC', clock.now())).toBe('Friday 1 January 2027, 00:00 (UTC)');
    expect(mailDate(new Date('2025-06-01T08:00:00Z'), 'UTC', clock.now(), 'short')).toBe('1 Jun 2025, 08:00');
  });

  it('judges the year in the recipient’s zone, not UTC', () => {
    // 31 Dec 2026 23:30Z is already 1 January 2027 in Helsinki, while for the recipient it is still 2026.
    clock.set(new Date('2026-12-31T12:00:00Z'));
    expect(mailDate(new Date('2026-12-31T23:30:00Z'), 'Europe/Helsinki', clock.now(), 'short')).toBe('1 Jan 2027, 01:30');
    expect(mailDate(new Date('2026-12-31T23:30:00Z'), 'America/Bogota', clock.now(), 'short')).toBe('31 Dec, 18:30');
    // New Year's Eve in Bogotá after 19:00 local is already 2027 in UTC: the recipient's own year still decides.
    clock.set(new Date('2027-01-01T02:00:00Z'));
    expect(mailDate(new Date('2027-01-01T06:00:00Z'), 'America/Bogota', clock.now(), 'short')).toBe('1 Jan 2027, 01:00');
    expect(mailDate(new Date('2026-12-31T23:00:00Z'), 'America/Bogota', clock.now(), 'short')).toBe('31 Dec, 18:00');
  });
});
