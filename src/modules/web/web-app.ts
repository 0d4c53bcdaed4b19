import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'fs';
import path from 'path';

/** Where `npm run build` puts the web app (vite's outDir in web/vite.config.ts). */
export const WEB_DIST = path.join(projectRoot(), 'dist', 'web');

/** Paths that are never the web app: an unknown one there stays a problem+json 404. */
const NOT_PAGES = /^\/(?:api|assets|media|admin\/queues)(?:\/|$)/;

function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** Whether the request asks for a page: a GET that takes HTML (browsers, curl's * / *), not a client that wants JSON. */
const wantsPage = (request: FastifyRequest) => {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const accept = request.headers.accept ?? '*/*';
  return /\btext\/html\b|\*\/\*/.test(accept) && !/json/.test(accept.split(',')[0]);
};

/**
 * Serves the built web app at the root: hashed files under /assets/ (cached for a year), and
 * index.html for every client route, i.e. any GET for a page that no server route answers
 * (react-router then shows the page, or its own "not found"). When the app has not been built,
 * nothing is mounted and the API works alone.
 */
export async function mountWebApp(app: NestFastifyApplication, dist = WEB_DIST): Promise<boolean> {
  const indexFile = path.join(dist, 'index.html');
  if (!existsSync(indexFile)) return false;
  const index = readFileSync(indexFile);
  await app.register(fastifyStatic as never, {
    root: path.join(dist, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    maxAge: '365d',
    immutable: true,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions?.url || !wantsPage(request)) return;
    const pathname = request.url.split('?')[0];
    if (NOT_PAGES.test(pathname)) return;
    // A new deploy changes the script names inside: always revalidate the page itself.
    await reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
    return reply;
  });
  return true;
}
