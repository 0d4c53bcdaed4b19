import { Controller, Get, Header, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Caller, CurrentUser, Public } from '../../common/auth.decorators';
import { NoStore } from '../../common/no-store';
import { CalendarService, FEED_PATH } from './calendar.service';
import { CalendarFeedQuery, CalendarLinkDto } from './dto/calendar.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('me/calendar')
export class MyCalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get()
  @NoStore()
  @ApiOperation({
    summary: 'Get my calendar feed link',
    description: 'Returns the secret URL of your RFC 5545 feed of due dates (and its `webcal://` form), creating it on the first call.',
  })
  @ApiOkResponse({ type: CalendarLinkDto, description: 'Your secret feed URL; created on the first call' })
  get(@CurrentUser() caller: Caller): Promise<CalendarLinkDto> {
    return this.calendar.link(caller.id);
  }

  @Post('rotate')
  @HttpCode(200)
  @NoStore()
  @ApiOperation({
    summary: 'Replace my calendar feed link',
    description: 'Issues a new secret feed URL; the old URL answers 404 from now on. Use it when a link has been shared by mistake.',
  })
  @ApiOkResponse({ type: CalendarLinkDto, description: 'A new secret feed URL; the old one answers 404 from now on' })
  rotate(@CurrentUser() caller: Caller): Promise<CalendarLinkDto> {
    return this.calendar.rotate(caller.id);
  }
}

/** The feed itself: no login (calendar apps cannot sign in); the secret token in the path is the authority. */
@ApiTags('calendar')
@Controller(FEED_PATH)
@Public()
export class CalendarFeedController {
  constructor(private readonly calendar: CalendarService) {}

  @Get(':file')
  @ApiOperation({
    summary: 'Read a calendar feed',
    description:
      'The iCalendar (RFC 5545) feed of due dates for the owner of the token: one event per assignment with a stable UID, a SEQUENCE that grows when the date moves and STATUS:CANCELLED for cancelled assignments. `?alarm=<minutes>` adds a VALARM. Sends an ETag; If-None-Match answers 304.',
  })
  @Header('Cache-Control', 'private, no-cache')
  @ApiProduces('text/calendar')
  @ApiParam({ name: 'file', description: 'The secret token from GET /me/calendar, then `.ics`', schema: { type: 'string', maxLength: 80 } })
  @ApiOkResponse({ description: 'RFC 5545 iCalendar of your due dates', content: { 'text/calendar': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  @ApiNotFoundResponse({ description: 'Unknown or rotated token (problem+json)' })
  async feed(
    @Param('file') file: string,
    @Query() query: CalendarFeedQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { body, etag } = await this.calendar.feed(file, query.alarm);
    void reply.header('ETag', etag);
    const presented = request.headers['if-none-match'];
    if (presented && presented.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*')) {
      void reply.status(304);
      return '';
    }
    void reply.type('text/calendar; charset=utf-8');
    return body;
  }
}
