import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { SignInModule } from '../auth/sign-in.module';
import { AdminBootstrap } from './admin-bootstrap';
import { InvitationService } from './invitation.service';
import { PasswordHasher } from './password-hasher';
import { SessionCache } from './session-cache';
import { MeController, UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [AuditModule, SignInModule],
  controllers: [UsersController, MeController],
  providers: [SessionCache, UsersRepository, UsersService, PasswordHasher, InvitationService, AdminBootstrap],
  exports: [UsersRepository, UsersService, PasswordHasher, InvitationService],
})
export class UsersModule {}
