import type { FieldError } from './errors';

// A NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its partner (not Unicode).
const UNSAFE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, or null when it can. */
export function unsafeText(value: string): string | null {
  const found = UNSAFE.exec(value);
  if (!found) return null;
  return found[0] === '\0' ? 'contains a NUL character, which is not allowed' : 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
}

/**
 * The first string (value or key) in a parsed body or query that cannot be stored as text,
 * named like validation errors name fields (`rows.3.email`). Iterative: the depth is the caller's.
 */
export function findUnsafeText(root: unknown, prefix = ''): FieldError | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: prefix }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unsafeText(value);
      if (problem) return { field: path || 'body', message: `${path || 'body'} ${problem}` };
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i -= 1) stack.push({ value: value[i], path: path ? `${path}.${i}` : String(i) });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i];
        const field = path ? `${path}.${key}` : key;
        const problem = unsafeText(key);
        if (problem) return { field: path || 'body', message: `a field name in ${path || 'the body'} ${problem}` };
        stack.push({ value: (value as Record<string, unknown>)[key], path: field });
      }
    }
  }
  return null;
}
