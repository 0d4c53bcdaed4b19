import { isUtf8 } from 'buffer';
import { HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseQuery } from 'querystring';
import { DomainError, InvalidInput } from './errors';
import { findUnsafeText } from './input-text';

/** No route takes JSON nested deeper than a few levels; 32 leaves room and never strains a recursive walker. */
export const JSON_MAX_DEPTH = 32;
/** The largest array any route takes (10,000 import rows or assignment enrolment ids). */
export const JSON_MAX_ARRAY_ITEMS = 10_000;

export type JsonShapeProblem = 'depth' | 'array' | null;

/**
 * Nesting depth and array lengths of a JSON body, fed chunk by chunk as it arrives: one pass over
 * the bytes, no recursion, no parsing, no decoding (structural characters are ASCII, and UTF-8
 * never uses ASCII bytes inside a multi-byte character). It stops at the first array over
 * `maxItems` elements or level over `maxDepth`, so a 3 MB array costs the scan of its first
 * 30 KB. The bytes need not be valid JSON (JSON.parse judges that afterwards).
 */
export class JsonShapeScanner {
  problem: JsonShapeProblem = null;
  private readonly commas: Int32Array; // per open level: commas seen (arrays), -1 for objects
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(
    private readonly maxDepth = JSON_MAX_DEPTH,
    private readonly maxItems = JSON_MAX_ARRAY_ITEMS,
  ) {
    this.commas = new Int32Array(maxDepth + 1);
  }

  feed(chunk: Uint8Array): JsonShapeProblem {
    if (this.problem) return this.problem;
    const commas = this.commas;
    let { depth, inString, escaped } = this;
    for (let i = 0; i < chunk.length; i += 1) {
      const c = chunk[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        depth += 1;
        if (depth > this.maxDepth) return (this.problem = 'depth');
        commas[depth] = c === 0x5b ? 0 : -1;
      } else if (c === 0x5d || c === 0x7d) {
        if (depth > 0) depth -= 1;
      } else if (c === 0x2c && depth > 0 && commas[depth] >= 0) {
        commas[depth] += 1;
        if (commas[depth] >= this.maxItems) return (this.problem = 'array');
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return null;
  }
}

/** The shape problem of a whole body at once. */
export function jsonShapeProblem(body: Uint8Array, maxDepth = JSON_MAX_DEPTH, maxItems = JSON_MAX_ARRAY_ITEMS): JsonShapeProblem {
  return new JsonShapeScanner(maxDepth, maxItems).feed(body);
}

const notUtf8 = (what: string) =>
  new InvalidInput(`The request body is not valid UTF-8${what}`, [{ field: 'body', message: `body must be UTF-8 encoded${what}` }]);

/** Body bytes as text; anything but UTF-8 is refused rather than silently turned into U+FFFD. */
export function utf8Text(body: Buffer, what = ''): string {
  if (!isUtf8(body)) throw notUtf8(what);
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * A CSV file as text: UTF-8 unless the Content-Type names another charset (e.g. `charset=windows-1252`
 * for a spreadsheet's "CSV" export), which is then decoded strictly.
 */
export function csvText(body: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  let encoding = 'utf-8';
  if (charset) {
    try {
      encoding = new TextDecoder(charset).encoding;
    } catch {
      throw new DomainError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported-media-type',
        `The charset "${charset.slice(0, 40)}" is not supported; send the file as UTF-8`,
      );
    }
  }
  // No charset named: a UTF-16 byte order mark says UTF-16 (spreadsheets' "Unicode text" export).
  if (!charset && body.length >= 2 && ((body[0] === 0xff && body[1] === 0xfe) || (body[0] === 0xfe && body[1] === 0xff)))
    encoding = body[0] === 0xff ? 'utf-16le' : 'utf-16be';
  if (encoding === 'utf-8') return utf8Text(body, ' (save the file as "CSV UTF-8", or name its charset in the Content-Type)');
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(body);
  } catch {
    throw new InvalidInput(`The request body is not valid ${encoding}`, [{ field: 'body', message: `body is not valid ${encoding}` }]);
  }
}

/**
 * A body refused after it was read in full. It is answered from preValidation rather than from the
 * parser, because Fastify closes the connection on a parser error (it cannot know the body was
 * read): a flood of bad bodies would otherwise cost a new connection each.
 */
class RefusedBody {
  constructor(readonly error: Error) {}
}

/**
 * The body parsers for every route (Nest's own are turned off): JSON and form bodies must be
 * UTF-8, JSON nesting and array lengths are checked on the raw bytes as they arrive (so
 * class-transformer never sees a 10,000-level or million-element body), and no string may hold a
 * NUL or a lone surrogate. CSV (the bulk import) arrives as text. `tooManyItems` gives a route
 * its own answer for an over-long array (the bulk import names its row limit).
 */
export function registerBodyParsers(fastify: FastifyInstance, options: { tooManyItems?: Record<string, () => Error> } = {}): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  const shapeError = (problem: JsonShapeProblem, request: FastifyRequest): Error => {
    if (problem === 'depth') {
      return new InvalidInput(`The request body nests deeper than ${JSON_MAX_DEPTH} levels`, [
        { field: 'body', message: `body must not nest deeper than ${JSON_MAX_DEPTH} levels` },
      ]);
    }
    const own = options.tooManyItems?.[request.routeOptions?.url ?? ''];
    return own
      ? own()
      : new DomainError(
          HttpStatus.PAYLOAD_TOO_LARGE,
          'too-large',
          `An array in the request body has more than ${JSON_MAX_ARRAY_ITEMS} elements; split the request`,
        );
  };
  const tooLarge = () => new DomainError(HttpStatus.PAYLOAD_TOO_LARGE, 'too-large', 'The request body exceeds the size limit');
  // Read by hand rather than with parseAs: the shape is judged chunk by chunk as the body arrives,
  // and once it is refused the rest is drained without being kept or joined (no 3 MB copy per attack).
  fastify.addContentTypeParser(
    'application/json',
    (request: FastifyRequest, payload: NodeJS.ReadableStream, done: (error: Error | null, body?: unknown) => void) => {
      const limit = request.routeOptions.bodyLimit ?? fastify.initialConfig.bodyLimit ?? 1_048_576;
      if (Number(request.headers['content-length']) > limit) return done(tooLarge()); // not read: Fastify closes the connection
      const scanner = new JsonShapeScanner();
      let chunks: Buffer[] = [];
      let received = 0;
      const onData = (chunk: Buffer) => {
        received += chunk.length;
        if (received > limit) {
          payload.removeListener('data', onData);
          payload.removeListener('end', onEnd);
          return done(tooLarge());
        }
        if (scanner.feed(chunk)) chunks = [];
        else chunks.push(chunk);
      };
      const onEnd = () => {
        if (scanner.problem) return done(null, new RefusedBody(shapeError(scanner.problem, request)));
        try {
          void parseJson(request, utf8Text(Buffer.concat(chunks, received)), (error: Error | null, value?: unknown) => {
            if (error) return done(null, new RefusedBody(error));
            const bad = findUnsafeText(value);
            done(null, bad ? new RefusedBody(new InvalidInput(`Invalid input: ${bad.message}`, [bad])) : value);
          });
        } catch (error) {
          done(null, new RefusedBody(error as Error));
        }
      };
      payload.on('data', onData);
      payload.on('end', onEnd);
      payload.once('error', (error: Error) => done(error));
      payload.resume();
    },
  );
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    try {
      const value = { ...parseQuery(utf8Text(body)) };
      const bad = findUnsafeText(value);
      done(null, bad ? new RefusedBody(new InvalidInput(`Invalid input: ${bad.message}`, [bad])) : value);
    } catch (error) {
      done(null, new RefusedBody(error as Error));
    }
  });
  fastify.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    try {
      done(null, csvText(body, request.headers['content-type']));
    } catch (error) {
      done(null, new RefusedBody(error as Error));
    }
  });
  fastify.addHook('preValidation', async (request) => {
    if (request.body instanceof RefusedBody) throw request.body.error;
  });
}
