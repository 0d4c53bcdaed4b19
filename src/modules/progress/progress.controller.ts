import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
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
  @HttpCode(200)
  @ApiOkResponse({ type: BatchResultDto, description: 'Per event: accepted, duplicate (same eventId again) or rejected with a reason' })
  @ApiPayloadTooLargeResponse({ description: 'More than 500 events, or more than 5,000 watched segments in all' })
  @ApiTooManyRequestsResponse({ description: QUEUE_FULL })
  @ApiServiceUnavailableResponse({ description: WAITED_TOO_LONG })
  events(@Body() body: ProgressBatchDto, @CurrentUser() caller: Caller): Promise<BatchResultDto> {
    return this.ingest.ingest(caller, body.events);
  }

  @Post('items/:id/complete')
  @HttpCode(200)
  @ApiOkResponse({ type: ItemStateDto, description: 'mark_done items only; idempotent' })
  @ApiTooManyRequestsResponse({ description: QUEUE_FULL })
  @ApiServiceUnavailableResponse({ description: WAITED_TOO_LONG })
  complete(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<ItemStateDto> {
    return this.progress.complete(caller, id);
  }

  @Get('me/courses/:courseId/progress')
  @ApiOkResponse({ type: CourseProgressDto })
  mine(@Param('courseId', uuidPipe) courseId: string, @CurrentUser() caller: Caller): Promise<CourseProgressDto> {
    return this.progress.courseProgress(caller, courseId);
  }

  @Get('courses/:id/progress')
  @Roles('admin', 'instructor')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: ReportPageDto,
    description:
      'With ?format=csv or Accept: text/csv, the whole course streamed as CSV (same columns, one per module after the fixed ones; same filters and sort)',
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
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: SummaryDto })
  summary(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<SummaryDto> {
    return this.reports.summary(caller, id);
  }

  @Get('courses/:id/enrolments/:enrolmentId/progress')
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
