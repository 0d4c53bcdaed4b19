import { Injectable } from '@nestjs/common';

export interface StructureModule {
  id: string;
  title: string;
  unlockAt: Date | null;
  prerequisites: string[];
  /** In position order. */
  items: Array<{ id: string; required: boolean }>;
}

export interface CourseStructure {
  version: number;
  /** In position order. */
  modules: StructureModule[];
}

const MAX_COURSES = 2_000;

/**
 * Course structures (modules, items, prerequisites) kept per process by courses.structure_version,
 * which database triggers bump on every change: a reader that learns the current version in its
 * own query knows whether the copy here is still right, without a message between processes.
 */
@Injectable()
export class CourseStructureCache {
  private readonly courses = new Map<string, CourseStructure>();
  /** One load per course at a time: the readers who meet a new version together share it. */
  private readonly loading = new Map<string, Promise<CourseStructure | null>>();

  async get(
    courseId: string,
    version: number,
    load: (courseId: string) => Promise<CourseStructure | null>,
  ): Promise<CourseStructure | null> {
    const cached = this.courses.get(courseId);
    if (cached && cached.version === version) return cached;
    let pending = this.loading.get(courseId);
    if (!pending) {
      pending = load(courseId).finally(() => this.loading.delete(courseId));
      this.loading.set(courseId, pending);
    }
    const loaded = await pending;
    // A load that began before this reader's version existed may be older: read again (shared too).
    if (loaded && loaded.version < version) return this.get(courseId, version, load);
    if (!loaded) return null;
    // Keep the newest copy: a slower reader must not put back an older one.
    const current = this.courses.get(courseId);
    if (!current || current.version <= loaded.version) {
      if (!current && this.courses.size >= MAX_COURSES) this.courses.delete(this.courses.keys().next().value!);
      this.courses.set(courseId, loaded);
    }
    return loaded;
  }
}
