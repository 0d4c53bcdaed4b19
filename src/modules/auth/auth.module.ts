import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { AccessTokenVerifier } from './access-token-verifier';
import { AuditModule } from '../audit/audit.module';
import { EnrolmentsModule } from '../enrolments/enrolments.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { LocalStrategy } from './local.strategy';
import { PasswordResetService } from './password-reset.service';
import { PasswordResetThrottle } from './password-reset-throttle';
import { SessionCookies } from './session-cookies';
import { SignInModule } from './sign-in.module';
import { TokenService } from './token.service';

@Module({
  imports: [
    UsersModule,
    SignInModule,
    AuditModule,
    EnrolmentsModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.auth.jwtSecret,
        signOptions: { algorithm: 'HS256', issuer: 'accord' },
        verifyOptions: { algorithms: ['HS256'], issuer: 'accord' },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AccessTokenVerifier,
    AuthService,
    TokenService,
    JwtStrategy,
    LocalStrategy,
    SessionCookies,
    PasswordResetThrottle,
    PasswordResetService,
  ],
  exports: [AccessTokenVerifier, AuthService, TokenService, JwtModule],
})
export class AuthModule {}
