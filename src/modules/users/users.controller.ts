import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { Caller, CurrentUser, RequestId, Roles } from '../../common/auth.decorators';
import { Page } from '../../common/pagination';
import { uuidPipe } from '../../common/pipes';
import { CreateUserDto, UpdateMeDto, UpdateUserDto, UserDto, UserPageDto, UserQuery } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a user',
    description:
      'Creates an admin, instructor or student. Without a password the user is invited by email with a set-password link. An email already in use is 409.',
  })
  @ApiCreatedResponse({ type: UserDto, description: 'Without a password the user is invited by email' })
  create(@Body() body: CreateUserDto, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<UserDto> {
    return this.users.create(body, { actorId: caller.id, requestId });
  }

  @Get()
  @ApiOperation({
    summary: 'List users',
    description: 'Users, newest first, filtered by role and by a text search on name and email; cursor-paginated.',
  })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: UserQuery): Promise<Page<UserDto>> {
    return this.users.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user', description: 'One user by id, deactivated ones included.' })
  @ApiOkResponse({ type: UserDto })
  get(@Param('id', uuidPipe) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Update a user', description: 'Changes name, role, timezone or email. An email already in use is 409.' })
  @ApiOkResponse({ type: UserDto })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateUserDto,
    @CurrentUser() caller: Caller,
    @RequestId() requestId: string,
  ): Promise<UserDto> {
    return this.users.update(id, body, { actorId: caller.id, requestId });
  }

  @Post(':id/invitation')
  @ApiOperation({
    summary: 'Resend an invitation',
    description:
      'Issues a fresh set-password link (older unused links stop working) and queues the invitation email. 409 when the user already has a password or is deactivated; 429 when a link was issued less than a minute ago.',
  })
  @HttpCode(202)
  @ApiAcceptedResponse({
    description: 'A fresh set-password link is issued (older unused ones stop working) and the invitation email queued',
  })
  @ApiConflictResponse({ description: 'The user already has a password (they can use "Forgot password"), or is deactivated' })
  @ApiTooManyRequestsResponse({ description: 'A link was issued to this user less than a minute ago; see Retry-After' })
  async resendInvitation(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.users.resendInvitation(id, { actorId: caller.id, requestId });
  }

  @Delete(':id')
  @ApiOperation({
    summary: 'Deactivate a user',
    description:
      'Deactivates the user (the row stays for the audit log and reports); their access and refresh tokens stop working at once and no more reminders are sent to them.',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deactivated; the user’s tokens stop working at once' })
  async deactivate(@Param('id', uuidPipe) id: string, @CurrentUser() caller: Caller, @RequestId() requestId: string): Promise<void> {
    await this.users.deactivate(id, { actorId: caller.id, requestId });
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Get my profile', description: 'The signed-in user.' })
  @ApiOkResponse({ type: UserDto })
  get(@CurrentUser() caller: Caller): Promise<UserDto> {
    return this.users.get(caller.id);
  }

  @Patch()
  @ApiOperation({
    summary: 'Update my profile or password',
    description:
      'Changes my name, timezone or password. A new password needs `currentPassword`; wrong current passwords are counted with failed sign-ins (429 with Retry-After past the limit). Changing the password ends my other sessions.',
  })
  @ApiOkResponse({ type: UserDto })
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords (counted with failed sign-ins); see Retry-After' })
  update(@Body() body: UpdateMeDto, @CurrentUser() caller: Caller, @RequestId() requestId: string, @Ip() ip: string): Promise<UserDto> {
    return this.users.updateMe(caller.id, body, { actorId: caller.id, requestId }, { email: caller.email, ip });
  }
}
