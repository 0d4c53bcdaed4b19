import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { Clock } from '../../common/clock';
import { InvitationService } from '../users/invitation.service';
import { UserAccounts } from '../users/user-accounts';
import { InvitationJobData, MailJob, QueueName } from '../jobs/queues';
import { mailDate } from './mail-dates';
import { MailerService } from './mailer.service';
import { render } from './templates';

/** Sends transactional mail. Jobs carry ids; the processor re-reads and decides. */
@Processor(QueueName.Mail)
export class MailProcessor extends WorkerHost {
  private readonly logger = new Logger(MailProcessor.name);

  constructor(
    private readonly invitations: InvitationService,
    private readonly users: UserAccounts,
    private readonly mailer: MailerService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job<InvitationJobData>): Promise<string> {
    switch (job.name as MailJob) {
      case MailJob.Invitation:
        return this.sendInvitation(job.data.passwordTokenId);
      case MailJob.PasswordReset:
        return this.sendPasswordReset(job.data.passwordTokenId);
      default:
        throw new Error(`Unknown job ${job.name} on queue ${QueueName.Mail}`);
    }
  }

  private async sendInvitation(passwordTokenId: string): Promise<string> {
    const token = await this.invitations.findUsable(passwordTokenId);
    if (!token) return 'skipped: token used or expired';
    const user = await this.users.findById(token.userId);
    if (!user?.isActive) return 'skipped: user missing or deactivated';
    const mail = render('invitation', {
      name: user.name,
      link: this.invitations.linkFor(token.id),
      expiresAt: mailDate(token.expiresAt, user.timezone, this.clock.now()),
    });
    await this.mailer.send({ to: user.email, ...mail, messageId: `<invitation-${token.id}@accord>` });
    this.logger.log({ userId: user.id, passwordTokenId }, 'invitation sent');
    return 'sent';
  }

  /** Skips a link that was used or replaced by a newer one (its token expired) before the job ran. */
  private async sendPasswordReset(passwordTokenId: string): Promise<string> {
    const token = await this.invitations.findUsable(passwordTokenId);
    if (!token) return 'skipped: token used, replaced or expired';
    const user = await this.users.findById(token.userId);
    if (!user?.isActive) return 'skipped: user missing or deactivated';
    const mail = render('password_reset', {
      name: user.name,
      link: this.invitations.resetLinkFor(token.id),
      expiresAt: mailDate(token.expiresAt, user.timezone, this.clock.now()),
    });
    await this.mailer.send({ to: user.email, ...mail, messageId: `<password-reset-${token.id}@accord>` });
    this.logger.log({ userId: user.id, passwordTokenId }, 'password reset sent');
    return 'sent';
  }
}
