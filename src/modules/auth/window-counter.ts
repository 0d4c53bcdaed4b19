import { createHash } from 'crypto';

/** A short, stable key part for an email or address, so neither appears in Redis as it is. */
export const keyHash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);

/**
 * Lua: `count(key, ms)` adds one to a counter that lives `ms` from its first count and returns
 * the new count and the time left. Shared by the sign-in and password-reset throttles' scripts.
 */
export const WINDOW_COUNT_LUA = `
local function count(key, ms)
  local n = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then redis.call('PEXPIRE', key, ms) ttl = tonumber(ms) end
  return n, ttl
end`;
