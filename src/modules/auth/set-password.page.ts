import { Body, Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/auth.decorators';
import { DomainError } from '../../common/errors';
import { escapeHtml, htmlPage } from '../../common/html';
import { validateDto } from '../../common/validation';
import { AuthService } from './auth.service';
import { SetPasswordDto } from './dto/auth.dto';

const page = (body: string) => htmlPage('Accord: choose a password', body);
const escape = escapeHtml;

/** The page an invitation email links to; a plain HTML form, no script. API clients use POST /api/v1/auth/set-password. */
@ApiExcludeController()
@Controller('set-password')
@Public()
export class SetPasswordPage {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  form(@Query('token') token?: string): string {
    return page(`<h1>Choose your Accord password</h1>
<form method="post" action="/set-password">
<input type="hidden" name="token" value="${escape(String(token ?? ''))}">
<p><label>New password (at least 10 characters)<br><input type="password" name="password" minlength="10" maxlength="200" required autocomplete="new-password"></label></p>
<p><button type="submit">Set password</button></p></form>`);
  }

  @Post()
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async submit(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    try {
      const input = await validateDto(SetPasswordDto, body);
      const session = await this.auth.setPassword(input.token, input.password);
      return page(`<h1>Password set</h1><p>You can now sign in as <b>${escape(session.user.email)}</b>.</p>`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      void reply.status(error.status);
      return page(
        `<h1>That did not work</h1><p>${escape(error.message)}</p><p>Ask your instructor or an administrator for a new invitation if the link has expired.</p>`,
      );
    }
  }
}
