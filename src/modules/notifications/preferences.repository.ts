import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotificationPreferences } from './entities/notification-preferences.entity';
import { DEFAULT_AT_RISK_ALERTS } from './alert-schedule';
import { DEFAULT_QUIET_HOURS } from './quiet-hours';

export const DEFAULT_PREFERENCES: Omit<NotificationPreferences, 'userId' | 'updatedAt' | 'user'> = {
  welcome: true,
  assignment: true,
  dueSoon: true,
  overdue: true,
  inactivity: true,
  quietStart: DEFAULT_QUIET_HOURS.start,
  quietEnd: DEFAULT_QUIET_HOURS.end,
  atRiskFrequency: DEFAULT_AT_RISK_ALERTS.frequency,
  atRiskHour: DEFAULT_AT_RISK_ALERTS.hour,
  atRiskWeekday: DEFAULT_AT_RISK_ALERTS.weekday,
  atRiskInactive: DEFAULT_AT_RISK_ALERTS.inactive,
  atRiskOverdue: DEFAULT_AT_RISK_ALERTS.overdue,
  atRiskBehind: DEFAULT_AT_RISK_ALERTS.behind,
  digestFrequency: 'off',
  digestHour: 7,
  digestWeekday: 1,
};

@Injectable()
export class PreferencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(userId: string, manager: EntityManager = this.dataSource.manager): Promise<NotificationPreferences | null> {
    return manager.getRepository(NotificationPreferences).findOne({ where: { userId } });
  }

  async save(
    userId: string,
    values: Partial<Omit<NotificationPreferences, 'userId' | 'updatedAt' | 'user'>>,
  ): Promise<NotificationPreferences> {
    const current = (await this.find(userId)) ?? { ...DEFAULT_PREFERENCES };
    await this.dataSource
      .getRepository(NotificationPreferences)
      .upsert({ ...DEFAULT_PREFERENCES, ...stripMeta(current), ...values, userId }, ['userId']);
    return (await this.find(userId))!;
  }
}

function stripMeta(p: Partial<NotificationPreferences>) {
  const { userId: _u, updatedAt: _t, user: _x, ...rest } = p;
  void _u;
  void _t;
  void _x;
  return rest;
}
