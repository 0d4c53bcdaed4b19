import type { Logger } from 'nestjs-pino';
import { quietBootLogger } from './boot-logger';

describe('quietBootLogger', () => {
  it("moves Nest's module and route lines to debug and passes everything else through", () => {
    const calls: string[] = [];
    const record =
      (level: string) =>
      (message: unknown, ...rest: unknown[]) =>
        calls.push(`${level} ${String(message)} ${rest.join(',')}`);
    const pino = { log: record('info'), debug: record('debug'), warn: record('warn'), error: record('error') } as unknown as Logger;
    const logger = quietBootLogger(pino);
    logger.log('UsersModule dependencies initialized', 'InstanceLoader');
    logger.log('Mapped {/api/v1/me, GET} route', 'RouterExplorer');
    logger.log('Accord API listening', 'Bootstrap');
    logger.warn('Unsupported route path', 'RoutesResolver');
    logger.error('boom', 'stack', 'NestApplication');
    expect(calls).toEqual([
      'debug UsersModule dependencies initialized InstanceLoader',
      'debug Mapped {/api/v1/me, GET} route RouterExplorer',
      'info Accord API listening Bootstrap',
      'warn Unsupported route path RoutesResolver',
      'error boom stack,NestApplication',
    ]);
  });
});
