import { Unavailable } from './errors';

/**
 * Awaits work that needs a shared dependency (Redis) and, if it fails, answers 503 with
 * Retry-After and the given message: refuse, rather than go on without the check it provides.
 */
export async function orUnavailable<T>(work: Promise<T>, message: string, retryAfterSeconds = 5): Promise<T> {
  try {
    return await work;
  } catch {
    throw new Unavailable(message, retryAfterSeconds);
  }
}
