import { MAX_ACCESS_TTL_SECONDS } from '../../config/env';

/** Room for clock skew between the API (which sets token expiries) and PostgreSQL (which compares them). */
export const CLOCK_SKEW_SECONDS = 300;

/**
 * How long a revoked session's access tokens may still be presented: the longest lifetime any
 * access token may have been issued with, plus clock skew. The per-request check
 * (the users module's session read) refuses tokens of sessions revoked within it; pruning keeps
 * revoked sessions at least that long.
 */
export const REVOKED_SESSION_WINDOW_SECONDS = MAX_ACCESS_TTL_SECONDS + CLOCK_SKEW_SECONDS;
