import fastifyStatic from '@fastify/static';
import { existsSync } from 'fs';
import { dirname, join } from 'path';
import type { FastifyError, FastifyInstance } from 'fastify';
import { RangeNotSatisfiable } from '../../common/errors';
import { sendProblem } from '../../common/problem.filter';

/** Committed media (the demo clip and its captions), served outside the API prefix. */
export const MEDIA_PREFIX = '/media/';
export const DEMO_CLIP = 'accord-demo.webm';
export const DEMO_CAPTIONS = 'accord-demo.en.vtt';

/** The absolute URL of a file under /media/ for a deployment's PUBLIC_URL. */
export const mediaUrl = (publicUrl: string, file: string) => `${publicUrl.replace(/\/+$/, '')}${MEDIA_PREFIX}${file}`;

/**
 * `assets/media` of the project: the nearest folder above this file holding package.json, so it is
 * the same folder from src/ (ts-jest), from dist/src/ (compiled) and from /app in the image.
 */
export function mediaRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'assets', 'media');
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}: cannot find assets/media`);
  }
}

/** Media routes are the files that exist: one route per file, so the matched route tells them apart. */
export const isMediaRoute = (route: string | undefined) => (route ?? '').startsWith(MEDIA_PREFIX);

/**
 * GET/HEAD /media/<file> from assets/media with byte ranges (206), ETag and Last-Modified.
 * `wildcard: false` makes one route per file found at start: any other path under /media/
 * (a traversal, an encoded one, a directory, a dotfile) matches no route and is the app's 404.
 */
export async function registerMediaFiles(fastify: FastifyInstance, root = mediaRoot()): Promise<void> {
  await fastify.register(async (instance: FastifyInstance) => {
    instance.setErrorHandler((error: FastifyError & { headers?: Record<string, string> }, request, reply) => {
      const range = error.statusCode === 416 ? error.headers?.['Content-Range'] : undefined;
      sendProblem(range ? new RangeNotSatisfiable(range) : error, request, reply);
    });
    await instance.register(fastifyStatic, {
      root,
      prefix: MEDIA_PREFIX,
      decorateReply: false, // swagger-ui registers @fastify/static too
      wildcard: false,
      index: false,
      list: false,
      dotfiles: 'ignore',
      serveDotFiles: false,
      acceptRanges: true,
      etag: true,
      lastModified: true,
      // Not fingerprinted: caches keep it for an hour, then revalidate with the ETag.
      maxAge: '1h',
      schemaHide: true,
    });
  });
}
