import { Logger } from '@nestjs/common';
import { Clock } from '../../common/clock';
import type { AppConfig } from '../../config/env';
import type { MailerService } from '../mail/mailer.service';
import type { UnsubscribeTokens } from '../notifications/unsubscribe-tokens';
import { AtRiskAlertJob } from './at-risk-alert-job';
import type { AlertInstructor, AtRiskAlertsRepository, AtRiskStudent } from './at-risk-alerts.repository';

const config = { publicUrl: 'https://accord.test', reminders: { leaseSeconds: 120, attempts: 3 } } as unknown as AppConfig;
const olga: AlertInstructor = {
  id: 'u1',
  email: 'olga@test',
  name: 'Olga',
  timezone: 'Europe/Helsinki',
  is_active: true,
  frequency: 'weekly',
  hour: 8,
  weekday: 1,
  inactive: true,
  overdue: true,
  behind: true,
};
const student: AtRiskStudent = {
  course_id: 'c1',
  course_title: 'Course',
  enrolment_id: 'e1',
  name: 'Sam',
  email: 'sam@test',
  cohort_name: null,
  percent: 10,
  inactive_days: 9,
  overdue: null,
  behind_median: null,
};

function setup(options: { instructor?: AlertInstructor | null; students?: AtRiskStudent[]; smtpFails?: boolean } = {}) {
  const repo = {
    recipients: jest.fn(async () => [{ user_id: 'u1', timezone: 'Europe/Helsinki', frequency: 'weekly', hour: 8, weekday: 1 }]),
    plan: jest.fn(async (slots: unknown[]) => slots.length),
    instructor: jest.fn(async () => (options.instructor === undefined ? olga : options.instructor)),
    atRisk: jest.fn(async () => options.students ?? [student]),
    markSent: jest.fn(async () => undefined),
    markSkipped: jest.fn(async () => undefined),
    markAttemptFailed: jest.fn(async () => undefined),
  };
  const mailer = {
    send: jest.fn(async () => {
      if (options.smtpFails) throw new Error('451 try later');
      return 'id';
    }),
  };
  const tokens = { url: jest.fn(() => 'https://accord.test/unsubscribe?token=t') };
  const clock = new Clock();
  const job = new AtRiskAlertJob(
    repo as unknown as AtRiskAlertsRepository,
    mailer as unknown as MailerService,
    tokens as unknown as UnsubscribeTokens,
    clock,
    config,
  );
  return { repo, mailer, clock, job };
}

const alert = (attempts = 1) => ({ id: 'a1', user_id: 'u1', slot_at: new Date('2026-11-30T06:00:00Z'), attempts });

describe('AtRiskAlertJob', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('plans the latest slot in the instructor’s zone, and passes over one older than the grace period', async () => {
    const { repo, clock, job } = setup();
    clock.set(new Date('2026-11-30T06:05:00Z')); // Monday 08:05 Helsinki
    await job.plan();
    expect(repo.plan).toHaveBeenLastCalledWith([{ userId: 'u1', slotAt: new Date('2026-11-30T06:00:00Z') }]);
    clock.set(new Date('2026-11-30T17:59:00Z')); // 11 h 59 min late: still sent
    await job.plan();
    expect(repo.plan).toHaveBeenLastCalledWith([{ userId: 'u1', slotAt: new Date('2026-11-30T06:00:00Z') }]);
    clock.set(new Date('2026-12-01T10:00:00Z')); // Tuesday: Monday's slot is over a day old
    await job.plan();
    expect(repo.plan).toHaveBeenLastCalledWith([]);
  });

  it('skips a slot the instructor opted out of, or with nobody at risk, without sending', async () => {
    const off = setup({ instructor: { ...olga, frequency: 'off' } });
    expect(await off.job.send(alert())).toBe('skipped:opted_out');
    const noReasons = setup({ instructor: { ...olga, inactive: false, overdue: false, behind: false } });
    expect(await noReasons.job.send(alert())).toBe('skipped:opted_out');
    const gone = setup({ instructor: { ...olga, is_active: false } });
    expect(await gone.job.send(alert())).toBe('skipped:deactivated');
    const calm = setup({ students: [] });
    expect(await calm.job.send(alert())).toBe('skipped:nothing_at_risk');
    for (const s of [off, noReasons, gone, calm]) expect(s.mailer.send).not.toHaveBeenCalled();
    expect(calm.repo.markSkipped).toHaveBeenCalledWith('a1', 'nothing_at_risk');
  });

  it('sends with one-click unsubscribe headers and a stable Message-ID, and records it', async () => {
    const { job, mailer, repo } = setup();
    expect(await job.send(alert())).toBe('sent');
    expect(mailer.send).toHaveBeenCalledWith(
      expect.objectContaining({
        to: 'olga@test',
        messageId: '<at-risk-a1@accord>',
        headers: { 'List-Unsubscribe': '<https://accord.test/unsubscribe?token=t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }),
    );
    expect(repo.markSent).toHaveBeenCalledWith('a1', expect.any(Date), 1, '<at-risk-a1@accord>');
  });

  it('gives a failed send back for the next run, and fails it for good at the last attempt', async () => {
    const early = setup({ smtpFails: true });
    expect(await early.job.send(alert(1))).toBe('failed');
    expect(early.repo.markAttemptFailed).toHaveBeenCalledWith('a1', '451 try later', false);
    const last = setup({ smtpFails: true });
    expect(await last.job.send(alert(3))).toBe('failed');
    expect(last.repo.markAttemptFailed).toHaveBeenCalledWith('a1', '451 try later', true);
  });
});
