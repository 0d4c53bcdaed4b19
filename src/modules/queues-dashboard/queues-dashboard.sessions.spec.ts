import { JwtService } from '@nestjs/jwt';
import type Redis from 'ioredis';
import { loadConfig } from '../../config/env';
import { QueuesDashboardSessions } from './queues-dashboard.sessions';

const config = loadConfig({
  DATABASE_URL: 'postgres://u@localhost/a',
  REDIS_URL: 'redis://localhost',
  SMTP_URL: 'smtp://localhost',
  JWT_SECRET: 'x'.repeat(32),
});
const jwt = new JwtService({
  secret: config.auth.jwtSecret,
  signOptions: { algorithm: 'HS256', issuer: 'accord' },
  verifyOptions: { algorithms: ['HS256'], issuer: 'accord' },
});
const caller = {
  id: '7c0b6a1e-3f7e-4d55-9a51-0f1c2a4b5c6d',
  email: 'a@b.c',
  name: 'A',
  role: 'admin' as const,
  sessionId: '5d3c1b2a-0f9e-4d8c-8b7a-6e5f4d3c2b1a',
};
const down = async () => {
  throw new Error('Connection is closed.');
};

function sessionsWith(redis: Partial<Record<'set' | 'getdel', jest.Mock>>) {
  return new QueuesDashboardSessions(jwt, {} as never, {} as never, redis as unknown as Redis, config);
}

describe('QueuesDashboardSessions while Redis is down', () => {
  it('answers 503 rather than hand out a ticket it could not make single-use', async () => {
    await expect(sessionsWith({ set: jest.fn(down) }).ticketUrl(caller)).rejects.toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
    });
  });

  it('answers 503 rather than accept a ticket it cannot consume', async () => {
    const url = new URL((await sessionsWith({ set: jest.fn(async () => 'OK') }).ticketUrl(caller)).url);
    const ticket = url.searchParams.get('ticket')!;
    await expect(sessionsWith({ getdel: jest.fn(down) }).exchange(ticket)).rejects.toMatchObject({ status: 503 });
  });
});
