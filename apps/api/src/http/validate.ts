import type { Request } from 'express';
import type { z } from 'zod';
import { type FieldError, HttpProblem } from './problem';

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
    code: issue.code,
  }));
}

/** A JSON body validated against `schema`; 415 when the body is not JSON, 422 when invalid. */
export function parseBody<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  if (req.body === undefined) {
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody) {
      throw new HttpProblem(415, {
        type: 'unsupported-media-type',
        detail: 'send the body as application/json',
      });
    }
  }
  return validated(schema, req.body ?? {}, 422, 'the request body is invalid');
}

/** Query parameters validated against `schema`; 400 when invalid. */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.output<S> {
  return validated(schema, req.query, 400, 'the query parameters are invalid');
}

/** `input` parsed by `schema`, or a validation problem (`status`) listing each field's error. */
function validated<S extends z.ZodType>(
  schema: S,
  input: unknown,
  status: 400 | 422,
  detail: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new HttpProblem(status, { type: 'validation', detail, errors: fieldErrors(result.error) });
  }
  return result.data;
}
