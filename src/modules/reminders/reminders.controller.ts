import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @Roles('admin', 'instructor')
  @ApiBearerAuth()
  @ApiOkResponse({ type: ReminderPageDto })
  course(@Param('id', uuidPipe) id: string, @Query() query: ReminderQuery, @CurrentUser() caller: Caller): Promise<Page<ReminderDto>> {
    return this.reminders.list(caller, id, query);
  }

  @Get('admin/reminders')
  @AdminOnly()
  @ApiOkResponse({ type: ReminderPageDto })
  all(@Query() query: ReminderQuery, @CurrentUser() caller: Caller): Promise<Page<ReminderDto>> {
    return this.reminders.list(caller, undefined, query);
  }

  @Post('admin/reminders/:id/retry')
  @HttpCode(200)
  @AdminOnly()
  @ApiOkResponse({ type: ReminderDto, description: 'Scheduled again; the worker sends it once' })
  @ApiConflictResponse({ description: 'The reminder is not failed' })
  retry(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<ReminderDto> {
    return this.reminders.retry(caller, id, requestId);
  }
}
