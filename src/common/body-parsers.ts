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

/** The encodings a CSV body is read in when its sender names none. */
export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

/**
 * The encoding of a CSV file whose sender named none: a UTF-16 byte order mark says UTF-16
 * (spreadsheets' "Unicode text" export); bytes that are valid UTF-8 (with or without a BOM) are
 * UTF-8; anything else is taken as Windows-1252, what Excel's plain "CSV" export writes in Western
 * Europe and the Americas (a superset of Latin-1 in which every byte means a character).
 */
export function detectCsvEncoding(body: Uint8Array): CsvEncoding {
  if (body.length >= 2 && body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body.length >= 2 && body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  return isUtf8(body) ? 'utf-8' : 'windows-1252';
}

/** Windows-1252's 0x80–0x9F (undefined bytes keep their C1 code point, as the WHATWG table does). */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Windows-1252 bytes as text. Node's TextDecoder('windows-1252') decodes 0x80–0x9F as Latin-1's
 * control characters, which would store "P\u0096rez" for the en dash of "Pérez – Pepe".
 */
export function windows1252Text(body: Uint8Array): string {
  const latin1 = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  return /[\x80-\x9f]/.test(latin1) ? latin1.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]) : latin1;
}

/**
 * A CSV file as text, in the charset the Content-Type (or the import form's `charset` field)
 * names, decoded strictly; with none named, in the encoding detectCsvEncoding finds.
 */
export function csvText(body: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  let encoding: string = detectCsvEncoding(body);
  if (charset) {
    try {
      encoding = new TextDecoder(charset).encoding;
    } catch {
      throw new DomainError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported-media-type',
        `The charset "${charset.slice(0, 40)}" is not supported; send the file as UTF-8, UTF-16 with a BOM or Windows-1252`,
      );
    }
  }
  if (encoding === 'utf-8')
    return utf8Text(body, ' (the Content-Type says charset=utf-8; name the charset the file is in, or leave it out)');
  if (encoding === 'windows-1252') return windows1252Text(body); // also what WHATWG makes of latin1 / iso-8859-1 labels
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(body);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new InvalidInput(`The request body is not valid ${encoding}`, [{ field: 'body', message: `body is not valid ${encoding}` }]);
  }
}

/** Content types browsers and tools send a .csv file as; each is read as CSV text (only the bulk import takes them). */
export const CSV_CONTENT_TYPES = ['text/csv', 'application/vnd.ms-excel', 'text/plain'] as const;

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
 * NUL or a lone surrogate. CSV (the bulk import; any of CSV_CONTENT_TYPES) arrives as text. `routes`
 * give a route its own answers for an over-long array and an over-large body (the bulk import
 * names its row and byte limits).
 */
export interface RouteBodyErrors {
  /** An array over JSON_MAX_ARRAY_ITEMS elements. */
  tooManyItems?: () => Error;
  /** A body over the route's limit (as far as the parser sees it: Content-Length, or the bytes read). */
  tooLarge?: () => Error;
}

export function registerBodyParsers(fastify: FastifyInstance, options: { routes?: Record<string, RouteBodyErrors> } = {}): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  const shapeError = (problem: JsonShapeProblem, request: FastifyRequest): Error => {
    if (problem === 'depth') {
      return new InvalidInput(`The request body nests deeper than ${JSON_MAX_DEPTH} levels`, [
        { field: 'body', message: `body must not nest deeper than ${JSON_MAX_DEPTH} levels` },
      ]);
    }
    const own = options.routes?.[request.routeOptions?.url ?? '']?.tooManyItems;
    return own
      ? own()
      : new DomainError(
          HttpStatus.PAYLOAD_TOO_LARGE,
          'too-large',
          `An array in the request body has more than ${JSON_MAX_ARRAY_ITEMS} elements; split the request`,
        );
  };
  const tooLarge = (request: FastifyRequest) =>
    options.routes?.[request.routeOptions?.url ?? '']?.tooLarge?.() ??
    new DomainError(HttpStatus.PAYLOAD_TOO_LARGE, 'too-large', 'The request body exceeds the size limit');
  type Done = (error: Error | null, body?: unknown) => void;
  /**
   * Streams a body up to the route's limit: a declared or actual size over it answers `tooLarge` and the
   * rest is drained without being kept. `end` gets the byte count; whatever it throws becomes a 400.
   */
  const readWithin = (
    request: FastifyRequest,
    payload: NodeJS.ReadableStream,
    done: Done,
    on: { chunk: (chunk: Buffer) => void; end: (received: number) => void },
  ) => {
    const limit = request.routeOptions.bodyLimit ?? fastify.initialConfig.bodyLimit ?? 1_048_576;
    if (Number(request.headers['content-length']) > limit) return done(tooLarge(request)); // not read: Fastify closes the connection
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        payload.removeListener('data', onData);
        payload.removeListener('end', onEnd);
        return done(tooLarge(request));
      }
      on.chunk(chunk);
    };
    const onEnd = () => {
      try {
        on.end(received);
      } catch (error) {
        done(null, new RefusedBody(error as Error));
      }
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.once('error', (error: Error) => done(error));
    payload.resume();
  };
  // Read by hand rather than with parseAs: the shape is judged chunk by chunk as the body arrives,
  // and once it is refused the rest is drained without being kept or joined (no 3 MB copy per attack).
  fastify.addContentTypeParser('application/json', (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done) => {
    const scanner = new JsonShapeScanner();
    let chunks: Buffer[] = [];
    readWithin(request, payload, done, {
      chunk: (chunk) => {
        if (scanner.feed(chunk)) chunks = [];
        else chunks.push(chunk);
      },
      end: (received) => {
        if (scanner.problem) return done(null, new RefusedBody(shapeError(scanner.problem, request)));
        void parseJson(request, utf8Text(Buffer.concat(chunks, received)), (error: Error | null, value?: unknown) => {
          if (error) return done(null, new RefusedBody(error));
          const bad = findUnsafeText(value);
          done(null, bad ? new RefusedBody(new InvalidInput(`Invalid input: ${bad.message}`, [bad])) : value);
        });
      },
    });
  });
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    try {
      const value = { ...parseQuery(utf8Text(body)) };
      const bad = findUnsafeText(value);
      done(null, bad ? new RefusedBody(new InvalidInput(`Invalid input: ${bad.message}`, [bad])) : value);
    } catch (error) {
      done(null, new RefusedBody(error as Error));
    }
  });
  // Read by hand too, so an over-large file gets the route's own answer (parseAs would answer Fastify's).
  fastify.addContentTypeParser([...CSV_CONTENT_TYPES], (request: FastifyRequest, payload: NodeJS.ReadableStream, done: Done) => {
    const chunks: Buffer[] = [];
    readWithin(request, payload, done, {
      chunk: (chunk) => chunks.push(chunk),
      end: (received) => done(null, csvText(Buffer.concat(chunks, received), request.headers['content-type'])),
    });
  });
  fastify.addHook('preValidation', async (request) => {
    if (request.body instanceof RefusedBody) throw request.body.error;
  });
}
