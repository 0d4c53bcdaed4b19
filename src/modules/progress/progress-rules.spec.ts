import { isLocked, segmentsToMultirange } from './progress-rules';

describe('isLocked', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  it('locks until unlockAt', () => {
    expect(isLocked({ unlockAt: new Date('2026-11-26T00:00:00Z'), prerequisites: [] }, () => true, now)).toBe(true);
    expect(isLocked({ unlockAt: new Date('2026-11-24T00:00:00Z'), prerequisites: [] }, () => true, now)).toBe(false);
  });
  it('locks until every prerequisite is completed', () => {
    const done = new Set(['a']);
    expect(isLocked({ unlockAt: null, prerequisites: ['a', 'b'] }, (id) => done.has(id), now)).toBe(true);
    done.add('b');
    expect(isLocked({ unlockAt: null, prerequisites: ['a', 'b'] }, (id) => done.has(id), now)).toBe(false);
  });
});

describe('segmentsToMultirange', () => {
  it('turns segments into a multirange literal, dropping empty ones', () => {
    expect(segmentsToMultirange([[0, 10.5], [20, 20], [30, 40]])).toEqual({ value: '{[0,10.5),[30,40)}' });
    expect(segmentsToMultirange(undefined)).toEqual({ value: null });
  });
  it.each([[[[10, 5]]], [[[-1, 5]]], [['0-5']], [[[0, 'x']]], ['nope']])('rejects %p', (input) => {
    expect(segmentsToMultirange(input)).toHaveProperty('error');
  });
});
