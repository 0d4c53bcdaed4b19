import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../../config/env';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers?: Record<string, string>;
}

/**
 * The header fields a DKIM signature covers. RFC 8058 honours one-click unsubscribe only when both
 * List-Unsubscribe fields are signed, so they are named here rather than left to nodemailer's default.
 */
export const DKIM_SIGNED_HEADERS = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
] as const;

/** RFC 8058 one-click unsubscribe: both fields, which the DKIM signature must cover. */
export function oneClickUnsubscribeHeaders(url: string): Record<string, string> {
  return { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/** nodemailer over SMTP_URL with a connection pool; DKIM-signed when DKIM_* is configured. */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const url = new URL(config.mail.smtpUrl);
    if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
    if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', String(config.mail.poolSize));
    const dkim = config.mail.dkim;
    // nodemailer's own DKIM signer, as a transport option (the URL cannot carry it).
    this.transport = createTransport({
      url: url.toString(),
      ...(dkim && {
        dkim: {
          domainName: dkim.domain,
          keySelector: dkim.selector,
          privateKey: dkim.privateKey,
          headerFieldNames: DKIM_SIGNED_HEADERS.join(':'),
        },
      }),
    });
  }

  async send(mail: OutgoingMail): Promise<string> {
    const info = (await this.transport.sendMail({ from: this.config.mail.from, ...mail })) as { messageId: string };
    return info.messageId;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
