import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../../common/problem.filter';
import { AppConfig } from '../../config/env';
import { QueueName } from '../jobs/queues';
import { DASHBOARD_PATH, QueuesDashboardSessions, SESSION_COOKIE } from './queues-dashboard.sessions';

function cookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // malformed escapes: no cookie, so 401 rather than 500
    }
  }
  return undefined;
}

/**
 * bull-board at /admin/queues, for admins only: a bearer access token, or a short-lived cookie
 * obtained by opening the one-time link from POST /api/v1/admin/queues/session; both end with the
 * admin's sign-in session.
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

  const authorise = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const query = request.query as { ticket?: unknown };
    if (query.ticket !== undefined) {
      const session = await sessions.exchange(String(query.ticket));
      void reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${session.token}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${session.maxAge}${config.publicUrl.startsWith('https') ? '; Secure' : ''}`,
      );
      return void reply.header('cache-control', 'no-store').redirect(DASHBOARD_PATH, 303);
    }
    await sessions.authorise(cookie(request, SESSION_COOKIE), /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]);
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
