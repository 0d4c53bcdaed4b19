import { Inject, Injectable } from '@nestjs/common';
import { createHmac, randomUUID } from 'crypto';
import { NotFound } from '../../common/errors';
import { sha256 } from '../../common/hash';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { AssignmentsService, CalendarEntry } from '../assignments/assignments.service';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import { CalendarThrottle } from './calendar-throttle';
import { CalendarLinkDto } from './dto/calendar.dto';
import { IcsEvent, renderCalendar } from './ics';

/** `<base64url(feed id)>.<hmac>`: Accord's token shape, so logs and the at-rest checks recognise it. */
const FEED_FILE = /^([A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\.ics$/;

export const FEED_PATH = 'calendar';

/**
 * The user's secret iCalendar feed of due dates. The token is an HMAC of the feed's generation id
 * under JWT_SECRET, so the link can be shown again without storing it; only its SHA-256 is kept
 * for the lookup, and a rotation replaces the generation (the old link answers 404).
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly feeds: CalendarFeedsRepository,
    private readonly assignments: AssignmentsService,
    private readonly throttle: CalendarThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async link(userId: string): Promise<CalendarLinkDto> {
    let feed = await this.feeds.findByUser(userId);
    if (!feed) {
      const id = randomUUID();
      feed = await this.feeds.ensure(userId, id, sha256(this.token(id)));
    }
    return this.links(this.token(feed.id));
  }

  async rotate(userId: string): Promise<CalendarLinkDto> {
    const id = randomUUID();
    const token = this.token(id);
    await this.feeds.replace(userId, id, sha256(token));
    return this.links(token);
  }

  /** The feed for `<token>.ics`, with its entity tag; 404 for a token that is unknown, rotated away or of a deactivated user. */
  async feed(file: string, alarmMinutes?: number): Promise<{ body: string; etag: string }> {
    const token = FEED_FILE.exec(file)?.[1];
    const owner = token ? await this.feeds.activeOwner(sha256(token)) : null;
    if (!owner) throw new NotFound('Calendar feed');
    await this.throttle.assertAllowed(owner.userId);
    const entries = await this.assignments.calendarEntries(owner.userId);
    const body = renderCalendar(
      'Accord due dates',
      entries.map((e) => this.event(owner.userId, e, alarmMinutes)),
    );
    return { body, etag: `"${sha256(body).slice(0, 32)}"` };
  }

  private event(userId: string, e: CalendarEntry, alarmMinutes?: number): IcsEvent {
    const base = this.config.publicUrl;
    return {
      // Per assignment and person: a student's own date and an instructor's view never share a UID.
      uid: `${e.assignmentId}-${userId}@${new URL(base).hostname}`,
      sequence: e.revision,
      stamp: e.changedAt,
      start: e.dueAt,
      summary: `Due: ${e.moduleTitle} (${e.courseTitle})`,
      description: e.asStudent
        ? `"${e.moduleTitle}" in "${e.courseTitle}" is due.`
        : `Due date of "${e.moduleTitle}" for your students in "${e.courseTitle}".`,
      url: e.asStudent ? `${base}/courses/${e.courseSlug}/modules/${e.moduleId}` : `${base}/teach/courses/${e.courseId}/assignments`,
      cancelled: e.cancelled,
      alarmMinutes,
    };
  }

  private token(feedId: string): string {
    const payload = Buffer.from(feedId.replace(/-/g, ''), 'hex').toString('base64url');
    const mac = createHmac('sha256', this.config.auth.jwtSecret).update(`calendar-feed:${payload}`).digest('base64url');
    return `${payload}.${mac}`;
  }

  private links(token: string): CalendarLinkDto {
    const url = `${this.config.publicUrl}/api/v1/${FEED_PATH}/${token}.ics`;
    return { url, webcalUrl: url.replace(/^https?:/, 'webcal:') };
  }
}
