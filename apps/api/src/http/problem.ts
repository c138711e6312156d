// RFC 9457 problem details: every error the API answers is one of these, as application/problem+json.

export interface FieldError {
  /** Dotted path of the offending field (`sources.0.url`), or `(root)`. */
  path: string;
  message: string;
  code?: string;
}

export interface ProblemInit {
  /** Short slug naming the kind of problem; becomes the `type` URI. */
  type?: string;
  detail?: string;
  errors?: FieldError[];
  /** Response headers to send with it (Retry-After, WWW-Authenticate, Content-Range…). */
  headers?: Record<string, string>;
  /** Extra members for the body (RFC 9457 extension members). */
  extra?: Record<string, unknown>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** `type` URIs are URNs: stable identifiers that need no web page behind them. */
export function problemType(slug: string): string {
  return `urn:podfleet:problem:${slug}`;
}

/** Thrown by handlers and middleware; the error middleware turns it into the response. */
export class HttpProblem extends Error {
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(
    readonly status: number,
    init: ProblemInit = {},
  ) {
    const title = TITLES[status] ?? 'Error';
    super(init.detail ?? title);
    this.name = 'HttpProblem';
    this.type = init.type ? problemType(init.type) : 'about:blank';
    this.title = title;
    this.detail = init.detail ?? title;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extra = init.extra ?? {};
  }

  body(instance: string, requestId: string | undefined): Record<string, unknown> {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
      instance,
      ...(requestId ? { requestId } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...this.extra,
    };
  }
}

export const notFound = (what = 'resource'): HttpProblem =>
  new HttpProblem(404, { type: 'not-found', detail: `${what} not found` });

export const conflict = (detail: string): HttpProblem => new HttpProblem(409, { type: 'conflict', detail });

export const serviceUnavailable = (
  detail: string,
  retryAfterSec: number,
  type = 'unavailable',
): HttpProblem => new HttpProblem(503, { type, detail, headers: { 'Retry-After': String(retryAfterSec) } });
