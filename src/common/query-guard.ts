import type { FastifyInstance } from 'fastify';
import { InvalidInput } from './errors';
import { unsafeText } from './input-text';

/**
 * Every query parameter Accord reads is a single value: a repeated one (`?token=a&token=b`
 * arrives as an array) is refused before any handler sees it, as is a value PostgreSQL cannot
 * store as text (a NUL, a lone surrogate). Runs first, before the body is read.
 */
export function registerQueryGuard(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query) return;
    for (const name of Object.keys(query)) {
      const value = query[name];
      const field = name.slice(0, 100);
      if (Array.isArray(value)) {
        throw new InvalidInput(`The query parameter "${field}" is given more than once`, [
          { field, message: `${field} must be given once` },
        ]);
      }
      const problem = (typeof value === 'string' ? unsafeText(value) : null) ?? unsafeText(name);
      if (problem) throw new InvalidInput(`The query parameter "${field}" ${problem}`, [{ field, message: `${field} ${problem}` }]);
    }
  });
}
