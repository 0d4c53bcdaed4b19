import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { ReminderJob } from '../jobs/queues';
import { MailerService } from '../mail/mailer.service';
import { render } from '../mail/templates';
import { AT_RISK_KIND } from '../notifications/alert-schedule';
import { UnsubscribeTokens } from '../notifications/unsubscribe-tokens';
import type { ReminderJobHandler } from '../reminders/reminder-job-handler';
import { lastSlot, SLOT_GRACE_MS } from '../notifications/email-slots';
import { AlertInstructor, AtRiskAlertsRepository, AtRiskStudent, ClaimedAlert } from './at-risk-alerts.repository';
import { reasonsInWords, scheduleInWords } from './at-risk-reasons';

const BATCH = 100;

export type AlertOutcome = 'sent' | `skipped:${string}` | 'failed';

/**
 * The instructors' at-risk alerts, one repeatable job (`at-risk-alerts` on the reminders queue):
 * 1. plans: for every instructor of a published course whose alert is on, the latest slot at or
 *    before now in their zone gets a row (unique per instructor and slot; ON CONFLICT DO NOTHING),
 *    unless the slot passed more than SLOT_GRACE_MS ago;
 * 2. sends: claims due rows (pending → sending with a lease, SKIP LOCKED), re-reads the instructor's
 *    preferences and students, and sends one email listing every student at risk across their
 *    courses, or skips the slot (`opted_out`, `deactivated`, `nothing_at_risk`).
 * Two workers running it at once never send a slot twice: only one can claim the row. A worker that
 * dies after claiming leaves a lease that expires; the next run takes the slot over. The one window
 * left is the reminders' one: a crash after SMTP accepted the message and before the row is marked
 * sent sends it again, with the same Message-ID (`<at-risk-<id>@accord>`).
 */
@Injectable()
export class AtRiskAlertJob implements ReminderJobHandler {
  readonly job = ReminderJob.AtRiskAlerts;
  private readonly logger = new Logger(AtRiskAlertJob.name);

  constructor(
    private readonly alerts: AtRiskAlertsRepository,
    private readonly mailer: MailerService,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Plans and sends; returns how many alerts were sent. */
  async run(): Promise<number> {
    await this.plan();
    let sent = 0;
    for (;;) {
      const claimed = await this.alerts.claimDue(this.clock.now(), this.config.reminders.leaseSeconds, BATCH);
      for (const alert of claimed) if ((await this.send(alert)) === 'sent') sent++;
      if (claimed.length < BATCH) break;
    }
    if (sent) this.logger.log({ sent }, 'at-risk alerts sent');
    return sent;
  }

  /** Rows for the slots that have come; returns how many are new. */
  async plan(): Promise<number> {
    const now = this.clock.now();
    const slots = (await this.alerts.recipients()).flatMap((r) => {
      const slotAt = lastSlot(now, r, r.timezone);
      return slotAt && now.getTime() - slotAt.getTime() <= SLOT_GRACE_MS ? [{ userId: r.user_id, slotAt }] : [];
    });
    return this.alerts.plan(slots);
  }

  /** One claimed slot: skipped, sent, or given back for the next run (failed for good after the last attempt). */
  async send(alert: ClaimedAlert): Promise<AlertOutcome> {
    const messageId = `<at-risk-${alert.id}@accord>`;
    try {
      const instructor = await this.alerts.instructor(alert.user_id);
      const skip = !instructor?.is_active
        ? 'deactivated'
        : instructor.frequency === 'off' || !(instructor.inactive || instructor.overdue || instructor.behind)
          ? 'opted_out'
          : null;
      if (skip || !instructor) {
        await this.alerts.markSkipped(alert.id, skip ?? 'deactivated');
        return `skipped:${skip}`;
      }
      const students = await this.alerts.atRisk(instructor.id, this.clock.now(), instructor);
      if (!students.length) {
        await this.alerts.markSkipped(alert.id, 'nothing_at_risk');
        return 'skipped:nothing_at_risk';
      }
      const unsubscribeUrl = this.unsubscribe.url(instructor.id, AT_RISK_KIND);
      await this.mailer.send({
        to: instructor.email,
        ...this.compose(instructor, students, unsubscribeUrl),
        messageId,
        headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      });
      await this.alerts.markSent(alert.id, this.clock.now(), students.length, messageId);
      this.logger.log({ alertId: alert.id, userId: instructor.id, students: students.length }, 'at-risk alert sent');
      return 'sent';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const final = alert.attempts >= this.config.reminders.attempts;
      await this.alerts.markAttemptFailed(alert.id, message, final);
      this.logger.warn({ alertId: alert.id, attempt: alert.attempts, final, error: message }, 'at-risk alert failed');
      return 'failed';
    }
  }

  private compose(instructor: AlertInstructor, students: AtRiskStudent[], unsubscribeUrl: string) {
    const base = this.config.publicUrl;
    const courses = new Map<string, { title: string; reportUrl: string; students: unknown[] }>();
    for (const s of students) {
      const reportUrl = `${base}/teach/courses/${s.course_id}/progress`;
      const course = courses.get(s.course_id) ?? { title: s.course_title, reportUrl, students: [] };
      course.students.push({
        name: s.name,
        email: s.email,
        cohort: s.cohort_name,
        reasons: reasonsInWords(s),
        url: `${reportUrl}/${s.enrolment_id}`,
      });
      courses.set(s.course_id, course);
    }
    return render('at_risk_alert', {
      name: instructor.name,
      total: students.length,
      one: students.length === 1,
      courses: [...courses.values()],
      schedule: scheduleInWords(instructor, instructor.timezone),
      preferencesUrl: `${base}/preferences`,
      unsubscribeUrl,
    });
  }
}
