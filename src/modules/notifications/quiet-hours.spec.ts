import { quietUntil, zonedTimeToUtc } from './quiet-hours';

const window = { start: '21:00', end: '08:00' };

describe('quietUntil', () => {
  it('is null outside the window', () => {
    expect(quietUntil(new Date('2026-12-01T12:00:00Z'), 'Europe/Helsinki', window)).toBeNull(); // 14:00 local
  });

  it('defers late evening to 08:00 the next local morning', () => {
    // 23:30 in Helsinki (UTC+2) on 1 December → 08:00 local on 2 December = 06:00Z.
    expect(quietUntil(new Date('2026-12-01T21:30:00Z'), 'Europe/Helsinki', window)?.toISOString()).toBe('2026-12-02T06:00:00.000Z');
  });

  it('defers early morning to 08:00 the same local day', () => {
    // 03:00 in Bogotá (UTC-5) = 08:00Z → 08:00 local = 13:00Z.
    expect(quietUntil(new Date('2026-12-01T08:00:00Z'), 'America/Bogota', window)?.toISOString()).toBe('2026-12-01T13:00:00.000Z');
  });

  it('handles a window that does not cross midnight, and none at all', () => {
    expect(quietUntil(new Date('2026-12-01T13:00:00Z'), 'UTC', { start: '12:00', end: '14:00' })?.toISOString()).toBe(
      '2026-12-01T14:00:00.000Z',
    );
    expect(quietUntil(new Date('2026-12-01T23:00:00Z'), 'UTC', null)).toBeNull();
  });

  it('is correct across a DST change', () => {
    // New York: DST ends 1 November 2026; 23:00 EDT on 31 October → 08:00 EST on 1 November = 13:00Z.
    expect(quietUntil(new Date('2026-11-01T03:00:00Z'), 'America/New_York', window)?.toISOString()).toBe('2026-11-01T13:00:00.000Z');
  });
});

describe('zonedTimeToUtc', () => {
  it('round-trips a local time', () => {
    expect(zonedTimeToUtc(2026, 12, 15, 17, 0, 'Europe/Helsinki').toISOString()).toBe('2026-12-15T15:00:00.000Z');
  });
});
