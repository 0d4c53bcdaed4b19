import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { UsersService } from './users.service';

/** ADMIN_EMAIL + ADMIN_PASSWORD: create that admin at start when no such user exists. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrap.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin) return;
    const created = await this.users.ensure({ email: admin.email, name: 'Administrator', role: 'admin', password: admin.password });
    if (created) this.logger.log({ email: admin.email }, 'bootstrap admin created');
  }
}
