import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Caller, CurrentUser, RequestId, Roles } from '../../common/auth.decorators';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import { AssignmentsService } from './assignments.service';
import {
  AssignmentDto,
  AssignmentPageDto,
  AssignmentQuery,
  CreateAssignmentDto,
  MyAssignmentListDto,
  MyAssignmentsQuery,
  RescheduleDto,
} from './dto/assignment.dto';

@ApiTags('assignments')
@ApiBearerAuth()
@Controller()
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post('courses/:id/assignments')
  @ApiOperation({
    summary: 'Assign a module with a due date',
    description:
      'Assigns a module to the whole course, a cohort or chosen enrolments, due at an instant (ISO 8601 with an offset). The assignment notice and the due-soon and overdue reminders are scheduled with it.',
  })
  @Roles('admin', 'instructor')
  @ApiCreatedResponse({ type: AssignmentDto, description: 'Reminder rows (assignment, due_soon, overdue) are written with it' })
  create(
    @Param('id', uuidPipe) id: string,
    @Body() body: CreateAssignmentDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<AssignmentDto> {
    return this.assignments.create(caller, id, body, requestId);
  }

  @Get('courses/:id/assignments')
  @ApiOperation({
    summary: "List a course's assignments",
    description: 'Assignments with their targets and per-student overrides; cursor-paginated.',
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: AssignmentPageDto })
  list(@Param('id', uuidPipe) id: string, @Query() query: AssignmentQuery, @CurrentUser() caller: Caller): Promise<Page<AssignmentDto>> {
    return this.assignments.list(caller, id, query);
  }

  @Patch('assignments/:id')
  @ApiOperation({
    summary: 'Change a due date',
    description: 'Moves the due date; pending due-soon and overdue reminders are replaced for the new date.',
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: AssignmentDto, description: 'Pending due reminders are replaced for the new date' })
  reschedule(
    @Param('id', uuidPipe) id: string,
    @Body() body: RescheduleDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<AssignmentDto> {
    return this.assignments.reschedule(caller, id, body.dueAt, requestId);
  }

  @Delete('assignments/:id')
  @ApiOperation({ summary: 'Cancel an assignment', description: 'Cancels the assignment; its pending reminders are cancelled.' })
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse({ description: 'Cancelled; pending reminders are cancelled' })
  async cancel(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.assignments.cancel(caller, id, requestId);
  }

  @Put('assignments/:id/overrides/:enrolmentId')
  @ApiOperation({
    summary: "Set one student's due date",
    description: 'Gives one enrolment its own due date for this assignment (an extension); their reminders follow it.',
  })
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: AssignmentDto })
  setOverride(
    @Param('id', uuidPipe) id: string,
    @Param('enrolmentId', uuidPipe) enrolmentId: string,
    @Body() body: RescheduleDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<AssignmentDto> {
    return this.assignments.setOverride(caller, id, enrolmentId, body.dueAt, requestId);
  }

  @Delete('assignments/:id/overrides/:enrolmentId')
  @ApiOperation({ summary: "Remove one student's due date", description: "The enrolment goes back to the assignment's due date." })
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse()
  async removeOverride(
    @Param('id', uuidPipe) id: string,
    @Param('enrolmentId', uuidPipe) enrolmentId: string,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<void> {
    await this.assignments.removeOverride(caller, id, enrolmentId, requestId);
  }

  @Get('me/assignments')
  @ApiOperation({
    summary: 'List my assignments',
    description:
      "The caller's assignments with the due date that applies to them (overrides included), filtered by upcoming, overdue or done.",
  })
  @ApiOkResponse({ type: MyAssignmentListDto, description: 'With the due date that applies to the caller' })
  async mine(@Query() query: MyAssignmentsQuery, @CurrentUser() caller: Caller): Promise<MyAssignmentListDto> {
    return { data: await this.assignments.mine(caller, query.status) };
  }
}
