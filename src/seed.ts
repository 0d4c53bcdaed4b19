import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from './common/core.module';
import { ConfigError, loadConfig } from './config/env';
import { UsersModule } from './modules/users/users.module';
import { UsersService } from './modules/users/users.service';
import { DEMO_USERS } from './seed/demo-users';

/** Idempotent demo data: running it twice changes nothing. */
async function seed(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [CoreModule.forRoot(config, 'worker'), UsersModule] })
  class SeedModule {}
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const users = app.get(UsersService);
    let created = 0;
    for (const user of DEMO_USERS) if (await users.ensure(user)) created += 1;
    process.stdout.write(`» Seed: ${created} demo user(s) created, ${DEMO_USERS.length - created} already present\n`);
  } finally {
    await app.close();
  }
}

seed().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? 'Configuration error: ' : 'Seeding failed: '}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
