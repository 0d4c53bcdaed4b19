import { Inject, Injectable } from '@nestjs/common';
import { Caller } from '../common/auth.decorators';
import { APP_CONFIG, AppConfig } from '../config/env';
import { CoursesService } from '../modules/courses/courses.service';
import { StructureService } from '../modules/courses/structure.service';
import { EnrolmentsService } from '../modules/enrolments/enrolments.service';
import { MaterialsService, normaliseTags } from '../modules/materials/materials.service';
import { UserAccounts } from '../modules/users/user-accounts';
import { UsersService } from '../modules/users/users.service';
import { mediaUrl } from '../modules/media/media-files';
import { CATALOGUE, DEMO_COURSE, seedUrl } from './catalogue';
import { DEMO_USERS } from './demo-users';

export interface SeedReport {
  usersCreated: number;
  materials: number;
  courseCreated: boolean;
  enrolmentsCreated: number;
}

/** Idempotent demo data: stable slugs, upserts, and a course built only when its slug is free. */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly usersService: UsersService,
    private readonly users: UserAccounts,
    private readonly materials: MaterialsService,
    private readonly coursesService: CoursesService,
    private readonly structure: StructureService,
    private readonly enrolments: EnrolmentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(now = new Date()): Promise<SeedReport> {
    let usersCreated = 0;
    for (const user of DEMO_USERS) if (await this.usersService.ensure(user)) usersCreated += 1;

    const ids = await this.materials.upsertBySlug(
      CATALOGUE.map((m) => ({
        slug: m.slug,
        title: m.title,
        kind: m.kind,
        summary: m.summary,
        url: m.media ? mediaUrl(this.config.publicUrl, m.media.file) : seedUrl(m.title),
        captionsUrl: m.media?.captions ? mediaUrl(this.config.publicUrl, m.media.captions) : null,
        durationSeconds: m.durationSeconds ?? null,
        authors: m.authors,
        tags: normaliseTags(m.tags),
      })),
    );

    const instructor = await this.users.findByEmail(DEMO_USERS.find((u) => u.role === 'instructor')!.email);
    let courseCreated = false;
    if (instructor && !(await this.coursesService.findBySlug(DEMO_COURSE.slug))) {
      await this.buildCourse({ id: instructor.id, email: instructor.email, name: instructor.name, role: 'instructor' }, ids, now);
      courseCreated = true;
    }

    let enrolmentsCreated = 0;
    const course = await this.coursesService.findBySlug(DEMO_COURSE.slug);
    if (course && instructor && course.status === 'published') {
      const caller: Caller = { id: instructor.id, email: instructor.email, name: instructor.name, role: 'instructor' };
      for (const demo of DEMO_USERS.filter((u) => u.role === 'student')) {
        const student = await this.users.findByEmail(demo.email);
        if (student && (await this.enrolments.enrol(caller, course.id, { userId: student.id })).created) enrolmentsCreated += 1;
      }
    }
    return { usersCreated, materials: ids.size, courseCreated, enrolmentsCreated };
  }

  private async buildCourse(instructor: Caller, materialIds: Map<string, string>, now: Date): Promise<void> {
    const course = await this.coursesService.create(
      { title: DEMO_COURSE.title, slug: DEMO_COURSE.slug, description: DEMO_COURSE.description, timezone: DEMO_COURSE.timezone },
      instructor,
    );
    let previous: string | null = null;
    for (const spec of DEMO_COURSE.modules) {
      const unlockAt = 'unlocks' in spec ? new Date(now.getTime() + DEMO_COURSE.crisisUnlockDays * 86_400_000).toISOString() : undefined;
      const module = await this.structure.createModule(instructor, course.id, {
        title: spec.title,
        description: spec.description,
        unlockAt,
        prerequisiteModuleIds: previous ? [previous] : [],
      });
      for (const item of spec.items) {
        await this.structure.createItem(instructor, module.id, {
          materialId: materialIds.get(item.slug)!,
          required: 'required' in item ? item.required : true,
          completion: { ...item.completion },
        });
      }
      previous = module.id;
    }
    await this.coursesService.publish(instructor, course.id);
  }
}
