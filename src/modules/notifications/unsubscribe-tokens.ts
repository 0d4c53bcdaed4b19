import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { createHmac, timingSafeEqual } from 'crypto';
import { appConfig } from '../../config/env';
import { REMINDER_KINDS, ReminderKind } from '../reminders/entities/reminder.entity';

/** Signed, scoped to one user and one kind of email: `<base64url(userId:kind)>.<hmac>`. */
@Injectable()
export class UnsubscribeTokens {
  constructor(@Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>) {}

  private sign(payload: string): string {
    return createHmac('sha256', this.config.auth.jwtSecret).update(`unsubscribe:${payload}`).digest('base64url');
  }

  create(userId: string, kind: ReminderKind): string {
    const payload = Buffer.from(`${userId}:${kind}`).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  url(userId: string, kind: ReminderKind): string {
    return `${this.config.publicUrl}/unsubscribe?token=${this.create(userId, kind)}`;
  }

  /** The user and kind, or null for a forged, altered or malformed token. */
  verify(token: string | undefined): { userId: string; kind: ReminderKind } | null {
    if (!token || token.length > 300) return null;
    const [payload, mac] = token.split('.');
    if (!payload || !mac) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    const [userId, kind] = Buffer.from(payload, 'base64url').toString('utf8').split(':');
    if (!/^[0-9a-f-]{36}$/i.test(userId ?? '') || !(REMINDER_KINDS as readonly string[]).includes(kind)) return null;
    return { userId, kind: kind as ReminderKind };
  }
}
