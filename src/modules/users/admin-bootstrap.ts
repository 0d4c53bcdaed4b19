import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/env';
import { UsersService } from './users.service';

/** ADMIN_EMAIL + ADMIN_PASSWORD: create that admin at start when no such user exists. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    const created = await this.users.ensure({ email: admin.email, name: 'Administrator', role: 'admin', password: admin.password });
    if (created) this.logger.log({ email: admin.email }, 'bootstrap admin created');
  }
}
