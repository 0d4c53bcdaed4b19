import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { ReminderJob } from '../jobs/queues';
import { ComposedMail, fillLinks, LINK_MARKERS } from '../mail/links';
import { MailerService } from '../mail/mailer.service';
import { render } from '../mail/templates';
import { DEFAULT_QUIET_HOURS, quietUntil } from '../notifications/quiet-hours';
import { mailDate } from '../mail/mail-dates';
import { UnsubscribeTokens } from '../notifications/unsubscribe-tokens';
import { slotAtOrAfter } from '../notifications/email-slots';
import { DigestRecipient, DigestRepository, DigestRow } from './digest.repository';
import { ReminderJobHandler } from './reminder-job-handler';
import { ReminderKind } from './reminder-kinds';
import { skipReason } from './skip-reason';
import { SendContext } from './reminder-send.repository';

/** At most this many digests per run; the next run (one dispatch interval later) takes the rest. */
const PER_RUN = 500;
/** How many slots ahead a reminder looks when the nearest digest is already on its way. */
const SLOT_TRIES = 3;

const ITEM_LABEL: Record<ReminderKind, string> = {
  welcome: 'Welcome',
  assignment: 'New assignment',
  due_soon: 'Due soon',
  overdue: 'Overdue',
  inactivity: 'Waiting for you',
};
/** When one item has several entries (a notice and its due-soon reminder), the most pressing names it. */
const URGENCY: Record<ReminderKind, number> = { welcome: 0, assignment: 1, inactivity: 2, due_soon: 3, overdue: 4 };

const windowOf = (p: { has_preferences: boolean; quiet_start: string | null; quiet_end: string | null }) =>
  p.has_preferences ? (p.quiet_start && p.quiet_end ? { start: p.quiet_start, end: p.quiet_end } : null) : DEFAULT_QUIET_HOURS;

/**
 * Digests: the reminder sender holds digest kinds here (`hold`), and the `send-digests` job sends
 * the digests that are due (`run`). PostgreSQL is the truth: a digest is claimed with a lease
 * (a worker killed mid-send loses it when the lease expires, and the next run re-sends the stored
 * message with the same Message-ID), so a Redis flush only delays the next run.
 */
@Injectable()
export class DigestSender implements ReminderJobHandler {
  readonly job = ReminderJob.SendDigests;
  private readonly logger = new Logger(DigestSender.name);

  constructor(
    private readonly digests: DigestRepository,
    private readonly mailer: MailerService,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Holds a claimed reminder for the user's next digest slot (quiet hours applied to the slot). The digest id, or null. */
  async hold(ctx: SendContext, now: Date): Promise<string | null> {
    if (ctx.digest_frequency === 'off') return null;
    const schedule = { frequency: ctx.digest_frequency, hour: ctx.digest_hour ?? 7, weekday: ctx.digest_weekday ?? 1 };
    let from = now;
    for (let i = 0; i < SLOT_TRIES; i++) {
      const slot = slotAtOrAfter(from, schedule, ctx.timezone)!; // not null: the frequency is daily or weekly
      const sendAt = quietUntil(slot, ctx.timezone, windowOf(ctx)) ?? slot;
      const digestId = await this.digests.hold(ctx.id, ctx.user_id, slot, sendAt);
      if (digestId) return digestId;
      from = new Date(slot.getTime() + 1);
    }
    throw new Error(`reminder ${ctx.id}: no open digest slot for user ${ctx.user_id}`);
  }

  /** Sends every digest that is due; returns how many went out. */
  async run(): Promise<number> {
    let sent = 0;
    for (let i = 0; i < PER_RUN; i++) {
      const digest = await this.digests.claimDue(this.clock.now(), this.config.reminders.leaseSeconds);
      if (!digest) break;
      try {
        if (await this.send(digest)) sent++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const final = digest.attempts >= this.config.reminders.attempts;
        if (final) await this.digests.markFailed(digest.id, message, this.clock.now());
        else {
          const backoff = this.config.reminders.backoffMs * 2 ** (digest.attempts - 1);
          await this.digests.defer(digest.id, new Date(this.clock.now().getTime() + backoff), message);
        }
        this.logger.warn({ digestId: digest.id, attempt: digest.attempts, final, error: message }, 'digest send failed');
      }
    }
    if (sent) this.logger.log({ sent }, 'digests sent');
    return sent;
  }

  /** One claimed digest: re-check, compose once, send, mark it and its entries. Whether an email went out. */
  private async send(digest: DigestRow): Promise<boolean> {
    const now = this.clock.now();
    const user = await this.digests.recipient(digest.user_id);
    if (!user) throw new Error(`digest ${digest.id}: user ${digest.user_id} is gone`);
    let mail: ComposedMail | null =
      digest.subject && digest.body_text && digest.body_html
        ? { subject: digest.subject, text: digest.body_text, html: digest.body_html }
        : null;
    if (!mail) {
      if (user.digest_frequency === 'off') {
        await this.digests.close(digest.id, 'released', now);
        this.logger.log({ digestId: digest.id }, 'digest turned off; its entries go out alone');
        return false;
      }
      const entries = await this.digests.entries(digest.id);
      const dropped = entries
        .map((e) => ({ id: e.id, reason: skipReason(e) }))
        .filter((d): d is { id: string; reason: string } => !!d.reason);
      await this.digests.dropEntries(digest.id, dropped);
      const kept = entries.filter((e) => !dropped.some((d) => d.id === e.id));
      if (!kept.length) {
        await this.digests.close(digest.id, 'empty', now);
        this.logger.log({ digestId: digest.id, dropped: dropped.length }, 'digest empty; not sent');
        return false;
      }
      const until = quietUntil(now, user.timezone, windowOf(user));
      if (until) {
        await this.digests.defer(digest.id, until);
        return false;
      }
      mail = this.compose(user, kept);
      await this.digests.saveRendered(digest.id, { ...mail, messageId: messageIdOf(digest.id) });
    }
    const unsubscribeUrl = this.unsubscribe.url(digest.user_id, 'digest');
    await this.mailer.send({
      to: user.email,
      ...fillLinks(mail, { unsubscribe: unsubscribeUrl }),
      messageId: messageIdOf(digest.id),
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const entries = await this.digests.markSent(digest.id, this.clock.now());
    this.logger.log({ digestId: digest.id, userId: digest.user_id, entries }, 'digest sent');
    return true;
  }

  /** One line per assignment (or per course for inactivity), soonest due first. */
  private compose(user: DigestRecipient, entries: SendContext[]): ComposedMail {
    const now = this.clock.now();
    const base = this.config.publicUrl;
    const byItem = new Map<string, SendContext>();
    for (const e of entries) {
      const key = e.assignment_id ?? `course:${e.enrolment_id}`;
      const current = byItem.get(key);
      if (!current || URGENCY[e.kind] > URGENCY[current.kind]) byItem.set(key, e);
    }
    const items = [...byItem.values()]
      .sort((a, b) => (a.due_at ? new Date(a.due_at).getTime() : Infinity) - (b.due_at ? new Date(b.due_at).getTime() : Infinity))
      .map((e) => {
        const courseUrl = `${base}/courses/${e.course_slug}`;
        return {
          label: ITEM_LABEL[e.kind],
          courseTitle: e.course_title,
          moduleTitle: e.module_title ?? e.course_title,
          dueAt: e.due_at ? mailDate(new Date(e.due_at), user.timezone, now) : null,
          url: e.module_id ? `${courseUrl}/modules/${e.module_id}` : courseUrl,
        };
      });
    return render('digest', {
      name: user.name,
      items,
      count: items.length,
      one: items.length === 1,
      frequency: user.digest_frequency,
      unsubscribeUrl: LINK_MARKERS.unsubscribe,
    });
  }
}

const messageIdOf = (digestId: string) => `<digest-${digestId}@accord>`;
