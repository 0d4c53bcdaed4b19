import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { MailModule } from '../mail/mail.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { UsersModule } from '../users/users.module';
import { DigestSender } from './digest-sender';
import { DigestRepository } from './digest.repository';
import { ReminderSender } from './reminder-sender';
import { ReminderSchedules } from './reminder-schedules';
import { ReminderWorker } from './reminder-worker';
import { RemindersModule } from './reminders.module';

/** Worker process only: sends reminders and digests and runs the dispatcher, reconciler, inactivity scanner and the instructors' at-risk alerts. */
@Module({
  imports: [RemindersModule, AlertsModule, MailModule, NotificationsModule, UsersModule],
  providers: [DigestRepository, DigestSender, ReminderSender, ReminderSchedules, ReminderWorker],
})
export class ReminderWorkerModule {}
