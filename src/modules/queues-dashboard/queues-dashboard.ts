import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { JwtService } from '@nestjs/jwt';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Forbidden, Unauthenticated } from '../../common/errors';
import { sendProblem } from '../../common/problem.filter';
import { AppConfig } from '../../config/env';
import { QueueName } from '../jobs/queues';
import { UsersRepository } from '../users/users.repository';
import { DASHBOARD_PATH, QueuesDashboardSessions, SESSION_COOKIE } from './queues-dashboard.sessions';

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * bull-board at /admin/queues, for admins only: a bearer access token, or a short-lived cookie
 * obtained by opening the one-time link from POST /api/v1/admin/queues/session.
 */
export async function mountQueuesDashboard(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const board = new BoardAdapter();
  board.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name)))),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'Accord queues' } },
  });
  const sessions = app.get(QueuesDashboardSessions);
  const jwt = app.get(JwtService);
  const users = app.get(UsersRepository);

  const authorise = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const query = request.query as { ticket?: string };
    if (query.ticket) {
      const session = await sessions.exchange(query.ticket);
      if (!session) throw new Unauthenticated('The dashboard link has expired; request a new one');
      void reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${session.token}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${session.maxAge}${config.publicUrl.startsWith('https') ? '; Secure' : ''}`,
      );
      return void reply.header('cache-control', 'no-store').redirect(DASHBOARD_PATH, 303);
    }
    let userId = await sessions.verify(cookie(request, SESSION_COOKIE));
    if (!userId) {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const verified = bearer ? await jwt.verifyAsync<{ sub: string; tv: number; exp?: number }>(bearer).catch(() => null) : null;
      const claims = typeof verified?.exp === 'number' ? verified : null; // a token without exp would never expire
      const user = claims ? await users.findSession(claims.sub) : null;
      if (user && user.tokenVersion === claims?.tv) userId = user.id;
    }
    if (!userId) throw new Unauthenticated('Sign in as an admin: POST /api/v1/admin/queues/session gives a dashboard link');
    const user = await users.findSession(userId);
    if (!user?.isActive) throw new Unauthenticated();
    if (user.role !== 'admin') throw new Forbidden('The queue dashboard is for admins');
  };

  await app.getHttpAdapter().getInstance().register(
    async (instance: FastifyInstance) => {
      instance.addHook('onRequest', async (request, reply) => {
        try {
          await authorise(request, reply);
        } catch (error) {
          sendProblem(error, request, reply);
          return reply;
        }
      });
      await instance.register(board.registerPlugin() as never);
    },
    { prefix: DASHBOARD_PATH },
  );
}
