import { Conflict } from '../../common/errors';
import { ENROLMENT_STATUSES } from './entities/enrolment.entity';
import { assertTransition, isEmail } from './enrolment-rules';

describe('enrolment transitions', () => {
  const allowed = new Set(['invited>dropped', 'active>dropped', 'completed>dropped', 'dropped>active']);
  for (const from of ENROLMENT_STATUSES) {
    for (const to of ENROLMENT_STATUSES) {
      const key = `${from}>${to}`;
      if (from === to) {
        it(`treats ${key} as a no-op`, () => expect(assertTransition(from, to)).toBe(false));
      } else if (allowed.has(key)) {
        it(`allows ${key}`, () => expect(assertTransition(from, to)).toBe(true));
      } else {
        it(`refuses ${key} with 409 naming both states`, () => {
          expect(() => assertTransition(from, to)).toThrow(Conflict);
          expect(() => assertTransition(from, to)).toThrow(new RegExp(`from ${from} to ${to}`));
        });
      }
    }
  }
});

describe('isEmail', () => {
  it.each(['a@b.co', 'first.last+tag@uni.example.edu'])('accepts %s', (e) => expect(isEmail(e)).toBe(true));
  it.each(['', 'plain', 'a@b', 'a b@c.de', 'a@b.c,d@e.f'])('rejects %p', (e) => expect(isEmail(e)).toBe(false));
});
