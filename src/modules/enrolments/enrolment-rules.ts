import { Conflict } from '../../common/errors';
import type { Role } from '../users/role';
import type { EnrolmentStatus } from './entities/enrolment.entity';

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

/** Why an account cannot be enrolled: `detail` for a single enrolment (409 with `code`), `row` for a bulk import row. */
export interface Refusal {
  code: string;
  detail: string;
  row: string;
}

/**
 * Only active students are enrolled. Admins are told why not; anyone else learns only that the
 * account cannot be enrolled, never its role (an instructor must not find out who the admins are)
 * nor that it was deactivated.
 */
export function enrolmentRefusal(user: { role: Role; active: boolean }, callerRole: Role): Refusal | null {
  if (user.active && user.role === 'student') return null;
  if (callerRole !== 'admin') return { code: 'not-enrollable', detail: 'This account cannot be enrolled', row: 'cannot be enrolled' };
  if (!user.active) return { code: 'user-deactivated', detail: 'The user is deactivated', row: 'user deactivated' };
  return {
    code: 'not-a-student',
    detail: `The user is ${user.role === 'admin' ? 'an admin' : 'an instructor'}; only students can be enrolled`,
    row: `not a student (${user.role})`,
  };
}
