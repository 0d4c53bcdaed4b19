import { Body, Controller, HttpCode, Ip, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../../common/auth.decorators';
import { Unauthenticated } from '../../common/errors';
import { CSRF_TOKEN_LENGTH } from '../../common/limits';
import { NoStore } from '../../common/no-store';
import { AuthService, Session } from './auth.service';
import { LoginDto, PasswordResetDto, RefreshDto, SetPasswordDto, TokenPairDto } from './dto/auth.dto';
import { LocalAuthGuard } from './local.strategy';
import { PasswordResetService } from './password-reset.service';
import { SessionCookies } from './session-cookies';

const SESSION_MODE = ApiHeader({
  name: 'X-Accord-Session',
  required: false,
  enum: ['cookie'],
  description:
    'Cookie mode for browsers: the refresh token is set in the HttpOnly cookie accord_refresh (Path=/api/v1/auth) and left out of the body; ' +
    'the CSRF token for X-CSRF-Token is set in the cookie accord_csrf (readable by script).',
});
const CSRF = ApiHeader({
  name: 'X-CSRF-Token',
  required: false,
  schema: { type: 'string', minLength: CSRF_TOKEN_LENGTH, maxLength: CSRF_TOKEN_LENGTH, pattern: '^[A-Za-z0-9_-]+$' },
  description:
    'Required when the refresh token comes from the accord_refresh cookie (no refreshToken in the body): the value of the accord_csrf cookie.',
});
const NO_REFRESH_TOKEN = 'No refresh token: send refreshToken in the body, or the accord_refresh cookie with X-CSRF-Token';

/** A session as answered: in cookie mode the refresh token goes into a cookie, never into the body. */
type SessionBody = Omit<Session, 'refreshToken'> & { refreshToken?: string };

@ApiTags('auth')
@Controller('auth')
@Public()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly cookies: SessionCookies,
    private readonly passwordReset: PasswordResetService,
  ) {}

  @Post('login')
  @NoStore()
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @SESSION_MODE
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (the same answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this account or address; see Retry-After' })
  login(@Req() req: FastifyRequest & { user: Session }, @Res({ passthrough: true }) reply: FastifyReply): SessionBody {
    return this.answer(req.user, this.cookies.wanted(req), reply);
  }

  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @SESSION_MODE
  @CSRF
  @ApiBody({ type: RefreshDto, required: false, description: 'Omitted (or `{}`) in cookie mode' })
  @ApiOkResponse({
    type: TokenPairDto,
    description:
      'A new pair; the presented refresh token is spent. Refreshed by cookie, the answer is in cookie mode (new cookies, no refreshToken).',
  })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired or reused token (reuse revokes the whole session family), or no token at all' })
  @ApiForbiddenResponse({ description: 'The token came from the cookie and X-CSRF-Token is missing or wrong' })
  async refresh(
    @Body() body: RefreshDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionBody> {
    const fromBody = body?.refreshToken;
    const token = fromBody ?? this.cookies.refreshTokenFrom(req);
    if (!token) throw new Unauthenticated(NO_REFRESH_TOKEN);
    // A failed refresh leaves the cookies alone: the loser of two tabs' race must not delete the winner's new cookie.
    const session = await this.auth.refresh(token);
    return this.answer(session, !fromBody || this.cookies.wanted(req), reply);
  }

  @Post('logout')
  @HttpCode(204)
  @CSRF
  @ApiBody({ type: RefreshDto, required: false, description: 'Omitted (or `{}`) in cookie mode' })
  @ApiNoContentResponse({ description: 'The session family is revoked (idempotent); by cookie, both cookies are cleared' })
  @ApiUnauthorizedResponse({ description: 'No refresh token in the body and no accord_refresh cookie' })
  @ApiForbiddenResponse({ description: 'The token came from the cookie and X-CSRF-Token is missing or wrong' })
  async logout(@Body() body: RefreshDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    if (body?.refreshToken) return this.auth.logout(body.refreshToken);
    const token = this.cookies.refreshTokenFrom(req);
    if (!token) throw new Unauthenticated(NO_REFRESH_TOKEN);
    await this.auth.logout(token);
    this.cookies.clear(reply);
  }

  @Post('set-password')
  @NoStore()
  @HttpCode(200)
  @SESSION_MODE
  @ApiOkResponse({ type: TokenPairDto, description: 'Password set; the user is signed in, and every other session of theirs is ended' })
  async setPassword(
    @Body() body: SetPasswordDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionBody> {
    return this.answer(await this.auth.setPassword(body.token, body.password), this.cookies.wanted(req), reply);
  }

  @Post('password-reset')
  @HttpCode(202)
  @ApiAcceptedResponse({
    description: 'The same answer whatever the email: an active account gets a single-use, expiring set-password link by email',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many requests for this email or from this address; see Retry-After' })
  async requestPasswordReset(@Body() body: PasswordResetDto, @Ip() ip: string): Promise<Record<string, never>> {
    await this.passwordReset.request(body.email, ip);
    return {};
  }

  private answer(session: Session, cookieMode: boolean, reply: FastifyReply): SessionBody {
    if (!cookieMode) return session;
    const { refreshToken, ...rest } = session;
    this.cookies.set(reply, refreshToken);
    return rest;
  }
}
