// Test support: requests generated from the OpenAPI document (fast-check arbitraries), mostly
// valid by the contract with mutations at every level (wrong types, bounds, missing and extra
// fields, hostile strings, other credentials), so the fuzzer reaches the handlers behind
// validation as well as validation itself. What the document says drives what is sent.
import fc from 'fast-check';
import { openApiDocument } from '../src/openapi';

/** A JSON Schema as the document writes it (the subset zod-to-openapi emits). */
interface Schema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  /** The path template, e.g. `/v1/episodes/{id}/audio`. */
  path: string;
  parameters: Parameter[];
  /** Media types of the request body and the schema of the JSON one. */
  body?: { types: string[]; schema?: Schema };
  /** Security scheme names accepted; `''` when no credentials are accepted too. */
  security: string[];
}

/** Credentials and ids of real rows, so requests reach past authentication and lookups. */
export interface FuzzWorld {
  credentials: Record<'apiKey' | 'adminKey' | 'adminBasic' | 'cronSecret', string>;
  /** The id of a real row per resource, by the path's segment after `/v1/` (`episodes`, `jobs`…). */
  ids: Record<string, string>;
  /** Tokens for `{token}` (a real feed token). */
  tokens: string[];
  /**
   * Valid values of body fields whose validity the document cannot say (an IANA time zone, a
   * resolvable webhook URL, a published voice), by property name.
   */
  known: Record<string, fc.Arbitrary<unknown>>;
  /** A body the binary upload route accepts (a cover image). */
  upload: Buffer;
}

/** What a value is generated from: the document, the world, and whether to break the contract. */
interface Gen {
  doc: Document;
  world: FuzzWorld;
  mutate: boolean;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The operation it came from (`GET /v1/episodes/{id}`), for the report. */
  operation: string;
}

type Document = ReturnType<typeof openApiDocument>;

/** Every operation of the document. */
export function operationsOf(doc: Document): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item as Record<string, unknown>)) {
      const op = raw as {
        parameters?: Parameter[];
        requestBody?: { content: Record<string, { schema?: Schema }> };
        security?: Array<Record<string, string[]>>;
      };
      const content = op.requestBody?.content;
      ops.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        ...(content
          ? {
              body: {
                types: Object.keys(content),
                ...(content['application/json']?.schema
                  ? { schema: content['application/json'].schema }
                  : {}),
              },
            }
          : {}),
        security: (op.security ?? []).map((req) => Object.keys(req)[0] ?? ''),
      });
    }
  }
  return ops;
}

export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  '../../etc/passwd',
  '%2e%2e%2f',
  '%',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '💥'.repeat(50),
  'a'.repeat(5000),
  '\ud800',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal log4shell probe string, on purpose
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  'NaN',
  'null',
  'http://169.254.169.254/latest/meta-data/',
  'http://127.0.0.1:6379/',
  'file:///etc/passwd',
];

const hostileString = fc.constantFrom(...HOSTILE_STRINGS);
/** Any JSON value at all, hostile strings included. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.5),
);

/**
 * Values the schema accepts (bounded sizes); when `mutate`, with a mutation at each level now and
 * then (one value in eight breaks the contract there, so most requests still get deep).
 */
export function schemaValue(g: Gen, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return anyJson;
  const valid = validValueOf(g, schema, depth);
  return g.mutate ? fc.oneof({ weight: 7, arbitrary: valid }, { weight: 1, arbitrary: anyJson }) : valid;
}

function resolve(doc: Document, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').at(-1) ?? '';
  return (doc.components?.schemas?.[name] as Schema | undefined) ?? {};
}

function validValueOf(g: Gen, raw: Schema, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(g.doc, raw);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => schemaValue(g, s, depth + 1)));
  if (schema.allOf) {
    const merged = Object.assign({}, ...schema.allOf.map((s) => resolve(g.doc, s)));
    return schemaValue(g, merged, depth + 1);
  }
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => validValueOf(g, { ...schema, type }, depth)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number':
      return numberOf(schema, types[0] === 'integer', g.mutate);
    case 'string':
      return stringOf(schema, g.mutate);
    case 'array': {
      const maxLength = Math.min(schema.maxItems ?? 4, 4);
      const minLength = Math.min(schema.minItems ?? 0, maxLength);
      const item = schemaValue(g, schema.items, depth + 1);
      const arrays = fc.array(item, { minLength, maxLength });
      if (!g.mutate || schema.maxItems === undefined || schema.maxItems > 50) return arrays;
      // One past the longest allowed.
      const tooLong = fc.array(item, { minLength: schema.maxItems + 1, maxLength: schema.maxItems + 1 });
      return fc.oneof({ weight: 9, arbitrary: arrays }, { weight: 1, arbitrary: tooLong });
    }
    case 'object':
      return objectOf(g, schema, depth);
    default:
      return anyJson;
  }
}

function numberOf(schema: Schema, integer: boolean, mutate: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
  const max =
    schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 100_000);
  const bounds = { min: Math.max(min, -(2 ** 31)), max: Math.min(Math.max(min, max), 2 ** 31) };
  const inner = integer ? fc.integer(bounds) : fc.double({ ...bounds, noNaN: true, noDefaultInfinity: true });
  if (!mutate) return inner;
  // Each bound, and one past it, besides values in between.
  const edges = fc.constantFrom(bounds.min, bounds.max, bounds.min - 1, bounds.max + 1);
  return fc.oneof({ weight: 4, arbitrary: inner }, { weight: 1, arbitrary: edges });
}

function stringOf(schema: Schema, mutate: boolean): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 40, 60);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  const url = mutate
    ? fc.oneof(fc.webUrl(), fc.constantFrom('http://127.0.0.1/', 'http://[::1]/', 'gopher://x/', 'not a url'))
    : fc.webUrl();
  const formatted =
    schema.format === 'uri' || schema.format === 'url'
      ? url
      : schema.format === 'email'
        ? fc.emailAddress()
        : schema.format === 'uuid'
          ? fc.uuid()
          : schema.format === 'date-time'
            ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString())
            : fc.string({ minLength, maxLength, unit: 'grapheme' });
  if (!mutate) return formatted;
  const edges: fc.Arbitrary<string>[] = [hostileString];
  if (schema.maxLength !== undefined && schema.maxLength <= 100_000)
    edges.push(fc.constant('x'.repeat(schema.maxLength + 1)));
  return fc.oneof({ weight: 6, arbitrary: formatted }, { weight: 1, arbitrary: fc.oneof(...edges) });
}

function objectOf(g: Gen, schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) {
    // A field the world knows valid values of gets them (mutated, now and then, like any other).
    const known = g.world.known[name];
    const fromSchema = schemaValue(g, property, depth + 1);
    record[name] = known
      ? g.mutate
        ? fc.oneof({ weight: 3, arbitrary: known }, fromSchema)
        : known
      : fromSchema;
  }
  const known = fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in properties) });
  if (!g.mutate) return known;
  // Now and then a required field goes missing or an unknown (possibly hostile) key comes along.
  return fc
    .tuple(
      known,
      fc.option(fc.tuple(fc.oneof(hostileString, fc.string({ maxLength: 10 })), anyJson), { freq: 6 }),
      fc.option(fc.constantFrom(...(schema.required ?? ['-'])), { freq: 8 }),
    )
    .map(([value, extra, missing]) => {
      const out: Record<string, unknown> = { ...value };
      // Configurable: a schema without required fields may then drop that very key.
      if (extra)
        Object.defineProperty(out, extra[0], {
          value: extra[1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      if (missing) delete out[missing];
      return out;
    });
}

/** A parameter's value as sent in a path, query string or header. */
function parameterText(g: Gen, op: Operation, param: Parameter): fc.Arbitrary<string> {
  const { world, mutate } = g;
  const fromSchema = schemaValue(g, param.schema).map((v) =>
    typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
  );
  if (param.in === 'path' && param.name === 'token')
    return mutate
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...world.tokens) }, fromSchema)
      : fc.constantFrom(...world.tokens);
  if (param.in === 'path' && param.name !== 'extension') {
    // The id of a real row of the resource the parameter names (`/v1/jobs/{id}`: a job; `{keyId}`:
    // a key), or another.
    const resource =
      param.name === 'id' ? (op.path.split('/')[2] ?? '') : `${param.name.replace(/Id$/, '')}s`;
    const own = world.ids[resource];
    const any = fc.constantFrom(...Object.values(world.ids));
    if (!mutate && own) return fc.constant(own);
    return fc.oneof({ weight: 3, arbitrary: own ? fc.constant(own) : any }, any, fc.uuid(), fromSchema);
  }
  if (param.name === 'Range')
    return fc.oneof(
      fc.tuple(fc.nat(5000), fc.nat(5000)).map(([a, b]) => `bytes=${a}-${b}`),
      fc.nat(5000).map((n) => `bytes=-${n}`),
      fc.nat(5000).map((n) => `bytes=${n}-`),
      fc.constantFrom('bytes=0-0,5-9', 'bytes=a-b', 'items=0-1', 'bytes=', 'bytes=9-1', 'bytes=--1'),
    );
  if (param.name === 'Idempotency-Key')
    return mutate
      ? fc.oneof(fc.string({ maxLength: 300 }), hostileString)
      : fc.stringMatching(/^[\x21-\x7e]{1,64}$/);
  return fromSchema;
}

/** A header value a client can send: HTTP forbids control characters and non-Latin-1 text. */
const headerSafe = (value: string) => value.replace(/[^\x20-\x7e]/g, '');

function credentialsFor({ world, mutate }: Gen, op: Operation): fc.Arbitrary<Record<string, string>> {
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
  const basic = (password: string) => ({
    authorization: `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`,
  });
  const asScheme = (name: string): Record<string, string> => {
    if (name === 'adminBasic') return basic(world.credentials.adminBasic);
    if (name === 'apiKey' || name === 'adminKey' || name === 'cronSecret')
      return bearer(world.credentials[name]);
    return {};
  };
  const accepted = op.security.length > 0 ? op.security.map(asScheme) : [{}];
  if (!mutate) return fc.constantFrom(...accepted);
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...accepted) },
    // Someone else's credentials, none, or broken ones.
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        {},
        bearer(world.credentials.apiKey),
        bearer(world.credentials.adminKey),
        basic(world.credentials.adminBasic),
        basic('wrong'),
        bearer(`pf_${'a'.repeat(32)}`),
        { authorization: 'Bearer' },
        { authorization: 'Basic !!!' },
        { authorization: 'Token x' },
      ),
    },
    { weight: 1, arbitrary: hostileString.map((s) => ({ authorization: `Bearer ${headerSafe(s)}` })) },
  );
}

interface Body {
  type?: string;
  body?: Buffer;
}

function bodyFor(g: Gen, op: Operation): fc.Arbitrary<Body> {
  const { mutate } = g;
  if (!op.body) {
    if (!mutate) return fc.constant({});
    // Routes without a body still get one sometimes.
    const stray = fc.constantFrom(
      { type: 'application/json', body: Buffer.from('{"a":1}') },
      { type: 'text/plain', body: Buffer.from('x') },
    );
    return fc.option(stray, { freq: 10, nil: {} });
  }
  const types = op.body.types;
  const json = schemaValue(g, op.body.schema).map((value) => ({
    type: 'application/json',
    body: Buffer.from(JSON.stringify(value) ?? 'null'),
  }));
  if (types.includes('application/json') && !mutate) return json;
  const garbage = fc.oneof(
    fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)),
    // A PNG signature with garbage after it, and a multipart body.
    fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.concat([PNG_SIGNATURE, b])),
    fc.constant(Buffer.from('--x\r\ncontent-disposition: form-data; name="file"\r\n\r\nabc\r\n--x--\r\n')),
    fc.constantFrom('{', '{"a":', '[1,2', 'nul', '"\\u12"', '{"a":1}}').map((s) => Buffer.from(s)),
  );
  const raw = fc.record({
    type: mutate
      ? fc.constantFrom(
          ...types,
          'multipart/form-data; boundary=x',
          'application/json; charset=latin1',
          'text/plain',
        )
      : fc.constantFrom(...types),
    body: mutate ? fc.oneof(garbage, fc.constantFrom(TINY_PNG, TINY_JPEG)) : fc.constant(g.world.upload),
  });
  return types.includes('application/json') ? fc.oneof({ weight: 5, arbitrary: json }, raw) : raw;
}

const PNG_SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');
/** A 1×1 PNG and JPEG: well-formed images the cover upload refuses (too small). */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
  'base64',
);

/**
 * One request to `op`: parameters, credentials, headers and body from the contract; half of them
 * as the contract says, half mutated.
 */
export function requestTo(doc: Document, op: Operation, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  return fc.boolean().chain((mutate) => requestOf({ doc, world, mutate }, op));
}

function requestOf(g: Gen, op: Operation): fc.Arbitrary<FuzzRequest> {
  const { mutate } = g;
  const params = op.parameters;
  const values = fc.tuple(
    ...params.map((p) =>
      p.in === 'path' || (p.required && !mutate)
        ? parameterText(g, op, p)
        : fc.option(parameterText(g, op, p), { freq: 2 }),
    ),
  );
  const none = fc.constant(null);
  const extraQuery = mutate
    ? fc.option(fc.tuple(fc.constantFrom('limit', 'cursor', 'x', '__proto__'), hostileString), { freq: 5 })
    : none;
  return fc
    .tuple(
      values,
      extraQuery,
      credentialsFor(g, op),
      bodyFor(g, op),
      mutate ? fc.option(hostileString, { freq: 8 }) : none,
    )
    .map(([vals, extra, auth, body, requestId]) => {
      let path = op.path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = { ...auth };
      params.forEach((param, i) => {
        const value = vals[i];
        if (value === null || value === undefined) return;
        if (param.in === 'path') path = path.replace(`{${param.name}}`, encodePathSegment(value));
        else if (param.in === 'query') query.append(param.name, value);
        else headers[param.name.toLowerCase()] = headerSafe(value);
      });
      if (extra) query.append(extra[0], extra[1]);
      if (requestId !== null) headers['x-request-id'] = headerSafe(requestId) || 'x';
      if (body.type) headers['content-type'] = body.type;
      const search = query.toString();
      return {
        method: op.method,
        path: search ? `${path}?${search}` : path,
        headers,
        ...(body.body ? { body: body.body } : {}),
        operation: `${op.method} ${op.path}`,
      };
    });
}

/** Percent-encodes, or sends a lone surrogate's raw UTF-8 bytes (invalid) when it cannot. */
function encodePathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** Requests to every documented operation, each equally likely. */
export function contractRequests(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const doc = openApiDocument('http://127.0.0.1');
  return fc.oneof(...operationsOf(doc).map((op) => requestTo(doc, op, world)));
}
