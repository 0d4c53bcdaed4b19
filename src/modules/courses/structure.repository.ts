import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { TransactionalRepository } from '../../common/transactional.repository';
import { CourseItem } from './entities/course-item.entity';
import { CourseModule } from './entities/course-module.entity';
import { ModulePrerequisite } from './entities/module-prerequisite.entity';

/** Modules, prerequisites and items: the structure of a course. */
@Injectable()
export class StructureRepository extends TransactionalRepository {
  private m(manager?: EntityManager) {
    return manager ?? this.dataSource.manager;
  }

  modulesOf(courseId: string, manager?: EntityManager): Promise<CourseModule[]> {
    return this.m(manager)
      .getRepository(CourseModule)
      .find({ where: { courseId }, order: { position: 'ASC' } });
  }

  findModule(id: string, manager?: EntityManager): Promise<CourseModule | null> {
    return this.m(manager).getRepository(CourseModule).findOne({ where: { id } });
  }

  async insertModule(manager: EntityManager, module: Partial<CourseModule>): Promise<CourseModule> {
    const result = await manager.getRepository(CourseModule).insert(module);
    return manager.getRepository(CourseModule).findOneByOrFail({ id: result.identifiers[0].id as string });
  }

  async updateModule(manager: EntityManager, id: string, changes: Partial<CourseModule>): Promise<CourseModule> {
    if (Object.keys(changes).length) await manager.getRepository(CourseModule).update({ id }, changes);
    return manager.getRepository(CourseModule).findOneByOrFail({ id });
  }

  async deleteModule(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(CourseModule).delete({ id });
  }

  /** One statement; the unique (course, position) check is deferred to commit. */
  async setModuleOrder(manager: EntityManager, orderedIds: string[]): Promise<void> {
    if (!orderedIds.length) return;
    await manager.query(
      `UPDATE modules m SET position = o.ord - 1, updated_at = now()
       FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, ord) WHERE m.id = o.id AND m.position <> o.ord - 1`,
      [orderedIds],
    );
  }

  async setItemOrder(manager: EntityManager, orderedIds: string[]): Promise<void> {
    if (!orderedIds.length) return;
    await manager.query(
      `UPDATE items i SET position = o.ord - 1, updated_at = now()
       FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, ord) WHERE i.id = o.id AND i.position <> o.ord - 1`,
      [orderedIds],
    );
  }

  /** All prerequisite edges among the course's modules. */
  prerequisitesOf(moduleIds: string[], manager?: EntityManager): Promise<ModulePrerequisite[]> {
    if (!moduleIds.length) return Promise.resolve([]);
    return this.m(manager)
      .getRepository(ModulePrerequisite)
      .find({ where: { moduleId: In(moduleIds) } });
  }

  async setPrerequisites(manager: EntityManager, moduleId: string, prerequisiteIds: string[]): Promise<void> {
    await manager.getRepository(ModulePrerequisite).delete({ moduleId });
    if (prerequisiteIds.length) {
      await manager.getRepository(ModulePrerequisite).insert(prerequisiteIds.map((prerequisiteId) => ({ moduleId, prerequisiteId })));
    }
  }

  /** Items of the modules with their materials, in one query. */
  itemsOf(moduleIds: string[], manager?: EntityManager): Promise<CourseItem[]> {
    if (!moduleIds.length) return Promise.resolve([]);
    return this.m(manager)
      .getRepository(CourseItem)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.material', 'material')
      .where('i.module_id IN (:...moduleIds)', { moduleIds })
      .orderBy('i.module_id')
      .addOrderBy('i.position', 'ASC')
      .getMany();
  }

  findItem(id: string, manager?: EntityManager): Promise<(CourseItem & { module: CourseModule }) | null> {
    return this.m(manager)
      .getRepository(CourseItem)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.module', 'module')
      .innerJoinAndSelect('i.material', 'material')
      .where('i.id = :id', { id })
      .getOne() as Promise<(CourseItem & { module: CourseModule }) | null>;
  }

  itemIdsOf(moduleId: string, manager: EntityManager): Promise<CourseItem[]> {
    return manager
      .getRepository(CourseItem)
      .find({ where: { moduleId }, order: { position: 'ASC' }, select: { id: true, position: true } });
  }

  async insertItem(manager: EntityManager, item: Partial<CourseItem>): Promise<string> {
    const result = await manager.getRepository(CourseItem).insert(item);
    return result.identifiers[0].id as string;
  }

  async updateItem(manager: EntityManager, id: string, changes: Partial<CourseItem>): Promise<void> {
    if (Object.keys(changes).length) await manager.getRepository(CourseItem).update({ id }, changes);
  }

  async deleteItem(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(CourseItem).delete({ id });
  }

  /**
   * Brings every enrolment of the course to the one derivation of progress after a structure
   * change, in the change's transaction: locks the enrolments, re-judges the students' rows of
   * `rejudgeItemIds` under their new completion rule, then recomputes module completions and
   * counters, set-based (accord_derive_course, migration OneProgressDerivation).
   */
  async deriveProgress(manager: EntityManager, courseId: string, rejudgeItemIds: string[], now: Date): Promise<void> {
    await manager.query(`SELECT accord_derive_course($1, $2::uuid[], $3)`, [courseId, rejudgeItemIds, now]);
  }
}
