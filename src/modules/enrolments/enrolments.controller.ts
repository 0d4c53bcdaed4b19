import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Caller, CurrentUser, RequestId, Roles } from '../../common/auth.decorators';
import { CHARSET_MAX, IMPORT_BODY_LIMIT_DEFAULT } from '../../common/limits';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import {
  BulkEnrolDto,
  BULK_FAILED_LIST_LIMIT,
  BulkQuery,
  BulkResultDto,
  CohortDto,
  CohortInput,
  CohortListDto,
  EnrolDto,
  EnrolmentDto,
  EnrolmentPageDto,
  EnrolmentQuery,
  MyEnrolmentListDto,
  UpdateEnrolmentDto,
} from './dto/enrolment.dto';
import { EnrolmentImportService } from './enrolment-import.service';
import { EnrolmentsService } from './enrolments.service';
import { importRows, multipartCsv } from './import-body';

@ApiTags('enrolments')
@ApiBearerAuth()
@Controller('courses/:id')
@Roles('admin', 'instructor')
export class CourseEnrolmentsController {
  constructor(
    private readonly enrolments: EnrolmentsService,
    private readonly imports: EnrolmentImportService,
  ) {}

  @Post('cohorts')
  @ApiCreatedResponse({ type: CohortDto })
  createCohort(
    @Param('id', uuidPipe) id: string,
    @Body() body: CohortInput,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<CohortDto> {
    return this.enrolments.createCohort(caller, id, body.name, requestId);
  }

  @Get('cohorts')
  @ApiOkResponse({ type: CohortListDto })
  async cohorts(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<CohortListDto> {
    return { data: await this.enrolments.cohorts(caller, id) };
  }

  @Post('enrolments')
  @ApiCreatedResponse({ type: EnrolmentDto, description: 'Enrolled (an unknown email becomes an invited student)' })
  @ApiOkResponse({ type: EnrolmentDto, description: 'Already enrolled: the existing enrolment (a dropped one is reactivated)' })
  async enrol(
    @Param('id', uuidPipe) id: string,
    @Body() body: EnrolDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EnrolmentDto> {
    const { enrolment, created } = await this.enrolments.enrol(caller, id, body, requestId);
    void reply.status(created ? 201 : 200);
    return enrolment;
  }

  @Post('enrolments/bulk')
  @HttpCode(200)
  @ApiExtraModels(BulkEnrolDto)
  @ApiConsumes('application/json', 'text/csv', 'multipart/form-data')
  @ApiBody({
    description:
      'JSON `{rows: [{email, name?, cohort?}]}`, a `text/csv` file with the header `email,name,cohort` (UTF-8, UTF-16 with BOM, or the charset the Content-Type names such as `text/csv; charset=windows-1252`; BOM optional, quoted fields, CRLF or LF), or `multipart/form-data` with that file in the field `file` (optionally preceded by a `charset` field naming its charset)',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(BulkEnrolDto) },
        { type: 'string', maxLength: IMPORT_BODY_LIMIT_DEFAULT, example: 'email,name,cohort\nana@example.org,Ana,Evening\n' },
        {
          type: 'object',
          required: ['file'],
          properties: {
            charset: { type: 'string', maxLength: CHARSET_MAX, example: 'windows-1252' },
            file: { type: 'string', format: 'binary', maxLength: IMPORT_BODY_LIMIT_DEFAULT },
          },
        },
      ],
    },
  })
  @ApiOkResponse({
    type: BulkResultDto,
    description: `failed lists at most the first ${BULK_FAILED_LIST_LIMIT.toLocaleString('en')} failed rows; failedCount counts them all`,
  })
  @ApiPayloadTooLargeResponse({ description: 'More than 10,000 rows (counted before any row is validated)' })
  async bulk(
    @Param('id', uuidPipe) id: string,
    @Query() query: BulkQuery,
    @Req() req: FastifyRequest,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<BulkResultDto> {
    const body = req.isMultipart() ? await multipartCsv(req, req.routeOptions.bodyLimit ?? 0) : req.body;
    const rows = await importRows(body);
    return this.imports.import(
      caller,
      id,
      rows,
      { dryRun: query.dryRun ?? false, createCohorts: query.createCohorts ?? false, details: query.details ?? false },
      requestId,
    );
  }

  @Get('enrolments')
  @ApiOkResponse({ type: EnrolmentPageDto })
  list(@Param('id', uuidPipe) id: string, @Query() query: EnrolmentQuery, @CurrentUser() caller: Caller): Promise<Page<EnrolmentDto>> {
    return this.enrolments.list(caller, id, query);
  }
}

@ApiTags('enrolments')
@ApiBearerAuth()
@Controller()
export class EnrolmentsController {
  constructor(private readonly enrolments: EnrolmentsService) {}

  @Patch('enrolments/:id')
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: EnrolmentDto, description: 'Allowed status changes: any → dropped, dropped → active; others 409' })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateEnrolmentDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<EnrolmentDto> {
    return this.enrolments.update(caller, id, body, requestId);
  }

  @Delete('enrolments/:id')
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse({ description: 'Dropped (idempotent)' })
  async drop(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.enrolments.drop(caller, id, requestId);
  }

  @Patch('cohorts/:id')
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: CohortDto })
  rename(
    @Param('id', uuidPipe) id: string,
    @Body() body: CohortInput,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<CohortDto> {
    return this.enrolments.renameCohort(caller, id, body.name, requestId);
  }

  @Delete('cohorts/:id')
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse({ description: 'Deleted (its cancelled assignments go with it)' })
  @ApiConflictResponse({
    description:
      'Still used by enrolments (any status) or live assignments: the detail names the first three of each, `errors` lists up to 50 of each (`field` is `enrolments` or `assignments`)',
  })
  async deleteCohort(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.enrolments.deleteCohort(caller, id, requestId);
  }

  @Get('me/enrolments')
  @ApiOkResponse({ type: MyEnrolmentListDto })
  async mine(@CurrentUser() caller: Caller): Promise<MyEnrolmentListDto> {
    return { data: await this.enrolments.mine(caller) };
  }
}
