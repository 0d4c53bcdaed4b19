import { UnsubscribeTokens } from '../../src/modules/notifications/unsubscribe-tokens';
import { ADMIN, bearer, createUser, login, startTestApp, TestApp } from '../helpers/app';

/** The smaller items of hardening round two (issue 13, item 10), each against the real app. */
describe('hardening round two: smaller items (e2e)', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = (await login(t, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(() => t.close());

  describe('strict unsubscribe tokens', () => {
    it('refuses a valid token with unknown extra parts (400), on the page and in one click', async () => {
      const user = await createUser(t, admin, { email: 'strict@round2.test', role: 'student' });
      const token = t.app.get(UnsubscribeTokens, { strict: false }).create(user.id, 'overdue');
      for (const extended of [`${token}.extra`, `${token}.`, `${token}.${token}`]) {
        expect((await t.http().get('/unsubscribe').query({ token: extended })).status).toBe(400);
        expect((await t.http().post('/unsubscribe').query({ token: extended })).status).toBe(400);
      }
      const prefs = async () => (await t.http().get('/api/v1/me/notification-preferences').set(bearer(user.accessToken))).body.overdue;
      expect(await prefs()).toBe(true);
      expect((await t.http().post('/unsubscribe').query({ token })).status).toBe(200);
      expect(await prefs()).toBe(false);
    });
  });
});
