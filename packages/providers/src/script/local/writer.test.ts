import { ProviderError, type ScriptDocument, type Style, scriptDocumentSchema } from '../../types';
import { countWords } from '../speech-rate';
import { REFERENCE_PACE, scriptSeconds } from '../spoken-duration';
import {
  apollo11,
  erieCanal,
  makeDocument,
  noisyArticle,
  photosynthesis,
  postalReform,
  richDocuments,
  thinDocument,
} from '../testing/fixtures';
import { splitSentences } from './sentences';
import { LocalScriptWriter } from './writer';

const NAMES = ['Maya', 'Theo', 'Ava', 'Sam'];
const style = (targetMinutes: number, hostCount = 2): Style => ({
  hosts: NAMES.slice(0, hostCount).map((name) => ({ name })),
  targetMinutes,
  tone: 'conversational',
  language: 'en',
});
const writer = new LocalScriptWriter();

/** Number of times a host speaks right after themself. */
function repeats(script: ScriptDocument): number {
  return script.lines.filter((line, i) => i > 0 && script.lines[i - 1]?.speaker === line.speaker).length;
}

describe('LocalScriptWriter', () => {
  it('writes a schema-valid script: intro, one chapter per source, outro', async () => {
    const script = await writer.write({ documents: [erieCanal, apollo11, postalReform], style: style(3) });
    expect(scriptDocumentSchema.parse(script)).toEqual(script);
    expect(script.chapters.map((c) => c.title)).toEqual([
      'Introduction',
      'The Erie Canal',
      'The Apollo 11 Moon Landing',
      'Postal Service Reform Act of 2022',
      'Wrap-up',
    ]);
    // Lines run through the chapters in order and every chapter has lines.
    const chapterOrder = script.lines.map((l) => l.chapter);
    expect(chapterOrder).toEqual([...chapterOrder].sort((a, b) => a - b));
    expect(new Set(chapterOrder)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(script.title).toBe('The Erie Canal and 2 more');
    expect(script.description).toContain('Maya and Theo talk through The Erie Canal');
    expect(script.hosts).toEqual(style(3).hosts);
    expect(script.wordCount).toBe(script.lines.reduce((sum, l) => sum + countWords(l.text), 0));
    expect(script.usage).toEqual({
      provider: 'local',
      model: null,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    });
  });

  it('describes the episode in whole sentences: never a hard-wrapped line of a bill', async () => {
    const bill = makeDocument(
      'Canal Workers Act',
      [
        'SEC. 2. DEFINITIONS.',
        '(1) the term covered employer means an employer or labor organization within the meaning of section 10',
        '(b) of the National Labor Relations Act, as amended by this Act and the acts before it.',
        'The Act protects the workers who keep the canal locks running through the winter months.',
      ].join('\n'),
    );
    const script = await writer.write({ documents: [bill], style: style(1) });
    expect(script.description).not.toMatch(/section 10\./);
    expect(script.description).toMatch(
      /^Maya and Theo talk through Canal Workers Act\. The Act protects the workers who keep the canal locks running through the winter months\. /,
    );
  });

  it.each([1, 3, 5, 10])('estimates %d minutes within ±15 %% and records it', async (minutes) => {
    const script = await writer.write({ documents: richDocuments, style: style(minutes) });
    const seconds = scriptSeconds(script.lines, 'en');
    expect(seconds).toBeGreaterThanOrEqual(minutes * 60 * 0.85);
    expect(seconds).toBeLessThanOrEqual(minutes * 60 * 1.15);
    expect(script.length).toMatchObject({
      targetSec: minutes * 60,
      estimatedSec: Math.round(seconds * 10) / 10,
      speed: 1,
      within: true,
      spoken: script.wordCount,
    });
  });

  it("writes to the fleet's pace: a slower engine gets fewer words for the same minutes", async () => {
    const slow = { ...REFERENCE_PACE, speed: 0.7 };
    const atReference = await writer.write({ documents: richDocuments, style: style(3) });
    const atSlow = await writer.write({ documents: richDocuments, style: style(3), pace: slow });
    const seconds = scriptSeconds(atSlow.lines, 'en', slow);
    expect(Math.abs(seconds - 180)).toBeLessThanOrEqual(180 * 0.15);
    expect(atSlow.length).toMatchObject({ speed: 0.7, within: true });
    // About 0.7 of the words (the framing lines are the same): clearly fewer.
    expect(atSlow.wordCount / atReference.wordCount).toBeGreaterThan(0.55);
    expect(atSlow.wordCount / atReference.wordCount).toBeLessThan(0.85);
  });

  it('is deterministic: same input, same script; other input, other phrasing', async () => {
    const a = await writer.write({ documents: [erieCanal, photosynthesis], style: style(3) });
    const b = await writer.write({ documents: [erieCanal, photosynthesis], style: style(3) });
    expect(b).toEqual(a);
    const swapped = await writer.write({ documents: [photosynthesis, erieCanal], style: style(3) });
    expect(swapped.lines.map((l) => l.text)).not.toEqual(a.lines.map((l) => l.text));
  });

  it.each([1, 2, 3, 4])(
    'gives every one of %d hosts lines, never the same host twice in a row',
    async (hostCount) => {
      for (const minutes of [1, 3]) {
        const script = await writer.write({
          documents: richDocuments.slice(0, 3),
          style: style(minutes, hostCount),
        });
        const speakers = new Set(script.lines.map((l) => l.speaker));
        expect(speakers).toEqual(new Set(NAMES.slice(0, hostCount)));
        if (hostCount > 1) expect(repeats(script)).toBe(0);
        // The length holds whatever the number of hosts.
        expect(Math.abs(scriptSeconds(script.lines, 'en') - minutes * 60)).toBeLessThanOrEqual(
          minutes * 60 * 0.15,
        );
        // Each host carries source content, not only greetings, once there is room for it.
        if (minutes === 3) {
          for (const name of NAMES.slice(0, hostCount)) {
            expect(
              script.lines.some((l) => l.speaker === name && l.chapter > 0 && countWords(l.text) > 15),
            ).toBe(true);
          }
        }
      }
    },
  );

  it('reads sentences verbatim from the matching source, lead first, in source order', async () => {
    const documents = [erieCanal, photosynthesis, apollo11];
    const script = await writer.write({ documents, style: style(5) });
    documents.forEach((doc, i) => {
      const chapterText = script.lines
        .filter((l) => l.chapter === i + 1)
        .map((l) => l.text)
        .join(' ');
      const sentences = doc.text.split(/\n+/).flatMap(splitSentences);
      const used = sentences.filter((s) => chapterText.includes(s));
      expect(used.length).toBeGreaterThanOrEqual(3);
      expect(used[0]).toBe(sentences[0]); // the lead sentence opens the chapter
      const offsets = used.map((s) => chapterText.indexOf(s));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      // Nothing from the other sources leaks into this chapter.
      for (const other of documents.filter((d) => d !== doc)) {
        expect(
          other.text
            .split(/\n+/)
            .flatMap(splitSentences)
            .some((s) => chapterText.includes(s)),
        ).toBe(false);
      }
    });
  });

  it('skips boilerplate around scraped articles', async () => {
    const script = await writer.write({ documents: [noisyArticle], style: style(1, 1) });
    const text = script.lines.map((l) => l.text).join(' ');
    expect(text).toContain('The city opened its newest public library branch on Saturday');
    expect(text).toContain('about 40 percent of its electricity');
    for (const junk of [
      'Subscribe',
      'Getty',
      'Copyright',
      'Share this',
      'Read more',
      'Skip to main content',
    ]) {
      expect(text).not.toContain(junk);
    }
  });

  it('uses everything and says so when the sources are too short for the budget', async () => {
    const script = await writer.write({ documents: [thinDocument], style: style(3) });
    const text = script.lines.map((l) => l.text).join(' ');
    for (const sentence of splitSentences(thinDocument.text)) expect(text).toContain(sentence);
    expect(scriptSeconds(script.lines, 'en')).toBeLessThan(180 * 0.85);
    expect(script.length).toMatchObject({ within: false });
    expect(script.length!.warning).toMatch(
      /^the script would last about \d+ s for a target of 180 s: the sources ran out$/,
    );
    expect(script.description).toContain('Shorter than the requested 3 minutes: the sources ran out.');
    expect(script.lines.at(-2)?.text).toContain('Our sources ran short today');
  });

  it('does not claim a shortfall when the budget is met', async () => {
    const script = await writer.write({ documents: richDocuments, style: style(3) });
    expect(script.description).not.toContain('sources ran out');
  });

  it('handles ten sources: ten chapters and the 10-minute budget', async () => {
    // The four fixtures' paragraphs dealt round-robin into ten sources.
    const paragraphs = richDocuments.flatMap((doc) => doc.text.split(/\n\n/));
    const ten = Array.from({ length: 10 }, (_, k) =>
      makeDocument(`Briefing part ${k + 1}`, paragraphs.filter((_, i) => i % 10 === k).join('\n\n')),
    );
    const script = await writer.write({ documents: ten, style: style(10) });
    expect(script.chapters).toHaveLength(12);
    for (let c = 1; c <= 10; c++) expect(script.lines.some((l) => l.chapter === c)).toBe(true);
    const seconds = scriptSeconds(script.lines, 'en');
    expect(seconds).toBeGreaterThanOrEqual(600 * 0.85);
    expect(seconds).toBeLessThanOrEqual(600 * 1.15);
  });

  it('rejects invalid requests as non-retryable', async () => {
    await expect(writer.write({ documents: [], style: style(3) })).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: false,
    });
    const twins: Style = { ...style(3), hosts: [{ name: 'Maya' }, { name: 'maya' }] };
    await expect(writer.write({ documents: [erieCanal], style: twins })).rejects.toBeInstanceOf(
      ProviderError,
    );
  });

  it('writes English only: en and its regions, and a clear non-retryable refusal of another language', async () => {
    expect(writer.languages).toEqual(['en']);
    const british = await writer.write({ documents: [erieCanal], style: { ...style(1), language: 'en-GB' } });
    expect(british.language).toBe('en-GB');
    await expect(
      writer.write({ documents: [erieCanal], style: { ...style(1), language: 'de' } }),
    ).rejects.toMatchObject({
      code: 'SCRIPT_FAILED',
      retryable: false,
      message: expect.stringContaining('writes only English (en), not "de"'),
    });
  });

  it('stops when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('job cancelled'));
    await expect(
      writer.write({ documents: [erieCanal], style: style(3), signal: controller.signal }),
    ).rejects.toThrow('job cancelled');
  });
});
