import { Clock } from '../src/common/clock';
import type { TestApp } from './helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from './helpers/app';

type User = Awaited<ReturnType<typeof createUser>>;

describe('enrolments (e2e)', () => {
  let t: TestApp;
  let admin: string;
  let owner: User;
  let other: User;
  let student: User;
  let course: string;
  let otherCourse: string;

  const http = () => t.http();
  const as = (token: string) => bearer(token);
  const welcomeRows = async (courseId: string) =>
    (
      await t.db.query(
        "SELECT r.enrolment_id FROM reminders r JOIN enrolments e ON e.id = r.enrolment_id WHERE r.kind = 'welcome' AND e.course_id = $1",
        [courseId],
      )
    ).rows;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    owner = await createUser(t, admin, { email: 'owner@test.local', role: 'instructor' });
    other = await createUser(t, admin, { email: 'other@test.local', role: 'instructor' });
    student = await createUser(t, admin, { email: 'stu@test.local', role: 'student', name: 'Stu Dent' });
    course = (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title: 'Peace' })).body.id;
    otherCourse = (await http().post('/api/v1/courses').set(as(other.accessToken)).send({ title: 'Other' })).body.id;
  });
  afterAll(() => t.close());

  async function freshCourse(title: string) {
    return (await http().post('/api/v1/courses').set(as(owner.accessToken)).send({ title })).body.id as string;
  }
  const bulkCsv = (courseId: string, csv: string, query = '') =>
    http().post(`/api/v1/courses/${courseId}/enrolments/bulk${query}`).set(as(owner.accessToken)).set('Content-Type', 'text/csv').send(csv);

  describe('single enrolment', () => {
    it('enrols a user by id once: 201, then 200 with the same enrolment, one welcome row', async () => {
      const first = await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ userId: student.id });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ status: 'invited', user: { id: student.id, email: 'stu@test.local', name: 'Stu Dent' } });
      const again = await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ userId: student.id });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(await welcomeRows(course)).toEqual([{ enrolment_id: first.body.id }]);
    });

    it('invites an unknown email as a student with a set-password token', async () => {
      const res = await http()
        .post(`/api/v1/courses/${course}/enrolments`)
        .set(as(owner.accessToken))
        .send({ email: 'New.Comer@Test.local', name: 'New Comer' });
      expect(res.status).toBe(201);
      const { rows } = await t.db.query(
        "SELECT u.role, u.password_hash, (SELECT count(*)::int FROM password_tokens p WHERE p.user_id = u.id) AS tokens FROM users u WHERE email = 'new.comer@test.local'",
      );
      expect(rows).toEqual([{ role: 'student', password_hash: null, tokens: 1 }]);
      const again = await http()
        .post(`/api/v1/courses/${course}/enrolments`)
        .set(as(owner.accessToken))
        .send({ email: 'new.comer@test.local' });
      expect(again.status).toBe(200);
      const tokens = await t.db.query(
        "SELECT count(*)::int AS n FROM password_tokens p JOIN users u ON u.id = p.user_id WHERE u.email = 'new.comer@test.local'",
      );
      expect(tokens.rows[0].n).toBe(1);
    });

    it('needs exactly one of userId and email, an existing user and a cohort of the course', async () => {
      const url = `/api/v1/courses/${course}/enrolments`;
      expect((await http().post(url).set(as(owner.accessToken)).send({})).status).toBe(400);
      expect((await http().post(url).set(as(owner.accessToken)).send({ userId: student.id, email: 'x@test.local' })).status).toBe(400);
      expect(
        (await http().post(url).set(as(owner.accessToken)).send({ userId: '00000000-0000-4000-8000-000000000000' })).body.errors[0].field,
      ).toBe('userId');
      const foreignCohort = (
        await http().post(`/api/v1/courses/${otherCourse}/cohorts`).set(as(other.accessToken)).send({ name: 'Theirs' })
      ).body.id;
      const res = await http().post(url).set(as(owner.accessToken)).send({ email: 'cohortless@test.local', cohortId: foreignCohort });
      expect(res.body.errors[0].field).toBe('cohortId');
      expect((await http().post(url).set(as(owner.accessToken)).send({ email: 'not-an-email' })).status).toBe(400);
      expect((await http().post(url).set(as(owner.accessToken)).send({ userId: student.id, role: 'admin' })).status).toBe(400);
    });

    it('refuses deactivated users (409) and archived courses (409)', async () => {
      const gone = await createUser(t, admin, { email: 'gone@test.local', role: 'student' });
      await http().delete(`/api/v1/users/${gone.id}`).set(as(admin)).expect(204);
      expect((await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ userId: gone.id })).status).toBe(
        409,
      );
      expect(
        (await http().post(`/api/v1/courses/${course}/enrolments`).set(as(owner.accessToken)).send({ email: 'gone@test.local' })).status,
      ).toBe(409);
      const archived = await freshCourse('Archived');
      await http().post(`/api/v1/courses/${archived}/archive`).set(as(owner.accessToken)).expect(200);
      expect(
        (await http().post(`/api/v1/courses/${archived}/enrolments`).set(as(owner.accessToken)).send({ userId: student.id })).status,
      ).toBe(409);
    });

    it('activates invited enrolments on the student’s first sign-in', async () => {
      const c = await freshCourse('Activation');
      const s = await createUser(t, admin, { email: 'activate@test.local', role: 'student' });
      const e = (await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: s.id })).body;
      expect(e.status).toBe('invited');
      await login(t, s.email, s.password);
      const { rows } = await t.db.query('SELECT status, activated_at FROM enrolments WHERE id = $1', [e.id]);
      expect(rows[0].status).toBe('active');
      expect(rows[0].activated_at).not.toBeNull();
    });

    it('audits each activation on first sign-in in the audit log, once', async () => {
      const [c1, c2] = [await freshCourse('Audited activation 1'), await freshCourse('Audited activation 2')];
      const s = await createUser(t, admin, { email: 'audited-activation@test.local', role: 'student' });
      const ids: string[] = [];
      for (const c of [c1, c2])
        ids.push((await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: s.id })).body.id);
      await login(t, s.email, s.password);
      await login(t, s.email, s.password);
      const { rows } = await t.db.query(
        "SELECT entity_id, actor_id, before, after FROM audit_log WHERE action = 'enrolment.activated' AND entity_id = ANY($1::uuid[]) ORDER BY entity_id",
        [ids],
      );
      expect(rows).toEqual(
        [...ids]
          .sort()
          .map((id) => ({ entity_id: id, actor_id: s.id, before: { status: 'invited' }, after: { status: 'active', reason: 'sign-in' } })),
      );
    });
  });

  describe('time', () => {
    it('stamps a drop with the Clock’s time', async () => {
      const clock = t.app.get(Clock);
      const at = new Date('2026-12-24T09:30:00.000Z');
      const c = await freshCourse('Clock drop');
      const e = (await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: student.id })).body;
      clock.set(at);
      try {
        const dropped = await http().delete(`/api/v1/enrolments/${e.id}`).set(as(owner.accessToken));
        expect(dropped.status).toBe(204);
      } finally {
        clock.set(null);
      }
      const { rows } = await t.db.query('SELECT dropped_at FROM enrolments WHERE id = $1', [e.id]);
      expect(rows[0].dropped_at.toISOString()).toBe(at.toISOString());
    });
  });

  describe('states', () => {
    it('drops, reactivates without a second welcome, and refuses every other transition with 409 naming both states', async () => {
      const c = await freshCourse('States');
      const s = await createUser(t, admin, { email: 'states@test.local', role: 'student' });
      const e = (await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: s.id })).body;
      const patch = (status: string) => http().patch(`/api/v1/enrolments/${e.id}`).set(as(owner.accessToken)).send({ status });

      for (const target of ['active', 'completed']) {
        const res = await patch(target);
        expect(res.status).toBe(409);
        expect(res.body.detail).toBe(`An enrolment cannot go from invited to ${target}`);
      }
      await http().delete(`/api/v1/enrolments/${e.id}`).set(as(owner.accessToken)).expect(204);
      await http().delete(`/api/v1/enrolments/${e.id}`).set(as(owner.accessToken)).expect(204);
      for (const target of ['invited', 'completed']) {
        const res = await patch(target);
        expect(res.status).toBe(409);
        expect(res.body.detail).toBe(`An enrolment cannot go from dropped to ${target}`);
      }
      const back = await patch('active');
      expect(back.body.status).toBe('active');
      for (const target of ['invited', 'completed'])
        expect((await patch(target)).body.detail).toBe(`An enrolment cannot go from active to ${target}`);
      await patch('dropped').expect(200);
      const reenrol = await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: s.id });
      expect(reenrol.status).toBe(200);
      expect(reenrol.body.status).toBe('active');
      await t.db.query("UPDATE enrolments SET status = 'completed' WHERE id = $1", [e.id]);
      for (const target of ['invited', 'active'])
        expect((await patch(target)).body.detail).toBe(`An enrolment cannot go from completed to ${target}`);
      expect(await welcomeRows(c)).toHaveLength(1);
      const audit = await http().get('/api/v1/admin/audit').query({ entity: 'enrolment', entityId: e.id }).set(as(admin));
      expect(audit.body.data.map((a: { action: string }) => a.action).reverse()).toEqual([
        'enrolment.created',
        'enrolment.dropped',
        'enrolment.reactivated',
        'enrolment.dropped',
        'enrolment.reactivated',
      ]);
    });

    it('moves an enrolment between cohorts of its course', async () => {
      const c = await freshCourse('Cohort moves');
      const cohort = (await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Evening' })).body.id;
      const e = (await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: student.id })).body;
      expect((await http().patch(`/api/v1/enrolments/${e.id}`).set(as(owner.accessToken)).send({ cohortId: cohort })).body.cohortId).toBe(
        cohort,
      );
      expect(
        (await http().patch(`/api/v1/enrolments/${e.id}`).set(as(owner.accessToken)).send({ cohortId: null })).body.cohortId,
      ).toBeNull();
    });
  });

  describe('cohorts', () => {
    it('creates, lists and renames cohorts with names unique within the course', async () => {
      const c = await freshCourse('Cohorts');
      const a = await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Bogotá' });
      expect(a.status).toBe(201);
      expect((await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'bogotá' })).status).toBe(409);
      const b = (await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Helsinki' })).body;
      expect((await http().patch(`/api/v1/cohorts/${b.id}`).set(as(owner.accessToken)).send({ name: 'Bogotá' })).status).toBe(409);
      expect((await http().patch(`/api/v1/cohorts/${b.id}`).set(as(owner.accessToken)).send({ name: 'Kosovo' })).body.name).toBe('Kosovo');
      const list = await http().get(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken));
      expect(list.body.data.map((x: { name: string }) => x.name)).toEqual(['Bogotá', 'Kosovo']);
      // Same name in another course is fine.
      expect((await http().post(`/api/v1/courses/${otherCourse}/cohorts`).set(as(other.accessToken)).send({ name: 'Bogotá' })).status).toBe(
        201,
      );
    });
  });

  describe('cohort deletion', () => {
    it('refuses (409) while enrolments or live assignments use the cohort, naming them; then deletes (204)', async () => {
      const c = await freshCourse('Cohort deletion');
      const mod = (await http().post(`/api/v1/courses/${c}/modules`).set(as(owner.accessToken)).send({ title: 'Mediation basics' })).body
        .id;
      await http().post(`/api/v1/courses/${c}/publish`).set(as(owner.accessToken)).expect(200);
      const cohort = (await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Evening' })).body.id;
      const enrolled: string[] = [];
      for (const email of ['ana@cohort.test', 'ben@cohort.test', 'cy@cohort.test', 'dee@cohort.test']) {
        const res = await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ email, cohortId: cohort });
        enrolled.push(res.body.id);
      }
      await http().delete(`/api/v1/enrolments/${enrolled[3]}`).set(as(owner.accessToken)).expect(204);
      const dueAt = '2031-03-01T12:00:00.000Z';
      const assignment = await http()
        .post(`/api/v1/courses/${c}/assignments`)
        .set(as(owner.accessToken))
        .send({ moduleId: mod, dueAt, target: { type: 'cohort', cohortId: cohort } });
      expect(assignment.status).toBe(201);

      const refused = await http().delete(`/api/v1/cohorts/${cohort}`).set(as(owner.accessToken));
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.detail).toBe(
        `The cohort "Evening" is used by 4 enrolments (ana@cohort.test, ben@cohort.test, cy@cohort.test, …) and 1 assignment (Mediation basics, due ${dueAt})`,
      );
      expect(refused.body.errors).toEqual([
        { field: 'enrolments', message: 'ana@cohort.test' },
        { field: 'enrolments', message: 'ben@cohort.test' },
        { field: 'enrolments', message: 'cy@cohort.test' },
        { field: 'enrolments', message: 'dee@cohort.test (dropped)' },
        { field: 'assignments', message: `Mediation basics, due ${dueAt}` },
      ]);

      // A cancelled assignment no longer counts; moved enrolments no longer count.
      await http().delete(`/api/v1/assignments/${assignment.body.id}`).set(as(owner.accessToken)).expect(204);
      for (const id of enrolled.slice(1))
        await http().patch(`/api/v1/enrolments/${id}`).set(as(owner.accessToken)).send({ cohortId: null }).expect(200);
      const one = await http().delete(`/api/v1/cohorts/${cohort}`).set(as(owner.accessToken));
      expect(one.status).toBe(409);
      expect(one.body.detail).toBe('The cohort "Evening" is used by 1 enrolment (ana@cohort.test)');
      await http().patch(`/api/v1/enrolments/${enrolled[0]}`).set(as(owner.accessToken)).send({ cohortId: null }).expect(200);

      // Another course's instructor: 404, as for every other cohort write. Students: 403.
      expect((await http().delete(`/api/v1/cohorts/${cohort}`).set(as(other.accessToken))).status).toBe(404);
      expect((await http().delete(`/api/v1/cohorts/${cohort}`).set(as(student.accessToken))).status).toBe(403);
      await http().delete(`/api/v1/cohorts/${cohort}`).set(as(owner.accessToken)).expect(204);
      expect((await http().get(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken))).body.data).toEqual([]);
      expect((await t.db.query('SELECT count(*)::int AS n FROM assignments WHERE course_id = $1', [c])).rows[0].n).toBe(0);
      expect((await http().delete(`/api/v1/cohorts/${cohort}`).set(as(owner.accessToken))).status).toBe(404);
      const audit = await t.db.query("SELECT actor_id, before FROM audit_log WHERE action = 'cohort.deleted' AND entity_id = $1", [cohort]);
      expect(audit.rows).toEqual([{ actor_id: owner.id, before: { courseId: c, name: 'Evening' } }]);
    });
  });

  describe('bulk import', () => {
    it('reports each row error without blocking good rows', async () => {
      const c = await freshCourse('Bulk errors');
      await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Evening' });
      const gone = await createUser(t, admin, { email: 'deactivated@test.local', role: 'student' });
      await http().delete(`/api/v1/users/${gone.id}`).set(as(admin)).expect(204);
      const csv = [
        'email,name,cohort',
        'good1@test.local,Good One,Evening',
        'not-an-email,Bad,',
        'GOOD1@test.local,Dup,',
        'nocohort@test.local,No Cohort,Morning',
        'deactivated@test.local,Gone,',
        'good2@test.local,,',
      ].join('\n');
      const res = await bulkCsv(c, csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: 2, existing: 0, dryRun: false, invited: 2 });
      expect(res.body.failed).toEqual([
        { row: 2, email: 'not-an-email', error: 'invalid email' },
        { row: 3, email: 'good1@test.local', error: 'duplicate in file (first in row 1)' },
        { row: 4, email: 'nocohort@test.local', error: 'unknown cohort "Morning"' },
        { row: 5, email: 'deactivated@test.local', error: 'cannot be enrolled' }, // an instructor is not told why
      ]);
      const { rows } = await t.db.query(
        'SELECT u.email, u.name, c.name AS cohort FROM enrolments e JOIN users u ON u.id = e.user_id LEFT JOIN cohorts c ON c.id = e.cohort_id WHERE e.course_id = $1 ORDER BY u.email',
        [c],
      );
      expect(rows).toEqual([
        { email: 'good1@test.local', name: 'Good One', cohort: 'Evening' },
        { email: 'good2@test.local', name: 'good2', cohort: null },
      ]);
      expect(await welcomeRows(c)).toHaveLength(2);
      const audit = await t.db.query(
        "SELECT a.actor_id, a.entity_id, a.after, a.request_id IS NOT NULL AS has_request FROM audit_log a JOIN enrolments e ON e.id = a.entity_id WHERE a.action = 'enrolment.created' AND e.course_id = $1 ORDER BY a.after->>'userId'",
        [c],
      );
      const enrolled = await t.db.query('SELECT id, user_id FROM enrolments WHERE course_id = $1 ORDER BY user_id', [c]);
      expect(audit.rows).toEqual(
        enrolled.rows.map((e) => ({
          actor_id: owner.id,
          entity_id: e.id,
          after: { courseId: c, userId: e.user_id, source: 'bulk' },
          has_request: true,
        })),
      );
    });

    it('creates missing cohorts with createCohorts=true', async () => {
      const c = await freshCourse('Bulk cohorts');
      const res = await bulkCsv(
        c,
        'email,cohort\na@cohorts.test,North\nb@cohorts.test,South\nc@cohorts.test,North\n',
        '?createCohorts=true',
      );
      expect(res.body).toMatchObject({ created: 3, cohortsCreated: 2, failed: [] });
    });

    it('writes nothing on a dry run and reports the counts it would produce', async () => {
      const c = await freshCourse('Dry run');
      const csv = 'email,name\ndry1@test.local,Dry One\ndry2@test.local,Dry Two\nbad,Bad\n';
      const counts = async () =>
        (
          await t.db.query(
            "SELECT (SELECT count(*)::int FROM users WHERE email LIKE 'dry%') AS users, (SELECT count(*)::int FROM enrolments WHERE course_id = $1) AS enrolments, (SELECT count(*)::int FROM reminders) AS reminders, (SELECT count(*)::int FROM audit_log) AS audit",
            [c],
          )
        ).rows[0];
      const before = await counts();
      const dry = await bulkCsv(c, csv, '?dryRun=true');
      // `invited` is not disclosed to an instructor's dry run (it would tell which emails have accounts).
      expect(dry.body).toMatchObject({ created: 2, existing: 0, dryRun: true, invited: 0 });
      expect(dry.body.failed).toHaveLength(1);
      expect(await counts()).toEqual(before);
      const real = await bulkCsv(c, csv);
      expect(real.body).toMatchObject({ created: 2, dryRun: false });
    });

    it('creates nothing on a rerun of the same file', async () => {
      const c = await freshCourse('Rerun');
      const csv = 'email\nr1@test.local\nr2@test.local\n';
      expect((await bulkCsv(c, csv)).body).toMatchObject({ created: 2, existing: 0 });
      expect((await bulkCsv(c, csv)).body).toMatchObject({ created: 0, existing: 2, invited: 0 });
      expect(await welcomeRows(c)).toHaveLength(2);
    });

    it('creates each enrolment once when two identical imports run at once', async () => {
      const c = await freshCourse('Concurrent');
      const csv = ['email', ...Array.from({ length: 200 }, (_, i) => `con${i}@test.local`)].join('\n');
      const [a, b] = await Promise.all([bulkCsv(c, csv), bulkCsv(c, csv)]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.created + b.body.created).toBe(200);
      expect(a.body.existing + b.body.existing).toBe(200);
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM enrolments WHERE course_id = $1', [c]);
      expect(rows[0].n).toBe(200);
      expect(await welcomeRows(c)).toHaveLength(200);
    });

    it('reads CSV edge cases: BOM, quotes, CRLF, blank lines, extra columns, any column order', async () => {
      const c = await freshCourse('CSV edges');
      await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Kosovo, 2005' });
      const csv =
        '\ufeffnotes,Cohort,EMAIL,name\r\n"said ""hi""","Kosovo, 2005",edge1@test.local,"Ahtisaari, Martti"\r\n\r\n  ,,edge2@test.local,\r\n';
      const res = await bulkCsv(c, csv);
      expect(res.body).toMatchObject({ created: 2, failed: [] });
      const { rows } = await t.db.query(
        'SELECT u.email, u.name, c.name AS cohort FROM enrolments e JOIN users u ON u.id = e.user_id LEFT JOIN cohorts c ON c.id = e.cohort_id WHERE e.course_id = $1 ORDER BY u.email',
        [c],
      );
      expect(rows).toEqual([
        { email: 'edge1@test.local', name: 'Ahtisaari, Martti', cohort: 'Kosovo, 2005' },
        { email: 'edge2@test.local', name: 'edge2', cohort: null },
      ]);
      const noEmail = await bulkCsv(c, 'name,cohort\nA,B\n');
      expect(noEmail.status).toBe(400);
    });

    describe('files as spreadsheets save them', () => {
      const send = (courseId: string, body: Buffer | string, contentType = 'text/csv', query = '') =>
        http()
          .post(`/api/v1/courses/${courseId}/enrolments/bulk${query}`)
          .set(as(owner.accessToken))
          .set('Content-Type', contentType)
          .send(Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
      const stored = async (courseId: string) =>
        (
          await t.db.query(
            'SELECT u.email, u.name, c.name AS cohort FROM enrolments e JOIN users u ON u.id = e.user_id LEFT JOIN cohorts c ON c.id = e.cohort_id WHERE e.course_id = $1 ORDER BY u.email',
            [courseId],
          )
        ).rows;

      it('reads semicolons with a UTF-8 BOM (Excel "CSV UTF-8" in much of Europe), commas in names kept', async () => {
        const c = await freshCourse('Semicolons');
        await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Abend' });
        const res = await send(c, '\ufeffEmail;Name;Cohort\r\nsemi1@test.local;Müller, Jürgen;Abend\r\nsemi2@test.local;"Pérez; Ana";\r\n');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ created: 2, failed: [] });
        expect(await stored(c)).toEqual([
          { email: 'semi1@test.local', name: 'Müller, Jürgen', cohort: 'Abend' },
          { email: 'semi2@test.local', name: 'Pérez; Ana', cohort: null },
        ]);
      });

      it('reads tab-separated text sent as text/plain', async () => {
        const c = await freshCourse('Tabs');
        const res = await send(c, 'email\tname\ntab1@test.local\tTab, Person\ntab2@test.local\t\n', 'text/plain; charset=utf-8');
        expect(res.body).toMatchObject({ created: 2, failed: [] });
        expect(await stored(c)).toEqual([
          { email: 'tab1@test.local', name: 'Tab, Person', cohort: null },
          { email: 'tab2@test.local', name: 'tab2', cohort: null },
        ]);
      });

      it('reads UTF-16 big and little endian with a BOM (Excel "Unicode text": tabs)', async () => {
        const c = await freshCourse('UTF-16');
        const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email\tname\nle@test.local\tMüller\n', 'utf16le')]);
        const be = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,name\nbe@test.local,Pérez\n', 'utf16le')]).swap16();
        expect((await send(c, le)).body).toMatchObject({ created: 1, failed: [] });
        expect((await send(c, be, 'application/vnd.ms-excel')).body).toMatchObject({ created: 1, failed: [] });
        expect(await stored(c)).toEqual([
          { email: 'be@test.local', name: 'Pérez', cohort: null },
          { email: 'le@test.local', name: 'Müller', cohort: null },
        ]);
      });

      it('reads Windows-1252 without being told (Excel "CSV" on Windows), sent as application/vnd.ms-excel', async () => {
        const c = await freshCourse('Windows-1252');
        // ü is FC, é E9, and the en dash 96 (a byte Latin-1 leaves as a control character).
        const cp1252 = Buffer.from([
          ...Buffer.from('email;name\r\nmueller@test.local;J\xfcrgen M\xfcller\r\nperez@test.local;Ana P\xe9rez ', 'latin1'),
          0x96,
          ...Buffer.from(' Bogot\xe1\r\n', 'latin1'),
        ]);
        const res = await send(c, cp1252, 'application/vnd.ms-excel');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ created: 2, failed: [] });
        expect(await stored(c)).toEqual([
          { email: 'mueller@test.local', name: 'Jürgen Müller', cohort: null },
          { email: 'perez@test.local', name: 'Ana Pérez – Bogotá', cohort: null },
        ]);
      });

      it('keeps newlines inside quoted cells and numbers rows by record, not by line', async () => {
        const c = await freshCourse('Quoted newlines');
        const res = await send(
          c,
          'email,name\r\nql1@test.local,"Ana\r\nde la Cruz"\r\nnot-an-email,"two\nlines"\r\nql2@test.local,Bo\r\n',
          'text/csv',
          '?details=true',
        );
        expect(res.body).toMatchObject({ created: 2, failedCount: 1 });
        expect(res.body.rows).toEqual([
          { row: 1, email: 'ql1@test.local', outcome: 'invited' },
          { row: 2, email: 'not-an-email', outcome: 'invalid', error: 'invalid email' },
          { row: 3, email: 'ql2@test.local', outcome: 'invited' },
        ]);
        expect((await stored(c))[0]).toEqual({ email: 'ql1@test.local', name: 'Ana\nde la Cruz', cohort: null });
        const broken = await send(c, 'email,name\nx@test.local,"never closed\n');
        expect(broken.status).toBe(400);
        expect(broken.body.detail).toMatch(/^The CSV file cannot be read: Quote Not Closed/);
      });

      it('says what header it found and what the delimiter looks like', async () => {
        const c = await freshCourse('Header errors');
        const quoted = await send(c, '"email;name;cohort"\n"a@test.local;A;"\n');
        expect(quoted.status).toBe(400);
        expect(quoted.headers['content-type']).toContain('application/problem+json');
        expect(quoted.body.detail).toBe(
          "The CSV header must name an email column (email,name,cohort); found 1 column 'email;name;cohort': the delimiter looks like ';', but the whole header line is one quoted cell; remove the quotes around it",
        );
        expect(quoted.body.errors).toEqual([{ field: 'body', message: quoted.body.detail }]);
        const pipes = await send(c, 'email|name|cohort\na@test.local|A|\n', 'text/plain');
        expect(pipes.body.detail).toBe(
          "The CSV header must name an email column (email,name,cohort); found 1 column 'email|name|cohort': the delimiter looks like '|', which the import does not read; save the file with ',' ';' or tab between columns",
        );
        const wrongName = await send(c, 'mail\tname\na@test.local\tA\n');
        expect(wrongName.body.detail).toBe(
          "The CSV header must name an email column (email,name,cohort); found 2 columns 'mail', 'name' separated by tab, none of them email",
        );
        expect(await stored(c)).toEqual([]);
      });

      it('takes CSV content types on the import only: 415 elsewhere', async () => {
        const res = await http().post('/api/v1/courses').set(as(owner.accessToken)).set('Content-Type', 'text/plain').send('title');
        expect(res.status).toBe(415);
        expect(res.body.detail).toBe('This route does not take text/plain; send application/json');
      });
    });

    it('accepts JSON rows too', async () => {
      const c = await freshCourse('JSON bulk');
      const res = await http()
        .post(`/api/v1/courses/${c}/enrolments/bulk`)
        .set(as(owner.accessToken))
        .send({ rows: [{ email: 'j1@test.local', name: 'J One' }, { email: 'j2@test.local' }] });
      expect(res.body).toMatchObject({ created: 2, failed: [] });
      const bad = await http()
        .post(`/api/v1/courses/${c}/enrolments/bulk`)
        .set(as(owner.accessToken))
        .send({ rows: [{ email: 'x@test.local', admin: true }] });
      expect(bad.status).toBe(400);
    });

    describe('multipart/form-data upload', () => {
      const upload = (courseId: string, file: Buffer | string, options: { field?: string; charset?: string; query?: string } = {}) => {
        let req = http()
          .post(`/api/v1/courses/${courseId}/enrolments/bulk${options.query ?? ''}`)
          .set(as(owner.accessToken));
        if (options.charset) req = req.field('charset', options.charset);
        return req.attach(options.field ?? 'file', Buffer.isBuffer(file) ? file : Buffer.from(file, 'utf8'), {
          filename: 'students.csv',
          contentType: 'text/csv',
        });
      };

      it('imports a CSV file sent as the form field "file", like a text/csv body', async () => {
        const c = await freshCourse('Multipart');
        await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'Evening' });
        const res = await upload(
          c,
          '\ufeffemail,name,cohort\r\nmp1@test.local,Ana Núñez,Evening\r\nmp2@test.local,,\r\nnot-an-email,,\r\n',
        );
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ created: 2, existing: 0, failed: [{ row: 3, email: 'not-an-email', error: 'invalid email' }] });
        const { rows } = await t.db.query(
          'SELECT u.email, u.name, c.name AS cohort FROM enrolments e JOIN users u ON u.id = e.user_id LEFT JOIN cohorts c ON c.id = e.cohort_id WHERE e.course_id = $1 ORDER BY u.email',
          [c],
        );
        expect(rows).toEqual([
          { email: 'mp1@test.local', name: 'Ana Núñez', cohort: 'Evening' },
          { email: 'mp2@test.local', name: 'mp2', cohort: null },
        ]);
        expect((await upload(c, 'email\nmp1@test.local\n', { query: '?dryRun=true' })).body).toMatchObject({ created: 0, existing: 1 });
      });

      it('reads Windows-1252 (named in a charset field) and UTF-16 with a BOM, in a file and in a text/csv body', async () => {
        const c = await freshCourse('Multipart encodings');
        const cp1252 = Buffer.from('email,name\ncp@test.local,Jos\xe9 M\xfcller\n', 'latin1');
        expect((await upload(c, cp1252, { charset: 'windows-1252' })).body).toMatchObject({ created: 1, failed: [] });
        // Without the charset the same bytes are not UTF-8, so they are read as Windows-1252.
        const unnamed = await upload(c, Buffer.from('email;name\ncp2@test.local;P\xe9rez\n', 'latin1'));
        expect(unnamed.body).toMatchObject({ created: 1, failed: [] });
        const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,name\nu16@test.local,Zoë Ōta\n', 'utf16le')]);
        expect((await upload(c, utf16)).body).toMatchObject({ created: 1, failed: [] });
        const utf16Body = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,name\nu16b@test.local,Ólafur\n', 'utf16le')]);
        expect((await bulkCsv(c, utf16Body as unknown as string)).body).toMatchObject({ created: 1, failed: [] });
        const { rows } = await t.db.query(
          "SELECT email, name FROM users WHERE email IN ('cp@test.local', 'cp2@test.local', 'u16@test.local', 'u16b@test.local') ORDER BY email",
        );
        expect(rows).toEqual([
          { email: 'cp2@test.local', name: 'Pérez' },
          { email: 'cp@test.local', name: 'José Müller' },
          { email: 'u16@test.local', name: 'Zoë Ōta' },
          { email: 'u16b@test.local', name: 'Ólafur' },
        ]);
      });

      it('refuses a form without a "file" field, other fields, two files, more than 10,000 rows and files past the body limit', async () => {
        const c = await freshCourse('Multipart refusals');
        const wrongName = await upload(c, 'email\nw@test.local\n', { field: 'csv' });
        expect(wrongName.status).toBe(400);
        expect(wrongName.headers['content-type']).toContain('application/problem+json');
        const noFile = await http().post(`/api/v1/courses/${c}/enrolments/bulk`).set(as(owner.accessToken)).field('charset', 'utf-8');
        expect(noFile.status).toBe(400);
        expect(noFile.body.errors).toEqual([{ field: 'file', message: 'A multipart import needs the CSV in a file field named "file"' }]);
        const extra = await http()
          .post(`/api/v1/courses/${c}/enrolments/bulk`)
          .set(as(owner.accessToken))
          .field('admin', 'true')
          .attach('file', Buffer.from('email\nx@test.local\n'), { filename: 'a.csv', contentType: 'text/csv' });
        expect(extra.status).toBe(400);
        const two = await http()
          .post(`/api/v1/courses/${c}/enrolments/bulk`)
          .set(as(owner.accessToken))
          .attach('file', Buffer.from('email\ny@test.local\n'), { filename: 'a.csv', contentType: 'text/csv' })
          .attach('file', Buffer.from('email\nz@test.local\n'), { filename: 'b.csv', contentType: 'text/csv' });
        expect(two.status).toBe(400);
        const many = await upload(c, ['email', ...Array.from({ length: 10_001 }, (_, i) => `mbig${i}@test.local`)].join('\n'));
        expect(many.status).toBe(413);
        expect(many.body.detail).toContain('10000');
        const huge = await upload(c, Buffer.alloc(9 * 1_048_576, 'a'));
        expect(huge.status).toBe(413);
        expect(huge.body.detail).toBe(
          'An import takes at most 10000 rows and 8388608 bytes (8 MiB); this one is larger than 8388608 bytes. Split the file.',
        );
        const { rows } = await t.db.query('SELECT count(*)::int AS n FROM enrolments WHERE course_id = $1', [c]);
        expect(rows[0].n).toBe(0);
        // Other routes do not take multipart bodies.
        const elsewhere = await http().post('/api/v1/courses').set(as(owner.accessToken)).field('title', 'Form course');
        expect(elsewhere.status).toBe(415);
        // Students are refused before the file is read.
        const student403 = await http()
          .post(`/api/v1/courses/${c}/enrolments/bulk`)
          .set(as(student.accessToken))
          .attach('file', Buffer.from('email\ns@test.local\n'), { filename: 'a.csv', contentType: 'text/csv' });
        expect(student403.status).toBe(403);
      });
    });

    it('answers per-row outcomes with details=true, for dry runs and real runs', async () => {
      const c = await freshCourse('Row outcomes');
      await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: student.id }).expect(201);
      const known = await createUser(t, admin, { email: 'known@outcomes.test', role: 'student' });
      const csv = 'email\nstu@test.local\nknown@outcomes.test\nNEW@outcomes.test\nbroken\nnew@outcomes.test\nother@test.local\n';
      const expected = [
        { row: 1, email: 'stu@test.local', outcome: 'existing' },
        { row: 2, email: 'known@outcomes.test', outcome: 'created' },
        { row: 3, email: 'new@outcomes.test', outcome: 'invited' },
        { row: 4, email: 'broken', outcome: 'invalid', error: 'invalid email' },
        { row: 5, email: 'new@outcomes.test', outcome: 'invalid', error: 'duplicate in file (first in row 3)' },
        { row: 6, email: 'other@test.local', outcome: 'invalid', error: 'cannot be enrolled' },
      ];
      // Without details the answer is as before: no rows.
      const plain = await bulkCsv(c, csv, '?dryRun=true');
      expect(plain.body.rows).toBeUndefined();
      // An instructor's dry run does not tell which emails have accounts: "invited" reads "created".
      const dryInstructor = await bulkCsv(c, csv, '?dryRun=true&details=true');
      expect(dryInstructor.body).toMatchObject({ created: 2, existing: 1, invited: 0, failedCount: 3, dryRun: true });
      expect(dryInstructor.body.rows).toEqual(expected.map((r) => (r.outcome === 'invited' ? { ...r, outcome: 'created' } : r)));
      const dryAdmin = await http()
        .post(`/api/v1/courses/${c}/enrolments/bulk?dryRun=true&details=true`)
        .set(as(admin))
        .set('Content-Type', 'text/csv')
        .send(csv);
      expect(dryAdmin.body.rows).toEqual(expected.map((r) => (r.row === 6 ? { ...r, error: 'not a student (instructor)' } : r)));
      const real = await bulkCsv(c, csv, '?details=true');
      expect(real.body).toMatchObject({ created: 2, existing: 1, invited: 1, failedCount: 3, dryRun: false });
      expect(real.body.rows).toEqual(expected);
      expect(known.id).toEqual(expect.any(String));
      // JSON bodies too.
      const json = await http()
        .post(`/api/v1/courses/${c}/enrolments/bulk?details=true`)
        .set(as(owner.accessToken))
        .send({ rows: [{ email: 'known@outcomes.test' }, { email: 'fresh@outcomes.test' }] });
      expect(json.body.rows).toEqual([
        { row: 1, email: 'known@outcomes.test', outcome: 'existing' },
        { row: 2, email: 'fresh@outcomes.test', outcome: 'invited' },
      ]);
    });

    it('answers 413 with the limit beyond 10,000 rows', async () => {
      const c = await freshCourse('Too big');
      const csv = ['email', ...Array.from({ length: 10_001 }, (_, i) => `big${i}@test.local`)].join('\n');
      const res = await bulkCsv(c, csv);
      expect(res.status).toBe(413);
      expect(res.body.detail).toContain('10000');
      const { rows } = await t.db.query('SELECT count(*)::int AS n FROM enrolments WHERE course_id = $1', [c]);
      expect(rows[0].n).toBe(0);
    });
  });

  describe('listing', () => {
    it('filters by status, cohort and name/email, with cursor pagination', async () => {
      const c = await freshCourse('Listing');
      const cohort = (await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'A' })).body.id;
      await bulkCsv(c, 'email,name,cohort\nl1@test.local,Lara Croft,A\nl2@test.local,Ben Gurion,\nl3@test.local,Lara Bingle,A\n');
      const list = (q: object) => http().get(`/api/v1/courses/${c}/enrolments`).query(q).set(as(owner.accessToken));
      // One import shares one created_at; the order within it is by id, so compare as sets.
      expect((await list({ cohortId: cohort })).body.data.map((e: { user: { email: string } }) => e.user.email).sort()).toEqual([
        'l1@test.local',
        'l3@test.local',
      ]);
      expect((await list({ q: 'lara' })).body.data).toHaveLength(2);
      expect((await list({ status: 'invited' })).body.data).toHaveLength(3);
      expect((await list({ status: 'active' })).body.data).toHaveLength(0);
      const page1 = await list({ limit: 2 });
      expect(page1.body.data).toHaveLength(2);
      const page2 = await list({ limit: 2, cursor: page1.body.nextCursor });
      expect(page2.body.data).toHaveLength(1);
      expect(page2.body.nextCursor).toBeNull();
      const paged = [...page1.body.data, ...page2.body.data].map((e: { user: { email: string } }) => e.user.email).sort();
      expect(paged).toEqual(['l1@test.local', 'l2@test.local', 'l3@test.local']);
    });

    it('lists the caller’s own enrolments in published courses with course title and progress 0', async () => {
      expect((await http().get('/api/v1/me/enrolments').set(as(student.accessToken))).body.data).toEqual([]);
      await http().post(`/api/v1/courses/${course}/publish`).set(as(owner.accessToken)).expect(200);
      const res = await http().get('/api/v1/me/enrolments').set(as(student.accessToken));
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeGreaterThan(0);
      expect(res.body.data).toEqual([expect.objectContaining({ courseId: course, courseTitle: 'Peace', progressPercent: 0 })]);
    });
  });

  describe('role matrix', () => {
    it('refuses students (403), another course’s instructor (404) and anonymous callers (401)', async () => {
      const c = await freshCourse('Matrix');
      const cohort = (await http().post(`/api/v1/courses/${c}/cohorts`).set(as(owner.accessToken)).send({ name: 'M' })).body.id;
      const e = (await http().post(`/api/v1/courses/${c}/enrolments`).set(as(owner.accessToken)).send({ userId: student.id })).body.id;
      const routes: Array<[string, string, object | string]> = [
        ['post', `/api/v1/courses/${c}/enrolments`, { email: 'matrix@test.local' }],
        ['post', `/api/v1/courses/${c}/enrolments/bulk`, { rows: [{ email: 'matrix@test.local' }] }],
        ['get', `/api/v1/courses/${c}/enrolments`, {}],
        ['post', `/api/v1/courses/${c}/cohorts`, { name: 'X' }],
        ['get', `/api/v1/courses/${c}/cohorts`, {}],
        ['patch', `/api/v1/cohorts/${cohort}`, { name: 'Y' }],
        ['patch', `/api/v1/enrolments/${e}`, { status: 'dropped' }],
        ['delete', `/api/v1/enrolments/${e}`, {}],
      ];
      for (const [method, path, body] of routes) {
        const asStudent = await (http() as any)[method](path).set(as(student.accessToken)).send(body);
        const asOther = await (http() as any)[method](path).set(as(other.accessToken)).send(body);
        const anonymous = await (http() as any)[method](path).send(body);
        expect([method, path, asStudent.status, asOther.status, anonymous.status]).toEqual([method, path, 403, 404, 401]);
      }
      const { rows } = await t.db.query("SELECT count(*)::int AS n FROM users WHERE email = 'matrix@test.local'");
      expect(rows[0].n).toBe(0);
      expect((await http().get('/api/v1/me/enrolments')).status).toBe(401);
      expect((await http().get(`/api/v1/courses/${c}/enrolments`).set(as(admin))).status).toBe(200);
    });
  });
});
