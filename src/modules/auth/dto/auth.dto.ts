import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { lowerCased } from '../../../common/transforms';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MIN, UserDto } from '../../users/dto/user.dto';
import {
  ACCESS_TOKEN_MAX,
  EMAIL_MAX,
  PASSWORD_MAX,
  REFRESH_TOKEN_MAX,
  REFRESH_TOKEN_MIN,
  SET_PASSWORD_TOKEN_MAX,
  SET_PASSWORD_TOKEN_MIN,
} from '../../../common/limits';

export class LoginDto {
  @ApiProperty({ format: 'email', example: 'admin@accord.local' })
  @Transform(lowerCased)
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email: string;

  @ApiProperty({ maxLength: PASSWORD_MAX, example: 'accord-admin-demo' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    minLength: REFRESH_TOKEN_MIN,
    maxLength: REFRESH_TOKEN_MAX,
    description: 'The refresh token; omitted in cookie mode (then the accord_refresh cookie and X-CSRF-Token are used)',
  })
  @IsOptional()
  @IsString()
  @Length(REFRESH_TOKEN_MIN, REFRESH_TOKEN_MAX)
  refreshToken?: string;
}

export class PasswordResetDto {
  @ApiProperty({ format: 'email', example: 'student@accord.local' })
  @Transform(lowerCased)
  @IsEmail()
  @MaxLength(EMAIL_MAX)
  email: string;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: SET_PASSWORD_TOKEN_MIN, maxLength: SET_PASSWORD_TOKEN_MAX, description: 'The token from the invitation link' })
  @IsString()
  @Length(SET_PASSWORD_TOKEN_MIN, SET_PASSWORD_TOKEN_MAX)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @IsString()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password: string;
}

export class TokenPairDto {
  @ApiProperty({ maxLength: ACCESS_TOKEN_MAX }) accessToken: string;
  @ApiPropertyOptional({
    maxLength: REFRESH_TOKEN_MAX,
    description: 'The refresh token; omitted in cookie mode (X-Accord-Session: cookie), where it is set in the accord_refresh cookie',
  })
  refreshToken?: string;
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
  @ApiProperty({ type: UserDto }) user: UserDto;
}
