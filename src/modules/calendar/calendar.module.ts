import { Module } from '@nestjs/common';
import { AssignmentsModule } from '../assignments/assignments.module';
import { CalendarFeedController, MyCalendarController } from './calendar.controller';
import { CalendarFeedsRepository } from './calendar-feeds.repository';
import { CalendarService } from './calendar.service';
import { CalendarThrottle } from './calendar-throttle';

@Module({
  imports: [AssignmentsModule],
  controllers: [MyCalendarController, CalendarFeedController],
  providers: [CalendarFeedsRepository, CalendarService, CalendarThrottle],
})
export class CalendarModule {}
