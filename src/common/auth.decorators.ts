import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from '../modules/users/role';

/** The authenticated caller, as the JWT strategy resolved it from the database. */
export interface Caller {
  id: string;
  email: string;
  role: Role;
  name: string;
  /** The sign-in session of the access token (absent for in-process callers such as the demo seeder). */
  sessionId?: string;
}

export const IS_PUBLIC = 'accord:public';
export const ROLES_KEY = 'accord:roles';

/** The route needs no access token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route; others get 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  return ctx.switchToHttp().getRequest<FastifyRequest & { user: Caller }>().user;
});

export const RequestId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  return String(ctx.switchToHttp().getRequest<FastifyRequest>().id);
});
