import { Body, Controller, Get, Header, HttpCode, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { NoStore } from '../../common/no-store';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Caller, CurrentUser, Public } from '../../common/auth.decorators';
import { escapeHtml, htmlPage } from '../../common/html';
import { PreferencesDto, PreferencesPatchDto } from './dto/preferences.dto';
import { UnsubscribeDto, UnsubscribeScopeDto } from './dto/unsubscribe.dto';
import { NotificationsService } from './notifications.service';
import { KIND_LABEL } from './preference-fields';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notification-preferences')
export class PreferencesController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'Get my email preferences', description: 'Which kinds of email I get, and my quiet hours.' })
  @ApiOkResponse({ type: PreferencesDto })
  get(@CurrentUser() caller: Caller): Promise<PreferencesDto> {
    return this.notifications.get(caller.id);
  }

  @Put()
  @ApiOperation({ summary: 'Replace my email preferences', description: 'Sets every field at once; use PATCH for a few.' })
  @ApiOkResponse({ type: PreferencesDto })
  put(@Body() body: PreferencesDto, @CurrentUser() caller: Caller): Promise<PreferencesDto> {
    return this.notifications.put(caller.id, body);
  }

  @Patch()
  @ApiOperation({ summary: 'Change some of my email preferences', description: 'Any subset of the fields; the rest keep their value.' })
  @ApiOkResponse({
    type: PreferencesDto,
    description: 'Any subset of the fields; the rest keep their value. An empty body changes nothing.',
  })
  @ApiBadRequestResponse({ description: 'An unknown field, a wrong type, a boolean sent as null or a bad HH:MM' })
  patch(@Body() body: PreferencesPatchDto, @CurrentUser() caller: Caller): Promise<PreferencesDto> {
    return this.notifications.patch(caller.id, body);
  }
}

const page = (body: string) => htmlPage('Accord: email preferences', body);
const escape = escapeHtml;

/** RFC 8058 one-click unsubscribe (POST, no login). People who open the link get the web app's unsubscribe page. */
@ApiTags('notifications')
@Controller('unsubscribe')
@Public()
export class UnsubscribeController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @ApiOperation({
    summary: 'One-click unsubscribe (RFC 8058)',
    description:
      "The POST a mail client sends to the List-Unsubscribe link (token in the query); answers a small HTML page. People who open the link in a browser get the web app's page instead. A forged or altered token is 400.",
  })
  @HttpCode(200)
  @ApiOkResponse({ description: 'Unsubscribed from that kind of email (idempotent); 400 for a forged or altered token' })
  @Header('Cache-Control', 'no-store')
  async oneClick(@Query('token') token: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const kind = await this.notifications.unsubscribe(token);
    void reply.type('text/html; charset=utf-8');
    return page(`<h1>Unsubscribed</h1><p>You will no longer get ${escape(KIND_LABEL[kind])} from Accord.</p>`);
  }
}

/** The unsubscribe link for the web app (JSON, under /api/v1; no login): what a link stops, and stopping it. */
@ApiTags('notifications')
@Controller('notifications/unsubscribe')
@Public()
export class UnsubscribeApiController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'Describe an unsubscribe link', description: "The kind of email the link's token stops; nothing is changed." })
  @NoStore()
  @ApiQuery({ name: 'token', required: true, description: 'The token from the unsubscribe link' })
  @ApiOkResponse({ type: UnsubscribeScopeDto, description: 'The kind of email the link stops; nothing is changed' })
  @ApiBadRequestResponse({ description: 'A forged, altered or missing token' })
  describe(@Query('token') token: string | undefined): UnsubscribeScopeDto {
    return UnsubscribeScopeDto.of(this.notifications.verify(token).kind);
  }

  @Post()
  @ApiOperation({ summary: "Unsubscribe with a link's token", description: "Stops that kind of email for the token's user (idempotent)." })
  @HttpCode(200)
  @NoStore()
  @ApiOkResponse({ type: UnsubscribeScopeDto, description: 'Unsubscribed from that kind of email (idempotent)' })
  @ApiBadRequestResponse({ description: 'A forged, altered or missing token' })
  async unsubscribe(@Body() body: UnsubscribeDto): Promise<UnsubscribeScopeDto> {
    return UnsubscribeScopeDto.of(await this.notifications.unsubscribe(body.token));
  }
}
