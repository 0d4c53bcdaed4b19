import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Req } from '@nestjs/common';
import { Public } from '../../common/auth.decorators';
import { NoStore } from '../../common/no-store';
import { AuthService, Session } from './auth.service';
import { LoginDto, RefreshDto, SetPasswordDto, TokenPairDto } from './dto/auth.dto';
import { LocalAuthGuard } from './local.strategy';

@ApiTags('auth')
@Controller('auth')
@Public()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @NoStore()
  @HttpCode(200)
  @UseGuards(LocalAuthGuard)
  @ApiBody({ type: LoginDto })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password (the same answer for both)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failures for this account or address; see Retry-After' })
  login(@Req() req: FastifyRequest & { user: Session }): Session {
    return req.user;
  }

  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto, description: 'A new pair; the presented refresh token is spent' })
  @ApiUnauthorizedResponse({ description: 'Invalid, expired or reused token (reuse revokes the whole session family)' })
  refresh(@Body() body: RefreshDto): Promise<Session> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session family is revoked' })
  async logout(@Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }

  @Post('set-password')
  @NoStore()
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto, description: 'Password set; the user is signed in' })
  setPassword(@Body() body: SetPasswordDto): Promise<Session> {
    return this.auth.setPassword(body.token, body.password);
  }
}
