import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Role } from '../modules/users/role';
import { Caller, IS_PUBLIC, ROLES_KEY } from './auth.decorators';
import { Forbidden, Unauthenticated } from './errors';

/** Global: every route needs a valid access token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    return super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, user: T, info: unknown): T {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows whatever Passport failed with, unchanged
    if (error) throw error;
    if (!user) {
      const expired = (info as { name?: string } | undefined)?.name === 'TokenExpiredError';
      throw new Unauthenticated(expired ? 'The access token has expired' : 'A valid access token is required');
    }
    return user;
  }
}

/** Global: enforces @Roles(); runs after authentication. */
@Injectable()
export class RolesGuard {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles?.length) return true;
    const user = context.switchToHttp().getRequest<{ user?: Caller }>().user;
    if (!user) throw new Unauthenticated();
    if (!roles.includes(user.role)) throw new Forbidden(`This requires the role ${roles.join(' or ')}`);
    return true;
  }
}
