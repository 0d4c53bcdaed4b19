import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { ComposedMail, fillLinks, LINK_MARKERS, usesLink } from '../mail/links';
import { MailerService, oneClickUnsubscribeHeaders } from '../mail/mailer.service';
import { render } from '../mail/templates';
import { mailDate } from '../mail/mail-dates';
import { DEFAULT_QUIET_HOURS, quietUntil } from '../notifications/quiet-hours';
import { UnsubscribeTokens } from '../notifications/unsubscribe-tokens';
import { InvitationService } from '../users/invitation.service';
import { DigestSender } from './digest-sender';
import { reminderKind } from './reminder-kinds';
import { ReminderSendRepository, SendContext } from './reminder-send.repository';
import { skipReason } from './skip-reason';

export { skipReason } from './skip-reason';

export type SendOutcome = 'sent' | `skipped:${string}` | 'deferred' | 'held' | 'not-claimable';

/** How long a sender waits for the transaction still writing its reminder; it looks again after 20 ms, 40 ms… up to 500 ms. */
const WRITER_WAIT_MS = 15_000;
const WRITER_FIRST_POLL_MS = 20;
const WRITER_MAX_POLL_MS = 500;

/**
 * Sends one reminder at most once: it claims the row (queued → sending, with a lease), re-reads
 * everything, then skips, defers (quiet hours) or sends the composed message and marks it sent.
 * The single unavoidable window: a crash after the SMTP server accepted the message and before
 * the row is marked sent; the lease then expires and the message is sent again, with the same
 * Message-ID (`<reminder-<id>@accord>`), so the duplicate is recognisable.
 */
@Injectable()
export class ReminderSender {
  private readonly logger = new Logger(ReminderSender.name);

  constructor(
    private readonly reminders: ReminderSendRepository,
    private readonly mailer: MailerService,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly invitations: InvitationService,
    private readonly digests: DigestSender,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** `xid`: the transaction writing the reminder, when its job was queued before that transaction committed. */
  async send(reminderId: string, finalAttempt: boolean, xid?: string): Promise<SendOutcome> {
    const now = this.clock.now();
    const [ctx] = await this.reminders.claimAndRead(reminderId, now, this.config.reminders.leaseSeconds);
    if (!ctx) {
      const current = await this.reminders.status(reminderId);
      // Another sender holds a live lease: let BullMQ try again later.
      if (current === 'sending') throw new Error(`reminder ${reminderId} is being sent by another worker`);
      // Queued while its row was being written (missing, or committed just after the claim looked):
      // once that transaction has committed, try again (once).
      if (xid && (!current || current === 'queued') && (await this.committed(xid, reminderId))) return this.send(reminderId, finalAttempt);
      return 'not-claimable';
    }
    const messageId = `<reminder-${reminderId}@accord>`;
    let mail: ComposedMail | null = null;
    try {
      const reason = skipReason(ctx);
      if (reason) {
        await this.reminders.markSkipped(reminderId, reason);
        this.logger.log({ reminderId, kind: ctx.kind, reason }, 'reminder skipped');
        return `skipped:${reason}`;
      }
      // The user chose a digest: the reminder waits for it instead (quiet hours apply to the digest).
      if (reminderKind(ctx.kind).digest && ctx.digest_frequency !== 'off') {
        const digestId = await this.digests.hold(ctx, now);
        if (digestId) {
          this.logger.log({ reminderId, kind: ctx.kind, digestId }, 'reminder held for a digest');
          return 'held';
        }
      }
      if (reminderKind(ctx.kind).quietHours) {
        const window = ctx.has_preferences
          ? ctx.quiet_start && ctx.quiet_end
            ? { start: ctx.quiet_start, end: ctx.quiet_end }
            : null
          : DEFAULT_QUIET_HOURS;
        const until = quietUntil(now, ctx.timezone, window);
        if (until) {
          await this.reminders.defer(reminderId, until);
          this.logger.log({ reminderId, kind: ctx.kind, until: until.toISOString() }, 'reminder deferred for quiet hours');
          return 'deferred';
        }
      }
      // Composed once: a retry sends exactly what the first attempt composed, but for the live links.
      mail =
        ctx.subject && ctx.body_text && ctx.body_html
          ? { subject: ctx.subject, text: ctx.body_text, html: ctx.body_html }
          : this.compose(ctx);
      const unsubscribeUrl = this.unsubscribe.url(ctx.user_id, ctx.kind);
      await this.mailer.send({
        to: ctx.email,
        ...fillLinks(mail, { unsubscribe: unsubscribeUrl, setPassword: await this.setPasswordLink(ctx, mail) }),
        messageId,
        headers: oneClickUnsubscribeHeaders(unsubscribeUrl),
      });
    } catch (error) {
      // Whatever failed after the claim, the row leaves `sending`: queued for BullMQ's retry, or failed for good.
      const message = error instanceof Error ? error.message : String(error);
      if (mail && !ctx.subject) await this.reminders.saveRendered(reminderId, { ...mail, messageId });
      await this.reminders.markAttemptFailed(reminderId, message, finalAttempt);
      this.logger.warn({ reminderId, kind: ctx.kind, attempt: ctx.attempts, finalAttempt, error: message }, 'reminder send failed');
      throw error;
    }
    await this.reminders.markSent(reminderId, this.clock.now(), { ...mail, messageId });
    this.logger.log({ reminderId, kind: ctx.kind, userId: ctx.user_id }, 'reminder sent');
    return 'sent';
  }

  /** Waits while transaction `xid` is open; true if it committed, false if it rolled back (or is unknown). */
  private async committed(xid: string, reminderId: string): Promise<boolean> {
    // Real elapsed time, not the Clock: this bounds a wait, it is no rule's "now".
    const deadline = Date.now() + WRITER_WAIT_MS;
    for (let pause = WRITER_FIRST_POLL_MS; ; pause = Math.min(pause * 2, WRITER_MAX_POLL_MS)) {
      const state = await this.reminders.transactionState(xid);
      if (state !== 'in progress') return state === 'committed';
      // BullMQ retries later (with backoff) rather than holding the slot for ever.
      if (Date.now() > deadline) throw new Error(`reminder ${reminderId} is still being written (transaction ${xid} is open)`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  /** A usable set-password link, made at send time; none (the line is dropped) once the user has a password. */
  private async setPasswordLink(ctx: SendContext, mail: ComposedMail): Promise<string | null | undefined> {
    if (!usesLink(mail, 'setPassword')) return undefined;
    if (ctx.has_password) return null;
    // After choosing a password the web app opens the course the email is about.
    const next = `&next=${encodeURIComponent(`/courses/${ctx.course_slug}`)}`;
    return this.invitations.linkFor(await this.invitations.usableTokenFor(ctx.user_id)) + next;
  }

  /** The message with markers where live links go: what is stored never holds a working token. */
  private compose(ctx: SendContext): ComposedMail {
    const base = this.config.publicUrl;
    const courseUrl = `${base}/courses/${ctx.course_slug}`;
    const data: Record<string, unknown> = {
      name: ctx.user_name,
      courseTitle: ctx.course_title,
      courseUrl,
      moduleTitle: ctx.module_title,
      moduleUrl: ctx.module_id ? `${courseUrl}/modules/${ctx.module_id}` : courseUrl,
      unsubscribeUrl: LINK_MARKERS.unsubscribe,
    };
    if (ctx.due_at) {
      data.dueAt = mailDate(new Date(ctx.due_at), ctx.timezone, this.clock.now());
      data.dueAtShort = mailDate(new Date(ctx.due_at), ctx.timezone, this.clock.now(), 'short');
    }
    // Every template gets the same data and uses what it names ({{days}}, {{setPasswordUrl}}…): no kind is special here.
    data.days = Math.max(1, Math.floor((this.clock.now().getTime() - new Date(ctx.quiet_since).getTime()) / 86_400_000));
    if (!ctx.has_password) data.setPasswordUrl = LINK_MARKERS.setPassword;
    return render(reminderKind(ctx.kind).template, data);
  }
}
