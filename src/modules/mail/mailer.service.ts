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

/** nodemailer over SMTP_URL with a connection pool. */
@Injectable()
export class MailerService implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const url = new URL(config.mail.smtpUrl);
    if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
    if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', String(config.mail.poolSize));
    this.transport = createTransport(url.toString());
  }

  async send(mail: OutgoingMail): Promise<string> {
    const info = (await this.transport.sendMail({ from: this.config.mail.from, ...mail })) as { messageId: string };
    return info.messageId;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
