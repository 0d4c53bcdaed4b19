import type { IncomingMessage } from 'http';

/** Query parameters whose values are secrets wherever they appear (set-password, unsubscribe, dashboard links…). */
const SECRET_PARAM = /token|ticket|secret|pass(word|wd)?|pwd|key|sig|code|auth|session|jwt|otp|cred/i;
/** Token-shaped values wherever they appear: JWTs, and Accord's `<id>.<hmac>` tokens. */
const SECRET_VALUE = /eyJ[\w-]*\.[\w-]+\.[\w-]*|[\w-]{16,}(?:\.|%2e)[\w-]{40,}/gi;
export const REDACTED = '[redacted]';

/** A URL fit for a log line: secret query values and token-shaped strings replaced. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  let out = q < 0 ? url : url.slice(0, q);
  if (q >= 0) {
    const pairs = url
      .slice(q + 1)
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        if (eq < 0) return pair;
        const raw = pair.slice(0, eq);
        let name = raw;
        try {
          name = decodeURIComponent(raw.replace(/\+/g, ' '));
        } catch {
          // a malformed escape: judge the raw name
        }
        return SECRET_PARAM.test(name) ? `${raw}=${REDACTED}` : pair;
      });
    out += `?${pairs.join('&')}`;
  }
  return out.replace(SECRET_VALUE, REDACTED);
}

/** The route pattern Fastify matched, put on the raw request before Nest middleware (the access log) runs. */
const MATCHED_ROUTE = Symbol('accord.matchedRoute');
type Marked = IncomingMessage & { [MATCHED_ROUTE]?: string };

export function markRoute(raw: IncomingMessage, route: string | undefined): void {
  (raw as Marked)[MATCHED_ROUTE] = route;
}

const HEALTH_ROUTES = new Set(['/api/v1/health/live', '/api/v1/health/ready']);

/** Health probes stay out of the access log, decided by the matched route, never by the URL's text. */
export const isHealthProbe = (raw: IncomingMessage) => HEALTH_ROUTES.has((raw as Marked)[MATCHED_ROUTE] ?? '');
