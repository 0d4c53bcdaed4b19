import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCookie } from '../../common/cookies';
import { Conflict } from '../../common/errors';
import { sendProblem } from '../../common/problem.filter';
import type { AppConfig } from '../../config/env';
import { QueueName } from '../jobs/queues';
import { DASHBOARD_PATH, QueuesDashboardSessions, SESSION_COOKIE } from './queues-dashboard.sessions';

/** BullMQ refusing an action in the job's current state (promote a waiting job…) is a 409, not a 500. */
const JOB_STATE = /^(Job \S+ is not in the \S+ state|Missing key for job|Job \S+ is locked|Job \S+ has pending dependencies)/;
const jobStateConflict = (error: unknown) =>
  error instanceof Error && JOB_STATE.test(error.message)
    ? new Conflict('The job is not in a state that allows this action', 'job-state')
    : error;

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
    const query = request.query as { ticket?: string | string[] };
    if (query.ticket !== undefined) {
      const session = await sessions.exchange(String(query.ticket));
      void reply.header(
        'set-cookie',
        `${SESSION_COOKIE}=${session.token}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${session.maxAge}${config.publicUrl.startsWith('https') ? '; Secure' : ''}`,
      );
      return void reply.header('cache-control', 'no-store').redirect(DASHBOARD_PATH, 303);
    }
    await sessions.authorise(
      readCookie(request.headers.cookie, SESSION_COOKIE),
      /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1],
    );
  };

  await app
    .getHttpAdapter()
    .getInstance()
    .register(
      async (instance: FastifyInstance) => {
        instance.addHook('onRequest', async (request, reply) => {
          try {
            await authorise(request, reply);
          } catch (error) {
            sendProblem(error, request, reply);
            return reply;
          }
        });
        // bull-board's error handler echoes error messages and, under NODE_ENV=development, stack
        // traces with file paths: errors under /admin/queues become problem+json like everywhere else.
        await instance.register((child: FastifyInstance, options: object, done: (error?: Error) => void) => {
          const setErrorHandler = child.setErrorHandler.bind(child);
          child.setErrorHandler = (() =>
            setErrorHandler((error, request, reply) => sendProblem(jobStateConflict(error), request, reply))) as never;
          board.registerPlugin()(child, options, done);
        });
      },
      { prefix: DASHBOARD_PATH },
    );
}
