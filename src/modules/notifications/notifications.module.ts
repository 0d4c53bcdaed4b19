import { Module } from '@nestjs/common';
import { PreferencesController, UnsubscribeApiController, UnsubscribeController } from './notifications.controller';
import { NotificationsService } from './notifications.service';
import { PreferencesRepository } from './preferences.repository';
import { UnsubscribeTokens } from './unsubscribe-tokens';

@Module({
  controllers: [PreferencesController, UnsubscribeController, UnsubscribeApiController],
  providers: [PreferencesRepository, UnsubscribeTokens, NotificationsService],
  exports: [UnsubscribeTokens],
})
export class NotificationsModule {}
