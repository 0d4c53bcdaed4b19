import type { TestApp } from './app';

/**
 * Moves the user's spent refresh tokens a minute into the past, beyond the grace in which a second
 * use counts as a race (REFRESH_RACE_GRACE_SECONDS): presenting one again is then a reuse.
 */
export async function spentLongAgo(t: TestApp, userId: string): Promise<void> {
  await t.db.query("UPDATE refresh_tokens SET used_at = used_at - interval '1 minute' WHERE user_id = $1 AND used_at IS NOT NULL", [
    userId,
  ]);
}
