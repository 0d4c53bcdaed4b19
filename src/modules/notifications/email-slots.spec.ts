import type { SlotSchedule } from './email-slots';
import { lastSlot, nextSlot, slotAtOrAfter } from './email-slots';

const weeklyMonday8: SlotSchedule = { frequency: 'weekly', hour: 8, weekday: 1 };
const daily7: SlotSchedule = { frequency: 'daily', hour: 7, weekday: 1 };

describe('alert slots', () => {
  it('finds the last weekly slot at or before now in the user’s zone', () => {
    // Wednesday 2 Dec 2026, 12:00Z; Monday 30 Nov 08:00 Helsinki = 06:00Z.
    expect(lastSlot(new Date('2026-12-02T12:00:00Z'), weeklyMonday8, 'Europe/Helsinki')?.toISOString()).toBe('2026-11-30T06:00:00.000Z');
    // Exactly at the slot: that slot.
    expect(lastSlot(new Date('2026-11-30T06:00:00Z'), weeklyMonday8, 'Europe/Helsinki')?.toISOString()).toBe('2026-11-30T06:00:00.000Z');
    // A minute before: the week before.
    expect(lastSlot(new Date('2026-11-30T05:59:00Z'), weeklyMonday8, 'Europe/Helsinki')?.toISOString()).toBe('2026-11-23T06:00:00.000Z');
  });

  it('finds the next slot strictly after now', () => {
    expect(nextSlot(new Date('2026-11-30T06:00:00Z'), weeklyMonday8, 'Europe/Helsinki')?.toISOString()).toBe('2026-12-07T06:00:00.000Z');
    expect(nextSlot(new Date('2026-11-30T05:00:00Z'), weeklyMonday8, 'Europe/Helsinki')?.toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(nextSlot(new Date('2026-12-01T13:00:00Z'), daily7, 'America/Bogota')?.toISOString()).toBe('2026-12-02T12:00:00.000Z');
  });

  it('takes the local date, not the UTC one (Bogotá is still on the previous day)', () => {
    // 03:00Z on Tuesday is 22:00 Monday in Bogotá: the last daily 07:00 slot is Monday 07:00 Bogotá = 12:00Z.
    expect(lastSlot(new Date('2026-12-01T03:00:00Z'), daily7, 'America/Bogota')?.toISOString()).toBe('2026-11-30T12:00:00.000Z');
  });

  it('keeps the local hour across a DST change', () => {
    // Europe/Helsinki leaves summer time on 25 Oct 2026: 07:00 is 04:00Z before, 05:00Z after.
    expect(lastSlot(new Date('2026-10-24T10:00:00Z'), daily7, 'Europe/Helsinki')?.toISOString()).toBe('2026-10-24T04:00:00.000Z');
    expect(lastSlot(new Date('2026-10-26T10:00:00Z'), daily7, 'Europe/Helsinki')?.toISOString()).toBe('2026-10-26T05:00:00.000Z');
  });

  it('has no slot when alerts are off', () => {
    expect(lastSlot(new Date(), { ...daily7, frequency: 'off' }, 'UTC')).toBeNull();
    expect(nextSlot(new Date(), { ...daily7, frequency: 'off' }, 'UTC')).toBeNull();
  });
});

describe('slotAtOrAfter (digests)', () => {
  it('gives 07:00 the same local day when the hour is still ahead', () => {
    // 03:00 in Bogotá (UTC-5) → 07:00 local = 12:00Z.
    expect(slotAtOrAfter(new Date('2026-12-01T08:00:00Z'), daily7, 'America/Bogota')!.toISOString()).toBe('2026-12-01T12:00:00.000Z');
  });

  it('gives the next local day once the hour has passed, and the slot itself at the exact instant', () => {
    expect(slotAtOrAfter(new Date('2026-12-01T12:00:01Z'), daily7, 'America/Bogota')!.toISOString()).toBe('2026-12-02T12:00:00.000Z');
    expect(slotAtOrAfter(new Date('2026-12-01T12:00:00Z'), daily7, 'America/Bogota')!.toISOString()).toBe('2026-12-01T12:00:00.000Z');
  });

  it('uses the local date, not the UTC one', () => {
    // 23:30 on 30 November in Bogotá is 04:30Z on 1 December; the next 07:00 local is 1 December 12:00Z.
    expect(slotAtOrAfter(new Date('2026-12-01T04:30:00Z'), daily7, 'America/Bogota')!.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    // 01:00 on 2 December in Helsinki (UTC+2) is 23:00Z on 1 December → 07:00 local on 2 December = 05:00Z.
    expect(slotAtOrAfter(new Date('2026-12-01T23:00:00Z'), daily7, 'Europe/Helsinki')!.toISOString()).toBe('2026-12-02T05:00:00.000Z');
  });

  it('finds the chosen ISO weekday for a weekly digest', () => {
    // 1 December 2026 is a Tuesday. Monday (1) 09:00 UTC → 7 December.
    const monday9 = { frequency: 'weekly', hour: 9, weekday: 1 } as const;
    expect(slotAtOrAfter(new Date('2026-12-01T10:00:00Z'), monday9, 'UTC')!.toISOString()).toBe('2026-12-07T09:00:00.000Z');
    // Tuesday (2) 09:00, already passed today → next week.
    expect(slotAtOrAfter(new Date('2026-12-01T10:00:00Z'), { ...monday9, weekday: 2 }, 'UTC')!.toISOString()).toBe(
      '2026-12-08T09:00:00.000Z',
    );
    // Sunday (7) → 6 December.
    expect(slotAtOrAfter(new Date('2026-12-01T10:00:00Z'), { ...monday9, weekday: 7 }, 'UTC')!.toISOString()).toBe(
      '2026-12-06T09:00:00.000Z',
    );
  });

  it('keeps the local hour across a DST change', () => {
    // New York: DST ends 1 November 2026. 07:00 EDT on 31 October = 11:00Z; 07:00 EST on 1 November = 12:00Z.
    expect(slotAtOrAfter(new Date('2026-10-31T10:00:00Z'), daily7, 'America/New_York')!.toISOString()).toBe('2026-10-31T11:00:00.000Z');
    expect(slotAtOrAfter(new Date('2026-10-31T12:00:00Z'), daily7, 'America/New_York')!.toISOString()).toBe('2026-11-01T12:00:00.000Z');
  });
});
