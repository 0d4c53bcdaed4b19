import { readFileSync } from 'fs';
import { join } from 'path';

type Schema = { properties?: Record<string, Schema>; items?: Schema; $ref?: string; allOf?: Schema[]; oneOf?: Schema[] };
const spec = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
};

/** Field names that must never leave the server. */
export const SECRET_FIELDS = /^(password|passwordHash|password_hash|tokenHash|token_hash|jwtSecret|secret|currentPassword|leaseUntil)$/i;
/** Only these responses may carry tokens, to the caller they belong to. */
const TOKEN_RESPONSES = new Set(['TokenPairDto', 'DashboardLinkDto']);

function walk(schema: Schema | undefined, path: string, seen: Set<string>, found: string[]): void {
  if (!schema) return;
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    if (seen.has(name)) return;
    seen.add(name);
    if (TOKEN_RESPONSES.has(name)) return;
    walk(spec.components.schemas[name], `${path}→${name}`, seen, found);
    return;
  }
  for (const [key, value] of Object.entries(schema.properties ?? {})) {
    if (SECRET_FIELDS.test(key) || /token/i.test(key)) found.push(`${path}.${key}`);
    walk(value, `${path}.${key}`, seen, found);
  }
  walk(schema.items, `${path}[]`, seen, found);
  for (const s of [...(schema.allOf ?? []), ...(schema.oneOf ?? [])]) walk(s, path, seen, found);
}

describe('response schemas carry no secrets', () => {
  it('no response of any route exposes password hashes, token hashes or tokens (outside sign-in answers)', () => {
    const found: string[] = [];
    let walked = 0;
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(op.responses ?? {})) {
          for (const media of Object.values(response.content ?? {})) {
            walked += 1;
            walk(media.schema, `${method.toUpperCase()} ${path} ${status}`, new Set(), found);
          }
        }
      }
    }
    expect(walked).toBeGreaterThan(40);
    expect(found).toEqual([]);
  });
});
