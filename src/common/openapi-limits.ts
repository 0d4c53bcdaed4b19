import type { OpenAPIObject } from '@nestjs/swagger';
import { FORMAT_MAX_LENGTH } from './limits';

type Node = Record<string, unknown>;

/**
 * Gives every string schema with a fixed-length format (uuid, date-time, date, email, uri) the maxLength its
 * validator enforces, unless it declares its own: the DTOs then need not repeat it on each id and timestamp,
 * and path parameters get it too. Changes the document in place and returns it.
 */
export function boundFormattedStrings(document: OpenAPIObject): OpenAPIObject {
  const stack: unknown[] = [document];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
    } else if (node !== null && typeof node === 'object') {
      const schema = node as Node;
      const max = typeof schema.format === 'string' ? FORMAT_MAX_LENGTH[schema.format] : undefined;
      if (schema.type === 'string' && max !== undefined && schema.maxLength === undefined) schema.maxLength = max;
      for (const [key, value] of Object.entries(schema)) if (key !== 'example' && key !== 'examples') stack.push(value);
    }
  }
  return document;
}
