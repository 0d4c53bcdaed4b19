import { reasonsInWords, scheduleInWords } from './at-risk-reasons';

const none = { inactive_days: null, overdue: null, behind_median: null, percent: 10, cohort_name: null };

describe('at-risk reasons in words', () => {
  it('names each reason with its numbers, in a fixed order', () => {
    expect(
      reasonsInWords({
        ...none,
        inactive_days: 9,
        overdue: [
          { moduleTitle: 'Ripeness', days: 3 },
          { moduleTitle: 'BATNA', days: 0 },
        ],
        behind_median: 60,
        cohort_name: 'Evening',
      }),
    ).toBe(
      'inactive for 9 days with required work left; overdue: “Ripeness” by 3 days, “BATNA” by less than a day; far behind: 10% done, the cohort median is 60%',
    );
  });

  it('says one day, and the course median for students without a cohort', () => {
    expect(reasonsInWords({ ...none, overdue: [{ moduleTitle: 'M', days: 1 }] })).toBe('overdue: “M” by 1 day');
    expect(reasonsInWords({ ...none, behind_median: 45 })).toBe('far behind: 10% done, the course median is 45%');
  });

  it('describes the schedule', () => {
    expect(scheduleInWords({ frequency: 'weekly', hour: 8, weekday: 1 }, 'Europe/Helsinki')).toBe(
      'weekly, Mondays at 08:00 (Europe/Helsinki)',
    );
    expect(scheduleInWords({ frequency: 'daily', hour: 17, weekday: 3 }, 'UTC')).toBe('daily at 17:00 (UTC)');
  });
});
