// The typed API client: openapi-fetch over the types generated from the API's OpenAPI document
// (generated/schema.ts). The key is sent as a Bearer header, never in a URL.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/schema';

export type Schemas = components['schemas'];
export type Episode = Schemas['Episode'];
export type Job = Schemas['Job'];
export type ProgressEvent = Schemas['ProgressEvent'];
export type Api = ReturnType<typeof createClient<paths>>;

/** A client that authenticates every request with `key`. */
export function apiClient(key: string): Api {
  const client = createClient<paths>({ baseUrl: location.origin });
  const auth: Middleware = {
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${key}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** The sentence to show for a failed call: the problem's detail, else its title, else the status. */
export function problemText(error: unknown, response?: Response): string {
  if (error && typeof error === 'object') {
    const problem = error as {
      detail?: unknown;
      title?: unknown;
      errors?: Array<{ path?: string; message?: string }>;
    };
    const fields = problem.errors?.map((e) => `${e.path ? `${e.path}: ` : ''}${e.message ?? ''}`).join('; ');
    const text =
      typeof problem.detail === 'string'
        ? problem.detail
        : typeof problem.title === 'string'
          ? problem.title
          : '';
    if (text || fields) return [text, fields].filter(Boolean).join(' — ');
  }
  return response
    ? `The server answered ${response.status} ${response.statusText}`.trim()
    : 'The request failed';
}
