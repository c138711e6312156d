import { dirname, join } from 'node:path';

/** Where the web app's build (apps/web/dist) is when it is installed beside the API. */
export function bundledWebDir(): string {
  return join(dirname(require.resolve('@podfleet/web/package.json')), 'dist');
}
