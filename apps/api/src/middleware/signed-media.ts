// The media routes' alternative to the Authorization header: players and podcast apps send none,
// so a URL signed for the resource (`?exp=&sig=`) stands in for it.
import type { NextFunction, Request, Response } from 'express';
import { HttpProblem } from '../http/problem';
import type { RouteContext } from '../routes/context';

/** What the signature of a request must cover: the signed path and the owner's current media URL version. */
export interface SignedResource {
  signedPart: string;
  mediaUrlVersion: number;
}

/**
 * `userOrAdmin`, unless the request carries `?exp=&sig=`: then that signature, checked against what
 * `find` says of the requested resource (null: no such resource), grants this one resource. 403
 * `signature-expired` (asking the client to fetch `refetch` again for a fresh URL) or
 * `signature-invalid` otherwise. Signed under the owner's current media URL version, so a rotated
 * feed token voids older URLs.
 */
export function signedOrUser(
  ctx: Pick<RouteContext, 'guards' | 'mediaSigner'>,
  refetch: string,
  find: (req: Request) => Promise<SignedResource | null>,
) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.query.sig === undefined && req.query.exp === undefined) {
      await ctx.guards.userOrAdmin(req, res, next);
      return;
    }
    const resource = await find(req);
    const verdict = resource
      ? ctx.mediaSigner.verify(
          resource.signedPart,
          req.query.exp,
          req.query.sig,
          Date.now(),
          resource.mediaUrlVersion,
        )
      : 'invalid';
    if (verdict !== 'valid') {
      throw new HttpProblem(403, {
        type: verdict === 'expired' ? 'signature-expired' : 'signature-invalid',
        detail:
          verdict === 'expired'
            ? `this URL has expired; fetch ${refetch} again for a fresh one`
            : 'the URL signature is not valid',
      });
    }
    req.principal = { kind: 'admin' }; // the signature grants this one resource, nothing else
    next();
  };
}
