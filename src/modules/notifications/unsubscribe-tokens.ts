import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'crypto';
import { isUuid } from '../../common/uuid';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { REMINDER_KINDS } from '../reminders/reminder-kinds';

/** What an unsubscribe link can stop: one reminder kind, or the digest (which turns it off). */
export const UNSUBSCRIBE_KINDS = [...REMINDER_KINDS, 'digest'] as const;
export type UnsubscribeKind = (typeof UNSUBSCRIBE_KINDS)[number];

/** Signed, scoped to one user and one kind of email: `<base64url(userId:kind)>.<hmac>`. */
@Injectable()
export class UnsubscribeTokens {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.config.auth.jwtSecret).update(`unsubscribe:${payload}`).digest('base64url');
  }

  create(userId: string, kind: UnsubscribeKind): string {
    const payload = Buffer.from(`${userId}:${kind}`).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  url(userId: string, kind: UnsubscribeKind): string {
    return `${this.config.publicUrl}/unsubscribe?token=${this.create(userId, kind)}`;
  }

  /**
   * The user and kind, or null for a forged, altered or malformed token. Strict: exactly
   * `<payload>.<mac>` in base64url, the payload exactly `<uuid>:<kind>` in its canonical encoding;
   * anything more or different is refused, even under a valid MAC.
   */
  verify(token: unknown): { userId: string; kind: UnsubscribeKind } | null {
    if (typeof token !== 'string' || token.length > 300) return null;
    const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const [, payload, mac] = match;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const decoded = Buffer.from(payload, 'base64url');
    if (decoded.toString('base64url') !== payload) return null; // non-canonical encoding
    const parts = decoded.toString('utf8').split(':');
    if (parts.length !== 2) return null;
    const [userId, kind] = parts;
    if (!isUuid(userId) || !(UNSUBSCRIBE_KINDS as readonly string[]).includes(kind)) return null;
    return { userId, kind: kind as UnsubscribeKind };
  }
}
