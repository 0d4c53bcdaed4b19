import { ReminderKind } from '../reminders/entities/reminder.entity';
import { PreferencesDto } from './dto/preferences.dto';

/** Which preference switches each reminder kind on or off, and how the unsubscribe page names it. */
export const PREFERENCE_OF: Record<ReminderKind, keyof PreferencesDto> = {
  welcome: 'welcome',
  assignment: 'assignment',
  due_soon: 'dueSoon',
  overdue: 'overdue',
  inactivity: 'inactivity',
};

export const KIND_LABEL: Record<ReminderKind, string> = {
  welcome: 'welcome emails',
  assignment: 'new assignment notices',
  due_soon: '“due soon” reminders',
  overdue: 'overdue reminders',
  inactivity: 'inactivity nudges',
};
