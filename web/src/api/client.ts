import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type User = Schemas['UserDto'];

/**
 * The signed-in session. The access token lives only in this module's memory; the refresh token
 * is an HttpOnly cookie the script never sees, spent by POST /auth/refresh with the CSRF header.
 */
let access: { token: string; expiresAt: number } | null = null;
let currentUser: User | null = null;
const listeners = new Set<(user: User | null) => void>();

export const session = {
  get user() {
    return currentUser;
  },
  subscribe(listener: (user: User | null) => void) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};

type Answer = { accessToken: string; expiresIn: number; user: User };

function signedIn(answer: Answer): User {
  access = { token: answer.accessToken, expiresAt: Date.now() + answer.expiresIn * 1000 };
  setUser(answer.user);
  return answer.user;
}

export function setUser(user: User | null): void {
  currentUser = user;
  if (!user) access = null;
  for (const listener of listeners) listener(user);
}

const csrfToken = () => /(?:^|;\s*)accord_csrf=([^;]+)/.exec(document.cookie)?.[1] ?? '';
const COOKIE_MODE = { 'X-Accord-Session': 'cookie' };

/** Raw calls for the auth routes (no bearer token, no retry). */
const bare = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });

let refreshing: Promise<boolean> | null = null;

/**
 * Trades the refresh cookie for a new access token. Tabs take turns (Web Locks), so two tabs never
 * spend the same refresh token: the second one sends the cookie the first one received.
 */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const run = async () => {
      const { data, response } = await bare.POST('/api/v1/auth/refresh', {
        body: {},
        headers: { 'X-CSRF-Token': csrfToken(), ...COOKIE_MODE },
      });
      if (data) signedIn(data);
      else if (response.status === 401 || response.status === 403) setUser(null);
      return Boolean(data);
    };
    try {
      return navigator.locks ? await navigator.locks.request('accord-refresh', run) : await run();
    } catch {
      return false; // offline: keep whatever we had
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signIn(email: string, password: string): Promise<{ user?: User; error?: string }> {
  const { data, error, response } = await bare.POST('/api/v1/auth/login', { body: { email, password }, headers: COOKIE_MODE });
  if (data) return { user: signedIn(data) };
  if (response.status === 429) return { error: 'Too many attempts. Wait a few minutes, then try again.' };
  return { error: problemText(error, 'The email or password is not right.') };
}

export async function setPassword(token: string, password: string): Promise<{ user?: User; error?: string }> {
  const { data, error } = await bare.POST('/api/v1/auth/set-password', { body: { token, password }, headers: COOKIE_MODE });
  if (data) return { user: signedIn(data) };
  return { error: problemText(error, 'That did not work.') };
}

export async function signOut(): Promise<void> {
  await bare.POST('/api/v1/auth/logout', { body: {}, headers: { 'X-CSRF-Token': csrfToken() } }).catch(() => undefined);
  setUser(null);
}

/** The problem+json detail (or the first field message) in words a person can act on. */
export function problemText(error: unknown, fallback: string): string {
  const problem = error as { detail?: string; errors?: Array<{ message: string }> } | undefined;
  return problem?.errors?.[0]?.message ?? problem?.detail ?? fallback;
}

const retries = new WeakMap<Request, Request>();

const bearer: Middleware = {
  async onRequest({ request }) {
    if (access && access.expiresAt - Date.now() < 30_000) await refresh();
    if (access) request.headers.set('Authorization', `Bearer ${access.token}`);
    retries.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    const again = retries.get(request);
    if (response.status !== 401 || !again) return response;
    // The access token ran out (or the session ended elsewhere): one refresh, one retry.
    if (!(await refresh()) || !access) return response;
    again.headers.set('Authorization', `Bearer ${access.token}`);
    return fetch(again);
  },
};

/** The typed API client: every path, body and answer is checked against the committed openapi.json. */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(bearer);

/** The token for a request made outside the client (the outbox's keepalive flush on page hide). */
export const accessToken = () => access?.token ?? null;
