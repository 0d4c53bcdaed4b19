import { caseByKind, dedupeKeySql, REMINDER_KINDS } from './reminder-kinds';

describe('reminder kinds table', () => {
  it('lists the kinds in API order (the OpenAPI enum)', () => {
    expect(REMINDER_KINDS).toEqual(['welcome', 'assignment', 'due_soon', 'overdue', 'inactivity']);
  });

  it('builds each dedupe key from its parts, time parts as whole epoch seconds', () => {
    const parts = { enrolment: 'e.id', assignment: 'a.id', dueAt: 'a.due_at', quietSince: 'q' };
    expect(dedupeKeySql('welcome', parts)).toBe(`'welcome' || ':' || e.id`);
    expect(dedupeKeySql('assignment', parts)).toBe(`'assignment' || ':' || a.id || ':' || e.id`);
    expect(dedupeKeySql('due_soon', parts)).toBe(
      `'due_soon' || ':' || a.id || ':' || e.id || ':' || floor(extract(epoch FROM a.due_at))::bigint`,
    );
    expect(dedupeKeySql('inactivity', parts)).toBe(`'inactivity' || ':' || e.id || ':' || floor(extract(epoch FROM q))::bigint`);
  });

  it('refuses to build a key without one of its parts', () => {
    expect(() => dedupeKeySql('overdue', { enrolment: 'e.id', assignment: 'a.id' })).toThrow('The overdue dedupe key needs dueAt');
  });

  it('switches over every kind', () => {
    expect(caseByKind('r.kind', (kind) => `'${kind.length}'`)).toBe(
      `CASE r.kind WHEN 'welcome' THEN '7' WHEN 'assignment' THEN '10' WHEN 'due_soon' THEN '8' WHEN 'overdue' THEN '7' WHEN 'inactivity' THEN '10' END`,
    );
  });
});
