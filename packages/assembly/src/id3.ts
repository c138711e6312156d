import NodeID3 from 'node-id3';

export interface EpisodeTags {
  title: string;
  artist: string;
  durationSec: number;
  chapters: ReadonlyArray<{ title: string; startSec: number }>;
}

/** An ID3v2.3 tag: title, artist, length, and chapters as CHAP frames under one ordered CTOC. */
export function createEpisodeTag({ title, artist, durationSec, chapters }: EpisodeTags): Buffer {
  const endMs = Math.round(durationSec * 1000);
  const chapterFrames = chapters.map((chapter, i) => ({
    elementID: `chp${i}`,
    startTimeMs: Math.round(chapter.startSec * 1000),
    endTimeMs: i + 1 < chapters.length ? Math.round(chapters[i + 1]!.startSec * 1000) : endMs,
    tags: { title: chapter.title },
  }));
  const tags: NodeID3.Tags = { title, artist, length: String(endMs) };
  if (chapterFrames.length > 0) {
    tags.chapter = chapterFrames;
    tags.tableOfContents = [
      { elementID: 'toc', isOrdered: true, elements: chapterFrames.map((c) => c.elementID), tags: { title } },
    ];
  }
  return NodeID3.create(tags);
}
