import { createHash } from 'crypto';

/** Hex SHA-256: how opaque tokens (refresh, set-password) are stored. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
