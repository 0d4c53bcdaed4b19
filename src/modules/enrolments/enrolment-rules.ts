import { Conflict } from '../../common/errors';
import { EnrolmentStatus } from './entities/enrolment.entity';

/**
 * Transitions a client may ask for. `invited → active` (sign-in, first progress) and
 * `active → completed` (progress) are made by the system, not by PATCH.
 */
const ALLOWED: Record<EnrolmentStatus, EnrolmentStatus[]> = {
  invited: ['dropped'],
  active: ['dropped'],
  completed: ['dropped'],
  dropped: ['active'],
};

/** Throws 409 naming both states unless `from → to` is allowed; the same state is a no-op (false). */
export function assertTransition(from: EnrolmentStatus, to: EnrolmentStatus): boolean {
  if (from === to) return false;
  if (!ALLOWED[from].includes(to)) throw new Conflict(`An enrolment cannot go from ${from} to ${to}`, 'invalid-transition');
  return true;
}

export const isEmail = (value: string) => value.length <= 320 && /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/.test(value);
