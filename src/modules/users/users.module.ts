import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { SignInModule } from '../auth/sign-in.module';
import { AdminBootstrap } from './admin-bootstrap';
import { InvitationService } from './invitation.service';
import { PasswordHasher } from './password-hasher';
import { SessionCache } from './session-cache';
import { UserAccounts } from './user-accounts';
import { MeController, UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [AuditModule, SignInModule],
  controllers: [UsersController, MeController],
  providers: [SessionCache, UsersRepository, UsersService, UserAccounts, PasswordHasher, InvitationService, AdminBootstrap],
  exports: [UsersService, UserAccounts, PasswordHasher, InvitationService],
})
export class UsersModule {}
