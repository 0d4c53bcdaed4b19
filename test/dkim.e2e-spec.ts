import { generateKeyPairSync } from 'crypto';
import { inspect } from 'util';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { MailerService, oneClickUnsubscribeHeaders } from '../src/modules/mail/mailer.service';
import { render, TEMPLATE_NAMES } from '../src/modules/mail/templates';
import { REMINDER_KIND_TABLE, REMINDER_KINDS } from '../src/modules/reminders/reminder-kinds';
import type { INestApplicationContext } from '@nestjs/common';
import type { CaughtMail, TestApp } from './helpers/app';
import { ADMIN, bearer, login, startTestApp } from './helpers/app';
import { ReminderDriver } from './helpers/reminders';

const DOMAIN = 'accord.test';
const SELECTOR = 'test2026';
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicDer = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** The DNS the verifier sees: only the test key's TXT record exists. */
async function resolver(name: string, rrtype: string): Promise<string[][]> {
  if (rrtype === 'TXT' && name === `${SELECTOR}._domainkey.${DOMAIN}`) return [[`v=DKIM1; k=rsa; p=${publicDer}`]];
  throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
}

/** The `h=` tag of the message's DKIM-Signature, lower-cased field names. */
function signedFields(mail: CaughtMail): string[] {
  const header = mail.raw.toString('latin1').match(/^DKIM-Signature:(.*(?:\r?\n[ \t].*)*)/im)?.[1] ?? '';
  const h = header.replace(/\r?\n[ \t]+/g, '').match(/(?:^|;)\s*h=([^;]+)/)?.[1] ?? '';
  return h.split(':').map((f) => f.trim().toLowerCase());
}

async function verify(mail: CaughtMail) {
  const result = await dkimVerify(mail.raw, { resolver });
  return result.results.map((r) => ({ domain: r.signingDomain, selector: r.selector, result: r.status.result }));
}

// The template of each reminder kind (every kind has one; a new kind's template is covered by the loop below).
const kindOfTemplate = new Map<string, string>(Object.entries(REMINDER_KIND_TABLE).map(([kind, def]) => [def.template, kind]));

describe('DKIM signing (e2e, real SMTP sink, independent verifier)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  const mailer = () => worker.get(MailerService, { strict: false });

  beforeAll(async () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // One line with \n escapes, as in an env file.
    t = await startTestApp({
      DKIM_DOMAIN: DOMAIN,
      DKIM_SELECTOR: SELECTOR,
      DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
      MAIL_FROM: `Accord <no-reply@${DOMAIN}>`,
    });
    worker = await t.startWorker();
  });
  afterAll(() => t.close());

  it('keeps the private key out of a printed or serialised configuration', () => {
    const text = JSON.stringify(t.config);
    expect(text).toContain(SELECTOR);
    expect(text).not.toContain('PRIVATE KEY');
    expect(inspect(t.config, { depth: 10 })).not.toContain('PRIVATE KEY');
  });

  it.each(TEMPLATE_NAMES)(
    'signs the %s email so that the verifier passes it, List-Unsubscribe and List-Unsubscribe-Post included',
    async (template) => {
      const kind = kindOfTemplate.get(template);
      const unsubscribeUrl = `https://accord.test/unsubscribe/${template}-token`;
      const mail = render(template, {
        name: 'Zoë Ñandú',
        courseTitle: 'Negotiation 101',
        moduleTitle: 'BATNA',
        link: 'https://accord.test/set-password#token',
        expiresAt: 'Tue, 01 Dec 2026 12:00:00 GMT',
        dueAt: 'Tuesday, 1 December 2026, 14:00 (Europe/Helsinki)',
        dueAtShort: '1 Dec',
        days: 7,
        courseUrl: 'https://accord.test/courses/1',
        moduleUrl: 'https://accord.test/courses/1/modules/2',
        unsubscribeUrl,
      });
      t.mail.clear();
      // Every email gets the unsubscribe fields here, account emails too: the point is what the signature covers.
      await mailer().send({
        to: 'sam@test.local',
        ...mail,
        messageId: `<${template}-dkim@accord>`,
        headers: oneClickUnsubscribeHeaders(unsubscribeUrl),
      });
      const [caught] = await t.mail.waitFor((m) => m.length === 1);
      expect(await verify(caught)).toEqual([{ domain: DOMAIN, selector: SELECTOR, result: 'pass' }]);
      expect(signedFields(caught)).toEqual(
        expect.arrayContaining(['from', 'to', 'subject', 'date', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']),
      );
      if (kind) expect(REMINDER_KINDS).toContain(kind);
    },
  );

  it('fails verification when a signed field is changed in transit (the check is not vacuous)', async () => {
    t.mail.clear();
    await mailer().send({
      to: 'sam@test.local',
      ...render('welcome', { name: 'Sam', courseTitle: 'C', courseUrl: 'https://accord.test/c', unsubscribeUrl: 'https://accord.test/u' }),
      messageId: '<tamper-dkim@accord>',
      headers: oneClickUnsubscribeHeaders('https://accord.test/u'),
    });
    const [caught] = await t.mail.waitFor((m) => m.length === 1);
    const tampered = Buffer.from(caught.raw.toString('latin1').replace('https://accord.test/u>', 'https://evil.test/u>'), 'latin1');
    expect(tampered.equals(caught.raw)).toBe(false);
    const result = await dkimVerify(tampered, { resolver });
    expect(result.results[0].status.result).toBe('fail');
  });

  it('signs the mail the real pipeline sends: a welcome reminder and a password-reset email', async () => {
    const driver = new ReminderDriver(t, [worker]);
    const admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
    const http = () => t.http();
    const courseId = (await http().post('/api/v1/courses').set(bearer(admin)).send({ title: 'Signed 101' }).expect(201)).body.id as string;
    const moduleId = (await http().post(`/api/v1/courses/${courseId}/modules`).set(bearer(admin)).send({ title: 'M' }).expect(201)).body
      .id as string;
    const material = (
      await http()
        .post('/api/v1/materials')
        .set(bearer(admin))
        .send({ title: 'Reading', kind: 'article', url: 'https://example.edu/r' })
        .expect(201)
    ).body.id as string;
    await http()
      .post(`/api/v1/modules/${moduleId}/items`)
      .set(bearer(admin))
      .send({ materialId: material, completion: { type: 'view' } })
      .expect(201);
    await http().post(`/api/v1/courses/${courseId}/publish`).set(bearer(admin)).expect(200);
    const created = await http()
      .post('/api/v1/users')
      .set(bearer(admin))
      .send({ email: 'pia@test.local', name: 'Pia', role: 'student', password: 'correct-horse-battery' })
      .expect(201);
    await http().post(`/api/v1/courses/${courseId}/enrolments`).set(bearer(admin)).send({ userId: created.body.id }).expect(201);
    t.mail.clear();
    await driver.run();
    await http().post('/api/v1/auth/password-reset').send({ email: 'pia@test.local' }).expect(202);
    const mails = await t.mail.waitFor((m) => m.length === 2, 15_000);
    const welcome = mails.find((m) => m.subject.startsWith('Welcome'))!;
    const reset = mails.find((m) => m.subject.includes('Reset'))!;
    expect(welcome.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(signedFields(welcome)).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));
    for (const mail of [welcome, reset]) expect(await verify(mail)).toEqual([{ domain: DOMAIN, selector: SELECTOR, result: 'pass' }]);
  });
});
