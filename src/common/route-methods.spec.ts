import { patternToRegExp, RouteMethods } from './route-methods';

describe('RouteMethods', () => {
  it('matches concrete paths against fastify patterns', () => {
    expect(patternToRegExp('/api/v1/courses/:id').test('/api/v1/courses/abc')).toBe(true);
    expect(patternToRegExp('/api/v1/courses/:id').test('/api/v1/courses/abc/modules')).toBe(false);
    expect(patternToRegExp('/api/v1/courses/:id').test('/api/v1/courses/')).toBe(false);
    expect(patternToRegExp('/media/*').test('/media/a/b.mp4')).toBe(true);
    expect(patternToRegExp('/a/:n(^\\d+$)/b').test('/a/12/b')).toBe(true);
    expect(patternToRegExp('/a.b').test('/aXb')).toBe(false);
  });

  it('unions the methods of every pattern a path matches, with HEAD wherever GET is', () => {
    const routes = new RouteMethods();
    routes.add('/api/v1/courses', 'GET');
    routes.add('/api/v1/courses', ['POST']);
    routes.add('/api/v1/courses/:id', 'PATCH');
    routes.add('/api/v1/courses/mine', 'GET');
    routes.add('*', 'OPTIONS');
    expect(routes.allowed('/api/v1/courses')).toEqual(['GET', 'HEAD', 'POST']);
    expect(routes.allowed('/api/v1/courses/mine')).toEqual(['GET', 'HEAD', 'PATCH']);
    expect(routes.allowed('/api/v1/courses/42')).toEqual(['PATCH']);
    expect(routes.allowed('/nowhere')).toEqual([]);
  });
});
