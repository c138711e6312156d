import type { ServerResponse } from 'node:http';

// What every OpenAI-compatible fake answers with: JSON carrying a request id, and OpenAI's error body.

let requestCounter = 0;

/** A JSON answer with its `x-request-id`, as OpenAI sends one. */
export function sendOpenAiJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-request-id': `req_${++requestCounter}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

/** OpenAI's error `type` for a status. */
export const openAiErrorType = (status: number): string =>
  status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';

/** OpenAI's error body. */
export const openAiErrorBody = (status: number, message: string, code?: string) => ({
  error: { message, type: openAiErrorType(status), param: null, code: code ?? null },
});
