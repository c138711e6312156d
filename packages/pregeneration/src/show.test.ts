import type { PodcastShow } from '@podfleet/db';
import { PODCAST_CATEGORIES, podcastGuid, resolveShow, showUpdateData, showUpdateSchema } from './show';

const user = { id: '018f0000-0000-7000-8000-0000000000aa', name: 'Ada', style: null };
const row = (fields: Partial<PodcastShow>): PodcastShow => ({
  userId: user.id,
  title: null,
  description: null,
  author: null,
  ownerEmail: null,
  language: null,
  category: null,
  subcategory: null,
  explicit: false,
  color: null,
  coverKey: null,
  coverType: null,
  coverChecksum: null,
  coverUploaded: false,
  coverDrawnFrom: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...fields,
});

describe('resolveShow', () => {
  it('gives sensible defaults: the user in the title and as author, News / Daily News, not explicit', () => {
    const show = resolveShow(user, null);
    expect(show).toMatchObject({
      title: "Ada's podfleet",
      author: 'Ada',
      ownerEmail: null,
      language: 'en',
      category: 'News',
      subcategory: 'Daily News',
      explicit: false,
    });
    expect(show.description).toMatch(/^[A-Z].*\.$/);
    expect(show.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(resolveShow(user, null).color).toBe(show.color); // stable per user
    expect(resolveShow({ ...user, name: null }, null)).toMatchObject({
      title: 'My podfleet',
      author: 'podfleet',
    });
    expect(resolveShow({ ...user, style: { language: 'pt-BR' } }, null).language).toBe('pt-BR');
  });

  it('takes what the user set', () => {
    const settings = {
      title: 'Harbour Hour',
      description: 'Ships.',
      author: 'Ada L.',
      ownerEmail: 'ada@example.test',
      language: 'de',
      category: 'Technology',
      subcategory: null,
      explicit: true,
      color: '#123456',
    };
    expect(resolveShow(user, row(settings))).toMatchObject(settings);
  });

  it('has a podcast:guid that is a UUIDv5 fixed by the user, whatever the feed URL', () => {
    expect(podcastGuid(user.id)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(podcastGuid(user.id)).toBe(resolveShow(user, row({ title: 'Renamed' })).guid);
    expect(podcastGuid('another-user')).not.toBe(podcastGuid(user.id));
  });
});

describe('showUpdateSchema', () => {
  it('accepts Apple categories with one of their subcategories, and lower-cases colours', () => {
    const parsed = showUpdateSchema.parse({ category: 'Science', subcategory: 'Physics', color: '#AABBCC' });
    expect(showUpdateData(parsed)).toEqual({ category: 'Science', subcategory: 'Physics', color: '#aabbcc' });
    expect(Object.keys(PODCAST_CATEGORIES)).toContain('News');
  });

  it('refuses an unknown category, a subcategory of another category or alone, and malformed values', () => {
    const issues = (body: unknown) =>
      (showUpdateSchema.safeParse(body).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(issues({ category: 'Gossip' })).toEqual(['category']);
    expect(issues({ category: 'News', subcategory: 'Physics' })).toEqual(['subcategory']);
    expect(issues({ subcategory: 'Physics' })).toEqual(['subcategory']);
    expect(issues({ color: 'red', language: 'english!', ownerEmail: 'nope', title: '' })).toEqual([
      'title',
      'ownerEmail',
      'language',
      'color',
    ]);
    expect(issues({ favourite: 1 })).toEqual(['']);
  });

  it('null puts a setting back to its default; a new category without subcategory clears the old one', () => {
    expect(
      showUpdateData(showUpdateSchema.parse({ title: null, explicit: true, category: 'History' })),
    ).toEqual({
      title: null,
      explicit: true,
      category: 'History',
      subcategory: null,
    });
    expect(showUpdateData(showUpdateSchema.parse({ category: null }))).toEqual({
      category: null,
      subcategory: null,
    });
  });
});
