/**
 * SQL: does assignment `a` apply to enrolment `e`? Resolved at read time, so a student who joins
 * the course or cohort later is covered, and cohort moves take effect at once.
 */
export const appliesTo = (a: string, e: string) =>
  `(${a}.target_type = 'course'
    OR (${a}.target_type = 'cohort' AND ${e}.cohort_id = ${a}.cohort_id)
    OR (${a}.target_type = 'enrolments' AND EXISTS (SELECT 1 FROM assignment_enrolments ae WHERE ae.assignment_id = ${a}.id AND ae.enrolment_id = ${e}.id)))`;

/** SQL: the due date that applies to enrolment `e` for assignment `a` (an override wins). */
export const effectiveDue = (a: string, e: string) =>
  `COALESCE((SELECT o.due_at FROM assignment_overrides o WHERE o.assignment_id = ${a}.id AND o.enrolment_id = ${e}.id), ${a}.due_at)`;
