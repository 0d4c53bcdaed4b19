import { AtRiskAlert } from '../modules/alerts/entities/at-risk-alert.entity';
import { Digest } from '../modules/reminders/entities/digest.entity';
import { Assignment } from '../modules/assignments/entities/assignment.entity';
import { AssignmentEnrolment } from '../modules/assignments/entities/assignment-enrolment.entity';
import { AssignmentOverride } from '../modules/assignments/entities/assignment-override.entity';
import { AuditEntry } from '../modules/audit/entities/audit-entry.entity';
import { CalendarFeed } from '../modules/calendar/entities/calendar-feed.entity';
import { AuthSession } from '../modules/auth/entities/auth-session.entity';
import { PasswordToken } from '../modules/users/entities/password-token.entity';
import { RefreshToken } from '../modules/auth/entities/refresh-token.entity';
import { Course } from '../modules/courses/entities/course.entity';
import { CourseInstructor } from '../modules/courses/entities/course-instructor.entity';
import { CourseItem } from '../modules/courses/entities/course-item.entity';
import { CourseModule } from '../modules/courses/entities/course-module.entity';
import { ModulePrerequisite } from '../modules/courses/entities/module-prerequisite.entity';
import { Cohort } from '../modules/enrolments/entities/cohort.entity';
import { Enrolment } from '../modules/enrolments/entities/enrolment.entity';
import { Material } from '../modules/materials/entities/material.entity';
import { NotificationPreferences } from '../modules/notifications/entities/notification-preferences.entity';
import { ItemProgress } from '../modules/progress/entities/item-progress.entity';
import { ModuleCompletion } from '../modules/progress/entities/module-completion.entity';
import { ProgressEvent } from '../modules/progress/entities/progress-event.entity';
import { Reminder } from '../modules/reminders/entities/reminder.entity';
import { User } from '../modules/users/entities/user.entity';

/** Every TypeORM entity, listed once so app, CLI and tests see the same model. */
export const ENTITIES = [
  User,
  AuthSession,
  RefreshToken,
  PasswordToken,
  AuditEntry,
  Material,
  Course,
  CourseInstructor,
  CourseModule,
  ModulePrerequisite,
  CourseItem,
  Cohort,
  Enrolment,
  Reminder,
  Digest,
  Assignment,
  AssignmentEnrolment,
  AssignmentOverride,
  ProgressEvent,
  ItemProgress,
  ModuleCompletion,
  NotificationPreferences,
  CalendarFeed,
  AtRiskAlert,
];
