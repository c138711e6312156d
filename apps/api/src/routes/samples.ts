import { sampleFeedPath } from '@podfleet/providers';
import { Router } from 'express';
import { notFound } from '../http/problem';

/**
 * The bundled sample RSS feed, for the offline demo: its episode names `${PUBLIC_BASE_URL}/samples/feed.xml`
 * as an `rss` source, which the scraper fetches from this API (ALLOW_PRIVATE_SOURCE_URLS=true there).
 * Public, read-only, one fixed file.
 */
export function samplesRouter(): Router {
  const router = Router();

  router.get('/samples/feed.xml', (req, res, next) => {
    res.sendFile(
      sampleFeedPath,
      { headers: { 'Content-Type': 'application/rss+xml; charset=utf-8' } },
      (err) => {
        if (!err) return;
        // A build that did not ship the samples directory: say so instead of a 500.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !res.headersSent)
          next(notFound('sample feed'));
        else if (!res.headersSent) next(err);
        else req.log.warn({ err }, 'sending the sample feed failed');
      },
    );
  });

  return router;
}
