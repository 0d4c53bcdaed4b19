import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AtRiskAlertJob } from './at-risk-alert-job';
import { AtRiskAlertsRepository } from './at-risk-alerts.repository';

/** Worker process only: instructors' at-risk students alerts (a job of the reminders queue). */
@Module({
  imports: [MailModule, NotificationsModule],
  providers: [AtRiskAlertsRepository, AtRiskAlertJob],
  exports: [AtRiskAlertJob],
})
export class AlertsModule {}
