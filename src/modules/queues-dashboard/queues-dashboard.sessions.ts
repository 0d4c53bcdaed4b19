import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import { appConfig } from '../../config/env';

export const DASHBOARD_PATH = '/admin/queues';
export const SESSION_COOKIE = 'accord_queues';
const TICKET_SECONDS = 60;
const SESSION_SECONDS = 30 * 60;

/** One-minute tickets (in a link) traded for a 30-minute HttpOnly cookie scoped to the dashboard. */
@Injectable()
export class QueuesDashboardSessions {
  constructor(
    private readonly jwt: JwtService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async ticketUrl(userId: string): Promise<{ url: string; expiresIn: number }> {
    const ticket = await this.jwt.signAsync({ sub: userId }, { audience: 'queues-ticket', expiresIn: TICKET_SECONDS });
    return { url: `${this.config.publicUrl}${DASHBOARD_PATH}?ticket=${ticket}`, expiresIn: TICKET_SECONDS };
  }

  async exchange(ticket: string): Promise<{ token: string; maxAge: number } | null> {
    const claims = await this.jwt.verifyAsync<{ sub: string }>(ticket, { audience: 'queues-ticket' }).catch(() => null);
    if (!claims) return null;
    const token = await this.jwt.signAsync({ sub: claims.sub }, { audience: 'queues-session', expiresIn: SESSION_SECONDS });
    return { token, maxAge: SESSION_SECONDS };
  }

  async verify(token: string | undefined): Promise<string | null> {
    if (!token) return null;
    const claims = await this.jwt.verifyAsync<{ sub: string }>(token, { audience: 'queues-session' }).catch(() => null);
    return claims?.sub ?? null;
  }
}
