import { useState, type FormEvent } from 'react';
import { api, problemText, session, setUser, type Schemas } from '../api/client';
import { Status } from '../components/Layout';
import { TimeZoneSelect } from '../components/TimeZoneSelect';
import { CalendarFeedSection } from './CalendarFeedSection';
import { field, must, useLoad, useTitle } from '../util';

type Preferences = Schemas['PreferencesDto'];
type Kind = Exclude<keyof Preferences, 'quietHours' | 'atRiskAlerts' | 'digest'>;
type AtRiskAlerts = Schemas['AtRiskAlertsDto'];
type Digest = Schemas['DigestDto'];

const REASONS: Array<{ key: 'inactive' | 'overdue' | 'behind'; label: string }> = [
  { key: 'inactive', label: 'Inactive for the course’s inactivity period with required work left' },
  { key: 'overdue', label: 'Overdue assignments' },
  { key: 'behind', label: 'Far behind their cohort (30 or more points under its median progress)' },
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const HOURS = Array.from({ length: 24 }, (_, h) => h);
const DEFAULT_DIGEST: Digest = { frequency: 'off', hour: 7, weekday: 1 };

const KINDS: Array<{ key: Kind; label: string; hint: string }> = [
  { key: 'welcome', label: 'Welcome emails', hint: 'When you are enrolled in a course.' },
  { key: 'assignment', label: 'New assignments', hint: 'When an instructor assigns you a module.' },
  { key: 'dueSoon', label: 'Due-soon reminders', hint: 'Before an assignment is due, if it is not finished.' },
  { key: 'overdue', label: 'Overdue reminders', hint: 'When an assignment is past due and not finished.' },
  { key: 'inactivity', label: 'Inactivity nudges', hint: 'When you have not been active in a course for a while.' },
];

export function PreferencesPage() {
  useTitle('Email preferences');
  const user = session.user!;
  const loaded = useLoad(async () => must(await api.GET('/api/v1/me/notification-preferences')), user.id);
  const [quiet, setQuiet] = useState<boolean>();
  const [alertFrequency, setAlertFrequency] = useState<AtRiskAlerts['frequency']>();
  const staff = user.role === 'instructor' || user.role === 'admin';
  const [digestChoice, setDigestChoice] = useState<Digest['frequency']>();
  const [result, setResult] = useState<{ tone: 'success' | 'error'; text: string }>();

  if (loaded.error) return <Status tone="error">{loaded.error.message}</Status>;
  if (!loaded.data) return <p className="loading">Loading your preferences…</p>;
  const prefs = loaded.data;
  const quietOn = quiet ?? prefs.quietHours !== null;
  const alerts = prefs.atRiskAlerts!;
  const frequency = alertFrequency ?? alerts.frequency;
  const digest = prefs.digest ?? DEFAULT_DIGEST;
  const digestFrequency = digestChoice ?? digest.frequency;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body: Preferences = {
      welcome: form.has('welcome'),
      assignment: form.has('assignment'),
      dueSoon: form.has('dueSoon'),
      overdue: form.has('overdue'),
      inactivity: form.has('inactivity'),
      quietHours: quietOn ? { start: field(form, 'quietStart'), end: field(form, 'quietEnd') } : null,
      digest: {
        frequency: digestFrequency,
        hour: digestFrequency === 'off' ? digest.hour : Number(field(form, 'digestHour')),
        weekday: digestFrequency === 'weekly' ? Number(field(form, 'digestWeekday')) : digest.weekday,
      },
      ...(staff && {
        atRiskAlerts: {
          frequency,
          hour: frequency === 'off' ? alerts.hour : Number(field(form, 'alertHour')),
          weekday: frequency === 'weekly' ? Number(field(form, 'alertWeekday')) : alerts.weekday,
          inactive: frequency === 'off' ? alerts.inactive : form.has('alertInactive'),
          overdue: frequency === 'off' ? alerts.overdue : form.has('alertOverdue'),
          behind: frequency === 'off' ? alerts.behind : form.has('alertBehind'),
        },
      }),
    };
    const timezone = field(form, 'timezone');
    const saved = await api.PUT('/api/v1/me/notification-preferences', { body });
    if (!saved.data) return setResult({ tone: 'error', text: problemText(saved.error, 'Your preferences were not saved.') });
    if (timezone !== user.timezone) {
      const me = await api.PATCH('/api/v1/me', { body: { timezone } });
      if (!me.data) return setResult({ tone: 'error', text: problemText(me.error, 'Your time zone was not saved.') });
      setUser(me.data);
    }
    setResult({ tone: 'success', text: 'Saved.' });
  }

  return (
    <>
      <h1>Email preferences</h1>
      <form onSubmit={(e) => void submit(e)} className="preferences">
        <fieldset>
          <legend>Send me</legend>
          {KINDS.map((kind) => (
            <div className="check" key={kind.key}>
              <input type="checkbox" id={kind.key} name={kind.key} defaultChecked={prefs[kind.key]} aria-describedby={`${kind.key}-hint`} />
              <label htmlFor={kind.key}>{kind.label}</label>
              <p id={`${kind.key}-hint`} className="hint">
                {kind.hint}
              </p>
            </div>
          ))}
        </fieldset>
        <fieldset>
          <legend>Quiet hours</legend>
          <div className="check">
            <input type="checkbox" id="quiet" checked={quietOn} onChange={(e) => setQuiet(e.target.checked)} />
            <label htmlFor="quiet">Hold reminders during quiet hours (they go out when the quiet hours end)</label>
          </div>
          {quietOn && (
            <div className="row">
              <div>
                <label htmlFor="quietStart">From</label>
                <input type="time" id="quietStart" name="quietStart" required defaultValue={prefs.quietHours?.start ?? '21:00'} />
              </div>
              <div>
                <label htmlFor="quietEnd">Until</label>
                <input type="time" id="quietEnd" name="quietEnd" required defaultValue={prefs.quietHours?.end ?? '08:00'} />
              </div>
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>Digest</legend>
          <p id="digest-hint" className="hint">
            With a digest, new-assignment, due-soon, overdue and inactivity emails wait and come together in one email at the hour you
            choose. Welcome and account emails still come at once.
          </p>
          <label htmlFor="digestFrequency">How often</label>
          <select
            id="digestFrequency"
            name="digestFrequency"
            aria-describedby="digest-hint"
            value={digestFrequency}
            onChange={(e) => setDigestChoice(e.target.value as Digest['frequency'])}
          >
            <option value="off">Off: send each email on its own</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
          </select>
          {digestFrequency !== 'off' && (
            <SlotPicker
              prefix="digest"
              weekly={digestFrequency === 'weekly'}
              weekdayLabel="Day"
              weekday={digest.weekday}
              hour={digest.hour}
            />
          )}
        </fieldset>
        {staff && (
          <fieldset>
            <legend>Students at risk in my courses</legend>
            <p className="hint" id="alert-hint">
              One email across all the courses you teach, listing the students who may need a word from you, with links to the progress
              report.
            </p>
            <label htmlFor="alertFrequency">Send me the at-risk students alert</label>
            <select
              id="alertFrequency"
              aria-describedby="alert-hint"
              value={frequency}
              onChange={(e) => setAlertFrequency(e.target.value as AtRiskAlerts['frequency'])}
            >
              <option value="off">Never</option>
              <option value="daily">Daily</option>
              <option value="weekly">Weekly</option>
            </select>
            {frequency !== 'off' && (
              <>
                <SlotPicker prefix="alert" weekly={frequency === 'weekly'} weekdayLabel="On" weekday={alerts.weekday} hour={alerts.hour} />
                <p>List students who are:</p>
                {REASONS.map((reason) => {
                  const id = `alert${reason.key[0].toUpperCase()}${reason.key.slice(1)}`;
                  return (
                    <div className="check" key={reason.key}>
                      <input type="checkbox" id={id} name={id} defaultChecked={alerts[reason.key]} />
                      <label htmlFor={id}>{reason.label}</label>
                    </div>
                  );
                })}
              </>
            )}
          </fieldset>
        )}
        <label htmlFor="timezone">Your time zone (due dates and quiet hours use it)</label>
        <TimeZoneSelect id="timezone" name="timezone" value={user.timezone} />
        <button type="submit">Save preferences</button>
        {result && <Status tone={result.tone}>{result.text}</Status>}
      </form>
      <CalendarFeedSection userId={user.id} />
    </>
  );
}

/** The day (weekly only) and local hour of an email that waits for its slot: `<prefix>Weekday` and `<prefix>Hour` form fields. */
function SlotPicker(props: { prefix: string; weekly: boolean; weekdayLabel: string; weekday: number; hour: number }) {
  const { prefix, weekly, weekdayLabel, weekday, hour } = props;
  return (
    <div className="row">
      {weekly && (
        <div>
          <label htmlFor={`${prefix}Weekday`}>{weekdayLabel}</label>
          <select id={`${prefix}Weekday`} name={`${prefix}Weekday`} defaultValue={weekday}>
            {WEEKDAYS.map((day, i) => (
              <option key={day} value={i + 1}>
                {day}
              </option>
            ))}
          </select>
        </div>
      )}
      <div>
        <label htmlFor={`${prefix}Hour`}>At (your time zone)</label>
        <select id={`${prefix}Hour`} name={`${prefix}Hour`} defaultValue={hour}>
          {HOURS.map((h) => (
            <option key={h} value={h}>
              {`${String(h).padStart(2, '0')}:00`}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
