import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from './common/core.module';
import { ConfigError, loadConfig } from './config/env';
import { CoursesModule } from './modules/courses/courses.module';
import { EnrolmentsModule } from './modules/enrolments/enrolments.module';
import { MaterialsModule } from './modules/materials/materials.module';
import { UsersModule } from './modules/users/users.module';
import { DemoSeeder } from './seed/demo-seeder';

/** `npm run seed` (and `npm start`): demo users, the PON catalogue and the demo course. Idempotent. */
async function seed(): Promise<void> {
  const config = loadConfig();
  @Module({
    imports: [CoreModule.forRoot(config, 'worker'), UsersModule, MaterialsModule, CoursesModule, EnrolmentsModule],
    providers: [DemoSeeder],
  })
  class SeedModule {}
  const app = await NestFactory.createApplicationContext(SeedModule, { logger: ['error', 'warn'] });
  try {
    const report = await app.get(DemoSeeder).run();
    process.stdout.write(
      `» Seed: ${report.usersCreated} demo user(s) created, ${report.materials} materials upserted, ` +
        `demo course ${report.courseCreated ? 'created' : 'already present'}, ${report.enrolmentsCreated} enrolment(s) created\n`,
    );
  } finally {
    await app.close();
  }
}

seed().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? 'Configuration error: ' : 'Seeding failed: '}${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
