import { CoursesService } from '../../src/modules/courses/courses.service';
import { StructureService } from '../../src/modules/courses/structure.service';
import { EnrolmentsService } from '../../src/modules/enrolments/enrolments.service';
import { MaterialsService } from '../../src/modules/materials/materials.service';
import { UserAccounts } from '../../src/modules/users/user-accounts';
import { UsersService } from '../../src/modules/users/users.service';
import { DemoSeeder } from '../../src/seed/demo-seeder';
import type { TestApp } from './app';

/** The real demo seeder, wired from the running app's providers. */
export function demoSeeder(t: TestApp): DemoSeeder {
  const get = <T>(type: new (...args: never[]) => T) => t.app.get(type, { strict: false });
  return new DemoSeeder(
    get(UsersService),
    get(UserAccounts),
    get(MaterialsService),
    get(CoursesService),
    get(StructureService),
    get(EnrolmentsService),
    t.config,
  );
}
