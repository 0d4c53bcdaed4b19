import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { NoLiveLinksAtRest1795615000005 } from '../../migrations/1795615000005-NoLiveLinksAtRest';
import type { CaughtMail, TestApp } from '../helpers/app';
import { ADMIN, bearer, createUser, login, startTestApp } from '../helpers/app';
import { ReminderDriver } from '../helpers/reminders';

/** Token-shaped strings: a `token=`/`ticket=` value, Accord's `<id>.<hmac>` tokens, JWTs. */
const TOKEN_SHAPES = [/(?:token|ticket)(?:=|&#x3D;|%3D)([^\s"'<>&]+)/gi, /[\w-]{16,}(?:\.|%2E)[\w-]{40,}/gi, /eyJ[\w-]*\.[\w-]+\.[\w-]*/g];

function tokenShaped(text: string): string[] {
  const found = new Set<string>();
  for (const shape of TOKEN_SHAPES) for (const m of text.matchAll(shape)) found.add(decodeURIComponent(m[1] ?? m[0]));
  return [...found];
}

describe('no working secret at rest (e2e)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let driver: ReminderDriver;
  let admin: string;
  let instructor: string;

  beforeAll(async () => {
    t = await startTestApp();
    worker = await t.startWorker();
    driver = new ReminderDriver(t, [worker]);
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    instructor = (await createUser(t, admin, { email: 'teacher@rest.test', role: 'instructor' })).accessToken;
  });
  afterAll(() => t.close());

  /** Every text-like column of every table, and every value under the app's Redis prefix. */
  async function everythingStored(): Promise<Array<{ where: string; value: string }>> {
    const out: Array<{ where: string; value: string }> = [];
    const { rows: columns } = await t.db.query(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json', 'ARRAY')`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(
      expect.arrayContaining(['reminders.body_text', 'reminders.body_html', 'audit_log.after']),
    );
    for (const { table_name: table, column_name: column } of columns) {
      const { rows } = await t.db.query(`SELECT "${column}"::text AS v FROM "${table}" WHERE "${column}" IS NOT NULL`);
      for (const r of rows) out.push({ where: `${table}.${column}`, value: r.v });
    }
    for (const key of await t.redis.keys(`{${t.env.REDIS_PREFIX}}:*`)) {
      const type = await t.redis.type(key);
      const values: string[] = [];
      if (type === 'hash') values.push(...Object.values(await t.redis.hgetall(key)));
      else if (type === 'string') values.push((await t.redis.get(key)) ?? '');
      else if (type === 'list') values.push(...(await t.redis.lrange(key, 0, -1)));
      else if (type === 'zset') values.push(...(await t.redis.zrange(key, 0, -1)));
      else if (type === 'set') values.push(...(await t.redis.smembers(key)));
      else if (type === 'stream') values.push(...(await t.redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields));
      for (const value of values) out.push({ where: `redis ${key}`, value });
    }
    return out;
  }

  it('keeps no live set-password or unsubscribe token in any row or queue entry, and what is there does not work', async () => {
    // An invitation (mail worker), a welcome with a set-password link, a welcome to an existing student,
    // and one that failed once (its composed body is saved before the retry).
    const invited = await t
      .http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'invitee@rest.test', name: 'Invitee', role: 'student' });
    expect(invited.status).toBe(201);
    await t.mail.waitFor((m) => m.some((x) => x.to.includes('invitee@rest.test')));
    const course = (
      await t
        .http()
        .post('/api/v1/courses')
        .set(bearer(instructor))
        .send({ title: `Rest ${randomUUID()}` })
    ).body.id;
    const student = await createUser(t, admin, { email: 'student@rest.test', role: 'student' });
    t.mail.failNext(1);
    for (const body of [{ email: 'newcomer@rest.test' }, { userId: student.id }]) {
      expect((await t.http().post(`/api/v1/courses/${course}/enrolments`).set(bearer(instructor)).send(body)).status).toBe(201);
    }
    await driver.dispatch();
    await t.mail.waitFor((m) => ['newcomer@rest.test', 'student@rest.test'].every((to) => m.some((x) => x.to.includes(to))));
    await driver.settle();
    const { rows: sent } = await t.db.query(
      "SELECT r.status, r.attempts, r.body_text FROM reminders r JOIN enrolments e ON e.id = r.enrolment_id WHERE e.course_id = $1 AND r.kind = 'welcome' ORDER BY r.attempts",
      [course],
    );
    expect(sent.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 2],
    ]);
    expect(sent.every((r) => r.body_text.includes('Stop these emails'))).toBe(true);

    // The emails carry working links…
    const mailTo = (to: string): CaughtMail => t.mail.messages.find((m) => m.to.includes(to))!;
    const newcomer = mailTo('newcomer@rest.test');
    const setPassword = decodeURIComponent(/set-password\?token=([^\s"&<]+)/.exec(newcomer.text)![1]);
    expect(newcomer.html).toContain(`set-password?token&#x3D;${encodeURIComponent(setPassword)}`);
    const unsubscribe = /<[^>]*unsubscribe\?token=([^>]+)>/.exec(mailTo('student@rest.test').headers['list-unsubscribe'])![1];
    expect(mailTo('student@rest.test').text).toContain(`unsubscribe?token=${unsubscribe}`);

    // A calendar feed (issue 18): its secret URL must not be at rest either.
    const feedUrl = (await t.http().get('/api/v1/me/calendar').set(bearer(instructor)).expect(200)).body.url as string;
    const feedToken = /\/calendar\/([^/]+)\.ics$/.exec(feedUrl)![1];
    expect((await t.http().get(new URL(feedUrl).pathname)).status).toBe(200);

    // …but nothing stored is token-shaped, and whatever looks like one does not work.
    const stored = await everythingStored();
    const candidates = stored.flatMap(({ where, value }) => tokenShaped(value).map((token) => ({ where, token })));
    const worked: string[] = [];
    for (const { where, token } of candidates) {
      const set = await t.http().post('/api/v1/auth/set-password').send({ token, password: 'taken-over-password' });
      const unsub = await t.http().post('/unsubscribe').query({ token });
      const feed = await t.http().get(`/api/v1/calendar/${encodeURIComponent(token)}.ics`);
      if (set.status < 300 || unsub.status < 300 || feed.status < 300) worked.push(`${where}: ${token}`);
    }
    expect(worked).toEqual([]);
    expect(candidates).toEqual([]);
    for (const secret of [setPassword, unsubscribe, feedToken])
      expect(stored.filter((s) => s.value.includes(secret)).map((s) => s.where)).toEqual([]);

    // The links from the emails are the ones that work.
    expect((await t.http().post('/api/v1/auth/set-password').send({ token: setPassword, password: 'newcomer-password' })).status).toBe(200);
    expect((await t.http().post('/unsubscribe').query({ token: unsubscribe })).status).toBe(200);
  });

  it('re-sends a stored message with live links, dropping the set-password line once the user has a password', async () => {
    const course = (
      await t
        .http()
        .post('/api/v1/courses')
        .set(bearer(instructor))
        .send({ title: `Retry ${randomUUID()}` })
    ).body.id;
    t.mail.failNext(3); // REMINDER_ATTEMPTS=3: the first round fails for good, its body saved
    const enrolled = await t.http().post(`/api/v1/courses/${course}/enrolments`).set(bearer(instructor)).send({ email: 'late@rest.test' });
    expect(enrolled.status).toBe(201);
    await driver.dispatch();
    const failedRow = async () =>
      (
        await t.db.query("SELECT id, status, subject, body_text, body_html FROM reminders WHERE enrolment_id = $1 AND kind = 'welcome'", [
          enrolled.body.id,
        ])
      ).rows[0];
    const deadline = Date.now() + 10_000;
    while ((await failedRow()).status !== 'failed' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const stored = await failedRow();
    expect(stored.status).toBe('failed');
    expect(tokenShaped(`${stored.body_text}${stored.body_html}`)).toEqual([]);
    expect(stored.body_text).toContain('urn:accord-link:set-password');

    // First retry: the same message, with a usable set-password link.
    await t.http().post(`/api/v1/admin/reminders/${stored.id}/retry`).set(bearer(admin)).expect(200);
    await driver.run();
    const first = t.mail.messages.filter((m) => m.to.includes('late@rest.test'));
    expect(first).toHaveLength(1);
    expect(first[0].messageId).toBe(`<reminder-${stored.id}@accord>`);
    expect(first[0].subject).toBe(stored.subject);
    const token = decodeURIComponent(/set-password\?token=([^\s"&<]+)/.exec(first[0].text)![1]);
    expect(first[0].text.replace(/https:\/\/accord\.test\/(set-password|unsubscribe)\?token=\S+/g, '<link>')).toBe(
      stored.body_text.replace(/urn:accord-link:[a-z-]+/g, '<link>'),
    );
    expect((await t.http().post('/api/v1/auth/set-password').send({ token, password: 'late-password-1' })).status).toBe(200);

    // Sent again by hand (as a lost-lease re-send would): the password is set, so the line is gone.
    await t.db.query("UPDATE reminders SET status = 'failed' WHERE id = $1", [stored.id]);
    await t.http().post(`/api/v1/admin/reminders/${stored.id}/retry`).set(bearer(admin)).expect(200);
    await driver.run();
    const second = t.mail.messages.filter((m) => m.to.includes('late@rest.test'))[1];
    expect(second.messageId).toBe(first[0].messageId);
    expect(second.text).not.toContain('set-password');
    expect(second.html).not.toContain('set-password');
    expect(second.text).toContain('unsubscribe?token=');
    expect(
      (
        await t.db.query('SELECT count(*)::int AS n FROM password_tokens p JOIN users u ON u.id = p.user_id WHERE u.email = $1', [
          'late@rest.test',
        ])
      ).rows[0].n,
    ).toBe(1);
  });

  it('replaces the links in bodies stored before (migration NoLiveLinksAtRest)', async () => {
    // Its own welcome row, sent (so no sender rewrites the body under the test), whatever ran before.
    const course = (
      await t
        .http()
        .post('/api/v1/courses')
        .set(bearer(instructor))
        .send({ title: `Migrated ${randomUUID()}` })
    ).body.id;
    const enrolled = await t
      .http()
      .post(`/api/v1/courses/${course}/enrolments`)
      .set(bearer(instructor))
      .send({ email: 'migrated@rest.test' });
    expect(enrolled.status).toBe(201);
    await driver.run();
    const { rows } = await t.db.query("SELECT id, status FROM reminders WHERE enrolment_id = $1 AND kind = 'welcome'", [enrolled.body.id]);
    expect(rows.map((r) => r.status)).toEqual(['sent']);
    const live = 'https://accord.test/unsubscribe?token=eyJhbGciOi1234567890abcdef.0123456789abcdefghijABCDEFGHIJ_-0123456789a';
    const setPw = 'https://accord.test/set-password?token=0b9d8c7e-1111-4222-8333-944445555666.abcdefghijABCDEFGHIJ0123456789_-abcdefghijk';
    await t.db.query('UPDATE reminders SET body_text = $2, body_html = $3 WHERE id = $1', [
      rows[0].id,
      `Choose: ${setPw}\nStop these emails: ${live}\nCourse: https://accord.test/courses/x`,
      `<a href="${setPw.replace('=', '&#x3D;')}">x</a><a href="${live.replace('=', '&#x3D;')}">Stop</a>`,
    ]);
    await new NoLiveLinksAtRest1795615000005().up({ query: (sql: string) => t.db.query(sql) } as never);
    const after = (await t.db.query('SELECT body_text, body_html FROM reminders WHERE id = $1', [rows[0].id])).rows[0];
    expect(after.body_text).toBe(
      'Choose: urn:accord-link:set-password\nStop these emails: urn:accord-link:unsubscribe\nCourse: https://accord.test/courses/x',
    );
    expect(after.body_html).toBe('<a href="urn:accord-link:set-password">x</a><a href="urn:accord-link:unsubscribe">Stop</a>');
  });
});
