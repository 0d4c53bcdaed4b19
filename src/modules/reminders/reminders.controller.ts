import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AdminOnly, Caller, CurrentUser, RequestId, Roles } from '../../common/auth.decorators';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import { ReminderDto, ReminderPageDto, ReminderQuery } from './dto/reminder.dto';
import { RemindersService } from './reminders.service';

@ApiTags('reminders')
@Controller()
export class RemindersController {
  constructor(private readonly reminders: RemindersService) {}

  @Get('courses/:id/reminders')
  @ApiOperation({
    summary: "List a course's reminders",
    description:
      'Reminder emails of the course with their state (scheduled, queued, sending, sent, skipped with reason, cancelled, failed); filtered by kind and status.',
  })
  @Roles('admin', 'instructor')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ReminderPageDto })
  course(@Param('id', uuidPipe) id: string, @Query() query: ReminderQuery, @CurrentUser() caller: Caller): Promise<Page<ReminderDto>> {
    return this.reminders.list(caller, id, query);
  }

  @Get('admin/reminders')
  @ApiOperation({
    summary: 'List all reminders',
    description: 'Reminder emails of every course, for operators; same filters as the course list.',
  })
  @AdminOnly()
  @ApiOkResponse({ type: ReminderPageDto })
  all(@Query() query: ReminderQuery, @CurrentUser() caller: Caller): Promise<Page<ReminderDto>> {
    return this.reminders.list(caller, undefined, query);
  }

  @Post('admin/reminders/:id/retry')
  @ApiOperation({
    summary: 'Retry a failed reminder',
    description: 'Schedules a failed reminder again; the worker sends it once. A reminder that is not failed is 409.',
  })
  @HttpCode(200)
  @AdminOnly()
  @ApiOkResponse({ type: ReminderDto, description: 'Scheduled again; the worker sends it once' })
  @ApiConflictResponse({ description: 'The reminder is not failed' })
  retry(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<ReminderDto> {
    return this.reminders.retry(caller, id, requestId);
  }
}
