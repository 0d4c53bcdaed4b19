import { HttpStatus, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { DomainError } from '../../common/errors';
import { VALIDATION_OPTIONS } from '../../common/validation';
import { BatchResultDto, isWellFormedEvent, MAX_BATCH, ProgressEventDto, RejectedEventDto } from './dto/progress.dto';
import {
  countSegments,
  isLocked,
  MAX_FUTURE_SKEW_MS,
  MAX_SECONDS,
  MAX_SEGMENTS_PER_BATCH,
  MAX_SEGMENTS_PER_EVENT,
  segmentsToMultirange,
  tooManySegments,
} from './progress-rules';
import { ProgressAdmissionRepository } from './progress-admission.repository';
import { AcceptedEvent, ProgressWritesRepository } from './progress-writes.repository';
import { EVENT_ID_ECHO_MAX } from '../../common/limits';

/**
 * POST /progress/events. Each event is accepted, a duplicate or rejected with a reason. The work
 * is set-based: one context read, then, in one transaction holding the enrolments' row locks, one
 * statement for the raw events (ON CONFLICT DO NOTHING) and the derived item state, and one for the
 * enrolment counters.
 */
@Injectable()
export class ProgressIngestService {
  constructor(
    private readonly progress: ProgressAdmissionRepository,
    private readonly writes: ProgressWritesRepository,
    private readonly clock: Clock,
  ) {}

  async ingest(caller: Caller, events: unknown[]): Promise<BatchResultDto> {
    if (events.length > MAX_BATCH) {
      throw new DomainError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'too-large',
        `A batch takes at most ${MAX_BATCH} events; this one has ${events.length}`,
      );
    }
    const segments = countSegments(events);
    if (segments > MAX_SEGMENTS_PER_BATCH) {
      const most = MAX_SEGMENTS_PER_BATCH.toLocaleString('en-US');
      throw new DomainError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'too-large',
        `A batch carries at most ${most} watched segments in all; this one has ${segments}`,
        [{ field: 'events[].watchedSegments', message: `at most ${most} segments per batch` }],
      );
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
    const inserted = accepted.length ? await this.record(caller.id, accepted, now) : 0;
    duplicates += accepted.length - inserted;
    return { accepted: inserted, duplicates, rejected };
  }

  /**
   * Events and the counters they change in one transaction under the enrolments' locks: batches of
   * one enrolment serialise, so the counters always equal the item rows (and a failure records nothing).
   */
  private record(userId: string, accepted: AcceptedEvent[], now: Date): Promise<number> {
    return this.writes.recordBatch(userId, accepted, now);
  }

  /** Known item, enrolled caller, open course, unlocked module. */
  private async admit(
    caller: Caller,
    events: Array<Omit<AcceptedEvent, 'enrolmentId'>>,
    rejected: RejectedEventDto[],
    now: Date,
  ): Promise<AcceptedEvent[]> {
    if (!events.length) return [];
    const items = new Map(
      (await this.progress.admissionContext(caller.id, [...new Set(events.map((e) => e.itemId))])).map((i) => [i.item_id, i]),
    );
    // One verdict per item, not per event: a batch is one student's events over a few items.
    const verdicts = new Map<string, { error: string } | { enrolmentId: string }>();
    const verdictOf = (itemId: string): { error: string } | { enrolmentId: string } => {
      const item = items.get(itemId);
      if (!item) return { error: 'unknown item' };
      if (!item.enrolment_id || item.course_status !== 'published') return { error: 'not enrolled' };
      const prereqs = item.prerequisites;
      const done = (moduleId: string) => prereqs.some((p) => p.id === moduleId && (p.completed || p.required === 0));
      if (isLocked({ unlockAt: item.unlock_at, prerequisites: prereqs.map((p) => p.id) }, done, now)) return { error: 'module locked' };
      return { enrolmentId: item.enrolment_id };
    };
    const accepted: AcceptedEvent[] = [];
    for (const event of events) {
      let verdict = verdicts.get(event.itemId);
      if (!verdict) verdicts.set(event.itemId, (verdict = verdictOf(event.itemId)));
      if ('error' in verdict) rejected.push({ eventId: event.eventId, error: verdict.error });
      else accepted.push(Object.assign(event, { enrolmentId: verdict.enrolmentId })); // the parsed event itself, not a copy per event
    }
    return accepted;
  }

  private parse(raw: unknown, now: Date): { event: Omit<AcceptedEvent, 'enrolmentId'> } | { eventId: string; error: string } {
    const eventId =
      typeof (raw as { eventId?: unknown })?.eventId === 'string' ? (raw as { eventId: string }).eventId.slice(0, EVENT_ID_ECHO_MAX) : '';
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { eventId, error: 'invalid event: not an object' };
    const segments = (raw as { watchedSegments?: unknown }).watchedSegments;
    if (Array.isArray(segments) && segments.length > MAX_SEGMENTS_PER_EVENT) return { eventId, error: tooManySegments(segments.length) };
    let dto: ProgressEventDto;
    if (isWellFormedEvent(raw)) {
      dto = raw; // the common case: the DTO's own predicates pass, no instance to build
    } else {
      dto = plainToInstance(ProgressEventDto, raw);
      const errors = validateSync(dto, VALIDATION_OPTIONS);
      if (errors.length) {
        const fields = errors.map((e) => e.property).join(', ');
        return { eventId, error: `invalid event: ${fields}` };
      }
    }
    if (dto.percent !== undefined && (dto.percent < 0 || dto.percent > 100)) return { eventId, error: 'percent outside 0–100' };
    if (dto.positionSeconds !== undefined && dto.positionSeconds < 0) return { eventId, error: 'positionSeconds is negative' };
    if (dto.positionSeconds !== undefined && dto.positionSeconds > MAX_SECONDS)
      return { eventId, error: `positionSeconds is beyond ${MAX_SECONDS} (ten days)` };
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
        occurredAt: occurredAt.toISOString(),
      },
    };
  }
}
