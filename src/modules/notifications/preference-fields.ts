import { REMINDER_KIND_TABLE, REMINDER_KINDS, type ReminderKind } from '../reminders/reminder-kinds';
import { AT_RISK_KIND, type AtRiskKind } from './alert-schedule';
import type { PreferencesDto } from './dto/preferences.dto';

/** The digest (unsubscribing from it turns it off; each reminder then comes on its own). */
export const DIGEST_KIND = 'digest';

/** Every kind of email an unsubscribe link can stop: the reminder kinds, the digest and the instructors' at-risk alert. */
export type EmailKind = ReminderKind | typeof DIGEST_KIND | AtRiskKind;
export const EMAIL_KINDS: readonly EmailKind[] = [...REMINDER_KINDS, DIGEST_KIND, AT_RISK_KIND];

const KINDS = Object.entries(REMINDER_KIND_TABLE) as Array<[ReminderKind, (typeof REMINDER_KIND_TABLE)[ReminderKind]]>;

/** Which preference switches each reminder kind on or off (derived from the reminder kinds table). */
export const PREFERENCE_OF: Record<ReminderKind, keyof PreferencesDto> = Object.fromEntries(
  KINDS.map(([kind, k]) => [kind, k.preference]),
) as Record<ReminderKind, keyof PreferencesDto>;

/** How the unsubscribe page names each kind (derived from the reminder kinds table). */
export const KIND_LABEL: Record<EmailKind, string> = {
  ...(Object.fromEntries(KINDS.map(([kind, k]) => [kind, k.label])) as Record<ReminderKind, string>),
  [DIGEST_KIND]: 'digest emails (each reminder then comes on its own)',
  [AT_RISK_KIND]: 'at-risk student alerts',
};
