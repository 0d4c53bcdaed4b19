import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Caller } from '../../common/auth.decorators';
import { Clock } from '../../common/clock';
import { Conflict, InvalidInput, NotFound } from '../../common/errors';
import { ITEMS_PER_MODULE_MAX, MODULES_PER_COURSE_MAX } from '../../common/limits';
import { AuditService } from '../audit/audit.service';
import { MaterialDto } from '../materials/dto/material.dto';
import { MaterialsService } from '../materials/materials.service';
import { CourseAccess } from './course-access';
import { CompletionDto, CreateItemDto, CreateModuleDto, ItemDto, ModuleDto, UpdateItemDto, UpdateModuleDto } from './dto/structure.dto';
import { CompletionRule, CourseItem } from './entities/course-item.entity';
import { CourseModule } from './entities/course-module.entity';
import { StructureRepository } from './structure.repository';

/** Finds a cycle through `start` in the prerequisite graph (module → its prerequisites); returns it or null. */
export function findCycle(edges: Map<string, string[]>, start: string): string[] | null {
  const path: string[] = [];
  const done = new Set<string>();
  const visit = (node: string): string[] | null => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return null;
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return null;
  };
  return visit(start);
}

/** The completion rule an item may have: `watch` needs minPercent and a video; others take no options. */
export function completionRule(input: CompletionDto, material: Pick<MaterialDto, 'kind'>): CompletionRule {
  if (input.type === 'watch') {
    if (input.minPercent === undefined)
      throw new InvalidInput('A watch rule needs minPercent (1–100)', [
        { field: 'completion.minPercent', message: 'minPercent is required for watch' },
      ]);
    if (material.kind !== 'video')
      throw new InvalidInput('A watch rule needs a video material', [
        { field: 'completion.type', message: `watch needs a video, the material is a ${material.kind}` },
      ]);
    return { type: 'watch', minPercent: input.minPercent };
  }
  if (input.minPercent !== undefined) {
    throw new InvalidInput(`minPercent only applies to watch rules`, [
      { field: 'completion.minPercent', message: `minPercent is not allowed for ${input.type}` },
    ]);
  }
  return { type: input.type };
}

const moduleSnapshot = (m: CourseModule, prerequisiteModuleIds?: string[]) => ({
  title: m.title,
  position: m.position,
  unlockAt: m.unlockAt?.toISOString() ?? null,
  ...(prerequisiteModuleIds ? { prerequisiteModuleIds } : {}),
});
const itemSnapshot = (i: Pick<CourseItem, 'moduleId' | 'materialId' | 'position' | 'required' | 'completion'>) => ({
  moduleId: i.moduleId,
  materialId: i.materialId,
  position: i.position,
  required: i.required,
  completion: i.completion,
});

/**
 * Modules, prerequisites and items. Every structural change locks the course row first, so
 * concurrent edits of one course queue up and positions stay dense (0..n-1) and unique.
 */
@Injectable()
export class StructureService {
  constructor(
    private readonly structure: StructureRepository,
    private readonly access: CourseAccess,
    private readonly materials: MaterialsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Three queries whatever the size: modules, prerequisites, items with materials. */
  async list(caller: Caller, courseId: string): Promise<ModuleDto[]> {
    await this.access.readable(caller, courseId);
    return this.withItems(await this.structure.modulesOf(courseId));
  }

  async createModule(caller: Caller, courseId: string, input: CreateModuleDto, requestId?: string): Promise<ModuleDto> {
    const id = await this.structure_tx(caller, courseId, async (manager) => {
      const modules = await this.structure.modulesOf(courseId, manager);
      if (modules.length >= MODULES_PER_COURSE_MAX)
        throw new Conflict(`A course holds at most ${MODULES_PER_COURSE_MAX} modules`, 'too-many-modules');
      const created = await this.structure.insertModule(manager, {
        courseId,
        title: input.title,
        description: input.description ?? '',
        position: modules.length,
        unlockAt: input.unlockAt ? new Date(input.unlockAt) : null,
      });
      const prerequisites = input.prerequisiteModuleIds ?? [];
      if (prerequisites.length) await this.replacePrerequisites(manager, [...modules, created], created.id, prerequisites);
      await this.structure.deriveProgress(manager, courseId, [], this.clock.now());
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'module.created',
        entity: 'module',
        entityId: created.id,
        after: { courseId, ...moduleSnapshot(created, prerequisites) },
      });
      return created.id;
    });
    return this.moduleDto(id);
  }

  async updateModule(caller: Caller, moduleId: string, input: UpdateModuleDto, requestId?: string): Promise<ModuleDto> {
    const courseId = await this.courseOfModule(moduleId);
    await this.structure_tx(caller, courseId, async (manager) => {
      const before = await this.structure.findModule(moduleId, manager);
      if (!before || before.courseId !== courseId) throw new NotFound('Module');
      const changes: Partial<CourseModule> = {};
      if (input.title !== undefined) changes.title = input.title;
      if (input.description !== undefined) changes.description = input.description;
      if (input.unlockAt !== undefined) changes.unlockAt = input.unlockAt === null ? null : new Date(input.unlockAt);
      const after = await this.structure.updateModule(manager, moduleId, changes);
      const beforePrereqs = (await this.structure.prerequisitesOf([moduleId], manager)).map((p) => p.prerequisiteId);
      if (input.prerequisiteModuleIds !== undefined) {
        await this.replacePrerequisites(manager, await this.structure.modulesOf(courseId, manager), moduleId, input.prerequisiteModuleIds);
      }
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'module.updated',
        entity: 'module',
        entityId: moduleId,
        before: moduleSnapshot(before, beforePrereqs),
        after: moduleSnapshot(after, input.prerequisiteModuleIds ?? beforePrereqs),
      });
    });
    return this.moduleDto(moduleId);
  }

  async deleteModule(caller: Caller, moduleId: string, requestId?: string): Promise<void> {
    const courseId = await this.courseOfModule(moduleId);
    await this.structure_tx(caller, courseId, async (manager) => {
      const before = await this.structure.findModule(moduleId, manager);
      if (!before) throw new NotFound('Module');
      await this.structure.deleteModule(manager, moduleId);
      const rest = await this.structure.modulesOf(courseId, manager);
      await this.structure.setModuleOrder(
        manager,
        rest.map((m) => m.id),
      );
      await this.structure.deriveProgress(manager, courseId, [], this.clock.now());
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'module.deleted',
        entity: 'module',
        entityId: moduleId,
        before: { courseId, ...moduleSnapshot(before) },
      });
    });
  }

  async reorderModules(caller: Caller, courseId: string, moduleIds: string[], requestId?: string): Promise<ModuleDto[]> {
    await this.structure_tx(caller, courseId, async (manager) => {
      const current = await this.structure.modulesOf(courseId, manager);
      this.assertPermutation(
        current.map((m) => m.id),
        moduleIds,
        'moduleIds',
        'module of the course',
      );
      await this.structure.setModuleOrder(manager, moduleIds);
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'module.reordered',
        entity: 'course',
        entityId: courseId,
        before: { moduleIds: current.map((m) => m.id) },
        after: { moduleIds },
      });
    });
    return this.withItems(await this.structure.modulesOf(courseId));
  }

  async createItem(caller: Caller, moduleId: string, input: CreateItemDto, requestId?: string): Promise<ItemDto> {
    const courseId = await this.courseOfModule(moduleId);
    const id = await this.structure_tx(caller, courseId, async (manager) => {
      const material = await this.materials.findById(input.materialId, manager);
      if (!material) throw new InvalidInput('No material has this id', [{ field: 'materialId', message: 'materialId does not exist' }]);
      const completion = completionRule(input.completion, material);
      const existing = await this.structure.itemIdsOf(moduleId, manager);
      refuseFullModule(existing.length);
      const item = { moduleId, materialId: material.id, position: existing.length, required: input.required ?? true, completion };
      const id = await this.structure.insertItem(manager, item);
      await this.structure.deriveProgress(manager, courseId, [], this.clock.now());
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'item.created',
        entity: 'item',
        entityId: id,
        after: itemSnapshot(item),
      });
      return id;
    });
    return this.itemDto(id);
  }

  async updateItem(caller: Caller, itemId: string, input: UpdateItemDto, requestId?: string): Promise<ItemDto> {
    const found = await this.structure.findItem(itemId);
    if (!found) throw new NotFound('Item');
    await this.structure_tx(caller, found.module.courseId, async (manager) => {
      const before = await this.structure.findItem(itemId, manager);
      if (!before) throw new NotFound('Item');
      const changes: Partial<CourseItem> = {};
      if (input.required !== undefined) changes.required = input.required;
      if (input.completion !== undefined) changes.completion = completionRule(input.completion, before.material!);
      const moved = input.moduleId !== undefined && input.moduleId !== before.moduleId;
      if (moved) {
        const target = await this.structure.findModule(input.moduleId!, manager);
        if (!target || target.courseId !== before.module.courseId) {
          throw new InvalidInput('moduleId must be a module of the same course', [
            { field: 'moduleId', message: 'not a module of this course' },
          ]);
        }
        changes.moduleId = target.id;
        changes.position = (await this.structure.itemIdsOf(target.id, manager)).length;
        refuseFullModule(changes.position);
      }
      await this.structure.updateItem(manager, itemId, changes);
      if (moved)
        await this.structure.setItemOrder(
          manager,
          (await this.structure.itemIdsOf(before.moduleId, manager)).map((i) => i.id),
        );
      await this.structure.deriveProgress(manager, before.module.courseId, changes.completion ? [itemId] : [], this.clock.now());
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'item.updated',
        entity: 'item',
        entityId: itemId,
        before: itemSnapshot(before),
        after: itemSnapshot({ ...before, ...changes }),
      });
    });
    return this.itemDto(itemId);
  }

  async deleteItem(caller: Caller, itemId: string, requestId?: string): Promise<void> {
    const found = await this.structure.findItem(itemId);
    if (!found) throw new NotFound('Item');
    await this.structure_tx(caller, found.module.courseId, async (manager) => {
      const before = await this.structure.findItem(itemId, manager);
      if (!before) throw new NotFound('Item');
      await this.structure.deleteItem(manager, itemId);
      const rest = await this.structure.itemIdsOf(before.moduleId, manager);
      await this.structure.setItemOrder(
        manager,
        rest.map((i) => i.id),
      );
      await this.structure.deriveProgress(manager, found.module.courseId, [], this.clock.now());
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'item.deleted',
        entity: 'item',
        entityId: itemId,
        before: itemSnapshot(before),
      });
    });
  }

  async reorderItems(caller: Caller, moduleId: string, itemIds: string[], requestId?: string): Promise<ModuleDto> {
    const courseId = await this.courseOfModule(moduleId);
    await this.structure_tx(caller, courseId, async (manager) => {
      const current = await this.structure.itemIdsOf(moduleId, manager);
      this.assertPermutation(
        current.map((i) => i.id),
        itemIds,
        'itemIds',
        'item of the module',
      );
      await this.structure.setItemOrder(manager, itemIds);
      await this.audit.record(manager, {
        actorId: caller.id,
        requestId,
        action: 'item.reordered',
        entity: 'module',
        entityId: moduleId,
        before: { itemIds: current.map((i) => i.id) },
        after: { itemIds },
      });
    });
    return this.moduleDto(moduleId);
  }

  /** Runs a structural change in a transaction holding the course row lock (404 / 409 archived). */
  private structure_tx<T>(caller: Caller, courseId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.structure.transaction(async (manager) => {
      await this.access.writable(caller, courseId, manager);
      return work(manager);
    });
  }

  /** The module's course, or 404 (the caller's access is checked by the transaction that follows). */
  private async courseOfModule(moduleId: string): Promise<string> {
    const module = await this.structure.findModule(moduleId);
    if (!module) throw new NotFound('Module');
    return module.courseId;
  }

  private async replacePrerequisites(
    manager: EntityManager,
    modules: CourseModule[],
    moduleId: string,
    prerequisiteIds: string[],
  ): Promise<void> {
    const byId = new Map(modules.map((m) => [m.id, m]));
    const unknown = prerequisiteIds.filter((id) => !byId.has(id));
    if (unknown.length) {
      throw new InvalidInput(`Unknown prerequisite module(s): ${unknown.join(', ')}`, [
        { field: 'prerequisiteModuleIds', message: `not modules of this course: ${unknown.join(', ')}` },
      ]);
    }
    const edges = new Map<string, string[]>();
    for (const edge of await this.structure.prerequisitesOf([...byId.keys()], manager)) {
      edges.set(edge.moduleId, [...(edges.get(edge.moduleId) ?? []), edge.prerequisiteId]);
    }
    edges.set(moduleId, prerequisiteIds);
    const cycle = findCycle(edges, moduleId);
    if (cycle) {
      throw new Conflict(
        `Prerequisites would form a cycle: ${cycle.map((id) => `"${byId.get(id)?.title ?? id}"`).join(' → ')}`,
        'prerequisite-cycle',
      );
    }
    await this.structure.setPrerequisites(manager, moduleId, prerequisiteIds);
  }

  private assertPermutation(current: string[], given: string[], field: string, what: string): void {
    const have = new Set(current);
    if (given.length !== current.length || !given.every((id) => have.has(id))) {
      throw new InvalidInput(`${field} must list every ${what} exactly once`, [
        { field, message: `expected ${current.length} ids, each ${what}` },
      ]);
    }
  }

  private async withItems(modules: CourseModule[]): Promise<ModuleDto[]> {
    const ids = modules.map((m) => m.id);
    const [prerequisites, items] = await Promise.all([this.structure.prerequisitesOf(ids), this.structure.itemsOf(ids)]);
    return modules.map((m) => ({
      id: m.id,
      courseId: m.courseId,
      title: m.title,
      description: m.description,
      position: m.position,
      unlockAt: m.unlockAt?.toISOString() ?? null,
      prerequisiteModuleIds: prerequisites.filter((p) => p.moduleId === m.id).map((p) => p.prerequisiteId),
      items: items.filter((i) => i.moduleId === m.id).map(toItemDto),
    }));
  }

  private async moduleDto(moduleId: string): Promise<ModuleDto> {
    const module = await this.structure.findModule(moduleId);
    if (!module) throw new NotFound('Module');
    return (await this.withItems([module]))[0];
  }

  private async itemDto(itemId: string): Promise<ItemDto> {
    const item = await this.structure.findItem(itemId);
    if (!item) throw new NotFound('Item');
    return toItemDto(item);
  }
}

function refuseFullModule(itemCount: number): void {
  if (itemCount >= ITEMS_PER_MODULE_MAX) throw new Conflict(`A module holds at most ${ITEMS_PER_MODULE_MAX} items`, 'too-many-items');
}

function toItemDto(item: CourseItem): ItemDto {
  return {
    id: item.id,
    moduleId: item.moduleId,
    position: item.position,
    required: item.required,
    completion: item.completion,
    material: MaterialDto.from(item.material!),
  };
}
