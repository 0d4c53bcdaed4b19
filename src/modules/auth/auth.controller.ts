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
  ApiOperation,
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
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Checks the email and password and starts a sign-in session: a short-lived access token (send it as `Authorization: Bearer`) and a refresh token. With `X-Accord-Session: cookie` the refresh token is set in an HttpOnly cookie instead of the body. Wrong email and wrong password get the same 401. Failures are throttled per account and per client address (429 with Retry-After).',
  })
  @NoStore()
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @SESSION_MODE
  @ApiBody({
    type: LoginDto,
    examples: { admin: { summary: 'The demo admin', value: { email: 'admin@accord.local', password: 'accord-admin-demo' } } },
  })
  @ApiOkResponse({
    type: TokenPairDto,
    example: {
      accessToken: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI4ZTFkM2M1YiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl',
      refreshToken: 'rt_3q2+7wZx9mYkL0pNf4sT8vB1cD6eH5jR',
      expiresIn: 900,
      user: {
        id: '8e1d3c5b-7a9f-4b2d-8e6c-4a1f3b5d7c9e',
        email: 'admin@accord.local',
        name: 'Accord Admin',
        role: 'admin',
        timezone: 'Europe/Helsinki',
        isActive: true,
        hasPassword: true,
        lastLoginAt: '2026-11-02T08:15:00.000Z',
        createdAt: '2026-09-01T10:00:00.000Z',
      },
    },
  })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (the same answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this account or address; see Retry-After' })
  login(@Req() req: FastifyRequest & { user: Session }, @Res({ passthrough: true }) reply: FastifyReply): SessionBody {
    return this.answer(req.user, this.cookies.wanted(req), reply);
  }

  @Post('refresh')
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Spends the refresh token (from the body, or the accord_refresh cookie with X-CSRF-Token) and answers a new access and refresh token. Presenting an already spent token revokes the whole session family (401). A cookie without a matching X-CSRF-Token is 403.',
  })
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
  @ApiOperation({
    summary: 'Sign out (end the session)',
    description:
      'Revokes the session family of the refresh token (from the body, or the cookie with X-CSRF-Token); idempotent. In cookie mode both cookies are cleared.',
  })
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
  @ApiOperation({
    summary: 'Set a password from an invitation or reset link',
    description:
      'Takes the single-use token from a set-password email link and the new password, signs the user in and ends their other sessions. An invited student becomes active. An invalid, expired or used token is 400 naming `token`.',
  })
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
  @ApiOperation({
    summary: 'Request a password-reset email',
    description:
      'Answers 202 whatever the email, so it cannot be used to find accounts; an active account gets a single-use, expiring set-password link. Throttled per email and per client address (429 with Retry-After).',
  })
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
