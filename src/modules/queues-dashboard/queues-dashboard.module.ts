import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsersModule } from '../users/users.module';
import { QueuesDashboardController } from './queues-dashboard.controller';
import { QueuesDashboardSessions } from './queues-dashboard.sessions';

@Module({
  imports: [AuthModule, UsersModule],
  controllers: [QueuesDashboardController],
  providers: [QueuesDashboardSessions],
})
export class QueuesDashboardModule {}
