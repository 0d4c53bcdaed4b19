import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @Roles('admin', 'instructor')
  @ApiOkResponse({ type: AssignmentPageDto })
  list(@Param('id', uuidPipe) id: string, @Query() query: AssignmentQuery, @CurrentUser() caller: Caller): Promise<Page<AssignmentDto>> {
    return this.assignments.list(caller, id, query);
  }

  @Patch('assignments/:id')
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
  @HttpCode(204)
  @Roles('admin', 'instructor')
  @ApiNoContentResponse({ description: 'Cancelled; pending reminders are cancelled' })
  async cancel(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.assignments.cancel(caller, id, requestId);
  }

  @Put('assignments/:id/overrides/:enrolmentId')
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
  @ApiOkResponse({ type: MyAssignmentListDto, description: 'With the due date that applies to the caller' })
  async mine(@Query() query: MyAssignmentsQuery, @CurrentUser() caller: Caller): Promise<MyAssignmentListDto> {
    return { data: await this.assignments.mine(caller, query.status) };
  }
}
