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
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Caller, CurrentUser, RequestId, Roles } from '../../common/auth.decorators';
import { CHARSET_MAX, IMPORT_BODY_LIMIT_DEFAULT } from '../../common/limits';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import {
  BulkEnrolDto,
  BULK_FAILED_LIST_LIMIT,
  BULK_ROW_LIMIT,
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
  @ApiOperation({
    summary: 'Create a cohort',
    description:
      "A named group of a course's students (for example an evening section), used to enrol, assign and report by group. A name already used in the course is 409.",
  })
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
  @ApiOperation({ summary: "List a course's cohorts", description: 'Every cohort of the course.' })
  @ApiOkResponse({ type: CohortListDto })
  async cohorts(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller): Promise<CohortListDto> {
    return { data: await this.enrolments.cohorts(caller, id) };
  }

  @Post('enrolments')
  @ApiOperation({
    summary: 'Enrol one student',
    description:
      'Enrols an existing user (by userId or email) or, for an unknown email, creates an invited student. 201 for a new enrolment; 200 with the existing one when already enrolled (a dropped enrolment is reactivated).',
  })
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
  @ApiOperation({
    summary: 'Enrol students in bulk (JSON or CSV)',
    description:
      'Enrols up to 10,000 rows in one request, from JSON rows, a CSV file (header `email,name,cohort`) or a multipart upload of that file. One bad row never blocks the others and a rerun of the same file creates nothing new. `dryRun=true` answers the counts it would produce and writes nothing; `createCohorts=true` creates cohorts named in the file. More rows than the limit is 413.',
  })
  @HttpCode(200)
  @ApiExtraModels(BulkEnrolDto)
  @ApiConsumes('application/json', 'text/csv', 'application/vnd.ms-excel', 'text/plain', 'multipart/form-data')
  @ApiBody({
    description: `JSON \`{rows: [{email, name?, cohort?}]}\` (at most ${BULK_ROW_LIMIT} rows, and a CSV file as many), a CSV file with the header \`email,name,cohort\` sent as \`text/csv\`, \`application/vnd.ms-excel\` or \`text/plain\` (what browsers send for .csv), or \`multipart/form-data\` with that file in the field \`file\` (optionally preceded by a \`charset\` field). Columns are separated by \`,\` \`;\` or tab, whichever the header line uses most; the file is read in the charset the Content-Type (or the \`charset\` field) names, else UTF-16 by its BOM, UTF-8 (BOM optional) when the bytes are valid UTF-8, otherwise Windows-1252. Quoted fields may hold delimiters, \`""\` and newlines; CRLF or LF.`,
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
    examples: {
      csv: {
        summary: 'text/csv: a spreadsheet export (quoted field, empty cells)',
        value:
          'email,name,cohort\r\nana.perez@example.org,Ana Pérez,Evening\r\nj.muller@example.org,"Müller, Jonas",Evening\r\nkim@example.org,,\r\n',
      },
      json: {
        summary: 'application/json: rows',
        value: {
          rows: [{ email: 'ana.perez@example.org', name: 'Ana Pérez', cohort: 'Evening' }, { email: 'kim@example.org' }],
        },
      },
    },
  })
  @ApiOkResponse({
    type: BulkResultDto,
    description: `failed lists at most the first ${BULK_FAILED_LIST_LIMIT.toLocaleString('en')} failed rows; failedCount counts them all`,
    example: {
      created: 2,
      existing: 1,
      failed: [{ row: 4, email: 'not-an-email', error: 'invalid email' }],
      failedCount: 1,
      dryRun: false,
      invited: 1,
      cohortsCreated: 0,
    },
  })
  @ApiPayloadTooLargeResponse({
    description: `More than ${BULK_ROW_LIMIT} rows (counted before any row is validated) or a body over IMPORT_BODY_LIMIT_BYTES (8 MiB by default); the problem detail states both limits`,
  })
  async bulk(
    @Param('id', uuidPipe) id: string,
    @Query() query: BulkQuery,
    @Req() req: FastifyRequest,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<BulkResultDto> {
    const limitBytes = req.routeOptions.bodyLimit ?? 0;
    const body = req.isMultipart() ? await multipartCsv(req, limitBytes) : req.body;
    const rows = await importRows(body, limitBytes);
    return this.imports.import(
      caller,
      id,
      rows,
      { dryRun: query.dryRun ?? false, createCohorts: query.createCohorts ?? false, details: query.details ?? false },
      requestId,
    );
  }

  @Get('enrolments')
  @ApiOperation({
    summary: "List a course's enrolments",
    description: 'Enrolments with their students, filtered by status and cohort; cursor-paginated.',
  })
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
  @ApiOperation({
    summary: 'Change an enrolment',
    description: 'Changes the status (any \u2192 dropped, dropped \u2192 active; others 409) or the cohort.',
  })
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
  @ApiOperation({
    summary: 'Drop an enrolment',
    description: 'Sets the enrolment to dropped (idempotent); its pending reminders are skipped.',
  })
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse({ description: 'Dropped (idempotent)' })
  async drop(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.enrolments.drop(caller, id, requestId);
  }

  @Patch('cohorts/:id')
  @ApiOperation({ summary: 'Rename a cohort', description: 'A name already used in the course is 409.' })
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
  @ApiOperation({
    summary: 'Delete a cohort',
    description: 'Deletes a cohort nobody uses; while enrolments or live assignments use it, 409 naming them.',
  })
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
  @ApiOperation({ summary: 'List my enrolments', description: "The caller's enrolments with their courses." })
  @ApiOkResponse({ type: MyEnrolmentListDto })
  async mine(@CurrentUser() caller: Caller): Promise<MyEnrolmentListDto> {
    return { data: await this.enrolments.mine(caller) };
  }
}
