import { currentCover, type StoredCover } from '@podfleet/artwork';
import type { PodcastShow, User } from '@podfleet/db';
import { resolveShow, type ShowSettings } from '@podfleet/pregeneration';
import type { RouteContext } from '../routes/context';

export interface ShowWithCover {
  settings: ShowSettings;
  cover: StoredCover;
}

/** The show as its feed presents it, with its cover (drawn now if it has none or its title or colour changed). */
export async function loadShowWithCover(
  ctx: Pick<RouteContext, 'db' | 'storage'>,
  user: Pick<User, 'id' | 'name' | 'style'>,
  show: PodcastShow | null,
): Promise<ShowWithCover> {
  const settings = resolveShow(user, show);
  const cover = await currentCover(ctx, user.id, show, { title: settings.title, color: settings.color });
  return { settings, cover };
}

/** `…/v1/feeds/{token}`: the feed is `.xml` after it, the cover `/cover.png` (or `.jpg`) below it. */
export const feedBaseUrl = (baseUrl: string, feedToken: string) =>
  `${baseUrl}/v1/feeds/${encodeURIComponent(feedToken)}`;

/** The cover's URL changes with its bytes, so apps that cache artwork by URL fetch a new one. */
export const feedCoverUrl = (feedBase: string, cover: StoredCover) =>
  `${feedBase}/cover.${cover.extension}?v=${cover.checksum.slice(0, 16)}`;
