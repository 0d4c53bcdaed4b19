import type { SlotSchedule } from './alert-slots';
import { lastSlot, nextSlot } from './alert-slots';

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
