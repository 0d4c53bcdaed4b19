import type { IncomingMessage } from 'http';

/** Parameter names that are secrets on their own (set-password, unsubscribe and dashboard links, OAuth `code`, `key`, `sig`…). */
const SECRET_NAMES = new Set(
  'token ticket secret pass passwd password pwd key apikey code session sessionid sid signature sig auth authorization jwt otp credential credentials'.split(
    ' ',
  ),
);
/** Last words that make a compound name secret: access_token, refreshToken, x-csrf-token, client_secret, X-Amz-Signature. */
const SECRET_LAST_WORDS = new Set('token ticket secret password passwd pwd signature jwt otp credential credentials'.split(' '));
/** Last two words likewise: api_key, x-api-key, secretKey, auth_code. */
const SECRET_LAST_PAIRS = new Set('apikey secretkey privatekey accesskey authcode'.split(' '));

/** Judged by whole words, so `author`, `courseCode` or `sortKey` are not taken for secrets. */
function isSecretParam(name: string): boolean {
  const words = name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  if (!words.length) return false;
  return (
    SECRET_NAMES.has(words.join('')) || SECRET_LAST_WORDS.has(words[words.length - 1]) || SECRET_LAST_PAIRS.has(words.slice(-2).join(''))
  );
}
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
        return isSecretParam(name) ? `${raw}=${REDACTED}` : pair;
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

/** Whether a matched route pattern (Fastify's `routeOptions.url`; undefined when nothing matched) is a health probe. */
export const isHealthRoute = (route: string | undefined) => HEALTH_ROUTES.has(route ?? '');

/** Health probes stay out of the access log, decided by the matched route, never by the URL's text. */
export const isHealthProbe = (raw: IncomingMessage) => isHealthRoute((raw as Marked)[MATCHED_ROUTE]);
