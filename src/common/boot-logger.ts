import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'nestjs-pino';

/** Nest's start-up chatter: one line per module and per route (~100 lines). Logged at debug, not info. */
export const BOOT_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/**
 * The pino logger for Nest, with Nest's boot lines moved down to debug (LOG_LEVEL=debug shows them again).
 * Everything else, including warnings and errors from those contexts, goes through unchanged.
 */
export function quietBootLogger(pino: Logger): LoggerService {
  return {
    log: (message: unknown, ...rest: unknown[]) => {
      const context = rest[rest.length - 1];
      if (typeof context === 'string' && BOOT_CONTEXTS.has(context)) return pino.debug(message, ...rest);
      return pino.log(message, ...rest);
    },
    error: (message: unknown, ...rest: unknown[]) => pino.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => pino.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => pino.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => pino.verbose(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => pino.fatal(message, ...rest),
  };
}
