/**
 * The value of one cookie from a Cookie header (RFC 6265: `name=value` pairs split by `;`), or
 * undefined when it is absent or its escapes are malformed (treated as no cookie, so the caller
 * answers 401 rather than 500). The first occurrence wins, as browsers send the most specific path first.
 */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of (Array.isArray(header) ? header.join(';') : header).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  httpOnly?: boolean;
  secure?: boolean;
}

/** A Set-Cookie value; every cookie Accord sets is SameSite=Strict. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path}`,
    ...(options.httpOnly ? ['HttpOnly'] : []),
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
