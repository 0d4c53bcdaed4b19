import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A route pattern as fastify writes it ('/api/v1/courses/:id', '/media/*') as a matcher for concrete paths. */
export function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === ':' && pattern[i + 1] !== ':') {
      let j = i + 1;
      while (j < pattern.length && /[\w$]/.test(pattern[j])) j++;
      if (pattern[j] === '(') {
        // A parameter's own regular expression: matched loosely, as any non-empty segment text.
        let depth = 0;
        for (; j < pattern.length; j++) {
          if (pattern[j] === '(') depth++;
          else if (pattern[j] === ')' && --depth === 0) break;
        }
        j++;
      }
      source += '[^/]+?';
      i = j - 1;
    } else if (char === ':' && pattern[i + 1] === ':') {
      source += ':'; // '::' is a literal colon
      i++;
    } else if (char === '*') {
      source += '.*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * Every route's methods by URL pattern, collected as routes are added, so that a request whose
 * method has no route on an existing path can answer 405 with `Allow` instead of 404.
 */
export class RouteMethods {
  private readonly byPattern = new Map<string, { matcher: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    // A catch-all (CORS preflight's OPTIONS *) would make every unknown path "exist".
    if (url === '*' || url === '/*') return;
    let entry = this.byPattern.get(url);
    if (!entry) this.byPattern.set(url, (entry = { matcher: patternToRegExp(url), methods: new Set() }));
    for (const method of Array.isArray(methods) ? methods : [methods]) entry.methods.add(method.toUpperCase());
  }

  /** The methods some route answers on this concrete path (HEAD wherever GET is), sorted; [] for an unknown path. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const { matcher, methods: own } of this.byPattern.values()) {
      if (matcher.test(path)) for (const method of own) methods.add(method);
    }
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    routeMethods?: RouteMethods;
  }
}

/** Collects the methods of every route added from now on (call it before the routes are registered). */
export function registerRouteMethods(fastify: FastifyInstance): RouteMethods {
  const routes = new RouteMethods();
  fastify.decorate('routeMethods', routes);
  fastify.addHook('onRoute', (route) => routes.add(route.url, route.method));
  return routes;
}

/** For a request no route matched: the methods its path does answer, or [] when the path is unknown. */
export function allowedMethods(request: FastifyRequest): string[] {
  if (request.routeOptions?.url) return [];
  const routes = request.server?.routeMethods;
  return routes ? routes.allowed(request.url.split('?')[0]) : [];
}
