import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AdminOnly, Caller, CurrentUser } from '../../common/auth.decorators';
import { NoStore } from '../../common/no-store';
import { QueuesDashboardSessions } from './queues-dashboard.sessions';
import { URL_MAX } from '../../common/limits';

class DashboardLinkDto {
  @ApiProperty({ maxLength: URL_MAX, example: 'http://localhost:3000/admin/queues?ticket=…', description: 'Open within expiresIn seconds' })
  url: string;
  @ApiProperty({ example: 60 }) expiresIn: number;
}

@ApiTags('admin')
@Controller('admin/queues')
export class QueuesDashboardController {
  constructor(private readonly sessions: QueuesDashboardSessions) {}

  /** A one-time link that opens the queue dashboard in a browser (sets a 30-minute cookie that ends with this sign-in session). */
  @Post('session')
  @ApiOperation({
    summary: 'Open the queue dashboard',
    description:
      'A one-time link (valid for a minute) that opens the BullMQ dashboard at /admin/queues in a browser and sets a 30-minute cookie that ends with this sign-in session.',
  })
  @NoStore()
  @HttpCode(200)
  @AdminOnly()
  @ApiOkResponse({ type: DashboardLinkDto })
  session(@CurrentUser() caller: Caller): Promise<DashboardLinkDto> {
    return this.sessions.ticketUrl(caller);
  }
}
