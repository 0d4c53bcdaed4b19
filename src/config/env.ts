import { createPrivateKey } from 'crypto';
import { readFileSync } from 'fs';
import { IMPORT_BODY_LIMIT_DEFAULT } from '../common/limits';

/** Raised when an environment variable is missing or malformed; the message names it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The longest access-token lifetime JWT_ACCESS_TTL_SECONDS allows: how long any token ever issued can live, whatever the setting now. */
export const MAX_ACCESS_TTL_SECONDS = 86_400;

function str(env: Env, name: string, fallback?: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(name, 'is required but not set');
  }
  return raw.trim();
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string {
  const value = str(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')}), got a malformed value`);
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol.replace(/:$/, '')}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const value = str(env, name, fallback);
  if (!(values as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${values.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** The PEM of DKIM_PRIVATE_KEY (`\\n` escapes allowed, for one-line env files) or of the file DKIM_PRIVATE_KEY_FILE names. */
function dkimKey(env: Env): { name: string; pem: string } | undefined {
  const inline = optional(env, 'DKIM_PRIVATE_KEY');
  const file = optional(env, 'DKIM_PRIVATE_KEY_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError('DKIM_PRIVATE_KEY_FILE', 'set either DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both');
  }
  if (inline !== undefined) return { name: 'DKIM_PRIVATE_KEY', pem: inline.replace(/\\n/g, '\n') };
  if (file === undefined) return undefined;
  try {
    return { name: 'DKIM_PRIVATE_KEY_FILE', pem: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new ConfigError('DKIM_PRIVATE_KEY_FILE', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * DKIM signing: off unless all of DKIM_DOMAIN, DKIM_SELECTOR and a key are set; some of them alone is
 * a mistake worth refusing to start for. Errors never quote the key.
 */
function dkimConfig(env: Env): { domain: string; selector: string; privateKey: string } | null {
  const domain = optional(env, 'DKIM_DOMAIN');
  const selector = optional(env, 'DKIM_SELECTOR');
  const key = dkimKey(env);
  const set = { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, 'DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE)': key };
  const missing = Object.entries(set).filter(([, value]) => value === undefined);
  if (missing.length === 3) return null;
  if (missing.length > 0) {
    throw new ConfigError(
      missing[0][0],
      `must be set with the other DKIM_ variables (DKIM signing needs all three; unset them all to send unsigned)`,
    );
  }
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domain!)) {
    throw new ConfigError('DKIM_DOMAIN', 'must be a domain name such as example.org');
  }
  if (!/^[a-z0-9]([a-z0-9._-]{0,62})$/i.test(selector!)) throw new ConfigError('DKIM_SELECTOR', 'must be a DNS label such as accord2026');
  let keyType: string | undefined;
  try {
    keyType = createPrivateKey(key!.pem).asymmetricKeyType;
  } catch {
    throw new ConfigError(key!.name, 'is not a readable PEM private key');
  }
  // nodemailer signs rsa-sha256 only.
  if (keyType !== 'rsa') throw new ConfigError(key!.name, `must be an RSA key, got ${keyType ?? 'an unknown type'}`);
  const dkim = { domain: domain!, selector: selector!, privateKey: key!.pem };
  // Kept out of JSON.stringify and util.inspect of the config, so a logged config never shows the key.
  Object.defineProperty(dkim, 'privateKey', { enumerable: false });
  return dkim;
}

/**
 * One Redis (REDIS_URL) or a Redis Cluster (REDIS_CLUSTER_NODES, a comma-separated host:port list of
 * some of its masters; REDIS_URL then only carries the username, password and TLS, and may be unset).
 */
function redisConfig(env: Env) {
  const nodes = optional(env, 'REDIS_CLUSTER_NODES');
  const prefix = str(env, 'REDIS_PREFIX', 'accord');
  if (!/^[A-Za-z0-9_.:-]+$/.test(prefix)) throw new ConfigError('REDIS_PREFIX', 'may hold only letters, digits and _ . : -');
  if (nodes === undefined) return { url: url(env, 'REDIS_URL', ['redis', 'rediss']) as string | null, prefix, clusterNodes: null };
  const clusterNodes = nodes.split(',').map((node) => {
    const match = /^\s*(\[[0-9a-fA-F:]+\]|[^\s:,]+):(\d{1,5})\s*$/.exec(node);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError('REDIS_CLUSTER_NODES', `must be a comma-separated list of host:port, got "${node.trim()}"`);
    }
    return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
  });
  return { url: optional(env, 'REDIS_URL') === undefined ? null : url(env, 'REDIS_URL', ['redis', 'rediss']), prefix, clusterNodes };
}

export function loadDatabaseConfig(env: Env = process.env) {
  return {
    url: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
    poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
  };
}

/**
 * Failed sign-ins allowed per account and address, per address, and per account from every
 * address together. The account budget must be more than one address can use on its own within
 * the account window, or a single guesser could lock the owner out.
 */
function loginLimits(env: Env) {
  const loginMaxFailures = int(env, 'LOGIN_MAX_FAILURES', 5, 1, 1000);
  const loginWindowSeconds = int(env, 'LOGIN_WINDOW_SECONDS', 60, 1, 86_400);
  const loginAccountWindowSeconds = int(env, 'LOGIN_ACCOUNT_WINDOW_SECONDS', 900, 1, 7 * 86_400);
  if (loginAccountWindowSeconds < loginWindowSeconds) {
    throw new ConfigError(
      'LOGIN_ACCOUNT_WINDOW_SECONDS',
      `must be at least LOGIN_WINDOW_SECONDS (${loginWindowSeconds}), got ${loginAccountWindowSeconds}`,
    );
  }
  const oneAddress = loginMaxFailures * (Math.ceil(loginAccountWindowSeconds / loginWindowSeconds) + 1);
  const loginAccountMaxFailures = int(env, 'LOGIN_ACCOUNT_MAX_FAILURES', 100, 1, 10_000_000);
  if (loginAccountMaxFailures <= oneAddress) {
    throw new ConfigError(
      'LOGIN_ACCOUNT_MAX_FAILURES',
      `must be more than ${oneAddress} (what one address may try within LOGIN_ACCOUNT_WINDOW_SECONDS at LOGIN_MAX_FAILURES per LOGIN_WINDOW_SECONDS), got ${loginAccountMaxFailures}`,
    );
  }
  return {
    loginMaxFailures,
    loginIpMaxFailures: int(env, 'LOGIN_IP_MAX_FAILURES', 20, 1, 100_000),
    loginWindowSeconds,
    loginAccountMaxFailures,
    loginAccountWindowSeconds,
  };
}

/** How long raw events, reminder bodies and rows, and audit entries are kept (the worker's retention job deletes older ones). */
function loadRetention(env: Env) {
  const reminderBodyDays = int(env, 'REMINDER_BODY_RETENTION_DAYS', 30, 1, 36_500);
  const reminderRowDays = int(env, 'REMINDER_ROW_RETENTION_DAYS', 365, 1, 36_500);
  if (reminderRowDays < reminderBodyDays)
    throw new ConfigError('REMINDER_ROW_RETENTION_DAYS', 'must be at least REMINDER_BODY_RETENTION_DAYS');
  return {
    /** Raw progress events; item_progress keeps the state they built. */
    progressEventDays: int(env, 'PROGRESS_EVENT_RETENTION_DAYS', 180, 1, 36_500),
    /** Sent, skipped and cancelled reminders lose subject and bodies after this long (since they reached that status)... */
    reminderBodyDays,
    /** ...and the rows themselves after this long. */
    reminderRowDays,
    /** Audit entries; 0 keeps them for ever. */
    auditDays: int(env, 'AUDIT_RETENTION_DAYS', 0, 0, 36_500),
    /** How often the worker runs the retention job; 0 = never (run it from elsewhere). */
    intervalMs: int(env, 'RETENTION_INTERVAL_MS', 3_600_000, 0, 7 * 86_400_000),
    /** Rows per DELETE/UPDATE statement, so no statement holds many locks or a long transaction. */
    batchSize: int(env, 'RETENTION_BATCH_SIZE', 5_000, 100, 1_000_000),
  };
}

export function loadConfig(env: Env = process.env) {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = int(env, 'PORT', 3000, 0, 65535);
  const jwtSecret = str(env, 'JWT_SECRET');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
  const adminEmail = optional(env, 'ADMIN_EMAIL');
  const adminPassword = optional(env, 'ADMIN_PASSWORD');
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    throw new ConfigError(adminEmail ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL', 'must be set together with the other ADMIN_ variable');
  }
  if (adminEmail && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError('ADMIN_EMAIL', 'must be an email address');
  if (adminPassword && adminPassword.length < 8) throw new ConfigError('ADMIN_PASSWORD', 'must be at least 8 characters long');
  const publicUrl = url(env, 'PUBLIC_URL', ['http', 'https'], `http://localhost:${port}`).replace(/\/+$/, '');
  const metricsToken = optional(env, 'METRICS_TOKEN');
  if (metricsToken !== undefined && !/^[\x21-\x7e]{32,}$/.test(metricsToken)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 32 printable characters without spaces');
  }
  const corsOrigins = (optional(env, 'CORS_ORIGINS') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const dispatchIntervalMs = int(env, 'REMINDER_DISPATCH_INTERVAL_MS', 5_000, 100, 3_600_000);
  return {
    nodeEnv,
    port,
    host: str(env, 'HOST', '0.0.0.0'),
    publicUrl,
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    logPretty: oneOf(env, 'LOG_PRETTY', ['true', 'false'] as const, nodeEnv === 'development' ? 'true' : 'false') === 'true',
    database: loadDatabaseConfig(env),
    redis: redisConfig(env),
    mail: {
      smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps']),
      from: str(env, 'MAIL_FROM', 'Accord <no-reply@accord.local>'),
      poolSize: int(env, 'SMTP_POOL_SIZE', 5, 1, 100),
      /** DKIM signing of every email; null = unsigned. */
      dkim: dkimConfig(env),
    },
    reminders: {
      /** Emails per second across this worker; 0 = no limit. */
      sendRatePerSecond: int(env, 'REMINDER_SEND_RATE', 0, 0, 100_000),
      concurrency: int(env, 'REMINDER_CONCURRENCY', 20, 1, 500),
      attempts: int(env, 'REMINDER_ATTEMPTS', 8, 1, 100),
      backoffMs: int(env, 'REMINDER_BACKOFF_MS', 30_000, 10, 86_400_000),
      dispatchIntervalMs,
      /** How often each worker checks that the schedulers (and their next jobs) still exist in Redis; defaults to the dispatch interval. */
      watchdogIntervalMs: int(env, 'REMINDER_WATCHDOG_INTERVAL_MS', dispatchIntervalMs, 100, 3_600_000),
      lookaheadSeconds: int(env, 'REMINDER_LOOKAHEAD_SECONDS', 60, 0, 86_400),
      inactivityScanIntervalMs: int(env, 'INACTIVITY_SCAN_INTERVAL_MS', 3_600_000, 1_000, 86_400_000),
      reconcileIntervalMs: int(env, 'REMINDER_RECONCILE_INTERVAL_MS', 60_000, 1_000, 86_400_000),
      /** How often instructors' at-risk alert slots are planned and due ones sent. */
      atRiskAlertIntervalMs: int(env, 'AT_RISK_ALERT_INTERVAL_MS', 300_000, 1_000, 3_600_000),
      /** How long a sender may hold a reminder in `sending` before another may take it over. */
      leaseSeconds: int(env, 'REMINDER_LEASE_SECONDS', 120, 1, 86_400),
      /** BullMQ job lock; a crashed worker's jobs are taken over after about this long. */
      lockMs: int(env, 'REMINDER_LOCK_MS', 30_000, 500, 600_000),
      /** Start the repeatable dispatcher/scanner/reconciler jobs (tests drive them by hand). */
      schedulers: oneOf(env, 'REMINDER_SCHEDULERS', ['true', 'false'] as const, 'true') === 'true',
    },
    auth: {
      jwtSecret,
      accessTtlSeconds: int(env, 'JWT_ACCESS_TTL_SECONDS', 900, 30, MAX_ACCESS_TTL_SECONDS),
      /** How long an API process may reuse a user's session check (changes are also announced to every process at once); 0 = re-read every request. */
      sessionCacheMs: int(env, 'AUTH_SESSION_CACHE_MS', 5_000, 0, 60_000),
      refreshTtlDays: int(env, 'REFRESH_TTL_DAYS', 30, 1, 365),
      inviteTtlHours: int(env, 'INVITE_TTL_HOURS', 168, 1, 24 * 60),
      /** Lifetime of a password-reset link. */
      passwordResetTtlMinutes: int(env, 'PASSWORD_RESET_TTL_MINUTES', 60, 5, 7 * 24 * 60),
      /** Password-reset requests per email and per client address within the window, before 429. */
      passwordResetMaxPerEmail: int(env, 'PASSWORD_RESET_MAX_PER_EMAIL', 5, 1, 1000),
      passwordResetMaxPerIp: int(env, 'PASSWORD_RESET_MAX_PER_IP', 20, 1, 100_000),
      passwordResetWindowSeconds: int(env, 'PASSWORD_RESET_WINDOW_SECONDS', 3600, 1, 7 * 86_400),
      ...loginLimits(env),
    },
    progress: {
      /** How long a progress write may wait for its turn, in the process and then on its enrolments' row locks, before a 503. */
      writeWaitMs: int(env, 'PROGRESS_WRITE_WAIT_MS', 3_000, 100, 60_000),
      /** Progress writes of one student that may wait in one API process behind the running one; more get a 429. */
      writeQueue: int(env, 'PROGRESS_WRITE_QUEUE', 8, 0, 1_000),
    },
    retention: loadRetention(env),
    /** The bearer token a Prometheus scraper sends for /metrics; unset = /metrics is not served. */
    metrics: { token: metricsToken ?? null },
    admin: adminEmail && adminPassword ? { email: adminEmail.toLowerCase(), password: adminPassword } : null,
    http: {
      corsOrigins,
      bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
      /** Bulk enrolment bodies (10,000 rows of JSON or CSV) get more room than other routes. */
      importBodyLimitBytes: int(env, 'IMPORT_BODY_LIMIT_BYTES', IMPORT_BODY_LIMIT_DEFAULT, 1024, 100 * 1_048_576),
      // Only behind a proxy you control: otherwise clients could choose their own IP (and dodge throttles).
      trustProxy: oneOf(env, 'TRUST_PROXY', ['true', 'false'] as const, 'false') === 'true',
      /** Requests per minute per signed-in user (all their tokens together), and per IP for anonymous callers; 0 turns the limit off. */
      rateLimitPerUser: int(env, 'RATE_LIMIT_PER_MINUTE', 1200, 0, 10_000_000),
      rateLimitPerIp: int(env, 'RATE_LIMIT_ANONYMOUS_PER_MINUTE', 300, 0, 10_000_000),
      /** How often each API process adds its local request counts to the shared ones in Redis. */
      rateLimitSyncMs: int(env, 'RATE_LIMIT_SYNC_MS', 100, 10, 10_000),
      /** A request not answered within this time is cut off (slow-request protection). */
      requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
    },
  };
}

export type AppConfig = ReturnType<typeof loadConfig>;

/** Injection token of the validated configuration: `@Inject(APP_CONFIG) config: AppConfig` (CoreModule provides the instance main.ts loaded). */
export const APP_CONFIG = 'CONFIG(app)';
