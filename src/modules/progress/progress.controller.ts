import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { Caller, CurrentUser, Roles } from '../../common/auth.decorators';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import {
  BatchResultDto,
  CourseProgressDto,
  EnrolmentProgressDto,
  ItemStateDto,
  ProgressBatchDto,
  ReportPageDto,
  ReportQuery,
  ReportRowDto,
  SummaryDto,
} from './dto/progress.dto';
import { ProgressIngestService } from './progress-ingest.service';
import { ProgressReportService } from './progress-report.service';
import { ProgressService } from './progress.service';

/** A player's batch: a resume position with the segments watched since the last batch, and a completion. */
const EVENTS_EXAMPLE = {
  events: [
    {
      eventId: '0d8e6a52-9c1e-4f1b-8d7a-1b2c3d4e5f60',
      itemId: '5b7f3c2e-8a41-4d6f-9e0b-6c1d2e3f4a5b',
      type: 'progressed',
      positionSeconds: 410,
      percent: 34.2,
      watchedSegments: [
        [0, 120.5],
        [300, 410],
      ],
      occurredAt: '2026-11-02T18:04:31Z',
    },
    {
      eventId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      itemId: '9c8b7a6d-5e4f-4d3c-8b2a-1f0e9d8c7b6a',
      type: 'completed',
      occurredAt: '2026-11-02T18:06:02+01:00',
    },
  ],
};

const REPORT_EXAMPLE = {
  data: [
    {
      enrolmentId: '2f4e6a8c-1b3d-4f5a-9c7e-0d2b4f6a8c1e',
      user: { id: '8e1d3c5b-7a9f-4b2d-8e6c-4a1f3b5d7c9e', name: 'Ana Pérez', email: 'ana.perez@example.org' },
      cohortId: '4c6e8a1b-3d5f-4a7c-9e1b-2d4f6a8c1e3b',
      cohortName: 'Evening',
      percent: 62.5,
      completedItems: 5,
      overdueAssignments: 1,
      selfReportedCompletions: 0,
      lastActivityAt: '2026-11-02T18:06:02Z',
      state: 'in_progress',
      modules: [
        { moduleId: '1a3c5e7b-9d2f-4b6a-8c1e-3f5a7c9e1b2d', number: 1, title: 'Colombia: the peace process', state: 'completed' },
        {
          moduleId: '6b8d1f3a-5c7e-4a9b-8d2f-4a6c8e1b3d5f',
          number: 2,
          title: 'Great negotiator: Martti Ahtisaari',
          state: 'not_completed',
        },
      ],
    },
  ],
  nextCursor: 'eyJrIjpbIkFuYSBQw6lyZXoiLCIyZjRlNmE4YyJdfQ.sig',
};

const QUEUE_FULL =
  "Too many of the student's progress writes already wait in this API process (PROGRESS_WRITE_QUEUE); nothing written; see Retry-After";
const WAITED_TOO_LONG =
  "Waited longer than PROGRESS_WRITE_WAIT_MS for the student's earlier writes (or another process's); nothing written; see Retry-After";

@ApiTags('progress')
@ApiBearerAuth()
@Controller()
export class ProgressController {
  constructor(
    private readonly ingest: ProgressIngestService,
    private readonly progress: ProgressService,
    private readonly reports: ProgressReportService,
  ) {}

  @Post('progress/events')
  @ApiOperation({
    summary: 'Send progress events',
    description:
      "Records a batch of up to 500 events from a player or reader: viewed, progressed (position, percent, watched segments) and completed. `eventId` is a client UUID, so resending a batch never counts twice. Each event is accepted, a duplicate, or rejected with a reason (for example a locked module or a course the caller is not enrolled in); a bad event never fails the batch. Watch rules complete only on the server's coverage of `watchedSegments`. 413 past 500 events or 5,000 segments; 429/503 when the student's earlier writes are still queued.",
  })
  @HttpCode(200)
  @ApiBody({
    type: ProgressBatchDto,
    examples: { player: { summary: 'A video player batch with watched segments', value: EVENTS_EXAMPLE } },
  })
  @ApiOkResponse({
    type: BatchResultDto,
    description: 'Per event: accepted, duplicate (same eventId again) or rejected with a reason',
    example: { accepted: 1, duplicates: 1, rejected: [] },
  })
  @ApiPayloadTooLargeResponse({ description: 'More than 500 events, or more than 5,000 watched segments in all' })
  @ApiTooManyRequestsResponse({ description: QUEUE_FULL })
  @ApiServiceUnavailableResponse({ description: WAITED_TOO_LONG })
  events(@Body() body: ProgressBatchDto, @CurrentUser() caller: Caller): Promise<BatchResultDto> {
    return this.ingest.ingest(caller, body.events);
  }

  @Post('items/:id/complete')
  @ApiOperation({
    summary: 'Mark an item done',
    description: 'Completes a mark_done item for the caller (idempotent); other completion rules are 409.',
  })
  @HttpCode(200)
  @ApiOkResponse({ type: ItemStateDto, description: 'mark_done items only; idempotent' })
  @ApiTooManyRequestsResponse({ description: QUEUE_FULL })
  @ApiServiceUnavailableResponse({ description: WAITED_TOO_LONG })
  complete(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<ItemStateDto> {
    return this.progress.complete(caller, id);
  }

  @Get('me/courses/:courseId/progress')
  @ApiOperation({
    summary: 'Get my progress in a course',
    description:
      'Percent done, module states (locked, available, in_progress, completed) with due dates, and per item the state and resume position.',
  })
  @ApiOkResponse({ type: CourseProgressDto })
  mine(@Param('courseId', uuidPipe) courseId: string, @CurrentUser() caller: Caller): Promise<CourseProgressDto> {
    return this.progress.courseProgress(caller, courseId);
  }

  @Get('courses/:id/progress')
  @ApiOperation({
    summary: 'Progress report of a course',
    description:
      'One row per enrolment: the student, percent done, completed items, overdue assignments, last activity, cohort and per-module percent; filtered by cohort and state and sorted. With `format=csv` or `Accept: text/csv` the whole report streams as CSV; otherwise JSON pages.',
  })
  @Roles('admin', 'instructor')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: ReportPageDto,
    description:
      'With ?format=csv or Accept: text/csv, the whole course streamed as CSV (same columns, one per module after the fixed ones; same filters and sort)',
    example: REPORT_EXAMPLE,
  })
  async report(
    @Param('id', uuidPipe) id: string,
    @Query() query: ReportQuery,
    @CurrentUser() caller: Caller,
    @Headers('accept') accept: string | undefined,
  ): Promise<Page<ReportRowDto> | StreamableFile> {
    if (query.format === 'csv' || (query.format !== 'json' && accept?.includes('text/csv'))) {
      const stream = await this.reports.csv(caller, id, query);
      return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="progress-${id}.csv"` });
    }
    return this.reports.page(caller, id, query);
  }

  @Get('courses/:id/progress/summary')
  @ApiOperation({
    summary: 'Per-module completion summary',
    description: 'For each module, how many enrolments have completed it, are in progress or have not started, and the rate.',
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: SummaryDto })
  summary(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<SummaryDto> {
    return this.reports.summary(caller, id);
  }

  @Get('courses/:id/enrolments/:enrolmentId/progress')
  @ApiOperation({
    summary: "One student's progress",
    description:
      "The student's view of the course with each item's last activity and whether its completion was judged from watched segments or self-reported. 404 for enrolments of other courses.",
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({
    type: EnrolmentProgressDto,
    description:
      "One student's progress as they see it, with each item's last activity; 404 for enrolments of other courses and courses you do not teach",
  })
  enrolment(
    @Param('id', uuidPipe) id: string,
    @Param('enrolmentId', uuidPipe) enrolmentId: string,
    @CurrentUser() caller: Caller,
  ): Promise<EnrolmentProgressDto> {
    return this.progress.enrolmentProgress(caller, id, enrolmentId);
  }
}
