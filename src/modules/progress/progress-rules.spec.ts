import { countSegments, isLocked, itemPercent, segmentsToMultirange } from './progress-rules';

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
  it('turns segments into a multirange literal of whole seconds, dropping empty ones', () => {
    expect(
      segmentsToMultirange([
        [0, 10.4],
        [20, 20],
        [30, 40],
        [50.2, 50.4],
      ]),
    ).toEqual({ value: '{[0,10),[30,40)}' });
    expect(segmentsToMultirange(undefined)).toEqual({ value: null });
    expect(segmentsToMultirange([])).toEqual({ value: '{}' });
  });
  it('merges overlapping and adjacent segments, in any order', () => {
    expect(
      segmentsToMultirange([
        [30, 40],
        [0, 10.4],
        [10.4, 20.6],
        [35, 38],
        [39.6, 45],
      ]),
    ).toEqual({ value: '{[0,21),[30,45)}' });
  });
  it('takes at most 200 segments and ends up to ten days', () => {
    expect(segmentsToMultirange(Array.from({ length: 200 }, (_, i) => [2 * i, 2 * i + 1]))).toHaveProperty('value');
    expect(segmentsToMultirange(Array.from({ length: 201 }, (_, i) => [2 * i, 2 * i + 1]))).toEqual({
      error: expect.stringContaining('at most 200'),
    });
    expect(segmentsToMultirange([[0, 864_000]])).toEqual({ value: '{[0,864000)}' });
    expect(segmentsToMultirange([[0, 864_001]])).toHaveProperty('error');
  });
  it('counts the segments of a raw batch, whatever its events look like', () => {
    expect(
      countSegments([
        {
          watchedSegments: [
            [0, 1],
            [2, 3],
          ],
        },
        null,
        'x',
        { watchedSegments: 'no' },
        { watchedSegments: [1, 2, 3] },
      ]),
    ).toBe(5);
  });
  it.each([
    [[[10, 5]]],
    [[[-1, 5]]],
    [['0-5']],
    [[[0, 'x']]],
    ['nope'],
    [[[0, Number.NaN]]],
    [[[0, Number.POSITIVE_INFINITY]]],
    [[[0, 1e300]]],
  ])('rejects %p', (input) => {
    expect(segmentsToMultirange(input)).toHaveProperty('error');
  });
});

describe('itemPercent', () => {
  it('shows a view or mark_done item completed as 100 %, whatever was stored', () => {
    expect(itemPercent('completed', 0, null)).toBe(100);
    expect(itemPercent('completed', null, null)).toBe(100);
  });
  it('shows a watch item its own percent, completed or not, rounded to one decimal', () => {
    expect(itemPercent('completed', 95.04, 95)).toBe(95);
    expect(itemPercent('in_progress', 42.46, 40)).toBe(42.5);
    expect(itemPercent('not_started', null, null)).toBe(0);
  });
});
