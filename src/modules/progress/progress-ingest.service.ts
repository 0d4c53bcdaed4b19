import { HttpStatus, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { VALIDATION_OPTIONS } from '../../common/validation';
import { BatchResultDto, MAX_BATCH, ProgressEventDto, RejectedEventDto } from './dto/progress.dto';
import { isLocked, MAX_FUTURE_SKEW_MS, segmentsToMultirange } from './progress-rules';
import { AcceptedEvent, ProgressRepository } from './progress.repository';

/**
 * POST /progress/events. Each event is accepted, a duplicate or rejected with a reason. The work
 * is set-based: a few context reads, then one statement for the raw events (ON CONFLICT DO
 * NOTHING), one for derived item state and one for the enrolment counters.
 */
@Injectable()
export class ProgressIngestService {
  constructor(
    private readonly progress: ProgressRepository,
    private readonly clock: Clock,
  ) {}

  async ingest(caller: Caller, events: unknown[]): Promise<BatchResultDto> {
    if (events.length > MAX_BATCH) {
      throw new DomainError(HttpStatus.PAYLOAD_TOO_LARGE, 'too-large', `A batch takes at most ${MAX_BATCH} events; this one has ${events.length}`);
    }
    const now = this.clock.now();
    const rejected: RejectedEventDto[] = [];
    const candidates: Array<Omit<AcceptedEvent, 'enrolmentId'>> = [];
    const seen = new Set<string>();
    let duplicates = 0;

    for (const raw of events) {
      const parsed = this.parse(raw, now);
      if ('error' in parsed) {
        rejected.push({ eventId: parsed.eventId, error: parsed.error });
      } else if (seen.has(parsed.event.eventId)) {
        duplicates += 1; // the same event twice in one batch
      } else {
        seen.add(parsed.event.eventId);
        candidates.push(parsed.event);
      }
    }

    const accepted = await this.admit(caller, candidates, rejected, now);
    const inserted = await this.progress.insertEvents(caller.id, accepted);
    duplicates += accepted.length - inserted.size;
    const fresh = accepted.filter((e) => inserted.has(e.eventId));
    if (fresh.length) {
      await this.progress.upsertItemProgress(fresh, now);
      await this.progress.refreshEnrolments([...new Set(fresh.map((e) => e.enrolmentId))], now);
    }
    return { accepted: fresh.length, duplicates, rejected };
  }

  /** Known item, enrolled caller, open course, unlocked module. */
  private async admit(caller: Caller, events: Array<Omit<AcceptedEvent, 'enrolmentId'>>, rejected: RejectedEventDto[], now: Date): Promise<AcceptedEvent[]> {
    if (!events.length) return [];
    const items = new Map((await this.progress.itemsContext([...new Set(events.map((e) => e.itemId))])).map((i) => [i.item_id, i]));
    const courseIds = [...new Set([...items.values()].map((i) => i.course_id))];
    const enrolments = new Map((courseIds.length ? await this.progress.enrolmentsOf(caller.id, courseIds) : []).map((e) => [e.course_id, e]));
    const enrolmentIds = [...enrolments.values()].map((e) => e.id);
    const moduleIds = [...new Set([...items.values()].map((i) => i.module_id))];
    const [completions, prerequisites] = await Promise.all([this.progress.completions(enrolmentIds), this.progress.prerequisites(moduleIds)]);
    const prereqsOf = new Map<string, Array<{ id: string; required: number }>>();
    for (const p of prerequisites) prereqsOf.set(p.module_id, [...(prereqsOf.get(p.module_id) ?? []), { id: p.prerequisite_id, required: p.required }]);

    const accepted: AcceptedEvent[] = [];
    for (const event of events) {
      const item = items.get(event.itemId);
      if (!item) {
        rejected.push({ eventId: event.eventId, error: 'unknown item' });
        continue;
      }
      const enrolment = enrolments.get(item.course_id);
      if (!enrolment || item.course_status !== 'published') {
        rejected.push({ eventId: event.eventId, error: 'not enrolled' });
        continue;
      }
      const prereqs = prereqsOf.get(item.module_id) ?? [];
      const done = (moduleId: string) => completions.has(`${enrolment.id}:${moduleId}`) || prereqs.find((p) => p.id === moduleId)?.required === 0;
      if (isLocked({ unlockAt: item.unlock_at, prerequisites: prereqs.map((p) => p.id) }, done, now)) {
        rejected.push({ eventId: event.eventId, error: 'module locked' });
        continue;
      }
      accepted.push({ ...event, enrolmentId: enrolment.id });
    }
    return accepted;
  }

  private parse(raw: unknown, now: Date): { event: Omit<AcceptedEvent, 'enrolmentId'> } | { eventId: string; error: string } {
    const eventId = typeof (raw as { eventId?: unknown })?.eventId === 'string' ? (raw as { eventId: string }).eventId.slice(0, 100) : '';
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { eventId, error: 'invalid event: not an object' };
    const dto = plainToInstance(ProgressEventDto, raw);
    const errors = validateSync(dto, VALIDATION_OPTIONS);
    if (errors.length) {
      const fields = errors.map((e) => e.property).join(', ');
      return { eventId, error: `invalid event: ${fields}` };
    }
    if (dto.percent !== undefined && (dto.percent < 0 || dto.percent > 100)) return { eventId, error: 'percent outside 0–100' };
    if (dto.positionSeconds !== undefined && dto.positionSeconds < 0) return { eventId, error: 'positionSeconds is negative' };
    const occurredAt = new Date(dto.occurredAt);
    if (occurredAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) return { eventId, error: 'occurredAt is in the future' };
    const watched = segmentsToMultirange(dto.watchedSegments);
    if ('error' in watched) return { eventId, error: watched.error };
    return {
      event: {
        eventId: dto.eventId.toLowerCase(),
        itemId: dto.itemId,
        type: dto.type,
        positionSeconds: dto.positionSeconds ?? null,
        percent: dto.percent ?? null,
        watched: watched.value,
        occurredAt,
      },
    };
  }
}
