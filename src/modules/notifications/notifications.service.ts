import { Injectable } from '@nestjs/common';
import { InvalidInput } from '../../common/errors';
import { AT_RISK_KIND } from './alert-schedule';
import { PreferencesDto, PreferencesPatchDto } from './dto/preferences.dto';
import { NotificationPreferences } from './entities/notification-preferences.entity';
import { DIGEST_KIND, EmailKind, PREFERENCE_OF } from './preference-fields';
import { DEFAULT_PREFERENCES, PreferencesRepository } from './preferences.repository';
import { UnsubscribeTokens } from './unsubscribe-tokens';

export function toPreferencesDto(p: Omit<NotificationPreferences, 'userId' | 'updatedAt' | 'user'>): PreferencesDto {
  return {
    welcome: p.welcome,
    assignment: p.assignment,
    dueSoon: p.dueSoon,
    overdue: p.overdue,
    inactivity: p.inactivity,
    quietHours: p.quietStart && p.quietEnd ? { start: p.quietStart, end: p.quietEnd } : null,
    atRiskAlerts: {
      frequency: p.atRiskFrequency,
      hour: p.atRiskHour,
      weekday: p.atRiskWeekday,
      inactive: p.atRiskInactive,
      overdue: p.atRiskOverdue,
      behind: p.atRiskBehind,
    },
    digest: { frequency: p.digestFrequency, hour: p.digestHour, weekday: p.digestWeekday },
  };
}

/** A PATCH's fields that were sent (class-transformer leaves absent ones as undefined properties). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly preferences: PreferencesRepository,
    private readonly tokens: UnsubscribeTokens,
  ) {}

  async get(userId: string): Promise<PreferencesDto> {
    return toPreferencesDto((await this.preferences.find(userId)) ?? DEFAULT_PREFERENCES);
  }

  async put(userId: string, input: PreferencesDto): Promise<PreferencesDto> {
    const saved = await this.preferences.save(userId, {
      welcome: input.welcome,
      assignment: input.assignment,
      dueSoon: input.dueSoon,
      overdue: input.overdue,
      inactivity: input.inactivity,
      quietStart: input.quietHours?.start ?? null,
      quietEnd: input.quietHours?.end ?? null,
      ...(input.atRiskAlerts && {
        atRiskFrequency: input.atRiskAlerts.frequency,
        atRiskHour: input.atRiskAlerts.hour,
        atRiskWeekday: input.atRiskAlerts.weekday,
        atRiskInactive: input.atRiskAlerts.inactive,
        atRiskOverdue: input.atRiskAlerts.overdue,
        atRiskBehind: input.atRiskAlerts.behind,
      }),
      ...(input.digest
        ? { digestFrequency: input.digest.frequency, digestHour: input.digest.hour, digestWeekday: input.digest.weekday }
        : {}),
    });
    return toPreferencesDto(saved);
  }

  /** Partial update: fields left out keep their stored (or default) value. */
  async patch(userId: string, input: PreferencesPatchDto): Promise<PreferencesDto> {
    const current = await this.get(userId);
    return this.put(userId, {
      welcome: input.welcome ?? current.welcome,
      assignment: input.assignment ?? current.assignment,
      dueSoon: input.dueSoon ?? current.dueSoon,
      overdue: input.overdue ?? current.overdue,
      inactivity: input.inactivity ?? current.inactivity,
      quietHours: input.quietHours === undefined ? current.quietHours : input.quietHours,
      atRiskAlerts: { ...current.atRiskAlerts!, ...definedOnly(input.atRiskAlerts ?? {}) },
      digest: input.digest ?? current.digest,
    });
  }

  /**
   * One-click unsubscribe: turns that kind off. Idempotent; a bad token is a 400. The digest's link turns the
   * digest off (the emails then come on their own); the at-risk alert's sets its frequency to off.
   */
  async unsubscribe(token: string | undefined): Promise<EmailKind> {
    const scope = this.verify(token);
    await this.preferences.save(
      scope.userId,
      scope.kind === AT_RISK_KIND
        ? { atRiskFrequency: 'off' }
        : scope.kind === DIGEST_KIND
          ? { digestFrequency: 'off' }
          : { [PREFERENCE_OF[scope.kind]]: false },
    );
    return scope.kind;
  }

  verify(token: string | undefined): { userId: string; kind: EmailKind } {
    const scope = this.tokens.verify(token);
    if (!scope)
      throw new InvalidInput('The unsubscribe link is not valid', [{ field: 'token', message: 'token is forged, altered or malformed' }]);
    return scope;
  }
}
