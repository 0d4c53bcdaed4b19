import { Conflict } from '../../common/errors';
import { ENROLMENT_STATUSES } from './entities/enrolment.entity';
import { assertTransition, enrolmentRefusal, isEmail } from './enrolment-rules';

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

describe('enrolmentRefusal', () => {
  it('lets active students through', () => expect(enrolmentRefusal({ role: 'student', active: true }, 'instructor')).toBeNull());

  it('tells an instructor only that staff and deactivated accounts cannot be enrolled, the same words for each', () => {
    const refusals = [
      enrolmentRefusal({ role: 'admin', active: true }, 'instructor'),
      enrolmentRefusal({ role: 'instructor', active: true }, 'instructor'),
      enrolmentRefusal({ role: 'student', active: false }, 'instructor'),
    ];
    expect(new Set(refusals.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(JSON.stringify(refusals[0])).not.toMatch(/admin|instructor|deactivated/);
  });

  it('tells an admin why', () => {
    expect(enrolmentRefusal({ role: 'admin', active: true }, 'admin')).toMatchObject({
      code: 'not-a-student',
      row: 'not a student (admin)',
    });
    expect(enrolmentRefusal({ role: 'instructor', active: true }, 'admin')?.detail).toMatch(/an instructor/);
    expect(enrolmentRefusal({ role: 'student', active: false }, 'admin')).toMatchObject({
      code: 'user-deactivated',
      row: 'user deactivated',
    });
  });
});
