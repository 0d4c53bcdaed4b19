import fastifyMultipart from '@fastify/multipart';
import { quietBootLogger } from './common/boot-logger';
import type { Type } from '@nestjs/common';
import { HttpStatus } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'crypto';
import { Logger } from 'nestjs-pino';
import type Redis from 'ioredis';
import { AppModule } from './app.module';
import { AccessTokenVerifier } from './modules/auth/access-token-verifier';
import { isHealthRoute, markRoute } from './common/access-log';
import { CSV_CONTENT_TYPES, registerBodyParsers } from './common/body-parsers';
import { DomainError } from './common/errors';
import { configureCursors } from './common/pagination';
import { completeOpenApi } from './common/openapi-contract';
import { registerQueryGuard } from './common/query-guard';
import { registerRateLimit } from './common/rate-limit';
import { registerRouteMethods } from './common/route-methods';
import { registerSecurityHeaders } from './common/security-headers';
import { sendProblem } from './common/problem.filter';
import { REDIS } from './modules/redis/redis.module';
import type { AppConfig } from './config/env';
import { BULK_PATH, tooManyBytes, tooManyRows } from './modules/enrolments/import-body';
import { httpDuration } from './modules/metrics/metrics';
import { mountQueuesDashboard } from './modules/queues-dashboard/queues-dashboard';
import { isMediaRoute, registerMediaFiles } from './modules/media/media-files';
import { mountWebApp } from './modules/web/web-app';
import { ADMIN_SECURITY } from './common/auth.decorators';
import { boundFormattedStrings } from './common/openapi-limits';
import { REQUEST_ID_MAX } from './common/limits';
import { METRICS_SECURITY } from './modules/metrics/metrics-token.guard';

export const API_PREFIX = 'api/v1';
/** RFC 8058 one-click unsubscribe: mail clients POST to the link itself, outside the API prefix. */
const PAGES = ['unsubscribe'];
/**
 * Outside the prefix too, and not Nest routes: the media files (@fastify/static) and the web app's
 * set-password page. Excluding them from the prefix puts them under the Nest middleware (the access
 * log, which redacts the token in the link), which otherwise covers only /api/v1/*.
 */
const OUTSIDE_PREFIX = [...PAGES, 'set-password', 'media/*file'];
const REQUEST_ID = new RegExp(`^[A-Za-z0-9._:-]{1,${REQUEST_ID_MAX}}$`);

const JWT_DESCRIPTION =
  'An access token from POST /api/v1/auth/login or /auth/refresh: a JWS signed with HS256 and verified with that ' +
  'algorithm only (never alg none), with iss accord, exp, iat and the sign-in session; handled as RFC8725 (JWT best current practices) advises.';

export function buildOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Accord API')
    .setDescription(
      'Course delivery for negotiation teaching materials: catalogue, courses, enrolments, assignments, progress and reminders. ' +
        'Errors are RFC 9457 application/problem+json with a requestId.',
    )
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: JWT_DESCRIPTION,
    })
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `The access token of a user whose role is admin; any other role gets 403. ${JWT_DESCRIPTION}`,
      },
      ADMIN_SECURITY,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'The METRICS_TOKEN of this deployment (not a JWT)' },
      METRICS_SECURITY,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const controllers = [...app.get(ModulesContainer).values()].flatMap((module) =>
    [...module.controllers.values()].map((wrapper) => wrapper.metatype as Type),
  );
  return boundFormattedStrings(completeOpenApi(document, controllers));
}

/**
 * The OpenAPI document, generated without connecting to anything (Nest preview mode).
 * Used by `npm run openapi` and by the drift test against the committed openapi.json.
 */
export async function generateOpenApi(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: OUTSIDE_PREFIX });
  const document = buildOpenApi(app);
  await app.close();
  return JSON.parse(JSON.stringify(document)) as OpenAPIObject;
}

/** The HTTP app with every cross-cutting concern; used by main.ts and by the e2e tests. */
export async function createApp(config: AppConfig, options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    requestTimeout: config.http.requestTimeoutMs,
    connectionTimeout: config.http.requestTimeoutMs,
    // Node only checks request timeouts this often (30 s by default).
    http: { connectionsCheckingInterval: Math.min(5_000, Math.ceil(config.http.requestTimeoutMs / 2)) },
    // A path the router cannot decode (e.g. %ED%A0%80) is a problem+json 400 like every other.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => sendProblem(error, request, reply),
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      req.headers['x-request-id'] = id; // the pino request logger reads it from here
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false, // ours (registerBodyParsers) check encoding, depth and sizes before parsing
    logger: options.logger === false ? false : undefined,
  });
  if (options.logger !== false) app.useLogger(quietBootLogger(app.get(Logger)));
  app.setGlobalPrefix(API_PREFIX, { exclude: OUTSIDE_PREFIX });

  const fastify = app.getHttpAdapter().getInstance();
  // Before any route is added: a wrong method on a known path answers 405 with Allow (see sendProblem).
  registerRouteMethods(fastify);
  const importBytes = config.http.importBodyLimitBytes;
  registerBodyParsers(fastify, {
    routes: { [BULK_PATH]: { tooManyItems: () => tooManyRows(importBytes), tooLarge: () => tooManyBytes(importBytes) } },
  });
  // multipart/form-data is read by the bulk import's handler (after the guards), and refused everywhere else.
  await app.register(fastifyMultipart, { limits: { fileSize: config.http.importBodyLimitBytes, files: 1, parts: 2 } });
  // So are CSV bodies (text/csv, application/vnd.ms-excel, text/plain).
  fastify.addHook('preValidation', async (request) => {
    if (request.routeOptions?.url === BULK_PATH) return;
    if (request.isMultipart())
      throw new DomainError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported-media-type', 'This route does not take multipart/form-data');
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (typeof request.body === 'string' && (CSV_CONTENT_TYPES as readonly string[]).includes(type))
      throw new DomainError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported-media-type',
        `This route does not take ${type}; send application/json`,
      );
  });
  configureCursors(config.auth.jwtSecret);
  if (config.http.rateLimitPerUser > 0 || config.http.rateLimitPerIp > 0) {
    const tokens = app.get(AccessTokenVerifier);
    registerRateLimit(fastify, app.get<Redis>(REDIS), {
      perUser: config.http.rateLimitPerUser || Number.MAX_SAFE_INTEGER,
      perIp: config.http.rateLimitPerIp || Number.MAX_SAFE_INTEGER,
      windowMs: 60_000,
      syncMs: config.http.rateLimitSyncMs,
      // Metrics are limited too (per IP: its token is not an access token). Media files are not: a
      // player asks for many byte ranges, and a classroom behind one IP must not spend its API budget on them.
      skip: (request) => isHealthRoute(request.routeOptions?.url) || isMediaRoute(request.routeOptions?.url),
      // Per user, not per token: a fresh sign-in must not buy a fresh budget.
      userKey: (token) => {
        const result = tokens.verify(token);
        return result.valid ? result.claims.sub : null;
      },
    });
  }
  registerQueryGuard(fastify);
  fastify.addHook('onRoute', (route) => {
    if (route.url === BULK_PATH) route.bodyLimit = config.http.importBodyLimitBytes;
  });
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // The adapter's own hook runs before Nest middleware (the access log), which can then tell health probes by route.
  adapter.setOnRequestHook((request, _reply, done) => {
    markRoute(request.raw, request.routeOptions?.url);
    done();
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  registerSecurityHeaders(fastify, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // No inline script anywhere: the web app, the API docs (swagger-ui) and the queue dashboard
        // (bull-board) load theirs from files.
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
        // The web player's <video> and <track> load from /media/ on the same origin.
        mediaSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  app.enableCors({
    origin: config.http.corsOrigins.length === 0 ? false : config.http.corsOrigins.includes('*') ? true : config.http.corsOrigins,
    credentials: false,
    exposedHeaders: ['x-request-id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
  });

  await registerMediaFiles(fastify);
  await mountQueuesDashboard(app, config);
  await mountWebApp(app);
  const document = buildOpenApi(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
