import { findCycle } from './structure.service';

/** module → its prerequisites */
const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe('findCycle', () => {
  it('finds nothing in a chain or a diamond', () => {
    expect(findCycle(graph({ d: ['c'], c: ['b'], b: ['a'] }), 'd')).toBeNull();
    expect(findCycle(graph({ d: ['b', 'c'], b: ['a'], c: ['a'] }), 'd')).toBeNull();
  });

  it('finds nothing for a module without prerequisites or unknown to the graph', () => {
    expect(findCycle(graph({ a: [] }), 'a')).toBeNull();
    expect(findCycle(graph({}), 'x')).toBeNull();
  });

  it('names a module that requires itself', () => {
    expect(findCycle(graph({ a: ['a'] }), 'a')).toEqual(['a', 'a']);
  });

  it('returns the cycle through the start in the order the edges run, start repeated at the end', () => {
    expect(findCycle(graph({ alpha: ['gamma'], gamma: ['beta'], beta: ['alpha'] }), 'alpha')).toEqual(['alpha', 'gamma', 'beta', 'alpha']);
  });

  it('finds a cycle reached from the start without passing through it, and returns only the loop', () => {
    expect(findCycle(graph({ start: ['a'], a: ['b'], b: ['c'], c: ['a'] }), 'start')).toEqual(['a', 'b', 'c', 'a']);
  });

  it('looks past a branch that has no cycle', () => {
    expect(findCycle(graph({ s: ['x', 'y'], x: ['z'], z: [], y: ['s'] }), 's')).toEqual(['s', 'y', 's']);
  });

  it('expands each module once in a wide acyclic graph', () => {
    // 20 layers of two modules, each requiring both of the layer below: 2^20 walks without memory.
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20; i++) {
      edges[`a${i}`] = [`a${i + 1}`, `b${i + 1}`];
      edges[`b${i}`] = [`a${i + 1}`, `b${i + 1}`];
    }
    let lookups = 0;
    const counted = new (class extends Map<string, string[]> {
      override get(key: string) {
        lookups++;
        return super.get(key);
      }
    })(Object.entries(edges));
    expect(findCycle(counted, 'a0')).toBeNull();
    expect(lookups).toBeLessThanOrEqual(42); // 40 modules with edges and the two leaves
  });
});
