import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import { VALIDATION_OPTIONS } from '../../../common/validation';
import { isWellFormedEvent, ProgressEventDto } from './progress.dto';

const classValidatorAccepts = (raw: unknown) => validateSync(plainToInstance(ProgressEventDto, raw), VALIDATION_OPTIONS).length === 0;

const valid = {
  eventId: '6f1c2a4e-8b1d-4c2e-9f3a-1b2c3d4e5f60',
  itemId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  type: 'progressed',
  positionSeconds: 12.5,
  percent: 40,
  watchedSegments: [[0, 12.5]],
  occurredAt: '2026-11-25T12:00:00.000Z',
};

describe('isWellFormedEvent (the fast path of event validation)', () => {
  it('takes the fast path for well-formed events, with or without the optional fields', () => {
    expect(isWellFormedEvent(valid)).toBe(true);
    expect(
      isWellFormedEvent({ eventId: valid.eventId, itemId: valid.itemId, type: 'viewed', occurredAt: '2026-11-25T12:00:00+01:00' }),
    ).toBe(true);
    expect(isWellFormedEvent({ ...valid, percent: null, positionSeconds: null, watchedSegments: null })).toBe(true);
  });

  it.each([
    ['an unknown field', { ...valid, extra: 1 }],
    ['a bad eventId', { ...valid, eventId: 'nope' }],
    ['an unknown type', { ...valid, type: 'skipped' }],
    ['a string percent', { ...valid, percent: '40' }],
    ['a NaN position', { ...valid, positionSeconds: Number.NaN }],
    ['segments that are not an array', { ...valid, watchedSegments: 'x' }],
    ['too many segments', { ...valid, watchedSegments: Array.from({ length: 201 }, () => [0, 1]) }],
    ['a date that is not ISO 8601', { ...valid, occurredAt: '25/11/2026' }],
    ['a missing occurredAt', { ...valid, occurredAt: undefined }],
    ['an array', [valid]],
    ['null', null],
  ])('leaves %s to class-validator', (_, raw) => {
    expect(isWellFormedEvent(raw)).toBe(false);
  });

  it('never accepts what class-validator would reject', () => {
    const field = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const anything = fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.anything(), { maxLength: 3 }),
    );
    const event = fc.record(
      {
        eventId: fc.oneof(fc.uuid(), anything),
        itemId: fc.oneof(fc.uuid(), anything),
        type: fc.oneof(fc.constantFrom('viewed', 'progressed', 'completed', 'skipped'), anything),
        positionSeconds: field(fc.oneof(fc.double(), anything)),
        percent: field(fc.oneof(fc.double(), anything)),
        watchedSegments: field(fc.oneof(fc.array(fc.tuple(fc.double(), fc.double()), { maxLength: 3 }), anything)),
        occurredAt: fc.oneof(
          fc.date({ noInvalidDate: true, min: new Date('0001-01-01'), max: new Date('9999-12-31') }).map((d) => d.toISOString()),
          fc.constantFrom('2026-11-25', '2026-11-25T12:00', '2026-02-30T00:00:00Z', '2026-11-25T12:00:00+0100'),
          anything,
        ),
        extra: field(anything),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(event, (raw) => !isWellFormedEvent(raw) || classValidatorAccepts(raw)),
      { seed: 6, numRuns: 2000 },
    );
  });
});
