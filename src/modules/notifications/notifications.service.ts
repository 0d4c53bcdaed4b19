import { Injectable } from '@nestjs/common';
import { InvalidInput } from '../../common/errors';
import { PreferencesDto, PreferencesPatchDto } from './dto/preferences.dto';
import { NotificationPreferences } from './entities/notification-preferences.entity';
import { PREFERENCE_OF } from './preference-fields';
import { DEFAULT_PREFERENCES, PreferencesRepository } from './preferences.repository';
import { UnsubscribeKind, UnsubscribeTokens } from './unsubscribe-tokens';

export function toPreferencesDto(p: Omit<NotificationPreferences, 'userId' | 'updatedAt' | 'user'>): PreferencesDto {
  return {
    welcome: p.welcome,
    assignment: p.assignment,
    dueSoon: p.dueSoon,
    overdue: p.overdue,
    inactivity: p.inactivity,
    quietHours: p.quietStart && p.quietEnd ? { start: p.quietStart, end: p.quietEnd } : null,
    digest: { frequency: p.digestFrequency, hour: p.digestHour, weekday: p.digestWeekday },
  };
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
      digest: input.digest ?? current.digest,
    });
  }

  /** One-click unsubscribe: turns that kind off. Idempotent; a bad token is a 400. */
  async unsubscribe(token: string | undefined): Promise<UnsubscribeKind> {
    const scope = this.verify(token);
    // The digest's link turns the digest off (the emails then come on their own); a kind's link turns that kind off.
    await this.preferences.save(
      scope.userId,
      scope.kind === 'digest' ? { digestFrequency: 'off' } : { [PREFERENCE_OF[scope.kind]]: false },
    );
    return scope.kind;
  }

  verify(token: string | undefined): { userId: string; kind: UnsubscribeKind } {
    const scope = this.tokens.verify(token);
    if (!scope)
      throw new InvalidInput('The unsubscribe link is not valid', [{ field: 'token', message: 'token is forged, altered or malformed' }]);
    return scope;
  }
}
