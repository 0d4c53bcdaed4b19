import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { validateDto } from '../../common/validation';
import { AuthService, Session } from './auth.service';
import { LoginDto } from './dto/auth.dto';

/** passport-local for POST /auth/login; the "user" it yields is the whole new session. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(req: FastifyRequest, email: string, password: string): Promise<Session> {
    return this.auth.login(email.trim().toLowerCase(), password, req.ip);
  }
}

/** Validates the body first (400 naming the field, unknown fields refused), then runs passport-local. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    req.body = await validateDto(LoginDto, req.body);
    return (await super.canActivate(context)) as boolean;
  }

  override handleRequest<T>(error: unknown, user: T): T {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows whatever Passport failed with, unchanged
    if (error) throw error;
    return user;
  }
}
