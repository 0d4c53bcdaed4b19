import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'crypto';
import type { FastifyRequest } from 'fastify';
import { DomainError, NotFound } from '../../common/errors';
import { APP_CONFIG, AppConfig } from '../../config/env';

/** The OpenAPI security scheme of /metrics: a bearer METRICS_TOKEN, not an access token. */
export const METRICS_SECURITY = 'metrics';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * /metrics shows every route and the reminder counts: only a scraper holding METRICS_TOKEN may read
 * it. Without a token configured the endpoint is not served (404). Digests of equal length are
 * compared in constant time, so the answer time says nothing about the token.
 */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  private readonly expected: Buffer | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = config.metrics.token ? digest(config.metrics.token) : null;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new NotFound('The resource');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const given = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header)?.[1] : undefined;
    if (given && timingSafeEqual(digest(given), this.expected)) return true;
    throw new DomainError(HttpStatus.UNAUTHORIZED, 'unauthenticated', 'The metrics token is missing or wrong', undefined, {
      'WWW-Authenticate': 'Bearer realm="metrics"',
    });
  }
}
