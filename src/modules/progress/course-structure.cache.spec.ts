import type { CourseStructure } from './course-structure.cache';
import { CourseStructureCache } from './course-structure.cache';

const structure = (version: number): CourseStructure => ({
  version,
  modules: [{ id: `m${version}`, title: `v${version}`, unlockAt: null, prerequisites: [], items: [] }],
});

describe('CourseStructureCache', () => {
  it('loads once per version and reuses the copy while the version holds', async () => {
    const cache = new CourseStructureCache();
    const load = jest.fn(async () => structure(1));
    expect(await cache.get('c', 1, load)).toEqual(structure(1));
    expect(await cache.get('c', 1, load)).toEqual(structure(1));
    expect(load).toHaveBeenCalledTimes(1);
    const newer = jest.fn(async () => structure(2));
    expect((await cache.get('c', 2, newer))?.version).toBe(2);
    expect(newer).toHaveBeenCalledTimes(1);
  });

  it('shares one load among readers who meet a new version together', async () => {
    const cache = new CourseStructureCache();
    const load = jest.fn(async () => structure(3));
    const all = await Promise.all(Array.from({ length: 10 }, () => cache.get('c', 3, load)));
    expect(all.every((s) => s?.version === 3)).toBe(true);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('never answers a reader with a structure older than the version it saw', async () => {
    const cache = new CourseStructureCache();
    let release!: () => void;
    const slowOld = jest.fn(() => new Promise<CourseStructure>((resolve) => (release = () => resolve(structure(4)))));
    const first = cache.get('c', 4, slowOld);
    // The course changes (version 5) while the version-4 load is still running.
    const second = cache.get('c', 5, async () => structure(5));
    release();
    expect((await first)?.version).toBe(4);
    expect((await second)?.version).toBe(5);
    // And the newer copy is the one kept.
    const none = jest.fn(async () => structure(0));
    expect((await cache.get('c', 5, none))?.version).toBe(5);
    expect(none).not.toHaveBeenCalled();
  });
});
