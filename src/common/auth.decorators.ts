import type { ExecutionContext } from '@nestjs/common';
import { applyDecorators, createParamDecorator, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
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

/** The OpenAPI security scheme of the /admin routes: an access token of a user whose role is admin. */
export const ADMIN_SECURITY = 'admin';

/**
 * The route needs no access token. The OpenAPI document says so: `security: [{}]` (anonymous on purpose), or the
 * named scheme that guards it instead (e.g. the metrics token).
 */
export const Public = (options: { scheme?: string } = {}) =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), options.scheme ? ApiBearerAuth(options.scheme) : ApiSecurity({}));

/** Only admins may call the route (others get 403), and the OpenAPI document names the admin scheme (for /admin routes). */
export const AdminOnly = () => applyDecorators(SetMetadata(ROLES_KEY, ['admin']), ApiBearerAuth(ADMIN_SECURITY));

/** Only these roles may call the route; others get 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  return ctx.switchToHttp().getRequest<FastifyRequest & { user: Caller }>().user;
});

export const RequestId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  return String(ctx.switchToHttp().getRequest<FastifyRequest>().id);
});
