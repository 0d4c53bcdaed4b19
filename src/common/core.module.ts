import { DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { IncomingMessage } from 'http';
import { randomUUID } from 'crypto';
import { APP_CONFIG, AppConfig } from '../config/env';
import { dataSourceOptions } from '../config/data-source-options';
import { JobsModule } from '../modules/jobs/jobs.module';
import { RedisModule } from '../modules/redis/redis.module';
import { isHealthProbe, redactUrl } from './access-log';
import { ClockModule } from './clock';

/**
 * Config, logging, PostgreSQL, Redis and BullMQ: what both the API and the worker stand on.
 * The configuration validated at start-up is the one every provider gets (`APP_CONFIG`).
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig, name: 'api' | 'worker'): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
      imports: [
        LoggerModule.forRoot({
          // path-to-regexp 8 syntax; nestjs-pino's default '*' makes Nest warn 'Unsupported route path "/api/v1/*"'.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          pinoHttp: {
            name: `accord-${name}`,
            level: config.logLevel,
            transport: config.logPretty
              ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
              : undefined,
            genReqId: (req: IncomingMessage) => (req.headers['x-request-id'] as string | undefined) ?? randomUUID(),
            // The request id under the name error bodies use (one binding, not a second copy of it).
            customAttributeKeys: { reqId: 'requestId' },
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            autoLogging: { ignore: isHealthProbe },
            quietReqLogger: true,
            serializers: {
              // No working secret reaches a log line: token and ticket values are redacted from the URL.
              req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(config.database.url, config.database.poolSize),
            retryAttempts: 3,
            retryDelay: 1_000,
          }),
        }),
        ClockModule,
        RedisModule,
        JobsModule,
      ],
    };
  }
}
