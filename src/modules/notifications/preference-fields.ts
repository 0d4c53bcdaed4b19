import { REMINDER_KIND_TABLE, type ReminderKind } from '../reminders/reminder-kinds';
import type { PreferencesDto } from './dto/preferences.dto';
import type { UnsubscribeKind } from './unsubscribe-tokens';

const KINDS = Object.entries(REMINDER_KIND_TABLE) as Array<[ReminderKind, (typeof REMINDER_KIND_TABLE)[ReminderKind]]>;

/** Which preference switches each reminder kind on or off (derived from the reminder kinds table). */
export const PREFERENCE_OF: Record<ReminderKind, keyof PreferencesDto> = Object.fromEntries(
  KINDS.map(([kind, k]) => [kind, k.preference]),
) as Record<ReminderKind, keyof PreferencesDto>;

/** How the unsubscribe page names each kind (derived from the reminder kinds table). */
export const KIND_LABEL: Record<UnsubscribeKind, string> = {
  ...(Object.fromEntries(KINDS.map(([kind, k]) => [kind, k.label])) as Record<ReminderKind, string>),
  digest: 'digest emails (each reminder then comes on its own)',
};
