import { isIsoInstant } from './validators';
import { dueDateWarnings, minutesInWords } from '../modules/assignments/due-warnings';

describe('isIsoInstant', () => {
  it.each([
    '2026-12-20T17:00Z',
    '2026-12-20T17:00:00Z',
    '2026-12-20T17:00:00.123Z',
    '2026-12-20T18:00:00+01:00',
    '2024-02-29T00:00:00-05:30',
  ])('accepts %s', (v) => expect(isIsoInstant(v)).toBe(true));
  it.each([
    '2026-12-20T17:00',
    '2026-12-20T17:00:00',
    '2026-12-20',
    '2026-02-29T00:00Z',
    '2026-12-20T24:00Z',
    '2026-12-20T17:00+0100',
    ' 2026-12-20T17:00Z',
    42,
    null,
  ])('refuses %s', (v) => expect(isIsoInstant(v)).toBe(false));
});

describe('dueDateWarnings', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const policy = { dueSoonMinutesBefore: 1440, overdueMinutesAfter: 60, inactivityDays: 7 };
  it('says nothing when every reminder is still ahead', () => {
    expect(dueDateWarnings(new Date('2026-12-03T12:00:00Z'), policy, now)).toEqual([]);
  });
  it('no due-soon reminder when the policy has none', () => {
    expect(dueDateWarnings(new Date('2026-12-01T13:00:00Z'), { ...policy, dueSoonMinutesBefore: 0 }, now)).toEqual([]);
  });
  it('an overdue reminder due exactly now is still sent', () => {
    expect(dueDateWarnings(new Date('2026-12-01T11:00:00Z'), policy, now)).toEqual([
      'The due date is in the past: no due-soon reminder will be sent',
      'The due date is in the past: the overdue reminder goes out at 2026-12-01T12:00:00.000Z',
    ]);
  });
  it('words the lead', () => {
    expect([minutesInWords(1440), minutesInWords(60), minutesInWords(120), minutesInWords(90)]).toEqual([
      '1 day',
      '1 hour',
      '2 hours',
      '90 minutes',
    ]);
  });
});
